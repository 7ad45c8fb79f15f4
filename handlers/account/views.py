"""Block Kit for /sns-account: the register, its modals, the reminders and the notices to 市政情報課.
Pure; typed text escaped; times in the organisation's zone."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.catalog import t
from bot.mrkdwn import escape, fit, fitting, joined
from handlers.account import reminders
from handlers.account.ids import AccountIds
from handlers.account.metadata import AccountAction
from handlers.account.reminders import criteria_text
from handlers.account.service import CRITERIA, AccountView, ReviewForm
from handlers.application.views import platform_name
from handlers.common.ids import item_action
from handlers.common.views import input_block, modal, notice_modal
from storage.audit_chain import Head
from storage.models import Account, Application, Platform
from storage.summary import Figures

SECTION_LIMIT = 3000
# The list shows what fits well under the ~12,000 characters of block text Slack accepts in a message.
LINE_SHOWN = 600
LIST_SHOWN = 8000


def _message(text: str, buttons: list[ButtonElement] | None = None) -> dict[str, Any]:
    blocks: list[Block] = [SectionBlock(text=fit(text, SECTION_LIMIT))]
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return {"text": fit(text, 200), "blocks": [b.to_dict() for b in blocks]}


def _button(
    account_id: int, action: AccountIds, label: str, task: str | None = None, style: str | None = None
) -> ButtonElement:
    value = AccountAction(account_id=account_id, task=task).encode()
    action_id = item_action(action, task) if task else action  # one id per task: they share a block
    return ButtonElement(text=t(label), action_id=action_id, value=value, style=style)


class AccountRenderer:
    """An account's messages, drawn when sent (handlers/account/messages.py)."""

    def reminder(
        self, account: AccountView, kind: str, *, left: list[str] | None = None, **params: Any
    ) -> dict[str, Any]:
        """A reminder; ``left``: the managers (names, safe mrkdwn) who left, said first so that whoever
        stands in for them (the head, 市政情報課) knows why they are asked."""
        message = self._reminder(account, kind, **params)
        if not left:
            return message
        flag = t("account.reminder.managers_left", names="、".join(left))
        message["blocks"].insert(0, SectionBlock(text=fit(flag, SECTION_LIMIT)).to_dict())
        return {**message, "text": fit(f"{flag} {message['text']}", 200)}

    def _reminder(self, account: AccountView, kind: str, **facts: Any) -> dict[str, Any]:
        """Drawn from the kind's definition (handlers/account/reminders.py): an unknown kind raises."""
        definition = reminders.kind_of(kind)
        key, params = definition.message(account, facts)
        text = t(key, name=escape(account.name), url=escape(account.url), **params)
        buttons = [
            _button(account.id, b.action, b.label, task=b.task, style=b.style)
            for b in definition.buttons
            if not (b.task and getattr(account, b.task))
        ]
        return _message(text, buttons)

    def office_notice(self, kind: str, **params: Any) -> dict[str, Any]:
        if kind == "summary":
            return summary_message(params["month"], params["figures"])
        account: AccountView = params["account"]
        names = {
            "platform": platform_name(Platform(account.platform)),
            "name": escape(account.name),
            "url": escape(account.url),
            "department": escape(account.department_name),
        }
        if kind == "registered":
            return _message(t("account.register.notice", **names))
        if kind == "review":
            return _message(review_result(account, params["review"], params["by"]))
        if kind == "orphaned":
            return _message(t("account.orphaned", **names))
        if kind == "withdrawal":
            mode = t("account.withdraw.mode.immediate" if params["immediate"] else "account.withdraw.mode.notice")
            return _message(t("account.withdraw.office", mode=mode, reason=criteria_text(params["criteria"]), **names))
        if kind == "policy":
            policy_url = escape(params["policy_url"])
            return _message(t("account.policy.office", by=params["by"], policy_url=policy_url, **names))
        if kind == "deleted":
            return _message(t("account.deleted.office", by=params["by"], **names))
        raise ValueError(f"no office notice {kind!r}")  # never drawn as some other notice


def review_result(account: AccountView, review: ReviewForm, by: str) -> str:
    criteria = f"（{criteria_text(review.criteria)}）" if review.decision == "withdraw" else ""
    text = t(
        "account.review.result",
        name=escape(account.name),
        department=escape(account.department_name),
        by=by,
        goal=t(f"account.review.goal.{review.goal}"),
        decision=t(f"account.review.decision.{review.decision}"),
        criteria=criteria,
        indicators=escape(review.indicators),
    )
    return text + (f"\n{escape(review.note)}" if review.note else "")


def password_recorded(name: str, on: date, upcoming: date) -> str:
    """The reply to 「変更しました」: the account's name is typed text, shown as text, never as a link."""
    return t("account.password.recorded", name=escape(name), date=on.isoformat(), next=upcoming.isoformat())


def deletion_recorded(name: str) -> str:
    """The reply to 「削除しました」."""
    return t("account.deleted.done", name=escape(name))


