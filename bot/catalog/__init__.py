"""The one catalog of user-facing text.

Entries live in one YAML file per feature (``help.yaml`` holds the ``help.*`` keys) so
each feature's copy changes together with its code. An entry is either a plain string
(Japanese) or a mapping ``{ja: ..., en: ...}``; Japanese is the UI language and English
the fallback where no Japanese is written. Placeholders use ``str.format`` syntax.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("ja", "en")


@cache
def _entries() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for item in resources.files(__name__).iterdir():
        if not item.name.endswith(".yaml"):
            continue
        feature = item.name.removesuffix(".yaml")
        for name, value in (yaml.safe_load(item.read_text(encoding="utf-8")) or {}).items():
            entries[f"{feature}.{name}"] = {"ja": value} if isinstance(value, str) else dict(value)
    return entries


def keys() -> list[str]:
    return sorted(_entries())


def raw(key: str, lang: str = "ja") -> str:
    """The unformatted text of ``key`` in ``lang``, falling back through LANGUAGES."""
    entry = _entries()[key]
    for candidate in (lang, *LANGUAGES):
        if candidate in entry:
            return entry[candidate]
    raise KeyError(f"{key} has no text in any of {LANGUAGES}")


def t(key: str, /, lang: str = "ja", **params: Any) -> str:
    """The text of ``key`` with ``params`` filled in. An unknown key is a bug: KeyError."""
    return raw(key, lang).format(**params)


def bilingual(key: str, /, **params: Any) -> str:
    """Japanese, then English where it differs: for operators' terminals and logs."""
    ja, en = t(key, "ja", **params), t(key, "en", **params)
    return ja if ja == en else f"{ja}\n{en}"
