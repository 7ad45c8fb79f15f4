"""The desk the rules' tests drive the report service at."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from handlers.report.domain import Context
from storage.cases import CaseNumbers
from storage.db import SessionFactory
from tests.report.desk import THURSDAY, Desk, directory


@pytest.fixture
def desk(sessions: SessionFactory, engine: Engine) -> Desk:
    directory_ = directory()
    return Desk(sessions, Context(directory_, THURSDAY, CaseNumbers(engine)))
