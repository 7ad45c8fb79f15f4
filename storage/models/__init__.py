"""The tables, one module per aggregate; a feature adds its own module here and re-exports its names below.

Importing the package registers every table on Base.metadata (Alembic's env.py relies on it).
"""

from storage.models.accounts import Account, AccountState, Platform
from storage.models.applications import Application, ApplicationStatus
from storage.models.audit import AuditEntry
from storage.models.cases import (
    Audience,
    Capacity,
    Case,
    CaseCopy,
    CaseCounter,
    CaseKind,
    CaseReporter,
    CaseStatus,
    CaseUrl,
    ChecklistItem,
    OpenCaseUrl,
)
from storage.models.drafts import Absence, Draft, DraftKind, DraftRequest, DraftStatus, DraftVersion, RequestRole
from storage.models.notices import ChannelNotice, PlainTextNotice
from storage.models.outbox import OutboxMessage, OutboxMethod, OutboxStatus
from storage.models.reminders import Reminder
from storage.models.revisions import ConfigRevision
from storage.models.slack_names import SlackName
from storage.models.sweeps import SchedulerSweep
from storage.models.views import OpenedView, ProcessedView

__all__ = [
    "Absence",
    "Account",
    "AccountState",
    "Application",
    "ApplicationStatus",
    "Audience",
    "AuditEntry",
    "Capacity",
    "Case",
    "CaseCopy",
    "CaseCounter",
    "CaseKind",
    "CaseReporter",
    "CaseStatus",
    "CaseUrl",
    "ChannelNotice",
    "ChecklistItem",
    "ConfigRevision",
    "Draft",
    "DraftKind",
    "DraftRequest",
    "DraftStatus",
    "DraftVersion",
    "OpenCaseUrl",
    "OpenedView",
    "OutboxMessage",
    "OutboxMethod",
    "OutboxStatus",
    "PlainTextNotice",
    "Platform",
    "ProcessedView",
    "Reminder",
    "RequestRole",
    "SchedulerSweep",
    "SlackName",
]
