"""Security: mentions typed into every free-text field never reach Slack unescaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.catalog import t
from storage.models import Application, ApplicationStatus, Draft
from tests.reliability.drive import World, case_value
from tests.reliability.forms import option, page_one, page_two, register_values, review_values, text_input
from tests.reliability.roles import security_world
from tests.reliability.rows import Check, record
from tests.reliability.world import DEPUTY, HEAD, OFFICER, PUBINFO, STAFF1
from tests.support.flow import settled
from tests.support.slack_requests import slash_command


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with security_world(tmp_path_factory.mktemp("security")) as world:
        yield world


PINGS = ("<!channel>", "<!here>", "<!everyone>", f"<@{PUBINFO}>", "<#C0GENERAL>", "<!subteam^S0TEAM>")
# Keys whose strings Slack never renders as mrkdwn: plain_text objects, inputs' values, buttons' metadata.
NOT_RENDERED = {
    "initial_value",
    "value",
    "private_metadata",
    "placeholder",
    "action_id",
    "block_id",
    "callback_id",
    "url",
    "response_url",
    "trigger_id",
    "errors",
    "token",
}


def typed(tag: int) -> str:
    return f"{' '.join(PINGS)} ⟦{tag}⟧"


def rendered(value: Any, key: str = "") -> Iterator[str]:
    """The strings of a payload that Slack renders as mrkdwn (message text, sections, fields, contexts)."""
    if key in NOT_RENDERED:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if value.get("type") == "plain_text":
            return
        for k, v in value.items():
            yield from rendered(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from rendered(v, key)


def _ping_fields(world: World) -> list[str]:
    """Types mentions into every free-text field of every feature; returns the fields' names (URL fields
    carry them in their query instead, and are named too)."""
    names: list[str] = []

    def name(field_name: str) -> str:
        names.append(field_name)
        return typed(len(names) - 1)

    def submit(callback: str, values: dict[str, Any], user: str, metadata: str = "") -> Any:
        reply = world.post(world.view_body(callback, values, user=user, metadata=metadata))
        assert reply.status == 200, reply.body
        answer = reply.json() if reply.body else {}
        assert answer.get("response_action") != "errors", answer
        return answer

    def command(command: str, text: str) -> None:
        request = slash_command(command, user_id=STAFF1, text=text, response_url=world.fake.response_url(command))
        assert world.post(request).status == 200

    now = int(world.clock.now().timestamp())
    # Reports: the form, 市政情報課's comment, the resolution note, a correction, the committee's report.
    urls = "https://example.com/a?q=<!channel>&r=<@U0PUBINFO1>"
    case_id, copies = world.report(summary=name("report summary"), account=name("report account"), urls=urls)
    names.append("report urls")
    copy = case_value(case_id, copies["public_info"][0])
    submit("report.comment.submit", {"report.comment.text": text_input(name("case comment"))}, PUBINFO, copy)
    resolution = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input(name("resolution"))}
    submit("report.resolve.submit", resolution, PUBINFO, copy)
    mistake, copies = world.report(kind="mistake", summary="誤った情報の発信", urls=f"https://x.com/s/{now}")
    copy = case_value(mistake, copies["public_info"][0], "correction_posted")
    submit(
        "report.correction.submit", {"report.correction.url": text_input("https://x.com/fix?<!here>")}, PUBINFO, copy
    )
    names.append("correction url")
    violation, copies = world.report(kind="violation", summary=name("violation"), urls=f"https://x.com/v/{now}")
    copy = case_value(violation, world.notify_officer(violation)["security_officer"][0])
    measures = {
        "report.committee.measures": text_input(name("committee measures")),
        "report.committee.progress": text_input(name("committee progress")),
    }
    submit("report.committee.submit", measures, OFFICER, copy)
    # Drafts: every field of the modal, a return's comment, a peer check's issue, the published URL, the commands.
    values = world.draft_values(
        kind="official_view", approvers=[DEPUTY], text=name("draft text"), account=name("draft account")
    )
    values["draft.note"] = text_input(name("draft note"))
    values["draft.corrects"] = text_input("https://x.com/soja/status/1?<!channel>")
    values["draft.consent"] = {"type": "checkboxes", "selected_options": [{"value": "consented"}]}
    names.append("draft corrects url")
    submit("draft.submit", values, STAFF1)
    world.settle()
    with world.bot.service.runtime.sessions() as session:
        draft_id = session.scalar(select(func.max(Draft.id)))
    world.decide(draft_id, DEPUTY, "draft.decision.return", comment=name("draft return comment"))
    approved = world.draft(kind="official_view", approvers=[DEPUTY])
    world.decide(approved, DEPUTY, "draft.decision.approve")
    url = {"draft.published.url": text_input("https://x.com/soja/status/2?<!everyone>")}
    submit("draft.published.submit", url, STAFF1, world.draft_value(approved))
    names.append("published url")
    announcement = world.draft(kind="announcement", reviewers=[HEAD])
    request_id = world.requests(announcement)[HEAD][0]
    comment = {"draft.comment.text": text_input(name("review issue"))}
    submit("draft.comment.submit", comment, HEAD, world.draft_value(announcement, request_id, "issue"))
    command("/sns-check", name("/sns-check"))
    command("/sns-draft", "absent " + name("/sns-draft absent"))
    command("/sns-account", name("/sns-account"))
    # Applications: every text of both pages, then 市政情報課's return with its comment.
    first = page_one(**{k: name(f"application {k}") for k in ("purpose", "audience", "content", "setup")})
    metadata = submit("application.page1.submit", first, HEAD)["view"]["private_metadata"]
    texts = (
        "frequency",
        "method",
        "responses",
        "policy_place",
        "account_name",
        "account_info",
        "passwords",
        "risk_reason",
        "indicators",
    )
    submit("application.page2.submit", page_two(**{k: name(f"application {k}") for k in texts}), HEAD, metadata)
    world.settle()
    with world.bot.service.runtime.sessions() as session:
        application_id = session.scalar(select(func.max(Application.id)))
    comment = {"application.comment.text": text_input(name("application comment"))}
    submit("application.comment.submit", comment, PUBINFO, world.application_value(application_id, "return"))
    # Accounts: the register's texts and URLs, a review's indicators and note.
    register = register_values(
        world.application(status=ApplicationStatus.APPROVED),
        name=name("account name"),
        url="https://x.com/soja_<!here>",
        policy="https://www.city.soja.okayama.jp/?<!channel>",
    )
    submit("account.register.submit", register, HEAD)
    names += ["account url", "policy url"]
    review = review_values(note=name("review note"), indicators=name("review indicators"))
    submit("account.review.submit", review, HEAD, world.account_value(world.account()))
    world.settle()
    return names


@dataclass
class Typed:
    names: list[str]
    shown: list[tuple[str, str]]  # (where, text) of everything Slack renders
    sent: int

    def unescaped(self, where: Callable[[str, str], bool] = lambda _w, _t: True) -> list[str]:
        return sorted(
            {
                f"{w}: …{text[max(0, text.find(p) - 20) : text.find(p) + 40]}…"
                for w, text in self.shown
                for p in PINGS
                if p in text and where(w, text)
            }
        )


REGISTERED = t("account.register.done", name="@").split("@")[1]  # 「…を登録しました」, after the name


def _register_confirmation(where: str, text: str) -> bool:
    return where == "chat.postEphemeral" and REGISTERED in text


@pytest.fixture(scope="module")
def typed_everywhere(world: World) -> Typed:
    calls_from = len(world.fake.calls)
    replies: list[Any] = []
    original_post = world.post

    def recording_post(body: str, headers: dict[str, str] | None = None) -> Any:
        reply = original_post(body, headers)
        replies.append(reply)
        return reply

    world.post = recording_post  # type: ignore[method-assign]
    try:
        names = _ping_fields(world)
    finally:
        world.post = original_post  # type: ignore[method-assign]
    settled(world.bot)  # ephemeral answers are posted after the ack
    shown: list[tuple[str, str]] = []
    for call in world.fake.calls[calls_from:]:
        shown += [(call.method, text) for text in rendered(call.args)]
    for reply in replies:
        if reply.body[:1] == b"{":
            shown += [("HTTP answer", text) for text in rendered(reply.json())]
    return Typed(names, shown, len(replies))


def test_mentions_typed_into_every_free_text_field_never_reach_slack_unescaped(typed_everywhere: Typed) -> None:
    typed = typed_everywhere
    reached = [n for i, n in enumerate(typed.names) if any(f"⟦{i}⟧" in text for _, text in typed.shown)]
    unescaped = typed.unescaped(lambda w, text: not _register_confirmation(w, text))
    escaped = sum("&lt;!channel&gt;" in text for _, text in typed.shown)
    record(
        Check(
            "6",
            "mentions typed into every free-text field",
            sent=typed.sent,
            expected="every <!channel>, <!here>, <!everyone>, <@U…>, <#C…>, <!subteam^…> escaped where Slack renders",
            observed=f"{len(typed.names)} fields typed (URLs too), {len(reached)} shown in mrkdwn somewhere, "
            f"{escaped} rendered texts with &lt;!channel&gt;, {len(unescaped)} unescaped (besides the known one below)"
            + (f": {unescaped[:3]}" if unescaped else ""),
        )
    )
    assert unescaped == []
    assert len(reached) >= len(typed.names) // 2  # the check saw the fields' texts at all


def test_the_registration_confirmation_escapes_the_account_name(typed_everywhere: Typed) -> None:
    unescaped = typed_everywhere.unescaped(_register_confirmation)
    record(
        Check(
            "6",
            "mentions in the account name of /sns-account register",
            sent=1,
            expected="escaped in the ephemeral 「…を登録しました」",
            observed=f"{len(unescaped)} unescaped: {unescaped[:1]}" if unescaped else "escaped",
        )
    )
    assert unescaped == []
