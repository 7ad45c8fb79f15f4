"""The catalog of user-facing text: complete, consistent, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot import catalog
from bot.catalog import bilingual, keys, raw, t

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = (ROOT / "bot", ROOT / "handlers")
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


def test_catalog_is_not_empty() -> None:
    assert len(keys()) > 20
    assert keys() == sorted(keys())


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


def test_help_sections_exist() -> None:
    # handlers/help/views.py builds these keys with an f-string, which the scan above skips.
    from handlers.help.views import SECTIONS

    for section in SECTIONS:
        assert f"help.{section}" in keys()
