"""Signing in to the dashboard and out of it.

GET  /manage                      → the webinars, or the sign-in page
GET  /manage/login                 the sign-in form (Email, Password)
POST /manage/login                 throttled per e-mail and per address (failures only)
POST /manage/logout                this session ends
POST /manage/logout-everywhere     every session of this host ends
GET  /manage/language?lang=fr      the dashboard's language (a cookie), then back
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from podium.errors import FormExpired, SignInThrottled
from podium.services import sign_in
from podium.services.sign_in import SignedIn
from podium.web.manage_pages import LANGUAGE_COOKIE, LANGUAGES, N_, ManagePages, signed_form
from podium.web.pages import Pages

# Failed sign-ins allowed per 15 minutes: for one e-mail, and from one address.
PER_ACCOUNT = 5
PER_ADDRESS = 20
WINDOW_MINUTES = 15


class SignInThrottle:
    """Failed sign-ins counted in a moving window (the `limits` library: memory, or Redis
    shared by every process when PODIUM_REDIS_URL is set)."""

    def __init__(self, storage_url: str) -> None:
        from limits import RateLimitItemPerMinute
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._account = RateLimitItemPerMinute(PER_ACCOUNT, WINDOW_MINUTES)
        self._address = RateLimitItemPerMinute(PER_ADDRESS, WINDOW_MINUTES)

    def allows(self, email: str, address: str) -> bool:
        return self._limiter.test(
            self._account, "manage-email", email.strip().lower()
        ) and self._limiter.test(self._address, "manage-address", address)

    def failed(self, email: str, address: str) -> None:
        self._limiter.hit(self._account, "manage-email", email.strip().lower())
        self._limiter.hit(self._address, "manage-address", address)


def safe_next(target: str) -> str:
    """Where to go after signing in: a dashboard page of this site, never elsewhere."""
    if target.startswith("/manage") and not target.startswith("//") and "\\" not in target:
        return target
    return "/manage/webinars"


class SignInPages:
    def __init__(self, manage: ManagePages) -> None:
        self.manage = manage
        self.pages = Pages(manage.runtime)
        settings = manage.runtime.settings
        self.throttle = SignInThrottle(settings.redis_url or "memory://")

    def routes(self) -> list[Route]:
        return [
            Route("/manage", self.home),
            Route("/manage/", self.home),
            Route("/manage/login", self.login_form, methods=["GET"]),
            Route("/manage/login", self.login, methods=["POST"]),
            Route("/manage/logout", self.logout, methods=["POST"]),
            Route("/manage/logout-everywhere", self.logout_everywhere, methods=["POST"]),
            Route("/manage/language", self.language),
        ]

    async def home(self, request: Request) -> Response:
        signed = await self.manage.signed_in(request)
        return RedirectResponse("/manage/webinars" if signed else "/manage/login", 303)

    def _form(
        self, request: Request, *, email: str = "", error: str = "", status: int = 200
    ) -> Response:
        cookie = self.pages.new_csrf_cookie(request)
        context: dict[str, Any] = {
            "login_csrf": self.pages.csrf_field(cookie),
            "email": email,
            "error": error,
            "next": safe_next(request.query_params.get("next", "")),
        }
        response = self.manage.render(request, "manage/login.html", context, None, status=status)
        self.pages.set_csrf_cookie(response, cookie)
        return response

    async def login_form(self, request: Request) -> Response:
        if await self.manage.signed_in(request) is not None:
            return RedirectResponse("/manage/webinars", 303)
        return self._form(request)

    async def login(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=20)
        field = form.get("csrf_token")
        if not isinstance(field, str) or not self.pages.csrf_ok(request, field):
            return self.manage.refused(request, FormExpired(), None)
        email = str(form.get("email", ""))[:320]
        password = str(form.get("password", ""))[: sign_in.MAX_PASSWORD]
        address = request.client.host if request.client else "unknown"
        if not self.throttle.allows(email, address):
            return self.manage.refused(request, SignInThrottled(), None)
        now = self.manage.now()

        def work(session: Any) -> str | None:
            user = sign_in.check_password(session, email, password)
            return None if user is None else sign_in.open_session(session, user, now=now)

        token = await self.manage.write(work) if email and password else None
        if token is None:
            self.throttle.failed(email, address)
            return self._form(
                request, email=email, error=N_("The email or the password is wrong."), status=400
            )
        target = safe_next(str(form.get("next", "")))
        response = RedirectResponse(target, 303)
        self.manage.set_session_cookie(response, token)
        return response

    @signed_form
    async def logout(self, _request: Request, signed: SignedIn, _form: FormData) -> Response:
        return await self._end(signed, everywhere=False)

    @signed_form
    async def logout_everywhere(
        self, _request: Request, signed: SignedIn, _form: FormData
    ) -> Response:
        return await self._end(signed, everywhere=True)

    async def _end(self, signed: SignedIn, *, everywhere: bool) -> Response:
        now = self.manage.now()
        if everywhere:
            await self.manage.write(lambda s: sign_in.revoke_all(s, signed.user_id, now=now))
        else:
            await self.manage.write(lambda s: sign_in.revoke(s, signed.session_id, now=now))
        notice = "signed_out_everywhere" if everywhere else "signed_out"
        response = RedirectResponse(f"/manage/login?done={notice}", 303)
        self.manage.clear_session_cookie(response)
        return response

    async def language(self, request: Request) -> Response:
        chosen = request.query_params.get("lang", "")
        back = safe_next(request.query_params.get("back", ""))
        response = RedirectResponse(back, 303)
        if chosen in LANGUAGES:
            response.set_cookie(
                LANGUAGE_COOKIE, chosen, max_age=365 * 86400, path="/manage", samesite="lax"
            )
        return response
