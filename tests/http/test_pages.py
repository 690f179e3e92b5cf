"""The registration page: what it shows, what it asks, how it confirms; closed webinars in
words; CSRF; personal links (the browser tests drive the same pages)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.codes import CustomQuestionType
from podium.db.models import Account, Webinar
from podium.services import questions
from podium.services.questions import CustomQuestion, StandardQuestion
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.page_helpers import FormField, Tree, form_fields, page
from tests.http.registration_helpers import (
    SERIES_OCCURRENCES,
    create_series,
    create_webinar,
    personal_link,
    register,
    registrant_rows,
    statuses,
)

FORM = questions.validated(
    [
        StandardQuestion("last_name", required=True),
        StandardQuestion("city", required=False),
        StandardQuestion("no_of_employees", required=True),
        StandardQuestion("comments", required=False),
    ],
    [
        CustomQuestion("Team", CustomQuestionType.SINGLE_RADIO, True, ("Red", "Blue")),
        CustomQuestion("Topics", CustomQuestionType.MULTIPLE, False, ("API", "UI")),
        CustomQuestion("Size", CustomQuestionType.SINGLE_DROPDOWN, False, ("S", "L")),
        CustomQuestion("Why", CustomQuestionType.SHORT, False),
    ],
)


def with_form(session: Session, webinar_id: int) -> None:
    webinar = session.execute(select(Webinar).where(Webinar.id == webinar_id)).scalar_one()
    questions.set_questions(session, webinar, FORM, now=NOW)


def post(
    client: TestClient, webinar_id: int, pairs: list[tuple[str, str]], **headers: str
) -> tuple[int, Tree, str]:
    response = client.post(
        f"/webinar/register/{webinar_id}",
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
    )
    return response.status_code, Tree(response.text), response.text


def submit(client: TestClient, webinar_id: int, csrf: str, **fields: str) -> tuple[int, Tree, str]:
    person = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@x.io", **fields}
    return post(client, webinar_id, [("csrf", csrf), *person.items()])


def test_register_page_shows_topic_and_time_in_the_webinars_zone_or_the_one_asked(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, topic="Launch <b>", timezone="Europe/Berlin")

    default, _ = page(client, f"/webinar/register/{webinar_id}")
    tokyo, _ = page(client, f"/webinar/register/{webinar_id}?tz=Asia/Tokyo")

    assert default.text(id="topic") == "Launch <b>"
    assert default.text(data_testid="when") == (
        "Sunday, February 1, 2026 11:00 AM – 12:00 PM (Berlin, Germany)"
    )
    assert tokyo.text(data_testid="when") == (
        "Sunday, February 1, 2026 7:00 PM – 8:00 PM (Tokyo, Japan)"
    )
    [when] = default.find(data_testid="when")
    assert (when.attrs["data-start"], when.attrs["data-end"]) == (
        "2026-02-01T10:00:00+00:00",
        "2026-02-01T11:00:00+00:00",
    )


def test_the_time_zone_list_holds_real_zones_only(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account, timezone="US/Eastern")  # an alias: kept

    tree, _ = page(client, f"/webinar/register/{webinar_id}")

    options = {o.attrs["value"]: o.content() for o in tree.tags("option") if o.attrs.get("value")}
    assert options["Europe/Paris"] == "Paris, France (UTC+01:00)"
    assert options["America/New_York"] == "New York, United States (UTC-05:00)"
    assert options["UTC"] == "UTC (UTC+00:00)"
    assert options["US/Eastern"] == "US/Eastern (UTC-05:00)"
    assert {"Factory", "localtime", "posixrules", "Etc/GMT+5", "GB"}.isdisjoint(options)
    assert len(options) == 420  # zone.tab's 418, UTC, and the webinar's own


def test_register_page_asks_the_webinars_questions(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    plain, _ = page(client, f"/webinar/register/{webinar_id}")
    with_form(session, webinar_id)

    tree, _ = page(client, f"/webinar/register/{webinar_id}")

    assert form_fields(plain) == [
        FormField("first_name", "First name", "text", True),
        FormField("last_name", "Last name", "text", False),
        FormField("email", "E-mail address", "email", True),
    ]
    assert form_fields(tree) == [
        FormField("first_name", "First name", "text", True),
        FormField("last_name", "Last name", "text", True),
        FormField("email", "E-mail address", "email", True),
        FormField("city", "City", "text", False),
        FormField("no_of_employees", "Number of employees", "select", True),
        FormField("comments", "Questions and comments", "textarea", False),
        FormField("cq-0", "Team", "radio", True),
        FormField("cq-1", "Topics", "checkbox", False),
        FormField("cq-2", "Size", "select", False),
        FormField("cq-3", "Why", "text", False),
    ]
    assert [o.attrs["value"] for o in tree.find(id="f-cq-2")[0].children] == ["", "S", "L"]


def test_register_page_marks_each_answer_to_fix_and_keeps_the_others(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    with_form(session, webinar_id)
    _, csrf = page(client, f"/webinar/register/{webinar_id}")

    status, tree, _ = post(
        client,
        webinar_id,
        [
            ("csrf", csrf),
            ("first_name", "Ada"),
            ("email", "ada-at-x.io"),
            ("city", "Paris"),
            ("no_of_employees", "a million"),
            ("cq-1", "API"),
            ("cq-1", "Nope"),
        ],
    )

    assert status == 400
    errors = {node.attrs["id"]: node.content() for node in tree.find(**{"class": "field-error"})}
    assert errors == {
        "email-error": "Enter an e-mail address such as name@example.com.",
        "no_of_employees-error": "Choose one of the answers offered.",
        "last_name-error": "Please answer this question.",
        "cq-0-error": "Please answer this question.",
        "cq-1-error": "Choose one of the answers offered.",
    }
    assert tree.find(id="f-city")[0].attrs["value"] == "Paris"
    assert tree.find(name="cq-1", value="API")[0].attrs.get("checked") == ""
    assert tree.find(id="f-last_name")[0].attrs["aria-invalid"] == "true"
    assert registrant_rows(session) == []


def test_register_page_confirms_with_the_date_a_join_button_and_calendars(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account, timezone="Europe/Paris", duration=90)
    with_form(session, webinar_id)
    _, csrf = page(client, f"/webinar/register/{webinar_id}")

    status, tree, html = post(
        client,
        webinar_id,
        [
            ("csrf", csrf),
            ("tz", "America/New_York"),
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("email", "ada@x.io"),
            ("no_of_employees", "1-20"),
            ("cq-0", "Blue"),
            ("cq-1", "API"),
            ("cq-1", "UI"),
        ],
    )

    [row] = registrant_rows(session)
    link = personal_link(runtime, webinar_id, row)
    token = link.rsplit("tk=", 1)[1]
    assert status == 200
    assert tree.text(id="done") == "You are registered"
    assert tree.text(data_testid="when") == (
        "Sunday, February 1, 2026 5:00 AM – 6:30 AM (New York, United States)"
    )
    assert tree.find(data_testid="join")[0].attrs["href"] == link
    assert tree.find(data_testid="ics")[0].attrs["href"] == (
        f"/w/{webinar_id}/calendar.ics?tk={token}"
    )
    google, outlook = (a.attrs["href"] for a in tree.tags("a") if "target" in a.attrs)
    assert parse_qs(urlsplit(google).query) == {
        "action": ["TEMPLATE"],
        "text": ["Launch"],
        "dates": ["20260201T100000Z/20260201T113000Z"],
        "details": [f"https://podium.test/webinar/register/{webinar_id}"],
        "location": [f"https://podium.test/webinar/register/{webinar_id}"],
    }
    assert urlsplit(outlook).netloc == "outlook.live.com"
    assert token not in google + outlook  # other sites never get a personal link
    assert html.count(token) == 2  # the Join button and the .ics: nowhere else
    assert (row.status, row.language, row.no_of_employees) == ("approved", "en-US", "1-20")
    assert json.loads(row.custom_questions) == [
        {"title": "Team", "value": "Blue"},
        {"title": "Topics", "value": "API;UI"},
    ]


def test_register_page_pending_says_what_happens_next(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    _, csrf = page(client, f"/webinar/register/{webinar_id}")

    status, tree, html = submit(client, webinar_id, csrf)

    assert status == 200
    assert tree.text(id="done") == "Registration received"
    assert tree.text(data_testid="pending") == (
        "Waiting for the host's approval. The host approves each registration. Once yours is "
        "approved, your personal link to join arrives at ada@x.io. There is nothing else to do "
        "now."
    )
    assert tree.find(data_testid="ics")[0].attrs["href"] == (
        f"/webinar/register/{webinar_id}/calendar.ics"
    )
    assert "/w/" not in html
    assert statuses(session) == {"ada@x.io": "pending"}


def test_register_page_speaks_the_readers_language(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, timezone="Europe/Paris")
    french = {"accept-language": "de-CH, fr-FR;q=0.8, en;q=0.5"}
    tree, csrf = page(client, f"/webinar/register/{webinar_id}", **french)

    status, done, _ = post(
        client,
        webinar_id,
        [("csrf", csrf), ("first_name", "Ada"), ("last_name", "L"), ("email", "ada@x.io")],
        **french,
    )

    assert tree.tags("html")[0].attrs["lang"] == "fr"
    assert tree.text(data_testid="when") == (
        "dimanche 1 février 2026 11:00 – 12:00 (Paris, France)"
    )
    assert [f.label for f in form_fields(tree)] == ["Prénom", "Nom", "Adresse e-mail"]
    assert (status, done.text(id="done")) == (200, "Vous êtes inscrit")
    assert [row.language for row in registrant_rows(session)] == ["fr-FR"]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "ended",
            (
                410,
                "This webinar has ended",
                "The host has ended this webinar: it takes no more registrations.",
            ),
        ),
        (
            "over",
            (
                410,
                "This webinar is over",
                "Its scheduled time has passed: it takes no more registrations.",
            ),
        ),
        (
            "full",
            (409, "This webinar is full", "Every seat is taken: it takes no more registrations."),
        ),
        (
            "no registration",
            (
                410,
                "No registration needed",
                "Anyone with its join link can come in: there is nothing to register for.",
            ),
        ),
    ],
)
def test_a_closed_webinar_says_why_in_words(
    case: str,
    expected: tuple[int, str, str],
    client: TestClient,
    account: AccountKeys,
    clock: FixedClock,
    session: Session,
) -> None:
    webinar_id = create_webinar(
        client, account, approval_type=2 if case == "no registration" else 0
    )
    if case == "ended":
        v1(client, "webinar/end", account.host_params(id=webinar_id))
    if case == "over":
        clock.advance(days=30)
    if case == "full":
        session.get_one(Account, account.account_id).capacity = 1
        session.flush()
        register(client, account, webinar_id, "first@x.io")

    response = client.get(f"/webinar/register/{webinar_id}")

    tree = Tree(response.text)
    status, title, message = expected
    assert response.status_code == status
    assert (tree.text(id="closed"), tree.text(role="status")) == (title, message)
    assert "register-form" not in response.text
    joins = [
        a.attrs["href"] for a in tree.tags("a") if a.attrs["href"].endswith(f"/j/{webinar_id}")
    ]
    assert joins == ([f"https://podium.test/j/{webinar_id}"] if case == "no registration" else [])


def test_a_webinar_that_fills_up_while_the_form_is_open_says_so(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = page(client, f"/webinar/register/{webinar_id}")
    session.get_one(Account, account.account_id).capacity = 1
    session.flush()
    register(client, account, webinar_id, "first@x.io")

    status, tree, _ = submit(client, webinar_id, csrf)

    assert (status, tree.text(id="closed")) == (409, "This webinar is full")
    assert statuses(session) == {"first@x.io": "approved"}


@pytest.mark.parametrize("case", ["unknown", "deleted", "garbage"])
def test_register_page_is_404_when_there_is_no_such_webinar(
    case: str, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    if case == "deleted":
        v1(client, "webinar/delete", account.host_params(id=webinar_id))
    target = {"unknown": "1234567890", "garbage": "abc"}.get(case, str(webinar_id))

    get = client.get(f"/webinar/register/{target}")
    post_ = client.post(f"/webinar/register/{target}")

    assert get.status_code == 404
    assert Tree(get.text).text(id="error-title") == "Webinar not found"
    assert post_.status_code == 403  # no CSRF cookie: refused before anything is looked up


def test_register_page_chooses_occurrences(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=3)
    tree, csrf = page(client, f"/webinar/register/{webinar_id}")
    person = [("csrf", csrf), ("first_name", "A"), ("last_name", "B"), ("email", "a@x.io")]

    none_chosen, again, _ = post(client, webinar_id, person)
    status, _, _ = post(
        client,
        webinar_id,
        [
            *person,
            ("occurrence_ids", SERIES_OCCURRENCES[0]),
            ("occurrence_ids", SERIES_OCCURRENCES[2]),
        ],
    )

    assert [n.attrs["value"] for n in tree.find(name="occurrence_ids")] == SERIES_OCCURRENCES
    assert none_chosen == 400
    assert again.text(id="form-errors") == (
        "Please check the answers marked below. Invalid parameter: occurrence_ids. "
        "This webinar registers per occurrence: name one or more."
    )
    assert status == 200
    body = v1(
        client,
        "webinar/registration",
        account.host_params(id=webinar_id, occurrence_id=SERIES_OCCURRENCES[1]),
    )
    assert body["attendees"] == []
    assert [row.email for row in registrant_rows(session)] == ["a@x.io"]


def test_register_page_refuses_a_form_without_its_csrf_field_or_from_another_site(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = page(client, f"/webinar/register/{webinar_id}")

    forged, tree, _ = submit(client, webinar_id, "0" * 64)
    foreign = client.post(
        f"/webinar/register/{webinar_id}",
        headers={"origin": "https://evil.test"},
        data={"csrf": csrf, "first_name": "A", "last_name": "B", "email": "a@x.io"},
    )

    assert forged == foreign.status_code == 403
    assert tree.text(role="alert") == (
        "This form expired or came from another site. Reload the page and try again."
    )
    assert registrant_rows(session) == []


def test_personal_link_of_an_approved_registrant_opens(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    link = register(client, account, webinar_id, "ada@x.io")["join_url"]

    response = client.get(link.replace("https://podium.test", ""))

    assert response.status_code == 200
    assert Tree(response.text).text(**{"class": "welcome"}) == "Welcome, Ada Lovelace."
    assert response.headers["referrer-policy"] == "no-referrer"


def test_personal_link_speaks_the_registrants_language(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    link = register(client, account, webinar_id, "ada@x.io", language="es")["join_url"]

    response = client.get(
        link.replace("https://podium.test", ""), headers={"accept-language": "fr"}
    )

    tree = Tree(response.text)
    assert tree.tags("html")[0].attrs["lang"] == "es"
    assert tree.text(**{"class": "welcome"}) == "Bienvenido/a, Ada Lovelace."


def test_personal_link_of_a_panelist_opens(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account, panelists='[{"name": "Pan", "email": "p@x.io"}]')
    [panelist] = v1(client, "webinar/panelists", account.host_params(id=webinar_id))["panelists"]

    response = client.get(panelist["join_url"].replace("https://podium.test", ""))

    tree = Tree(response.text)
    assert response.status_code == 200
    assert tree.text(**{"class": "welcome"}) == "Welcome, Pan."
    assert tree.text(id="green-room-title") == "Green room"


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("pending", "This registration is waiting for the host's approval."),
        ("cancelled", "This registration was cancelled."),
        ("forged", "This link is not valid."),
        ("other webinar", "This link is not valid."),
    ],
)
def test_personal_link_refusals_are_403_with_the_reason(
    case: str, reason: str, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    answer = register(client, account, webinar_id, "ada@x.io")
    link = answer["join_url"].replace("https://podium.test", "")
    if case == "cancelled":
        v1(
            client,
            "webinar/registration/cancel",
            account.host_params(id=webinar_id, registrant_ids=answer["registrant_id"]),
        )
    if case == "forged":
        link = f"/w/{webinar_id}?tk=" + "A" * 43
    if case == "other webinar":
        link = link.replace(f"/w/{webinar_id}", "/w/1234567890")

    response = client.get(link)

    assert response.status_code == 403
    assert Tree(response.text).text(role="alert") == reason
    assert "Welcome" not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_unknown_pages_are_html(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    wrong_method = client.delete("/healthz")
    api = client.post("/v1/webinar/nope")

    assert missing.status_code == 404
    assert Tree(missing.text).text(role="alert") == "There is no page at this address."
    assert missing.headers["content-type"].startswith("text/html")
    assert wrong_method.status_code == 405
    assert "DELETE is not allowed at this address." in wrong_method.text
    assert api.json() == {
        "error": {"code": 404, "message": "Unknown API endpoint: /v1/webinar/nope"}
    }


def test_the_front_page_says_where_the_api_is(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "<code>https://podium.test/v1</code>" in response.text


def test_personal_link_of_a_series_shows_its_next_session(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_series(client, account, registration_type=1)
    link = register(client, account, webinar_id, "ada@x.io")["join_url"]

    response = client.get(link.replace("https://podium.test", ""))

    assert response.status_code == 200
    assert Tree(response.text).text(data_testid="when") == (
        "Sunday, February 1, 2026 10:00 AM – 11:00 AM (UTC)"
    )
