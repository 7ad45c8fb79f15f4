"""The guideline's text checks (bot.lint) on 10,000 drafts, in-process: throughput and time per text."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.stats import Latency
from bench.texts import PLATFORMS, drafts
from bot.config import load_config
from bot.lint import LintSettings, lint
from handlers.draft.checks import lint_settings


@dataclass(frozen=True)
class LintRun:
    texts: int
    seconds: float
    latency: Latency
    characters: tuple[int, int, float]  # shortest, longest, mean
    with_findings: int
    findings: dict[str, int]  # per rule

    @property
    def per_second(self) -> float:
        return self.texts / self.seconds


def run(config: Path, count: int, profile: Callable[[str, Callable[[], Any]], Any] | None = None) -> LintRun:
    config_data = load_config(config)
    words = lint_settings(config_data).forbidden_words
    limits = config_data.lint.length_limits
    settings = {
        platform: LintSettings(forbidden_words=words, length_limit=limits[platform], weighted=platform == "x")
        for platform in set(PLATFORMS)
    }
    corpus = drafts(count)
    for draft in corpus[:50]:  # warm: compiled patterns, phonenumbers' metadata
        lint(draft.text, settings[draft.platform], draft.previous)
    times: list[float] = []
    rules: Counter[str] = Counter()
    flagged = 0
    started = time.perf_counter()
    for draft in corpus:
        before = time.perf_counter()
        found = lint(draft.text, settings[draft.platform], draft.previous)
        times.append(time.perf_counter() - before)
        flagged += bool(found)
        rules.update(f.rule.value for f in found)
    seconds = time.perf_counter() - started
    if profile is not None:
        profile("lint", lambda: [lint(d.text, settings[d.platform], d.previous) for d in corpus[:2000]])
    lengths = [len(d.text) for d in corpus]
    return LintRun(
        count,
        seconds,
        Latency.of(times),
        (min(lengths), max(lengths), sum(lengths) / len(lengths)),
        flagged,
        dict(rules.most_common()),
    )
