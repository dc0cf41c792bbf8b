"""The package boundaries: only the UI imports Kivy; the domain model does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kiosk"
IO_MODULES = {"os", "io", "sqlite3", "socket", "requests", "urllib", "http", "pathlib",
              "shutil", "subprocess", "tempfile", "uvicorn", "fastapi", "kivy", "threading"}
IO_CALLS = {"open", "print", "input"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def modules(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


def test_the_packages_exist() -> None:
    assert len(modules(PACKAGE)) > 10


@pytest.mark.parametrize("path", modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_ui_package_imports_kivy(path: Path) -> None:
    if path.relative_to(PACKAGE).parts[0] == "ui":
        return
    kivy = {m for m in imported_modules(path) if m == "kivy" or m.startswith("kivy.")}
    assert not kivy, f"{path} imports {kivy}; only kiosk/ui may import Kivy"


@pytest.mark.parametrize("path", modules(PACKAGE / "catalogue"),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_domain_model_does_no_io(path: Path) -> None:
    roots = {m.split(".")[0] for m in imported_modules(path)}
    assert not roots & IO_MODULES, f"{path} imports {roots & IO_MODULES}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & IO_CALLS, f"{path} calls {calls & IO_CALLS}"
    inside = {m for m in imported_modules(path) if m.startswith("kiosk.")}
    assert all(m.startswith("kiosk.catalogue") for m in inside), inside


@pytest.mark.parametrize("path", modules(PACKAGE / "submission"),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_submission_rules_do_no_io(path: Path) -> None:
    """What a person types is checked without touching disk or network (nothing of it can
    leak into a file or a request from here)."""
    roots = {m.split(".")[0] for m in imported_modules(path)}
    assert not roots & IO_MODULES, f"{path} imports {roots & IO_MODULES}"
    inside = {m for m in imported_modules(path) if m.startswith("kiosk.")}
    assert all(m.startswith(("kiosk.catalogue", "kiosk.submission", "kiosk.i18n"))
               for m in inside), inside


def test_the_boundary_check_catches_a_kivy_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from kivy.clock import Clock\n    return Clock\n")
    assert "kivy.clock" in imported_modules(sneaky)
