"""GET /manage/webinars/{id}/{registrants|attendees|absentees|polls|questions}.csv: the
organiser's CSV exports (docs/exports.md), streamed batch by batch (services/exports.py),
UTF-8 with a BOM, every cell a spreadsheet could take for a formula neutralised.

Who may read one: a viewer (web/viewer.py) found by the injected `find_viewer` (a session
cookie, or the account's v2 bearer token). No viewer: 401 (plain text). A webinar the viewer
may not see, of another account, deleted or never created: the same 404. A session that has
not ended (or a `uuid` that is not one of this webinar's ended sessions): 404 saying so.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from podium.db.models import Webinar, WebinarInstance
from podium.errors import WebinarNotEnded, WebinarNotFound
from podium.services import exports, lookup, reports
from podium.web.manage_bearer import FindViewer
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer

# A cell starting with one of these is a formula (or can become one) in spreadsheet apps.
FORMULA_STARTS = frozenset("=+-@\t\r")
NOT_FOUND = "There is no webinar at this address."
NOT_ENDED = "This webinar has no ended session with that uuid, or none yet."
SIGN_IN = "Sign in at /manage, or send the account's v2 token: Authorization: Bearer <token>."
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}

Batches = Callable[[exports.Read[list[Any]], exports.Source], Iterator[list[exports.Row]]]
KINDS: dict[str, tuple[tuple[str, ...], Batches]] = {
    "registrants": (exports.REGISTRANT_COLUMNS, exports.registrants),
    "attendees": (exports.ATTENDEE_COLUMNS, exports.attendees),
    "absentees": (exports.ABSENTEE_COLUMNS, exports.absentees),
    "polls": (exports.POLL_COLUMNS, exports.poll_answers),
    "questions": (exports.QUESTION_COLUMNS, exports.questions),
}


def neutralised(cell: str) -> str:
    """`'=1+1`, not `=1+1`: the cell stays text in a spreadsheet (OWASP's CSV injection)."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def visible_webinar(session: Session, viewer: Viewer, webinar_id: str) -> Webinar:
    """The webinar if the viewer may see it; WebinarNotFound (as for an unknown id) else."""
    webinar = lookup.find_webinar(session, webinar_id, account_id=viewer.account_id)
    if not viewer.may_see(webinar):
        raise WebinarNotFound(webinar_id=webinar_id[:40])
    return webinar


def asked_uuid(request: Request) -> str | None:
    """`?uuid=`; a uuid sent raw in a query string has its "+" turned into spaces."""
    uuid = request.query_params.get("uuid")
    return None if not uuid else uuid[:64].replace(" ", "+")


def csv_chunks(columns: tuple[str, ...], batches: Iterator[list[exports.Row]]) -> Iterator[bytes]:
    """The BOM and the header, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralised(cell) for cell in row] for row in batch)
        yield buffer.getvalue().encode()


class Exports:
    def __init__(self, runtime: Runtime, find_viewer: FindViewer) -> None:
        self.runtime = runtime
        self.find_viewer = find_viewer

    def routes(self) -> list[Route]:
        return [
            Route(f"/manage/webinars/{{webinar_id}}/{kind}.csv", self.export, methods=["GET"])
            for kind in KINDS
        ]

    async def export(self, request: Request) -> Response:
        viewer = await self.find_viewer(request)
        if viewer is None:
            headers = {"WWW-Authenticate": 'Bearer realm="podium"', **NO_STORE}
            return PlainTextResponse(SIGN_IN, 401, headers=headers)
        kind = request.url.path.rsplit("/", 1)[-1].removesuffix(".csv")
        columns, batches = KINDS[kind]
        webinar_id, uuid = request.path_params["webinar_id"], asked_uuid(request)

        def work(session: Session) -> tuple[str, exports.Source]:
            webinar = visible_webinar(session, viewer, webinar_id)
            instance: WebinarInstance | None = None
            if kind != "registrants":
                instance = reports.ended_instance(session, webinar, uuid)
            name = f"webinar-{webinar.id}-{kind}"
            if instance is not None:
                name += "-" + instance.started_at.strftime("%Y%m%dT%H%MZ")
            return name, exports.source(webinar, instance)

        try:
            name, source = self.runtime.run(work, writes=False)
        except WebinarNotFound:
            return PlainTextResponse(NOT_FOUND, 404, headers=NO_STORE)
        except WebinarNotEnded:
            return PlainTextResponse(NOT_ENDED, 404, headers=NO_STORE)
        chunks = csv_chunks(columns, batches(self.runtime.read, source))

        async def stream() -> AsyncIterator[bytes]:
            # Each batch is one short read, inline like every read of this app
            # (web/runtime.py: a hop to a thread costs more than a batch of rows).
            for chunk in chunks:
                yield chunk

        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"', **NO_STORE}
        return StreamingResponse(stream(), media_type="text/csv; charset=utf-8", headers=headers)