def summary_message(month: str, figures: Figures) -> dict[str, Any]:
    reports = [
        f"{t(f'report.kind.{kind}')}・{t(f'report.status.{status}')}: {n}"
        for (kind, status), n in sorted(figures.reports.items())
    ]
    accounts = [f"{t(f'account.state.{state}')}: {n}" for state, n in sorted(figures.accounts.items())]
    blocks = [
        SectionBlock(text=t("account.summary.title", month=month)),
        SectionBlock(
            text=t(
                "account.summary.reports",
                count=sum(figures.reports.values()),
                lines="\n".join(reports) or t("account.summary.none"),
            )
        ),
        SectionBlock(
            text=t(
                "account.summary.drafts",
                approved=figures.decisions.get("approve", 0),
                returned=figures.decisions.get("return", 0),
                rejected=figures.decisions.get("reject", 0),
            )
        ),
        SectionBlock(text=t("account.summary.accounts", lines="\n".join(accounts) or t("account.summary.none"))),
        SectionBlock(
            text=t("account.summary.overdue", passwords=figures.overdue_passwords, reviews=figures.overdue_reviews)
        ),
        SectionBlock(text=t("account.summary.no_policy", count=figures.missing_policies)),
        SectionBlock(text=_audit_head(figures.audit_head)),
    ]
    return {"text": t("account.summary.title", month=month), "blocks": [b.to_dict() for b in blocks]}


def _audit_head(head: Head | None) -> str:
    if head is None:
        return t("account.summary.audit_empty")
    return t("account.summary.audit_head", seq=head.seq, hash=head.hash)


# -- modals ---------------------------------------------------------------------------------------


def register_modal(approved: list[Application], today: date) -> View:
    options = [
        Option(value=str(a.id), text=fit(f"{platform_name(Platform(a.platform))} {a.department_name}: {a.purpose}", 75))
        for a in approved[:100]
    ]
    links = [
        Option(value="to_site", text=t("account.register.link.to_site")),
        Option(value="from_site", text=t("account.register.link.from_site")),
    ]
    return modal(
        t("account.register.title"),
        [
            input_block(
                AccountIds.APPLICATION,
                "account.register.application",
                StaticSelectElement(action_id=AccountIds.APPLICATION, options=options, initial_option=options[0]),
            ),
            input_block(
                AccountIds.NAME,
                "account.register.name",
                PlainTextInputElement(action_id=AccountIds.NAME, max_length=200),
            ),
            input_block(
                AccountIds.URL,
                "account.register.url",
                PlainTextInputElement(action_id=AccountIds.URL, max_length=2000, placeholder="https://"),
            ),
            input_block(
                AccountIds.MANAGERS, "account.register.managers", UserMultiSelectElement(action_id=AccountIds.MANAGERS)
            ),
            input_block(
                AccountIds.POLICY_URL,
                "account.register.policy_url",
                PlainTextInputElement(action_id=AccountIds.POLICY_URL, max_length=2000),
                optional=True,
            ),
            input_block(
                AccountIds.SEND_ONLY,
                "account.register.use",
                CheckboxesElement(
                    action_id=AccountIds.SEND_ONLY,
                    options=[Option(value="send_only", text=fit(t("account.register.send_only"), 75))],
                ),
                optional=True,
            ),
            input_block(
                AccountIds.LINKS,
                "account.register.links",
                CheckboxesElement(action_id=AccountIds.LINKS, options=links),
                optional=True,
            ),
            input_block(
                AccountIds.PASSWORD_CHANGED_ON,
                "account.register.password_changed_on",
                DatePickerElement(action_id=AccountIds.PASSWORD_CHANGED_ON, initial_date=today.isoformat()),
            ),
        ],
        callback_id=AccountIds.REGISTER_SUBMIT,
        submit=t("account.register.submit"),
    )


def review_modal(account: AccountView, indicators: str | None = None) -> View:
    """``indicators``: what the application's item [9] named, to fill in with this period's values."""
    goals = [Option(value=g, text=t(f"account.review.goal.{g}")) for g in ("yes", "partly", "no")]
    decisions = [Option(value=d, text=t(f"account.review.decision.{d}")) for d in ("continue", "withdraw")]
    criteria = [Option(value=c, text=fit(t(f"account.criteria.{c}"), 75)) for c in CRITERIA]
    return modal(
        t("account.review.title"),
        [
            SectionBlock(text=fit(f"*{escape(account.name)}*（{escape(account.url)}）", SECTION_LIMIT)),
            input_block(
                AccountIds.INDICATORS,
                "account.review.indicators",
                PlainTextInputElement(
                    action_id=AccountIds.INDICATORS,
                    multiline=True,
                    max_length=2000,
                    initial_value=fit(indicators, 2000) if indicators else None,
                ),
            ),
            input_block(
                AccountIds.GOAL_REACHED,
                "account.review.goal_reached",
                RadioButtonsElement(action_id=AccountIds.GOAL_REACHED, options=goals),
            ),
            input_block(
                AccountIds.DECISION,
                "account.review.decision",
                RadioButtonsElement(action_id=AccountIds.DECISION, options=decisions, initial_option=decisions[0]),
            ),
            input_block(
                AccountIds.CRITERIA,
                "account.review.criteria",
                CheckboxesElement(action_id=AccountIds.CRITERIA, options=criteria),
                optional=True,
            ),
            input_block(
                AccountIds.NOTE,
                "account.review.note",
                PlainTextInputElement(action_id=AccountIds.NOTE, multiline=True, max_length=1000),
                optional=True,
            ),
        ],
        callback_id=AccountIds.REVIEW_SUBMIT,
        submit=t("account.review.submit"),
        metadata=AccountAction(account_id=account.id).encode(),
    )


