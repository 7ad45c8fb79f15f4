"""A tiny DOM over html.parser for the tests of the playground's Block Kit renderer, and the fixtures it renders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from playground.blockkit import render_view

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "fixtures").glob("*.json"))
NAMES = {"U0STAFF1": "総社 太郎", "U0STAFF2": "観光 花子"}
SCRIPT = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
VOID = frozenset({"input", "img", "hr", "br", "meta", "link"})


# -- a tiny DOM over html.parser ------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found += [child, *child.iter()]
        return found

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants matching the tag, a class, and attributes (data_block_id= means data-block-id)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes())
            and all(n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one {tag} .{cls} {attrs}, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def fixture(name: str) -> dict[str, Any]:
    return json.loads((HERE / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))


def view_of(name: str, **kwargs: Any) -> Node:
    return parse(render_view(fixture(name), names=NAMES, **kwargs))


def block(doc: Node, block_id: str) -> Node:
    return doc.one(cls="bk-block", data_block_id=block_id)


def element(doc: Node, action_id: str) -> Node:
    return doc.one(data_action_id=action_id)


def option_values(select: Node) -> list[str]:
    return [o.attrs["value"] or "" for o in select.all("option") if "data-placeholder" not in o.attrs]


def selected(select: Node) -> list[str]:
    return [o.attrs["value"] or "" for o in select.all("option") if "selected" in o.attrs]
