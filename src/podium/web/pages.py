"""What every public page shares: rendering in the reader's language, refusals as pages,
and the CSRF field of their forms. The pages themselves: web/public/ (registration,
confirmation, calendar), web/rooms.py (console, rooms, join), web/cancel.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from podium.errors import FormExpired, ZoomError
from podium.web.errors import PRIVATE, page_refusal
from podium.web.public import i18n
from podium.web.public.texts import js_strings
from podium.web.runtime import Runtime

CSRF_COOKIE = "podium_csrf"


class Pages:
    """The page handlers' shared tools, over one app's runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def locale(self, request: Request, language: str = "") -> str:
        return i18n.page_locale(request.headers.get("accept-language", ""), language)

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        language: str = "",
    ) -> Response:
        """`name` in the reader's language: `language` (a registrant's own), else their
        browser's."""
        locale = self.locale(request, language)
        return self.answer(self.html(name, context, locale), locale, status, headers)

    def html(self, name: str, context: dict[str, Any], locale: str) -> str:
        """The page `name` in `locale`, as text."""
        shared = {
            "html_lang": i18n.html_lang(locale),
            "locale": locale,
            "js_strings": js_strings(locale),
        }
        return i18n.environment(locale).get_template(name).render({**context, **shared})

    def answer(
        self, html: str, locale: str, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        answer_headers = {"Content-Language": i18n.html_lang(locale), **(headers or {})}
        return HTMLResponse(html, status, headers=answer_headers)

    def not_found(self, request: Request) -> Response:
        context = {
            "title": "Webinar not found",
            "message": "This webinar does not exist, or it was deleted.",
        }
        return self.render(request, "error.html", context, status=404)

    def refused(self, request: Request, error: ZoomError, *, language: str = "") -> Response:
        """A person's request refused: the page says why, with the error's status."""
        context, status, headers = page_refusal(error)
        return self.render(
            request, "error.html", context, status=status, headers=headers, language=language
        )

    def form_expired(self, request: Request) -> Response:
        return self.refused(request, FormExpired())

    # -- CSRF --------------------------------------------------------------------------------

    def new_csrf_cookie(self, request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)

    def set_csrf_cookie(self, response: Response, cookie: str) -> None:
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")

    def csrf_field(self, cookie: str) -> str:
        key = self.runtime.context.issuer.key
        return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, field: str) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(field, self.csrf_field(cookie)):
            return False
        origin = request.headers.get("origin")
        if origin is None:
            return True
        public = urlsplit(self.runtime.settings.public_url)
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin in (f"{public.scheme}://{public.netloc}", own)


__all__ = ["CSRF_COOKIE", "PRIVATE", "Pages"]
