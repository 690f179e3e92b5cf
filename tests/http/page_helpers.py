"""Reading the public pages as a person (and a screen reader) would: the text of an element,
the form's fields with their labels and required marks, links, scripts and styles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from starlette.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def content(self) -> str:
        """The text inside, whitespace collapsed (narrow no-break spaces too)."""
        parts = [*self.text]
        return " ".join(" ".join(parts).replace("\u202f", " ").split())


VOID = {"input", "meta", "link", "br", "img", "hr", "source"}


class Tree(HTMLParser):
    """Every element of a page, in document order, each with its own and its children's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self._open: list[Node] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        if self._open:
            self._open[-1].children.append(node)
        self.nodes.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for node in self._open:
            node.text.append(data)

    def find(self, **attrs: str) -> list[Node]:
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [n for n in self.nodes if all(n.attrs.get(k) == v for k, v in wanted.items())]

    def tags(self, tag: str) -> list[Node]:
        return [node for node in self.nodes if node.tag == tag]

    def text(self, **attrs: str) -> str:
        [node] = self.find(**attrs)
        return node.content()


def page(client: TestClient, path: str, **headers: str) -> tuple[Tree, str]:
    """The page at `path` (HTTP 200) and its CSRF field ("" when it has no form)."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    found = CSRF.search(response.text)
    return Tree(response.text), found.group(1) if found else ""


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str
    required: bool  # as the page marks it: the asterisk and the `required` attribute


def form_fields(tree: Tree, form_id: str = "register-form") -> list[FormField]:
    """The visible fields of a form, in order: text inputs, selects and text areas by their
    <label>; radio and checkbox groups by their <legend>."""
    [form] = tree.find(id=form_id)
    found: list[FormField] = []

    def walk(node: Node) -> None:
        if node.tag == "fieldset" and node.attrs.get("id", "").startswith("f-"):
            legend = next(child for child in node.children if child.tag == "legend")
            inputs = [n for n in _descendants(node) if n.tag == "input"]
            marked = bool([n for n in _descendants(legend) if n.attrs.get("class") == "required"])
            text = legend.content().removesuffix("(required)").rstrip("* ").strip()
            found.append(FormField(node.attrs["id"][2:], text, inputs[0].attrs["type"], marked))
            return
        if node.tag in ("input", "select", "textarea") and node.attrs.get("type") != "hidden":
            [tag] = [n for n in tree.tags("label") if n.attrs.get("for") == node.attrs["id"]]
            marked = bool([n for n in _descendants(tag) if n.attrs.get("class") == "required"])
            assert marked == ("required" in node.attrs), node.attrs["name"]
            kind = node.attrs.get("type", node.tag)
            found.append(FormField(node.attrs["name"], tag.content().rstrip("* "), kind, marked))
            return
        for child in node.children:
            walk(child)

    walk(form)
    return found


def _descendants(node: Node) -> list[Node]:
    found = []
    for child in node.children:
        found += [child, *_descendants(child)]
    return found
