"""The configuration the import tests check rows against: the sample app.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "app.yaml")
