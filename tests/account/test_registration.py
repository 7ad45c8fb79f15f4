"""/sns-account register: an approved application becomes a registered account, once."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Account, Application, ApplicationStatus
from tests.account.flow import HEAD, STAFF1, STAFF2, account, seed_account, seed_application
from tests.support.bot import RunningBot
from tests.support.flow import as_opened, audit_actions, count, delivered, posts, strings
from tests.support.slack_requests import Reply, interactive, send, slash_command, view_submission


def registration(application_id: int, url: str = "https://x.com/soja_kanko") -> dict[str, Any]:
    def field(kind: str, **state: Any) -> dict[str, Any]:
        return {"type": kind, **state}

    values = {
        "account.register.application": field("static_select", selected_option={"value": str(application_id)}),
        "account.register.name": field("plain_text_input", value="総社市観光"),
        "account.register.url": field("plain_text_input", value=url),
        "account.register.managers": field("multi_users_select", selected_users=[STAFF1, STAFF2]),
        "account.register.policy_url": field("plain_text_input", value="https://www.city.soja.okayama.jp/sns"),
        "account.register.send_only": field("checkboxes", selected_options=[]),
        "account.register.links": field("checkboxes", selected_options=[{"value": "to_site"}]),
        "account.register.password_changed_on": field("datepicker", selected_date="2026-11-20"),
    }
    return {block: {block: element} for block, element in values.items()}


def submit_registration(bot: RunningBot, application_id: int, *, user_id: str = HEAD, url: str | None = None) -> Reply:
    values = registration(application_id, *([url] if url else []))
    payload = view_submission("account.register.submit", user_id=user_id, values=values)
    return send(bot.url, interactive(as_opened(bot, payload)))


def test_an_approved_application_is_registered_and_reported_to_public_info(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    application_id = seed_application(bot)
    send(bot.url, slash_command("/sns-account", user_id=HEAD, text="register"))
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "account.register.submit"

    assert submit_registration(bot, application_id).status == 200
    delivered(bot)

    registered = account(bot)
    assert (registered.state, registered.password_changed_on, registered.managers) == (
        "active", date(2026, 11, 20), [STAFF1, STAFF2],
    )  # fmt: skip
    assert (registered.links_to_site, registered.linked_from_site) == (True, False)
    (notice,) = posts(fake_slack, "C0PUBLICINFO")
    assert "【届出】" in strings(notice.args)
    with bot.service.runtime.sessions() as session:
        assert session.get(Application, application_id).status == "registered"
    assert "account.registered" in audit_actions(bot)


def test_register_is_refused_without_an_approved_application(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    pending = seed_application(bot, ApplicationStatus.SUBMITTED)

    send(
        bot.url, slash_command("/sns-account", user_id=HEAD, text="register", response_url=fake_slack.response_url("r"))
    )
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.args["text"] == t("account.register.none")
    # Sending the modal anyway, with the id of the application still under review, registers nothing.
    reply = submit_registration(bot, pending)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"account.register.application": t("account.error.application.gone")},
    }
    assert count(bot, Account) == 0


def test_an_account_url_is_registered_once(bot: RunningBot) -> None:
    seed_account(bot, changed=date(2026, 11, 1))

    reply = submit_registration(bot, seed_application(bot))

    assert reply.json()["errors"] == {"account.register.url": t("account.error.url.taken")}
    assert count(bot, Account) == 1


def test_someone_from_another_department_may_not_register(bot: RunningBot) -> None:
    reply = submit_registration(bot, seed_application(bot), user_id="U0NOBODY")

    assert reply.json()["errors"] == {"account.register.application": t("account.denied")}
    assert "account.denied" in audit_actions(bot)
