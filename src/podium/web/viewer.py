"""Who looks at an organiser's page or export: a person signed in to /manage, or a script
with the account's v2 bearer token. The owner (the account's first host) and a script see the
whole account; any other host sees only their own webinars. Everything a viewer may not see
answers exactly like an id that never existed."""

from __future__ import annotations

from dataclasses import dataclass

from podium.db.models import Webinar


@dataclass(frozen=True)
class Viewer:
    account_id: int
    user_id: int | None  # the signed-in host; None for a script (a v2 bearer token)
    is_owner: bool  # the account's first host, or a script: the whole account

    def may_see(self, webinar: Webinar) -> bool:
        if webinar.account_id != self.account_id:
            return False
        return self.is_owner or webinar.host_user_id == self.user_id
