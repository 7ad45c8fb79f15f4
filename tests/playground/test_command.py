"""`sns-bot playground` as an operator runs it: the page's URL first, the bot behind it, a clean stop."""

from __future__ import annotations

import http.client
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.playground.support import playground_process
from tests.support.bot import APP_YAML
from tests.support.process import clean_environment
from tests.test_cli import sns_bot

pytestmark = pytest.mark.slow


def status_of(url: str, path: str = "/") -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_playground_prints_its_url_first_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    args = sns_bot("playground", "--port", "0", "--config", str(APP_YAML))
    with playground_process(args, cwd=tmp_path, env=clean_environment()) as playground:
        url = playground.wait_until_ready()  # the first address printed

        assert url.startswith("http://127.0.0.1:")
        assert status_of(url) == 200
        assert status_of(url, "/api/setup") == 200
        assert playground.interrupt() == 0

    assert "Traceback" not in playground.output()
    with sqlite3.connect(tmp_path / "playground.db") as kept:  # the default database stays for next time
        assert kept.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_memory_database_leaves_nothing_and_exposed_host_warns(tmp_path: Path) -> None:
    args = sns_bot("playground", "--host", "0.0.0.0", "--port", "0", "--db", ":memory:", "--config", str(APP_YAML))  # noqa: S104
    with playground_process(args, cwd=tmp_path, env=clean_environment()) as playground:
        playground.wait_until_ready()
        output = playground.output()
        assert playground.interrupt() == 0

    assert "anyone who can reach this page can act as any user" in output.lower()
    assert "どの職員としても操作できます" in output
    assert not (tmp_path / "playground.db").exists()
