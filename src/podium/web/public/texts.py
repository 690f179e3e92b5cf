"""Texts the pages show that are not in their templates: the refusals' titles and reasons
(errors.py, services), the answers of the standard questions, and the strings of the pages'
scripts. Marked here so that the catalogs (web/locales) carry them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from podium.web.public.i18n import translations


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translated later"
    """Marks `message` for the catalogs; the page translates it when it shows it."""
    return message


REFUSALS = (
    N_("This did not work"),
    N_("This link does not open the webinar"),
    N_("This link is not valid."),
    N_("This start link is not valid."),
    N_("This start link has expired: get a new one with webinar/get."),
    N_("This registration was cancelled."),
    N_("This registration was declined by the host."),
    N_("This registration is waiting for the host's approval."),
    N_("This webinar has no session still to come."),
    N_("This form expired"),
    N_("This form expired or came from another site. Reload the page and try again."),
    N_("The webinar password is not right."),
    N_("Give your name (at most 300 characters)."),
    N_("Webinar not found"),
    N_("This webinar does not exist, or it was deleted."),
    N_("Page not found"),
    N_("There is no page at this address."),
    N_("Not allowed here"),
    N_("Registration is closed"),
    N_("This webinar takes no registrations now."),
    N_("This webinar has ended"),
    N_("The host has ended this webinar: it takes no more registrations."),
    N_("This webinar is over"),
    N_("Its scheduled time has passed: it takes no more registrations."),
    N_("This webinar is full"),
    N_("Every seat is taken: it takes no more registrations."),
    N_("No registration needed"),
    N_("Anyone with its join link can come in: there is nothing to register for."),
)
# The v1 values of the standard questions with fixed answers (api/registrant_params.py).
STANDARD_ANSWERS = (
    N_("Within a month"),
    N_("1-3 months"),
    N_("4-6 months"),
    N_("More than 6 months"),
    N_("No timeframe"),
    N_("Decision Maker"),
    N_("Evaluator/Recommender"),
    N_("Influencer"),
    N_("Not involved"),
    N_("More than 10,000"),
)


def _script_strings(_: Callable[[str], str]) -> list[str]:
    """The strings of static/js/*.js (`t("…")`), in English: the keys of js_strings."""
    return [
        _("%(count)s questions"),
        _("%(count)s upvotes"),
        _("%(count)s votes"),
        _("1 question"),
        _("1 upvote"),
        _("1 vote"),
        _("A new session starts now: attendees can join again; reports show it as the latest."),
        _("Answer privately"),
        _("Answer publicly"),
        _("Answer, only to you:"),
        _("Answer:"),
        _("Answered privately:"),
        _("Choose all that apply."),
        _("Choose an answer first."),
        _("Choose one answer."),
        _("Closed"),
        _("Connecting…"),
        _("Connection lost: reconnecting…"),
        _("Disconnected. Reload the page to come back."),
        _("Dismiss"),
        _("End the webinar for everyone?"),
        _("End webinar"),
        _("Everyone leaves, and the reports are made. This cannot be undone."),
        _("Go live before the scheduled time?"),
        _("Go live now"),
        _("Green room: not live yet"),
        _("Host"),
        _("It is scheduled to start later. Attendees waiting join as soon as you go live."),
        _("Launch"),
        _("Launch again"),
        _("Live"),
        _("New poll: %(title)s"),
        _("Not launched"),
        _("Open"),
        _("Panelist"),
        _("Pick a time zone from the list: type a city or a country."),
        _("Poll created: %(title)s"),
        _("Results"),
        _("Results shared"),
        _("Star"),
        _("Starred"),
        _("Start a new session"),
        _("Start a new session?"),
        _("Submit answers"),
        _("Submitted"),
        _("Thank you: your answers are in."),
        _("The server did not answer. Try again."),
        _("This poll is closed."),
        _("This webinar has ended."),
        _("Times are shown in %(zone)s."),
        _("Times are shown in your time zone, %(zone)s. Type a city or a country to change it."),
        _("Type your answer first."),
        _("Type your question first."),
        _("Upvote (%(count)s)"),
        _("Waiting for an answer"),
        _("Waiting for the host to start."),
        _("You asked"),
        _("You left the webinar."),
        _("Your answer"),
        _("Your question was sent."),
    ]


ENGLISH = _script_strings(lambda message: message)


@cache
def js_strings(locale: str) -> dict[str, str]:
    """The scripts' strings in `locale`, by their English text."""
    gettext = translations(locale).gettext
    return dict(zip(ENGLISH, _script_strings(gettext), strict=True))
