"""Start-up imports only what every start needs: the heavy libraries of rarer paths load on first use
(bench/RESULTS.md, part 6: start-up time and peak RSS)."""

import subprocess
import sys

import pytest

# Each costs 0.1–0.3 s and 13–20 MB when imported: xlsx exports and imports, X's length, PostgreSQL's LISTEN.
LOADED_ON_FIRST_USE = ("openpyxl", "twitter_text", "psycopg")


@pytest.mark.parametrize("module", LOADED_ON_FIRST_USE)
def test_the_command_line_starts_without(module: str) -> None:
    probe = f"import sys, bot.cli, bot.service; print({module!r} in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "False", f"{module} is imported at start-up"