def policy_modal(account: AccountView) -> View:
    """The URL of the account's 公開用運用ポリシー (4(4)③), for the reminder's 「URLを登録」."""
    element = PlainTextInputElement(
        action_id=AccountIds.POLICY_RECORD_URL,
        max_length=2000,
        placeholder="https://",
        initial_value=account.public_policy_url or None,
    )
    return modal(
        t("account.policy.title"),
        [
            SectionBlock(text=fit(f"*{escape(account.name)}*（{escape(account.url)}）", SECTION_LIMIT)),
            input_block(AccountIds.POLICY_RECORD_URL, "account.policy.url", element),
        ],
        callback_id=AccountIds.POLICY_SUBMIT,
        submit=t("account.policy.submit"),
        metadata=AccountAction(account_id=account.id).encode(),
    )


def policy_recorded(name: str, url: str) -> View:
    """What the policy modal becomes once its URL is recorded."""
    done = t("account.policy.done", name=escape(name), url=escape(url))
    return notice_modal(t("account.policy.title"), fit(done, SECTION_LIMIT))


def withdraw_modal(accounts: list[Account]) -> View:
    options = [
        Option(value=str(a.id), text=fit(f"{platform_name(Platform(a.platform))} {a.name}", 75)) for a in accounts[:100]
    ]
    modes = [Option(value=m, text=fit(t(f"account.withdraw.mode.{m}"), 75)) for m in ("notice", "immediate")]
    criteria = [Option(value=c, text=fit(t(f"account.criteria.{c}"), 75)) for c in CRITERIA]
    return modal(
        t("account.withdraw.title"),
        [
            input_block(
                AccountIds.ACCOUNT,
                "account.withdraw.account",
                StaticSelectElement(action_id=AccountIds.ACCOUNT, options=options),
            ),
            input_block(
                AccountIds.CRITERIA,
                "account.review.criteria",
                CheckboxesElement(action_id=AccountIds.CRITERIA, options=criteria),
            ),
            input_block(
                AccountIds.MODE,
                "account.withdraw.mode",
                RadioButtonsElement(action_id=AccountIds.MODE, options=modes, initial_option=modes[0]),
            ),
        ],
        callback_id=AccountIds.WITHDRAW_SUBMIT,
        submit=t("account.withdraw.submit"),
    )


# -- the list -------------------------------------------------------------------------------------


def account_list(
    accounts: list[AccountView], applications: list[Application], orphaned: set[int], name_of: Any
) -> dict[str, Any]:
    """Every account with its state, managers, last password change and next review; open applications
    as 申請中 / 承認済み; accounts whose managers all left the directory flagged."""
    lines = [
        t(
            "account.list.line",
            platform=platform_name(Platform(a.platform)),
            name=escape(a.name),
            department=escape(a.department_name),
            state=t(f"account.state.{a.state}"),
            managers=joined([name_of(m) for m in a.managers], LINE_SHOWN // 3) or "—",
            password=a.password_changed_on.isoformat(),
            review=a.next_review_on.isoformat(),
            warning=(t("account.list.no_managers") if a.id in orphaned else "")
            + (t("account.list.no_policy") if a.policy_missing else ""),
        )
        for a in accounts
    ] + [
        t(
            "account.list.application",
            platform=platform_name(Platform(a.platform)),
            department=escape(a.department_name),
            state=t(f"account.state.{a.status}"),
            purpose=escape(fit(a.purpose, 60)),
        )
        for a in applications
    ]
    shown = fitting([fit(line, LINE_SHOWN) for line in lines], LIST_SHOWN, "\n\n")
    if len(shown) < len(lines):
        shown.append(t("common.more", count=len(lines) - len(shown)))
    blocks: list[Block] = [SectionBlock(text=t("account.list.title"))]
    chunk: list[str] = []
    for line in shown or [t("account.list.empty")]:
        if len("\n\n".join([*chunk, line])) > SECTION_LIMIT:
            blocks.append(SectionBlock(text="\n\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(SectionBlock(text="\n\n".join(chunk)))
    return {"response_type": "ephemeral", "text": t("account.list.title"), "blocks": [b.to_dict() for b in blocks]}
