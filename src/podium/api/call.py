"""What a handler gets: the parameters, the session, and the caller's account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from podium.api.params import Params
from podium.clock import Clock
from podium.services import accounts
from podium.services.tokens import Issuer

Json = dict[str, Any]


@dataclass(frozen=True)
class Urls:
    """Links handed out in v1 answers, all on the configured public base URL."""

    public_url: str

    def start_url(self, webinar_id: int, zak: str) -> str:
        return f"{self.public_url}/s/{webinar_id}?zak={zak}"

    def join_url(self, webinar_id: int) -> str:
        return f"{self.public_url}/j/{webinar_id}"

    def personal_url(self, webinar_id: int, token: str) -> str:
        return f"{self.public_url}/w/{webinar_id}?tk={token}"

    def registration_url(self, webinar_id: int) -> str:
        return f"{self.public_url}/webinar/register/{webinar_id}"


@dataclass(frozen=True)
class ApiContext:
    """Everything a call needs besides its parameters and session; built once per app."""

    clock: Clock
    issuer: Issuer
    urls: Urls
    zak_lifetime: timedelta


class WithContext:
    """The context's minting and links, at hand (`issuer`, `urls`)."""

    context: ApiContext

    @property
    def issuer(self) -> Issuer:
        return self.context.issuer

    @property
    def urls(self) -> Urls:
        return self.context.urls


@dataclass(frozen=True)
class Answering(WithContext):
    """What shaping an answer needs besides the data: the app's context and the call's time
    (an ApiCall has both; a shortcut that answers without a session makes one)."""

    context: ApiContext
    now: datetime


@dataclass
class ApiCall(WithContext):
    params: Params
    session: Session
    context: ApiContext
    account_id: int
    now: datetime

    def host(self) -> accounts.Host:
        """The `host_id` user, checked against the caller's account."""
        host_id = self.params.required("host_id", max_length=64)
        return accounts.find_host(self.session, self.account_id, host_id)


Handler = Callable[[ApiCall], Json]


# What the shapes module accepts: both carry the context and the call's time.
Shaping = Answering | ApiCall
