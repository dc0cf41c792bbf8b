"""The package boundaries: the layers of pyproject.toml's import-linter contracts hold,
the product never imports the test support, only the UI imports Kivy, and the domain
model does no I/O."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kiosk"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
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


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's own command on the `kiosk` package found under `root`, with the
    contracts of this checkout's pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "kiosk",
                    ignore=lambda folder, names: [n for n in names if n in {"locale",
                                                                            "__pycache__"}])
    return tmp_path


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("catalogue/model.py", "from kiosk.store import client", "kiosk layers"),
    ("store/heartbeat.py", "from kiosk.scanner import camera", "kiosk layers"),
    ("config/settings.py", "from kiosk.system import schedule", "kiosk layers"),
    ("ui/header.py", "from kiosk.server import run", "only the kiosk command starts"),
    ("server/db.py", "from kiosk.config import settings", "shares only the domain"),
])
def test_the_contracts_catch_an_import_across_them(tmp_path: Path, module: str, line: str,
                                                   broken: str) -> None:
    """The contracts are live: one import against the layers, in a copy of the package,
    breaks the contract it is against."""
    root = copy_of_the_package(tmp_path)
    path = root / "kiosk" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                    encoding="utf-8")
    done = lint_imports(root)
    assert done.returncode == 1, done.stdout
    report = done.stdout.split("Broken contracts")[1]
    assert broken in report and line.split()[1] in report, done.stdout


@pytest.mark.parametrize("package", ["kiosk.cli"])
def test_no_import_cycles_inside(package: str) -> None:
    """A module never imports, even by a detour, a module that imports it (`kiosk scan`
    took its error line from `kiosk.cli.main`, which imported `kiosk.cli.scan`)."""
    graph = grimp.build_graph("kiosk", cache_dir=None)
    inside = {m for m in graph.modules if m.startswith(f"{package}.")}
    cycles = {(m, n) for m in inside for n in graph.find_modules_directly_imported_by(m)
              if n in inside and graph.chain_exists(importer=n, imported=m)}
    assert not cycles, cycles


@pytest.mark.parametrize("path", modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_product_never_imports_the_test_support(path: Path) -> None:
    """Generators, the UI driver and the tour live in tests/support, which is not shipped:
    an import of them from the product would fail on every installed kiosk."""
    test_side = {m for m in imported_modules(path)
                 if m.split(".")[0] in {"support", "tests", "conftest"}}
    assert not test_side, f"{path} imports {test_side} from the tests"


def test_the_test_support_holds_the_generators() -> None:
    """What moved out of the product stays out: no photo or data generator is back under
    kiosk/ (the wheel ships kiosk/ only: pyproject.toml's packages.find)."""
    support = ROOT / "tests" / "support"
    for name in ("receipt_photos", "document_photos", "receipt_image", "synthetic",
                 "speech_outputs", "driver", "tour"):
        assert (support / f"{name}.py").exists(), name
        assert not list(PACKAGE.rglob(f"{name}.py")), f"{name}.py is back in kiosk/"


@pytest.mark.parametrize("path", modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_type_ignore_says_why(path: Path) -> None:
    """mypy checks kiosk/ (pyproject.toml's [tool.mypy]); where it must be told to look
    away, the line says why: `# type: ignore[code]  # reason`."""
    bare = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if "type: ignore" in line
            and not re.search(r"type: ignore\[[\w, -]+\]\s+#\s*\S", line)]
    assert not bare, f"{path}: lines {bare} ignore a type error without a reason"
