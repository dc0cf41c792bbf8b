"""The catalogue as the kiosk's screens and commands use it: the local store plus search.

The search index is built once from the store and rebuilt when a sync has replaced the
store file, so a long-running kiosk picks up a new catalogue without a restart.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kiosk.assets import ASSETS
from kiosk.catalogue.model import Procedure
from kiosk.catalogue.search import SearchHit, SearchIndex, Synonyms, parse_synonyms
from kiosk.store.catalogue_store import CatalogueStore, StoreError
from kiosk.store.sync import load_popularity, popularity_path

SYNONYMS = ASSETS / "search" / "synonyms.txt"


@lru_cache(maxsize=4)
def load_synonyms(path: Path = SYNONYMS) -> Synonyms:
    """The synonym list search uses (reviewed like code, shipped with it)."""
    return parse_synonyms(path.read_text(encoding="utf-8"))


class LocalCatalogue:
    """`agency`: the agency this kiosk serves (its code); search prefers its levels."""

    def __init__(self, path: Path, agency: str = "") -> None:
        self.store = CatalogueStore(path)
        self.agency = agency
        self._index: SearchIndex | None = None
        self._popularity = popularity_path(path)
        self._popularity_seen: float | None = None

    def _popularity_changed(self) -> bool:
        try:
            return self._popularity.stat().st_mtime != self._popularity_seen
        except OSError:
            return self._popularity_seen is not None

    @property
    def index(self) -> SearchIndex:
        if self._index is None or self.store.changed_on_disk() or self._popularity_changed():
            views = load_popularity(self._popularity)
            try:
                self._popularity_seen = self._popularity.stat().st_mtime
            except OSError:
                self._popularity_seen = None
            docs = [replace(d, popularity=views.get(d.code, 0)) for d in self.store.search_docs()]
            self._index = SearchIndex(docs, load_synonyms(), self._served_levels())
        return self._index

    def _served_levels(self) -> tuple[str, ...]:
        if not self.agency:
            return ()
        try:
            agency = self.store.agencies().agencies.get(self.agency)
        except StoreError:
            return ()
        return (agency.level,) if agency else ()

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        return self.index.search(query, limit)

    def forget_words(self) -> None:
        """The words the last person searched for leave no trace in the search's cache."""
        if self._index is not None:
            self._index.forget_words()

    def procedure(self, code: str) -> Procedure | None:
        return self.store.procedure(code)

    def close(self) -> None:
        self.store.close()
