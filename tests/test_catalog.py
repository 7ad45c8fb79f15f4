"""The catalog of user-facing text: complete, consistent, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from bot import catalog
from bot.catalog import bilingual, keys, raw, t

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = (ROOT / "bot", ROOT / "handlers")
CATALOG = ROOT / "bot" / "catalog"
# t("key"), bilingual("key"), raw("key") with a literal first argument, possibly on the next line.
# The look-behind keeps print(...) and obj.t(...) out; f-string keys (t(f"help.{x}")) do not match.
KEY_CALL = re.compile(r"""(?<![\w.])(?:t|bilingual|raw)\(\s*(["'])([^"'{}]+)\1""")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def entries() -> dict[str, dict[str, str]]:
    return {key: {lang: raw(key, lang) for lang in catalog.LANGUAGES} for key in keys()}


def used_keys() -> dict[str, list[str]]:
    """Every literal catalog key in the bot's source, with where it is used."""
    used: dict[str, list[str]] = {}
    for directory in SOURCE_DIRS:
        for path in sorted(directory.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in KEY_CALL.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                used.setdefault(match.group(2), []).append(f"{path.relative_to(ROOT)}:{line}")
    return used


def defined_twice(text: str) -> list[str]:
    """The keys a YAML mapping defines more than once: yaml.safe_load keeps the last one silently."""
    root = yaml.compose(text)
    names = [key.value for key, _ in root.value] if isinstance(root, yaml.MappingNode) else []
    return sorted({name for name in names if names.count(name) > 1})


def test_catalog_is_not_empty() -> None:
    assert len(keys()) > 20


@pytest.mark.parametrize("path", sorted(CATALOG.glob("*.yaml")), ids=lambda path: path.name)
def test_no_catalog_file_defines_a_key_twice(path: Path) -> None:
    assert defined_twice(path.read_text(encoding="utf-8")) == []


def test_defined_twice_finds_a_repeated_key() -> None:
    assert defined_twice("a: 甲\nb: 乙\na: 丙\n") == ["a"]
    assert defined_twice("a: 甲\nb: {ja: 乙, en: B}\n") == []


@pytest.mark.parametrize("key", keys())
def test_every_entry_has_japanese_text(key: str) -> None:
    entry = catalog._entries()[key]

    assert "ja" in entry, f"{key} has no Japanese"
    assert entry["ja"].strip()
    # A pure layout of placeholders ("{at} {item}: {name}") has nothing to translate; any words must be Japanese.
    words = re.sub(r"\{[^}]*\}", "", entry["ja"])
    assert JAPANESE.search(words) or not re.search(r"[A-Za-z]", words), f"{key}: {entry['ja']!r} is not Japanese"


@pytest.mark.parametrize("key", [key for key in keys() if set(catalog._entries()[key]) >= {"ja", "en"}])
def test_japanese_and_english_have_the_same_placeholders(key: str) -> None:
    entry = catalog._entries()[key]

    assert placeholders(entry["ja"]) == placeholders(entry["en"])


def test_some_entries_are_bilingual() -> None:
    # Keeps the placeholder comparison above from passing over nothing.
    bilingual_keys = [key for key in keys() if "en" in catalog._entries()[key]]
    assert "cli.missing_secrets" in bilingual_keys
    assert "config.check.ok" in bilingual_keys


@pytest.mark.parametrize("key", keys())
def test_every_entry_formats_with_its_own_placeholders(key: str) -> None:
    # A stray brace or a bad format spec would only show up when the text is first shown.
    for lang, text in entries()[key].items():
        params = dict.fromkeys(placeholders(text), "X")
        assert t(key, lang, **params)


def test_placeholders_sees_conversions() -> None:
    assert placeholders("{value!r} と {path}") == {"value", "path"}
    assert placeholders("no fields") == set()


def test_t_fills_placeholders() -> None:
    assert t("config.check.ok", path="app.yaml", departments=3) == "app.yaml: 設定に問題はありません（部署 3 件）。"
    assert (
        t("config.check.ok", "en", path="app.yaml", departments=3)
        == "app.yaml: configuration is valid (3 departments)."
    )
    assert t("config.error.slack_user_id", value="X1").startswith("'X1' は Slack のユーザーID")


def test_t_without_placeholders() -> None:
    assert t("common.close") == "閉じる"


def test_t_missing_parameter_raises() -> None:
    with pytest.raises(KeyError, match="departments"):
        t("config.check.ok", path="app.yaml")


def test_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError):
        t("no.such.key")
    with pytest.raises(KeyError):
        raw("config.error")  # a prefix is not an entry
    with pytest.raises(KeyError):
        bilingual("no.such.key")


def test_japanese_only_entry_falls_back_to_japanese() -> None:
    assert raw("common.close", "en") == "閉じる"
    assert raw("common.close", "fr") == "閉じる"


def test_raw_falls_back_through_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"x.english_only": {"en": "English"}, "x.empty": {}}
    monkeypatch.setattr(catalog, "_entries", lambda: fake)

    assert raw("x.english_only") == "English"
    assert raw("x.english_only", "ja") == "English"
    with pytest.raises(KeyError, match=r"x\.empty has no text"):
        raw("x.empty")


def test_bilingual_gives_japanese_then_english() -> None:
    text = bilingual("config.check.failed", path="app.yaml", count=2)

    assert text == "app.yaml: 設定に 2 件の問題があります。\napp.yaml: 2 problem(s) in the configuration."
    ja, en = text.split("\n")
    assert ja == t("config.check.failed", path="app.yaml", count=2)
    assert en == t("config.check.failed", "en", path="app.yaml", count=2)


def test_bilingual_of_a_japanese_only_entry_is_not_repeated() -> None:
    assert bilingual("common.close") == "閉じる"


def test_key_scan_finds_calls() -> None:
    used = used_keys()

    # A literal on the next line (bot/service.py), t(), bilingual() and a handlers/ file are all seen.
    assert "cli.startup.schema_outdated" in used
    assert "config.check.ok" in used
    assert "cli.missing_secrets" in used
    assert "common.failure.text" in used
    # f-string keys are left out rather than half-matched.
    assert not any("{" in key or key.endswith(".") for key in used)


def test_key_scan_pattern() -> None:
    source = 'print(t("a.b"))\nbilingual(\n    "c.d", x=1)\nraw(\'e.f\')\nt(f"help.{s}")\nself.t("g.h")\nprint("i.j")\n'

    assert [m.group(2) for m in KEY_CALL.finditer(source)] == ["a.b", "c.d", "e.f"]


def test_every_key_used_in_the_source_exists() -> None:
    known = set(keys())

    missing = {key: where for key, where in used_keys().items() if key not in known}

    assert missing == {}


# -- keys built with an f-string (t(f"report.kind.{case.kind}")), which the scan above skips -----------------

# t(f"..."), bilingual(f"...") or raw(f"...") and the template it builds, each {...} written as {}.
TEMPLATE_CALL = re.compile(r"""(?<![\w.])(?:t|bilingual|raw)\(\s*f(["'])(.+?)\1""")
# Families whose part arrives as a literal key elsewhere (checks.finding(..., "fuseji"), doctor's findings,
# pydantic's error types): their literals are checked by the tests of those modules, not enumerable here.
LITERAL_FAMILIES = frozenset({"lint.{}", "doctor.{}", "config.error.{}"})
# application/views.py's radio builder, "{key}.{value}": its keys are the application.off_site/server/risk rows.
GENERIC = frozenset({"{}.{}"})


def templates_in_source() -> set[str]:
    found = set()
    for directory in SOURCE_DIRS:
        for path in directory.rglob("*.py"):
            for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
                found.add(re.sub(r"\{[^{}]*\}", "{}", match.group(2)))
    return found


def timeline_kinds() -> set[str]:
    """The kinds of the case timeline's events, each written once as Event("kind", ...) in handlers/report."""
    found = set()
    for path in (ROOT / "handlers" / "report").rglob("*.py"):
        found |= set(re.findall(r"""\bEvent\(\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
    return found


def dynamic_families() -> dict[str, Iterable[str]]:
    """Each template the source builds keys from, with every value it can be given."""
    from bot.lint.model import Severity
    from bot.slack_names import CHANNEL_KIND, EMAIL_KIND
    from handlers.account.service import CRITERIA
    from handlers.application import domain as application
    from handlers.draft import domain as draft
    from handlers.help.views import SECTIONS
    from handlers.personnel.report import ROLE_ORDER
    from handlers.report.kinds import KINDS, Stage
    from handlers.report.views.case_modals import REASONS
    from storage.models import (
        AccountState,
        ApplicationStatus,
        Capacity,
        CaseKind,
        CaseStatus,
        DraftKind,
        DraftStatus,
    )

    waiting = (ApplicationStatus.WITH_HEAD, ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)
    return {
        "report.kind.{}": CaseKind,
        "report.capacity.{}": Capacity,
        "report.capacity.{}.short": Capacity,
        "report.status.{}": CaseStatus,
        "report.reason.{}": REASONS,
        "report.checklist.{}": {item for kind in KINDS.values() for item in kind.checklist},
        "report.stage.{}": Stage,
        "report.timeline.{}": timeline_kinds(),
        "account.state.{}": [*AccountState, *waiting],  # /sns-account list: accounts, then open applications
        "account.criteria.{}": CRITERIA,
        "account.review.goal.{}": ("yes", "partly", "no"),
        "account.review.decision.{}": ("continue", "withdraw"),
        "account.withdraw.mode.{}": ("notice", "immediate"),
        "application.{}": [o for o in application.Outcome if o != application.Outcome.DONE],
        "application.answer.{}": application.Answer,
        "application.button.{}": application.Answer,
        "application.notice.hint.{}": application.DECISIONS,
        "application.status.{}": ApplicationStatus,
        "application.outcome.{}": (ApplicationStatus.WITH_HEAD, ApplicationStatus.SUBMITTED),
        "application.off_site.{}": application.OffSite,
        "application.server.{}": application.Server,
        "application.risk.{}": application.Risk,
        "draft.kind.{}": DraftKind,
        "draft.kind.{}.short": DraftKind,
        "draft.status.{}": DraftStatus,
        "draft.answer.{}": draft.Answer,
        "draft.button.{}": draft.Answer,
        "draft.findings.{}": Severity,
        "help.{}": SECTIONS,
        "personnel.role_{}": ROLE_ORDER,
        "config.error.unknown_{}": (EMAIL_KIND, CHANNEL_KIND),
    }


def test_every_key_template_in_the_source_has_its_values_listed_here() -> None:
    # A new t(f"...") fails here until its family and the values it takes are added to dynamic_families.
    unlisted = templates_in_source() - set(dynamic_families()) - LITERAL_FAMILIES - GENERIC

    assert unlisted == set()


def test_template_scan_finds_calls() -> None:
    source = 't(f"report.kind.{case.kind}")\nt(f"a.{x[\'y\']}.short", n=1)\nself.t(f"no.{x}")\nt("plain.key")\n'

    assert [re.sub(r"\{[^{}]*\}", "{}", m.group(2)) for m in TEMPLATE_CALL.finditer(source)] == [
        "report.kind.{}",
        "a.{}.short",
    ]
    assert {"report.kind.{}", "draft.status.{}", "help.{}"} <= templates_in_source()
    assert {"acknowledged", "resolved", "escalated", "checklist_done"} <= timeline_kinds()


@pytest.mark.parametrize(
    "key", sorted({t.format(v) for t, values in dynamic_families().items() for v in values}), ids=str
)
def test_every_key_built_from_an_enum_value_exists(key: str) -> None:
    assert key in keys()
