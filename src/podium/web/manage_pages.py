"""What every dashboard page (/manage) shares: who is signed in, rendering in the reader's
language, the CSRF check of every form, refusals as pages.

A handler says who may use it by its decorator: @signed_page, @owner_page (a page),
@signed_form, @owner_form (a form's action: the CSRF check too); it then receives the
signed-in host (and the checked form) and never meets anyone else.

The pages: web/manage_auth.py (sign-in, sign-out), manage_webinars.py, manage_schedule.py
(the webinar form), manage_registrants.py, manage_account.py, manage_live.py.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import quote, urlsplit

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from podium.db.models import Webinar
from podium.errors import FormExpired, WebinarNotFound, ZoomError
from podium.mail.languages import catalog
from podium.services import sign_in
from podium.services.sign_in import SignedIn
from podium.web.errors import PRIVATE, page_refusal
from podium.web.manage_exports import visible_webinar
from podium.web.public import i18n
from podium.web.public.texts import N_ as N_  # marks texts for the catalogs
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer

if TYPE_CHECKING:
    from babel.support import NullTranslations
    from jinja2 import Environment

T = TypeVar("T")
SESSION_COOKIE = "podium_manage"
LANGUAGE_COOKIE = "podium_lang"
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "zh_Hans_CN": "中文"}
MAX_FIELDS = 5000  # a bulk action names at most a page of registrants


# Texts that reach the templates as values (statuses, roles, refusals of the dashboard).
SHOWN_LATER = (
    N_("approved"),
    N_("pending"),
    N_("denied"),
    N_("cancelled"),
    N_("sent"),
    N_("failed"),
    N_("Too many attempts"),
    N_("Too many failed sign-ins. Wait a few minutes and try again."),
    N_("first"),
    N_("second"),
    N_("third"),
    N_("fourth"),
    N_("last"),
)


@cache
def translations(locale: str) -> NullTranslations:
    """The dashboard's catalog (locales/*/manage.po) over the pages' one."""
    from babel.support import Translations

    own = catalog("podium.web", "manage", locale)
    if not isinstance(own, Translations):
        return own  # English: the templates' own text
    merged = Translations()
    merged.merge(catalog("podium.web", "pages", locale))  # type: ignore[arg-type]
    merged.merge(own)
    return merged


@cache
def environment(locale: str) -> Environment:
    return i18n.template_environment(translations(locale))


def session_of(runtime: Runtime, request: Request, now: datetime) -> SignedIn | None:
    """The live dashboard session the request's cookie names (None: none), as it was."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return runtime.run(lambda session: sign_in.find_session(session, token, now=now), writes=False)


def page_number(request: Request) -> int:
    """`?page=`: a whole number from 1 to 99999 (else 1)."""
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and 0 < len(text) < 6 and int(text) > 0 else 1


def viewer_of(signed: SignedIn) -> Viewer:
    return Viewer(signed.account_id, signed.user_id, signed.is_owner)


