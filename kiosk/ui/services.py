"""What the screens need from the rest of the kiosk, gathered in one place by the app.

No Kivy here: the services are the catalogue, connectivity, and the cached form PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.catalogue.model import Procedure
from kiosk.config import Config
from kiosk.store.catalogue_store import FormFile, StoreError
from kiosk.store.client import ClientSettings
from kiosk.store.connectivity import Connectivity
from kiosk.store.forms_cache import FormsCache
from kiosk.store.local_catalogue import LocalCatalogue


@dataclass
class KioskServices:
    config: Config
    catalogue: LocalCatalogue
    connectivity: Connectivity
    forms: FormsCache

    @classmethod
    def from_config(cls, config: Config) -> KioskServices:
        return cls(config, LocalCatalogue(config.catalogue_path),
                   Connectivity(ClientSettings.from_config(config)),
                   FormsCache(config.forms_dir, int(config.sync.forms_cache_mb * 1024 * 1024),
                              int(config.sync.max_form_mb * 1024 * 1024)))

    @property
    def online(self) -> bool:
        return bool(self.connectivity.online)

    def form_pdf(self, code: str, sample: bool) -> Path | None:
        """The cached PDF of a form (or of its filled-in sample), if this kiosk has it."""
        found = self._form_file(code)
        if found is None:
            return None
        return self.forms.path(found.sample_sha256 if sample else found.sha256)

    def form_title(self, code: str) -> str:
        found = self._form_file(code)
        return found.form.title if found else code

    def _form_file(self, code: str) -> FormFile | None:
        try:
            return self.catalogue.store.form_file(code)
        except StoreError:
            return None

    def procedure_url(self, procedure: Procedure) -> str:
        return self.config.help.procedure_url.format(code=procedure.code)
