"""The visitor's session object, and the screens on top that report up instead of
reaching into the app."""

from __future__ import annotations

import ast
from pathlib import Path

from catalogue_samples import catalogue

from kiosk.catalogue.model import Catalogue
from kiosk.config.settings import EXAMPLE_CONFIG, load_config
from kiosk.ui.services import KioskServices
from kiosk.ui.session import Session

UI = Path(__file__).parent.parent / "kiosk" / "ui"


def test_the_end_of_a_visit_forgets_the_language_the_modes_and_the_draft() -> None:
    services = KioskServices(load_config(str(EXAMPLE_CONFIG), environ={}))
    session = services.session
    assert session.language == session.default_language == "vi"
    session.language, session.large_text, session.high_contrast = "en", True, True
    session.speech_mode = True
    draft = services.start_draft(Catalogue.from_dict(catalogue()).procedures[0])
    draft.values["full_name"] = "NGUYEN THI HOA"
    assert services.draft is draft is session.draft
    session.reset()
    assert session == Session(default_language="vi")
    assert services.draft is None
    assert draft.values == {}  # emptied in place: no other holder keeps what was typed


def test_the_overlays_and_the_speech_control_do_not_import_the_app() -> None:
    for name in ("overlays.py", "speech_control.py", "session.py"):
        tree = ast.parse((UI / name).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert "kiosk.ui.app" not in imported, name
        assert ".app." not in (UI / name).read_text(encoding="utf-8"), name
