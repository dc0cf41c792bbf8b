"""The catalogue as the kiosk's screens and commands use it: the local store plus search.

The search index is built once from the store and rebuilt when a sync has replaced the
store file, so a long-running kiosk picks up a new catalogue without a restart.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.catalogue.model import Procedure
from kiosk.catalogue.search import SearchHit, SearchIndex
from kiosk.store.catalogue_store import CatalogueStore


class LocalCatalogue:
    def __init__(self, path: Path) -> None:
        self.store = CatalogueStore(path)
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        if self._index is None or self.store.changed_on_disk():
            self._index = SearchIndex(self.store.search_docs())
        return self._index

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        return self.index.search(query, limit)

    def procedure(self, code: str) -> Procedure | None:
        return self.store.procedure(code)

    def close(self) -> None:
        self.store.close()
