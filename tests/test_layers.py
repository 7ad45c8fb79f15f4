"""The layers: the kernel of bot/ knows no feature; only the modules that wire features into an app do."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import bot
import storage.models

# The modules that wire the features into an app or a command; every other module of bot/ is kernel.
WIRING = {"app.py", "service.py", "server.py", "__main__.py", "cli"}
# What belongs to a feature, below handlers/: its storage modules and models.
FEATURE_STORAGE = {"cases", "drafts", "accounts", "applications"}


def _imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name) for each import of the file; name None for `import module`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield from ((node.module, alias.name) for alias in node.names)


def _is_feature(module: str, name: str | None) -> bool:
    parts = module.split(".")
    if parts[0] == "handlers":
        return True
    if parts[:1] == ["storage"] and (set(parts[1:]) & FEATURE_STORAGE or name in FEATURE_STORAGE):
        return True
    # `from storage.models import CaseKind`: the package re-exports every aggregate's models.
    if module == "storage.models" and name is not None and hasattr(storage.models, name):
        defined_in = getattr(getattr(storage.models, name), "__module__", "")
        return defined_in.rpartition(".")[2] in FEATURE_STORAGE
    return False


def _kernel_imports_of_features(root: Path) -> set[tuple[str, str]]:
    return {
        (path.relative_to(root).as_posix(), f"{module}:{name}")
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in WIRING
        for module, name in _imports(path)
        if _is_feature(module, name)
    }


def test_the_kernel_of_bot_imports_no_feature() -> None:
    assert _kernel_imports_of_features(Path(bot.__file__).parent) == set()


def test_the_check_finds_a_feature_import(tmp_path: Path) -> None:
    for name, line in {
        "uses_handlers.py": "from handlers.report import service",
        "uses_cases.py": "from storage.cases import CaseNumbers",
        "uses_case_kinds.py": "from storage.models import CaseKind, OutboxStatus",
        "uses_drafts.py": "from storage import drafts",
        "cli/wires.py": "import handlers",
    }.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(line + "\n", encoding="utf-8")

    assert _kernel_imports_of_features(tmp_path) == {
        ("uses_handlers.py", "handlers.report:service"),
        ("uses_cases.py", "storage.cases:CaseNumbers"),
        ("uses_case_kinds.py", "storage.models:CaseKind"),
        ("uses_drafts.py", "storage:drafts"),
    }


# What draws for Slack, and what wires drawing to Slack's requests (listeners, middlewares, form parsers that
# share a view's limits). Every other module of handlers/ is a rule: it returns outcomes and intents, and the
# delivery worker draws them when it sends (issue 13).
DRAWING = {"views", "renderer", "messages"}
SLACK_GLUE = DRAWING | {"listeners", "buttons", "forms", "failure", "modals"}


def _draws(module: str) -> bool:
    return module.startswith("handlers.") and bool(set(module.split(".")[1:]) & DRAWING)


def _rules_importing_views(root: Path) -> set[tuple[str, str]]:
    return {
        (path.relative_to(root).as_posix(), module)
        for path in root.rglob("*.py")
        if path.parent != root and not set(path.relative_to(root).with_suffix("").parts) & SLACK_GLUE
        for module, name in _imports(path)
        if _draws(module) or _draws(f"{module}.{name}")
    }


def test_no_service_or_rule_module_imports_a_view() -> None:
    handlers_root = Path(bot.__file__).parent.parent / "handlers"
    assert _rules_importing_views(handlers_root) == set()


def test_the_check_finds_a_rule_importing_a_view(tmp_path: Path) -> None:
    for name, line in {
        "report/service/submission.py": "from handlers.report.views.copy import copy_blocks",
        "draft/decisions.py": "from handlers.draft import renderer",
        "account/sweep.py": "from handlers.account.messages import MESSAGES",
        "account/listeners.py": "from handlers.account.views import account_list",
        "report/views/copy.py": "from handlers.report.views.blocks import section",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(line + "\n", encoding="utf-8")

    assert _rules_importing_views(tmp_path) == {
        ("report/service/submission.py", "handlers.report.views.copy"),
        ("draft/decisions.py", "handlers.draft"),
        ("account/sweep.py", "handlers.account.messages"),
    }
