"""web/room_page.FilledPages: a page rendered once per key gives, for any values, exactly
the text the template gives when rendered with them (escaping included)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from jinja2 import Environment

from podium.web.room_page import FilledPages

TEMPLATE = (
    '<h1>{{ topic }}</h1><div data-pass="{{ pass }}">{{ _("Welcome, %(name)s.", name=name) }}</div>'
)
NASTY = ["Ann", "O'Brien & <b>Sons</b>", 'Quote " here', "Zoë 張", "{{ x }} %(name)s"]


def environment() -> Environment:
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def test_the_kept_page_filled_equals_the_page_rendered_with_the_values() -> None:
    template = environment().from_string(TEMPLATE)
    renders: list[Mapping[str, str]] = []

    def render(values: Mapping[str, str]) -> str:
        renders.append(values)
        return template.render(topic="Launch <1>", name=values["name"], **{"pass": values["pass"]})

    pages = FilledPages(("pass", "name"))
    for name in NASTY:
        values = {"pass": f"tok.{name}", "name": name}
        assert pages.text("webinar 1", render, values) == render(values)

    # Rendered once with the markers for the key; every other render above is the check's.
    assert len(renders) == 1 + len(NASTY)
    assert renders[0] == pages.marks


def test_a_page_without_each_marker_once_is_rendered_every_time() -> None:
    template = environment().from_string("<p>{{ name }} and {{ name }}</p>")
    calls = []

    def render(values: Mapping[str, str]) -> str:
        calls.append(values)
        return template.render(name=values["name"])

    pages = FilledPages(("pass", "name"))
    first = pages.text("k", render, {"pass": "p", "name": "<Ann>"})
    second = pages.text("k", render, {"pass": "p", "name": "Bob"})

    assert (first, second) == ("<p>&lt;Ann&gt; and &lt;Ann&gt;</p>", "<p>Bob and Bob</p>")
    assert calls == [
        pages.marks,
        {"pass": "p", "name": "<Ann>"},
        pages.marks,
        {"pass": "p", "name": "Bob"},
    ]


def test_the_least_recently_used_page_goes_first() -> None:
    rendered: list[str] = []

    def render_for(key: str) -> Callable[[Mapping[str, str]], str]:
        def render(values: Mapping[str, str]) -> str:
            rendered.append(key)
            return f"{key}:{values['pass']}/{values['name']}"

        return render

    pages = FilledPages(("pass", "name"), size=2)
    for key in ("a", "b", "a", "c", "a", "b"):
        assert pages.text(key, render_for(key), {"pass": "1", "name": "n"}) == f"{key}:1/n"

    assert rendered == ["a", "b", "c", "b"]  # "b" went when "c" came (a was used after b)
