"""HTML from the national portal turned into plain paragraphs a kiosk label can show.

The portal's steps, conditions and channel descriptions are HTML written in an editor:
paragraphs, line breaks, lists, tables, inline styling and entities. A paragraph or a
list item becomes one paragraph (list items marked with a bullet or their number); a
table row becomes one paragraph with its cells separated by " | ". Scripts and styles
are dropped, never shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                     "ul", "ol", "table", "blockquote", "section", "article", "pre"})
_HIDDEN = frozenset({"script", "style", "head", "title"})
_SPACE = re.compile(r"\s+")


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [ordered (1/0), items so far]
        self.hidden = 0
        self.in_cell = False

    def _end_paragraph(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text and text not in ("|", "•"):
            self.paragraphs.append(text.strip(" |"))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if tag in ("td", "th"):
            if self.in_cell or "".join(self.current).strip():
                self.current.append(" | ")
            self.in_cell = True
            return
        if tag in _BLOCKS:
            self._end_paragraph()
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            if self.lists:
                self.lists[-1][1] += 1
                ordered, number = self.lists[-1]
                self.current.append(f"{number}. " if ordered else "• ")
            else:
                self.current.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag in ("td", "th"):
            return
        if tag == "tr":
            self.in_cell = False
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)


def paragraphs(html: str) -> list[str]:
    """The text of an HTML fragment (or of plain text, line by line) as paragraphs."""
    if not html or not html.strip():
        return []
    if "<" not in html:
        return [p for p in (_SPACE.sub(" ", line).strip() for line in html.splitlines()) if p]
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser._end_paragraph()
    return parser.paragraphs


def plain(html: str) -> str:
    """The text of an HTML fragment on one line per paragraph."""
    return "\n".join(paragraphs(html))
