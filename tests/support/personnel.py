"""The personnel spreadsheets of docs/personnel and what April does with them, for the tests of
`sns-bot directory import`: the open items April readdresses, the dry run and the app.yaml written."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

from sqlalchemy.orm import Session

from bot.config import Config
from handlers.personnel import service as personnel
from storage.db import SessionFactory
from storage.models import (
    Account,
    AccountState,
    Audience,
    Capacity,
    Case,
    CaseCopy,
    CaseKind,
    Draft,
    DraftRequest,
    DraftStatus,
    RequestRole,
)
from tests.support.bot import APP_YAML

SAMPLES = APP_YAML.parent / "docs" / "personnel"
CSV_SAMPLE = SAMPLES / "personnel-2027-04.csv"
XLSX_SAMPLE = SAMPLES / "personnel-2027-04.xlsx"
AT = datetime(2027, 3, 25, 1, 0, tzinfo=UTC)  # a week before April's change

# What April does to the repository's app.yaml, with an open case held by the leaving head, a draft waiting for
# both of the department's approvers, and accounts managed by the member who leaves (with another, or alone).
APRIL = """\
■ 観光プロモーション課（kanko）
  着任: 観光 三郎（kanko.saburo@city.example.jp） — 所属長・決裁権者
  着任: 高梁 みどり（takahashi.midori@city.example.jp） — 職員
  転出: 観光 一郎（kanko.ichiro@city.example.jp） — 所属長・決裁権者
  転出: 吉備 さくら（U0STAFF2） — 職員
  役割の変更: 観光 次郎（kanko.jiro@city.example.jp）: 決裁権者 → 代決者
  再読み込みで宛先が変わるもの:
    事案 SNS-2027-0003: 所属長 観光 一郎（kanko.ichiro@city.example.jp） → 観光 三郎（kanko.saburo@city.example.jp）
    下書き #1: 決裁権者 観光 一郎（kanko.ichiro@city.example.jp）、観光 次郎（kanko.jiro@city.example.jp） が外れ、\
観光 三郎（kanko.saburo@city.example.jp） に依頼します
    アカウント 総社市観光: 管理者 吉備 さくら（U0STAFF2） が外れます（残る管理者: \
総社 太郎（soja.taro@city.example.jp））
    アカウント 総社市の桃: 管理者 吉備 さくら（U0STAFF2） が外れ、管理者がいなくなります（市政情報課に毎日知らせます）
■ 文化スポーツ課（bunka）— 新しい部署
  着任: 観光 一郎（kanko.ichiro@city.example.jp） — 所属長・決裁権者
  着任: 備中 健（bitchu.ken@city.example.jp） — 職員"""


def samples_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_april_subjects(session: Session) -> None:
    case = Case(
        number="SNS-2027-0003", kind=CaseKind.FLAME, capacity=Capacity.OFFICIAL, summary="炎上", discovered_at=AT,
        created_at=AT, department_id="kanko", department_name="観光プロモーション課", reporter_id="U0STAFF1",
        reporter_name="総社 太郎",
    )  # fmt: skip
    case.copies.append(CaseCopy(audience=Audience.HEAD, target="U0HEADKANKO", name="観光 一郎", department_id="kanko"))
    case.copies.append(CaseCopy(audience=Audience.PUBLIC_INFO, target="C0PUBLICINFO", name="市政情報課"))
    resolved = Case(
        number="SNS-2027-0002", kind=CaseKind.FLAME, capacity=Capacity.OFFICIAL, summary="解決済み", status="resolved",
        discovered_at=AT, created_at=AT, department_id="kanko", reporter_id="U0STAFF1", reporter_name="総社 太郎",
    )  # fmt: skip
    resolved.copies.append(CaseCopy(audience=Audience.HEAD, target="U0HEADKANKO", name="観光 一郎"))
    draft = Draft(
        kind="official_view", status=DraftStatus.PENDING, author_id="U0STAFF1", author_name="総社 太郎",
        department_id="kanko", account_key="@soja_kanko", chosen_approvers=["U0HEADKANKO", "U0DEPUTYKANKO"],
        created_at=AT, submitted_at=AT,
    )  # fmt: skip
    for approver in ("U0HEADKANKO", "U0DEPUTYKANKO"):
        draft.requests.append(DraftRequest(version=1, role=RequestRole.APPROVER, user_id=approver, user_name=approver))
    session.add_all(
        [case, resolved, draft, account("総社市観光", ["U0STAFF1", "U0STAFF2"]), account("総社市の桃", ["U0STAFF2"])]
    )


def account(name: str, managers: list[str]) -> Account:
    return Account(
        platform="x", name=name, url=f"https://x.com/{len(managers)}", department_id="kanko",
        department_name="観光プロモーション課", managers=managers, state=AccountState.ACTIVE,
        password_changed_on=date(2027, 1, 5), review_interval_days=180, last_review_on=date(2027, 1, 5),
        registered_at=AT, registered_by="import",
    )  # fmt: skip


def dry_run(sessions: SessionFactory, config: Config, path: Path) -> str:
    plan = personnel.plan(config, path)
    assert plan.problems == []
    with sessions() as session:
        return personnel.dry_run(session, config, plan, personnel.identify_by_name(config, plan))


def written(config: Config, path: Path = CSV_SAMPLE) -> str:
    plan = personnel.plan(config, path)
    return personnel.written(plan, APP_YAML.read_text(encoding="utf-8"), personnel.identify_by_name(config, plan))
