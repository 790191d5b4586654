"""Architecture rules from STYLE.md B14, checked by reading the source (AST)."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ["inventory", "orders", "warehouse", "shipping", "channels_sync", "notifications"]
# Allowed direction: notifications → channels_sync → warehouse → shipping → orders → inventory
# → common
RANK = {
    "inventory": 0,
    "orders": 1,
    "shipping": 2,
    "warehouse": 3,
    "channels_sync": 4,
    "notifications": 5,
}


def _py_files(app):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        yield path


def _imports(path):
    tree = ast.parse(path.read_text())
    type_checking_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for sub in ast.walk(node):
                type_checking_lines.add(getattr(sub, "lineno", -1))
    for node in ast.walk(tree):
        if node.lineno in type_checking_lines if hasattr(node, "lineno") else False:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            if "." not in node.module:
                for alias in node.names:
                    yield f"{node.module}.{alias.name}", node.lineno
            else:
                yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


@pytest.mark.parametrize("app", APPS)
def test_no_upward_imports_and_no_foreign_interfaces(app):
    problems = []
    for path in _py_files(app):
        is_interface = (
            path.name in {"admin.py", "urls.py", "views.py"}
            or "views" in path.parts
            or "management" in path.parts
        )
        for module, line in _imports(path):
            top = module.split(".")[0]
            if top not in RANK or top == app:
                continue
            part = module.split(".")[1] if "." in module else ""
            if top == "channels_sync" and part in {"outbox", "auth"}:
                continue  # the leaf outbox and the API auth may be used by every app
            if top == "notifications" and part == "outbox":
                continue  # the leaf notification outbox, likewise
            if part == "choices":
                continue  # choices modules are constants only (leaf)
            if part in {"api", "views", "tasks"}:
                problems.append(
                    f"{path.relative_to(ROOT)}:{line} imports {module} (another app's interface)"
                )
            elif RANK[top] > RANK[app] and not is_interface:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module} (upward)")
    assert problems == []


def test_no_select_for_update_outside_locks_modules():
    offenders = []
    for app in APPS:
        for path in _py_files(app):
            if path.name == "locks.py":
                continue
            if "select_for_update" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_domain_signals():
    offenders = []
    for app in APPS:
        for path in _py_files(app):
            text = path.read_text()
            if "post_save" in text or "pre_save" in text or "@receiver" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_ledger_rows_are_written_only_by_inventory_services():
    offenders = []
    for app in APPS:
        for path in _py_files(app):
            if path.parts[-3:-1] in {("inventory", "services"), ("inventory", "models")}:
                continue
            text = path.read_text()
            if "StockMovement.objects.create" in text or "StockMovement(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_lock_helpers_lock_only_their_own_row_without_blocking_foreign_keys():
    # docs/contracts.md "One lock order": a helper that locked the rows of a select_related()
    # join FOR UPDATE (not NO KEY) made every insert referencing that product or bin wait.
    offenders = []
    for app in APPS:
        path = ROOT / app / "locks.py"
        for call in ast.walk(ast.parse(path.read_text())):
            if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "select_for_update":
                keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
                if keywords.get("of") != "('self',)" or keywords.get("no_key") != "True":
                    offenders.append(f"{app}/locks.py:{call.lineno}")
    assert offenders == []


def test_stock_state_fields_are_written_only_by_their_services():
    """Bin.bin_type / is_blocked and StockLevel.lot_status decide what counts as unavailable:
    only the services that re-book the balance in the same transaction may change them."""
    import re

    writers = {
        "bin_type": {("warehouse", "services", "bins.py")},
        "is_blocked": {("warehouse", "services", "bins.py")},
        "lot_status": {("inventory", "services", "lots.py")},
    }
    offenders = []
    for app in [*APPS, "dashboard", "common", "audit"]:
        for path in _py_files(app):
            text = path.read_text()
            for name, allowed in writers.items():
                assignment = re.search(rf"\.{name}\s*=[^=]|update\([^)]*\b{name}\s*=", text)
                if assignment and tuple(path.parts[-3:]) not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