class ManagePages:
    """The dashboard handlers' shared tools, over one app's runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.secure = runtime.settings.public_url.startswith("https://")

    def now(self) -> Any:
        return self.runtime.context.clock.now()

    # -- who is signed in ------------------------------------------------------------------

    async def host(self, request: Request, *, owner: bool = False) -> SignedIn | Response:
        """Who is signed in; else the sign-in page (then back here). With `owner`, a host who
        is not the account's owner meets "not found"."""
        signed = await self.signed_in(request)
        if signed is None:
            return self.to_login(request)
        if owner and not signed.is_owner:
            return self.not_found(request, signed)
        return signed

    async def signed_in(self, request: Request) -> SignedIn | None:
        now = self.now()
        signed = session_of(self.runtime, request, now)
        if signed is not None and signed.stale:
            session_id = signed.session_id
            await self.runtime.transact(
                lambda session: sign_in.touch(session, session_id, now=now), writes=True
            )
        return signed

    def set_session_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(sign_in.ABSOLUTE.total_seconds()),
            path="/manage",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear_session_cookie(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, path="/manage", secure=self.secure, httponly=True, samesite="lax"
        )

    def to_login(self, request: Request) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/manage/login?next={quote(target, safe='')}", 303)

    # -- rendering ---------------------------------------------------------------------------

    def locale(self, request: Request) -> str:
        chosen = request.cookies.get(LANGUAGE_COOKIE, "")
        if chosen in LANGUAGES:
            return chosen
        return i18n.negotiate(request.headers.get("accept-language", ""))

    def gettext(self, request: Request, message: str) -> str:
        return translations(self.locale(request)).gettext(message)

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        signed: SignedIn | None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        locale = self.locale(request)
        shared = {
            "html_lang": i18n.html_lang(locale),
            "locale": locale,
            "languages": LANGUAGES,
            "signed": signed,
            "csrf": signed.csrf_token if signed is not None else "",
            "here": request.url.path,
            "notice": context.get("notice_key") or request.query_params.get("done", ""),
        }
        html = environment(locale).get_template(name).render({**context, **shared})
        answer_headers = {"Content-Language": i18n.html_lang(locale), **PRIVATE, **(headers or {})}
        return HTMLResponse(html, status, headers=answer_headers)

    def refused(self, request: Request, error: ZoomError, signed: SignedIn | None) -> Response:
        context, status, headers = page_refusal(error)
        headers.update(PRIVATE)
        headers.update(error.headers)
        return self.render(
            request, "manage/error.html", context, signed, status=status, headers=headers
        )

    def not_found(self, request: Request, signed: SignedIn | None) -> Response:
        context = {"title": "Page not found", "message": "There is no page at this address."}
        return self.render(request, "manage/error.html", context, signed, status=404)

    # -- forms -------------------------------------------------------------------------------

    def same_origin(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is None:
            return True
        public = urlsplit(self.runtime.settings.public_url)
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin in (f"{public.scheme}://{public.netloc}", own)

    async def checked_form(self, request: Request, signed: SignedIn) -> FormData | Response:
        """The posted form, if it carries this session's CSRF token and came from here; a
        refusal page otherwise (nothing was done)."""
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        field = form.get("csrf_token")
        if (
            not isinstance(field, str)
            or not hmac.compare_digest(field.encode(), signed.csrf_token.encode())
            or not self.same_origin(request)
        ):
            return self.refused(request, FormExpired(), signed)
        return form

    # -- webinars a viewer may see -----------------------------------------------------------

    def webinar_for(self, session: Session, signed: SignedIn, webinar_id: str | int) -> Webinar:
        """The webinar if this host may see it; WebinarNotFound (like an id that never
        existed) otherwise."""
        return visible_webinar(session, viewer_of(signed), str(webinar_id))

    def page(
        self,
        request: Request,
        signed: SignedIn,
        template: str,
        work: Callable[[Session], dict[str, Any]],
        *,
        missing: type[ZoomError] = WebinarNotFound,
    ) -> Response:
        """The page `template` over what `work` reads; "not found" (as for an id that never
        existed) when what it looks for is not this viewer's (`missing`)."""
        try:
            context = self.read(work)
        except missing:
            return self.not_found(request, signed)
        return self.render(request, template, context, signed)

    def read(self, work: Callable[[Session], T]) -> T:
        return self.runtime.run(work, writes=False)

    async def write(self, work: Callable[[Session], T]) -> T:
        return await self.runtime.transact(work, writes=True)


class Dashboard(Protocol):
    """A group of dashboard handlers (WebinarPages, AccountPages, …)."""

    manage: ManagePages


D = TypeVar("D", bound=Dashboard)
Endpoint = Callable[[D, Request], Awaitable[Response]]
PageHandler = Callable[[D, Request, SignedIn], Awaitable[Response]]
FormHandler = Callable[[D, Request, SignedIn, FormData], Awaitable[Response]]


def _page(handler: PageHandler[D], *, owner: bool) -> Endpoint[D]:
    @wraps(handler)
    async def endpoint(pages: D, request: Request) -> Response:
        signed = await pages.manage.host(request, owner=owner)
        if isinstance(signed, Response):
            return signed
        return await handler(pages, request, signed)

    return endpoint


def _form(handler: FormHandler[D], *, owner: bool) -> Endpoint[D]:
    @wraps(handler)
    async def with_form(pages: D, request: Request, signed: SignedIn) -> Response:
        form = await pages.manage.checked_form(request, signed)
        if isinstance(form, Response):
            return form
        return await handler(pages, request, signed, form)

    return _page(with_form, owner=owner)


def signed_page(handler: PageHandler[D]) -> Endpoint[D]:
    """A page for a signed-in host: `handler(pages, request, signed)`; nobody signed in
    goes to the sign-in page first."""
    return _page(handler, owner=False)


def owner_page(handler: PageHandler[D]) -> Endpoint[D]:
    """A page for the account's owner; another host meets "not found"."""
    return _page(handler, owner=True)


def signed_form(handler: FormHandler[D]) -> Endpoint[D]:
    """A form's action for a signed-in host: `handler(pages, request, signed, form)`, the form
    carrying this session's CSRF token (else a refusal page, and nothing was done)."""
    return _form(handler, owner=False)


def owner_form(handler: FormHandler[D]) -> Endpoint[D]:
    """A form's action for the account's owner (checked before the form)."""
    return _form(handler, owner=True)


def done(path: str, notice: str) -> Response:
    """After a form worked: back to a page, which says what happened (Post/Redirect/Get)."""
    separator = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{separator}done={quote(notice)}", 303)
