"""The new app.yaml: the departments the file staffs and their people's names, every other part (comments
included) as the current file has it. ruamel.yaml round-trips the document; PyYAML would drop the comments."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from handlers.personnel.sheet import Post
from handlers.personnel.staffing import Identify, Staffing


def new_config(current: str, staffing: Sequence[Staffing], posts: Sequence[Post], identify: Identify) -> str:
    """``current`` (app.yaml's text) with the file's departments replacing theirs (in place; new ones at the
    end; departments not in the file kept as written), people named by address, and `people:` keyed so."""
    yaml = YAML()
    yaml.width = 4096  # a long line stays one line, as it was written
    yaml.indent(mapping=2, sequence=4, offset=2)  # app.yaml's "  - id: kanko"
    document = yaml.load(current)
    new = {department.id: department for department in staffing}
    departments = CommentedSeq()
    for written in document["departments"]:
        department = new.pop(written["id"], None)
        departments.append(_department(department) if department else written)
    departments.extend(_department(department) for department in new.values())
    if departments[-1] is not document["departments"][-1]:
        _blank_line_after(document, "departments")
    document["departments"] = departments
    document["people"] = _people(document, posts, identify)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _blank_line_after(document: CommentedMap, key: str) -> None:
    """The blank line that parted the section from the next one belonged to its last item, now replaced."""
    keys = list(document)
    if (index := keys.index(key) + 1) < len(keys):
        document.yaml_set_comment_before_after_key(keys[index], before="\n")


def _department(department: Staffing) -> CommentedMap:
    written = CommentedMap(id=department.id, name=department.name, head=department.head)
    written["approvers"] = _flow(department.approvers)
    written["members"] = _flow(department.members)
    if department.deputies:
        written["deputies"] = _flow(department.deputies)
    return written


def _flow(people: Iterable[str]) -> CommentedSeq:
    listed = CommentedSeq(people)
    listed.fa.set_flow_style()  # [a, b] on one line, as app.yaml writes its lists
    return listed


def _people(document: CommentedMap, posts: Sequence[Post], identify: Identify) -> CommentedMap:
    """The file's people by address; the entries of those it identifies go unless the rest of app.yaml
    (offices, departments not in the file) still names them by that key; every other entry stays."""
    people = document.get("people") or CommentedMap()
    named = _strings(document["offices"]) | _strings(document["departments"])
    by_address = {post.email: post.name for post in posts}
    for key in list(people):
        if key not in named and identify(str(key)) in by_address:
            del people[key]
    for email, name in by_address.items():
        people[email] = name
    return people


def _strings(node: Any) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return set().union(*(_strings(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_strings(value) for value in node))
    return set()
