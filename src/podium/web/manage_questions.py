"""The registration form's questions of a webinar, through the rules the v2 API uses
(services/questions.validated, set_questions).

    GET  /manage/webinars/{id}/questions    which standard fields the form asks (optional or
    POST                                    required) and the host's own questions
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.codes import QUESTION_FIELDS, CustomQuestionType
from podium.errors import InvalidParameter, WebinarNotFound
from podium.services import questions
from podium.services.questions import CustomQuestion, RegistrationQuestions, StandardQuestion
from podium.services.sign_in import SignedIn
from podium.web.manage_pages import ManagePages, done, signed_page

BLANK_ROWS = 2  # empty custom questions offered below the existing ones
MAX_ROWS = questions.MAX_CUSTOM_QUESTIONS


def form_of(current: RegistrationQuestions) -> dict[str, Any]:
    asked = {q.field_name: "required" if q.required else "optional" for q in current.standard}
    custom = [
        {
            "title": q.title,
            "type": q.type.value,
            "required": q.required,
            "answers": "\n".join(q.answers),
        }
        for q in current.custom
    ]
    custom += [{"title": "", "type": "short", "required": False, "answers": ""}] * BLANK_ROWS
    return {"asked": {f: asked.get(f, "no") for f in QUESTION_FIELDS}, "custom": custom}


def read(form: FormData) -> tuple[list[StandardQuestion], list[CustomQuestion]]:
    standard = [
        StandardQuestion(name, form.get(f"ask_{name}") == "required")
        for name in QUESTION_FIELDS
        if form.get(f"ask_{name}") in ("optional", "required")
    ]
    custom = []
    for index in range(MAX_ROWS + BLANK_ROWS):
        title = str(form.get(f"custom_title_{index}", "")).strip()[:300]
        if not title:
            continue
        kind = str(form.get(f"custom_type_{index}", "short"))
        if kind not in {t.value for t in CustomQuestionType}:
            raise InvalidParameter(name="custom_questions", reason=f"{title}: choose a type.")
        answers = str(form.get(f"custom_answers_{index}", "")).splitlines()
        custom.append(
            CustomQuestion(
                title,
                CustomQuestionType(kind),
                form.get(f"custom_required_{index}") == "yes",
                tuple(a for a in (a.strip() for a in answers) if a),
            )
        )
    return standard, custom


def posted(form: FormData) -> dict[str, Any]:
    """The form as sent, shown again beside an error."""
    rows = []
    for index in range(MAX_ROWS + BLANK_ROWS):
        if f"custom_title_{index}" in form:
            rows.append(
                {
                    "title": str(form.get(f"custom_title_{index}", "")),
                    "type": str(form.get(f"custom_type_{index}", "short")),
                    "required": form.get(f"custom_required_{index}") == "yes",
                    "answers": str(form.get(f"custom_answers_{index}", "")),
                }
            )
    asked = {f: str(form.get(f"ask_{f}", "no")) for f in QUESTION_FIELDS}
    return {"asked": asked, "custom": rows}


class QuestionPages:
    def __init__(self, manage: ManagePages) -> None:
        self.manage = manage

    def routes(self) -> list[Route]:
        return [
            Route("/manage/webinars/{webinar_id:int}/questions", self.page, methods=["GET", "POST"])
        ]

    @signed_page
    async def page(self, request: Request, signed: SignedIn) -> Response:
        webinar_id = request.path_params["webinar_id"]

        def current(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            shown = {"id": webinar.id, "topic": webinar.topic}
            return shown, form_of(questions.questions_of(webinar))

        try:
            webinar, values = self.manage.read(current)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)
        errors: dict[str, str] = {}
        if request.method == "POST":
            form = await self.manage.checked_form(request, signed)
            if isinstance(form, Response):
                return form
            now = self.manage.now()
            try:
                standard, custom = read(form)
                checked = questions.validated(standard, custom)

                def work(session: Session) -> None:
                    found = self.manage.webinar_for(session, signed, webinar_id)
                    questions.set_questions(session, found, checked, now=now)

                await self.manage.write(work)
                return done(f"/manage/webinars/{webinar_id}/questions", "saved")
            except InvalidParameter as error:
                errors[str(error.context.get("name"))] = str(error)
                values = posted(form)
        context = {
            "webinar": webinar,
            "values": values,
            "errors": errors,
            "types": [t.value for t in CustomQuestionType],
        }
        return self.manage.render(
            request, "manage/questions.html", context, signed, status=400 if errors else 200
        )
