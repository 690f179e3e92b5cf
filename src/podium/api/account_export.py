"""An account's data as JSON: each webinar as the v1 operations show it (get, panelists,
registrants of every status, and each ended session with its reports)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from sqlalchemy.orm import Session

from podium.api.actions import run_for_account
from podium.api.call import ApiContext, Json
from podium.api.params import MAX_PAGE_SIZE
from podium.codes import ApprovalType
from podium.db.models import Webinar
from podium.services import accounts, lookup


def _pages(
    context: ApiContext,
    session: Session,
    account_id: int,
    name: str,
    values: dict[str, str],
    key: str,
) -> Iterator[Json]:
    number = 1
    while True:
        page = run_for_account(
            name,
            values | {"page_size": str(MAX_PAGE_SIZE), "page_number": str(number)},
            context,
            session,
            account_id,
        )
        yield from page[key]
        if number >= page["page_count"]:
            return
        number += 1


def _webinar(context: ApiContext, session: Session, account_id: int, webinar: Webinar) -> Json:
    ids = {"id": str(webinar.id), "host_id": webinar.host.host_id}

    def run(name: str, **extra: str) -> Json:
        return run_for_account(name, ids | extra, context, session, account_id)

    data = run("webinar/get")
    data["panelists"] = run("webinar/panelists")["panelists"]
    if webinar.approval_type != ApprovalType.NO_REGISTRATION:
        pages = partial(_pages, context, session, account_id)
        data["registrants"] = list(pages("webinar/registration", ids, "attendees"))
        if webinar.approval_type == ApprovalType.MANUAL:
            pending = pages("webinar/registrants/list", ids | {"type": "0"}, "users")
            data["pending_registrants"] = list(pending)
    data["sessions"] = [
        {
            **item,
            "attendees": run("webinar/attendees/list", uuid=item["uuid"])["attendees"],
            "polls": run("webinar/polls", uuid=item["uuid"])["questions"],
            "questions": run("webinar/questions", uuid=item["uuid"])["questions"],
        }
        for item in run("webinar/uuid/list")["webinars"]
    ]
    return data


def export_account(session: Session, context: ApiContext, account_id: int) -> Json:
    account = accounts.get_account(session, account_id)
    return {
        "account": {"id": account.id, "name": account.name, "capacity": account.capacity},
        "users": [
            {"host_id": user.host_id, "email": user.email, "webinar": user.has_webinar}
            for user in accounts.list_users(session, account_id)
        ],
        "webinars": [
            _webinar(context, session, account_id, webinar)
            for webinar in lookup.account_webinars(session, account_id)
        ],
    }
