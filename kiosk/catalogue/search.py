"""Find procedures from whatever a person types, as they type it.

One `SearchIndex.search` serves the CLI and the UI. Matching is on folded words (see
`text`): each query word matches a word of a procedure exactly, as a prefix (the word
being typed), or with one typo. Words are weighted by where they stand (name above
keywords above field) and by rarity, so "thủ tục", "đăng ký", "cấp", "giấy" count for
little; a procedure must carry most of the query's weight to rank high. Scoring runs over
numpy arrays so a keystroke costs well under a millisecond on a 6,000-procedure catalogue;
the top candidates are then re-ranked by how well the name itself reads as the query.

What people say is often not what names say ("bằng lái" for "giấy phép lái xe", "sổ đỏ",
"CCCD"): a synonym list (assets/search/synonyms.txt, reviewed like code, read by the
store's `load_synonyms`: this package does no I/O) adds the other
phrases of a group to each procedure whose name or keywords hold one, when the index is
built, so a keystroke costs no more. "Thủ tục" at the start of a name does not count; a
name the query equals, or starts, comes first; and between procedures that score alike,
the one people use most (usage counts from the central API) and the one at a level this
kiosk serves come first.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from cachetools.func import ttl_cache

from kiosk.catalogue.model import Procedure
from kiosk.catalogue.text import deletions, within_one_edit, words

NAME, KEYWORD, FIELD, RESULT = 3.0, 2.0, 1.0, 0.6
PREFIX_FACTOR = 0.85  # "kha" is probably "khai", but less surely than "khai" itself
TYPO_FACTOR = 0.6
TYPO_MIN_LENGTH = 3  # shorter words have too many one-letter neighbours
MATCH_CACHE_SIZE = 512
MATCH_CACHE_SECONDS = 1800  # a word typed half an hour ago is computed again
RERANK = 60
RELEVANT_SHARE = 0.05
# Words people add around what they want ("thủ tục làm ... ở đâu", "xin ...", "cần gì")
# and words half the catalogue's names share ("đăng ký", "cấp", "giấy"): kept, but they
# weigh little, however rare they happen to be in a small catalogue.
WEAK = frozenset(words("thủ tục làm thế nào ở đâu cần gì xin muốn tôi mình cách hướng dẫn "
                       "đăng ký cấp giấy"))
WEAK_FACTOR = 0.3
# words that open many published names ("Thủ tục cấp ...") and say nothing about which
FILLER_START = (["thu", "tuc", "hanh", "chinh"], ["thu", "tuc"], ["tthc"])
# a near tie is decided by use and level: at most these shares of a score
POPULAR_SHARE = 0.08
SERVED_SHARE = 0.04
_CODE = re.compile(r"^\s*[1-9]\.?\d{0,6}(\.[0-9a-z.]*)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SearchDoc:
    code: str
    name: str
    field: str
    keywords: tuple[str, ...] = ()
    result: str = ""
    levels: tuple[str, ...] = ()
    popularity: int = 0  # how often people opened it (usage counts), 0 when unknown
    more_fields: tuple[str, ...] = ()  # its other fields (lĩnh vực), searched like the first

    @classmethod
    def of(cls, procedure: Procedure, popularity: int = 0) -> SearchDoc:
        return cls(procedure.code, procedure.name, procedure.field, procedure.keywords,
                   procedure.result, procedure.levels, popularity, procedure.more_fields)


Synonyms = Sequence[list[list[str]]]  # groups of phrases, each phrase its search words


def parse_synonyms(text: str) -> Synonyms:
    """The groups of a synonym list: one group a line, phrases separated by "|", "#" starts
    a comment (the kiosk's list is assets/search/synonyms.txt)."""
    groups: list[list[list[str]]] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        phrases = [w for w in (words(part) for part in line.split("|")) if w]
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


def without_filler(name: list[str]) -> list[str]:
    """A name's words without the "Thủ tục" that opens many of them."""
    for filler in FILLER_START:
        if name[:len(filler)] == filler and len(name) > len(filler):
            return name[len(filler):]
    return name


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    field: str
    score: float


@dataclass
class _Postings:
    docs: np.ndarray  # int32 doc numbers
    weights: np.ndarray  # float32 place weight (NAME, KEYWORD, ...)
    idf: float


@dataclass(frozen=True)
class _WordMatch:
    """How one query word matches the index: its per-document scores and its importance."""

    scores: np.ndarray
    importance: float
    words: frozenset[str]  # index words it matched exactly or with a typo
    prefix: str | None  # set when it also matched as a prefix
    weak: bool  # a filler or very common word (see WEAK)


class SearchIndex:
    def __init__(self, docs: Iterable[SearchDoc], synonyms: Synonyms = (),
                 served_levels: Iterable[str] = ()) -> None:
        self.docs = list(docs)
        self.size = len(self.docs)
        self._name_words = [without_filler(words(d.name)) for d in self.docs]
        groups = list(synonyms)
        starts = _phrase_starts(groups)
        expanded = [_with_synonyms(self._name_words[n], [words(k) for k in d.keywords],
                                   groups, starts) for n, d in enumerate(self.docs)]
        self._keyword_words = [keywords for keywords, _ in expanded]
        self._stand_for = [stand_for for _, stand_for in expanded]
        self._codes = [d.code.lower() for d in self.docs]
        most = max((d.popularity for d in self.docs), default=0)
        served = set(served_levels)
        # the near-tie nudge per procedure: use (log scale) and a level this kiosk serves
        self._nudge = np.array([1.0 + (POPULAR_SHARE * math.log1p(d.popularity)
                                       / math.log1p(most) if most else 0.0)
                                + (SERVED_SHARE if served & set(d.levels) else 0.0)
                                for d in self.docs], dtype=np.float32)
        place_weights: dict[str, dict[int, float]] = defaultdict(dict)
        for number, doc in enumerate(self.docs):
            places = [(self._name_words[number], NAME),
                      ([w for k in self._keyword_words[number] for w in k], KEYWORD),
                      ([w for f in (doc.field, *doc.more_fields) for w in words(f)], FIELD),
                      (words(doc.result), RESULT)]
            for place_words, weight in places:
                for word in place_words:
                    slot = place_weights[word]
                    if slot.get(number, 0.0) < weight:
                        slot[number] = weight
        self._exact = {w: self._postings(d) for w, d in place_weights.items()}
        # keywords and synonyms as whole phrases: "sổ đỏ" typed is that phrase, not the
        # common words "sổ" and "đỏ" that thousands of names hold
        phrase_docs: dict[str, dict[int, float]] = defaultdict(dict)
        for number in range(self.size):
            for phrase in self._keyword_words[number]:
                if len(phrase) > 1:
                    phrase_docs[" ".join(phrase)][number] = NAME
        self._phrases = {p: self._postings(d) for p, d in phrase_docs.items()}
        self._longest_phrase = max((len(p.split()) for p in self._phrases), default=0)
        prefixes: dict[str, dict[int, float]] = defaultdict(dict)
        for word, slot in place_weights.items():
            for end in range(1, len(word)):
                target = prefixes[word[:end]]
                for number, weight in slot.items():
                    if target.get(number, 0.0) < weight:
                        target[number] = weight
        self._prefix = {p: self._postings(d) for p, d in prefixes.items()}
        self._typo_keys: dict[str, set[str]] = defaultdict(set)
        for word in self._exact:
            if len(word) >= TYPO_MIN_LENGTH:
                for key in deletions(word) | {word}:
                    self._typo_keys[key].add(word)
        # each entry holds a score per procedure (24 KB at 6,000): enough for the words a
        # few people type letter by letter, bounded in number and in age, so that neither
        # months of them nor this morning's are kept (filling up to the bound, with its
        # arrays, frozensets and links, showed as Python objects growing in the soak)
        self._match = ttl_cache(maxsize=MATCH_CACHE_SIZE, ttl=MATCH_CACHE_SECONDS)(
            self._match_word)

    def forget_words(self) -> None:
        """Drop the cached word matches: the words typed are the last person's (the kiosk
        calls it when a session ends), and their memory goes back while nobody waits."""
        self._match.cache_clear()

    def _postings(self, slot: dict[int, float]) -> _Postings:
        docs = np.fromiter(slot.keys(), dtype=np.int32, count=len(slot))
        weights = np.fromiter(slot.values(), dtype=np.float32, count=len(slot))
        return _Postings(docs, weights, math.log(1 + self.size / len(slot)))

    def _typo_neighbours(self, word: str) -> set[str]:
        if len(word) < TYPO_MIN_LENGTH:
            return set()
        found: set[str] = set()
        for key in deletions(word) | {word}:
            found |= self._typo_keys.get(key, set())
        return {w for w in found if w != word and within_one_edit(word, w)}

    def _match_word(self, word: str, as_prefix: bool) -> _WordMatch:
        scores = np.zeros(self.size, dtype=np.float32)
        importance = 0.0
        matched: set[str] = set()
        exact = self._exact.get(word)
        if exact is not None:
            _raise(scores, exact.docs, exact.weights * exact.idf)
            importance = exact.idf
            matched.add(word)
        prefix = self._prefix.get(word) if as_prefix else None
        if prefix is not None:
            _raise(scores, prefix.docs, prefix.weights * (prefix.idf * PREFIX_FACTOR))
            importance = max(importance, prefix.idf * PREFIX_FACTOR)
        # a word the catalogue knows is taken as meant; only unknown words are corrected
        neighbours = () if importance else self._typo_neighbours(word)
        for neighbour in neighbours:
            posting = self._exact[neighbour]
            _raise(scores, posting.docs, posting.weights * (posting.idf * TYPO_FACTOR))
            importance = max(importance, posting.idf * TYPO_FACTOR)
            matched.add(neighbour)
        if not importance:
            # a word found nowhere still counts against coverage, like an unknown word would
            importance = math.log(1 + self.size)
        if word in WEAK:
            scores *= WEAK_FACTOR
            importance *= WEAK_FACTOR
        # squared, so that a query's rare words decide coverage and common ones barely do
        return _WordMatch(scores, importance * importance, frozenset(matched),
                          word if prefix is not None else None, word in WEAK)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        if _CODE.match(query) and any(ch.isdigit() for ch in query):
            by_code = self._search_code(query.strip().lower(), limit)
            if by_code:
                return by_code
        query_words = words(query)
        if not query_words or not self.size:
            return []
        typing_last = not query[-1:].isspace()
        matches = [self._match(w, typing_last and i == len(query_words) - 1)
                   for i, w in enumerate(query_words)]
        total = np.zeros(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.float32)
        weight = 0.0
        for m in matches:
            total += m.scores
            covered += (m.scores > 0) * np.float32(m.importance)
            weight += m.importance
        self._add_phrases(total, query_words)
        coverage = covered / np.float32(weight)
        scores = total * coverage * coverage
        found = np.flatnonzero(scores > 0)
        if not found.size:
            return []
        if found.size > RERANK:
            found = found[np.argpartition(-scores[found], RERANK - 1)[:RERANK]]
        wanted = without_filler(query_words)
        ranked = sorted(((float(scores[n] * self._nudge[n]) * self._fit(n, matches, query_words),
                          self._name_match(n, wanted, typing_last), n) for n in found.tolist()),
                        key=lambda hit: (-hit[1], -hit[0], self.docs[hit[2]].code))
        floor = max(s for s, _, _ in ranked) * RELEVANT_SHARE  # the long tail is noise
        return [SearchHit(self.docs[n].code, self.docs[n].name, self.docs[n].field,
                          round(score, 4)) for score, first, n in ranked[:limit]
                if score >= floor or first]

    def _add_phrases(self, total: np.ndarray, query: list[str]) -> None:
        """Raise the procedures having a synonym phrase the query holds, word for word."""
        for start in range(len(query) - 1):
            for end in range(start + 2, min(len(query), start + self._longest_phrase) + 1):
                posting = self._phrases.get(" ".join(query[start:end]))
                if posting is not None:
                    total[posting.docs] += posting.weights * posting.idf  # docs unique

    def _name_match(self, number: int, query: list[str], typing: bool) -> int:
        """2 when the name is the query, 1 when it starts with it, else 0."""
        name = self._name_words[number]
        if not query or len(query) > len(name):
            return 0
        head, last = name[:len(query) - 1], name[len(query) - 1]
        if head != query[:-1]:
            return 0
        if last == query[-1]:
            return 2 if len(name) == len(query) else 1
        return 1 if typing and last.startswith(query[-1]) else 0

    def _fit(self, number: int, matches: list[_WordMatch], query: list[str]) -> float:
        """How well the procedure reads as the query, beyond the words it shares with it.

        All query words in the name, in order, with little else, is the best fit; so is a
        query that holds the whole name ("thủ tục đăng ký kết hôn ở đâu"). A keyword
        (what people were seen to type) equal to the query, or carrying it, adds to that:
        it is how the data says which of several similar procedures people mean.
        """
        name = self._name_words[number]
        positions = [_find(name, m) for m in matches]
        found = [p for p in positions if p is not None]
        # a word found through a synonym stands where the name's phrase for it stands
        stand_for = self._stand_for[number]
        for i, m in enumerate(matches):
            if positions[i] is None and stand_for:
                covered = next((places for word, places in stand_for.items()
                                if word in m.words or (m.prefix is not None
                                                       and word.startswith(m.prefix))), None)
                if covered:
                    positions[i] = covered[0]
                    found.extend(covered[1:])
        strong = [p for p, m in zip(positions, matches, strict=True) if not m.weak] or positions
        phrases = self._keyword_words[number]
        # "làm", "xin" around a keyword ("làm sổ đỏ") still make the query that keyword
        meant = [m for m in matches if not m.weak] or matches
        # the query is a keyword, or a synonym of a phrase of the name: as good as the
        # name holding it in order
        said = any(len(k) == len(meant) and _phrase_in(k, meant) for k in phrases)
        fit = 1.0
        if None not in strong or said:
            fit *= 1.3
            if said or _in_order(strong):  # type: ignore[arg-type]  # no None unless said
                fit *= 1.2
        if len(name) > 1 and _contains(query, name):
            fit *= 1.3
        if said:
            fit *= 1.5
        elif any(_phrase_in(k, matches) for k in phrases):
            fit *= 1.2
        extra = min(len(name) - len(set(found)), 12)
        return fit / (1.0 + 0.03 * extra)

    def _search_code(self, query: str, limit: int) -> list[SearchHit]:
        compact = query.replace(".", "")
        hits = [SearchHit(d.code, d.name, d.field, 1.0) for d, code in zip(self.docs, self._codes,
                                                                            strict=True)
                if code.startswith(query) or code.replace(".", "").startswith(compact)]
        return sorted(hits, key=lambda h: h.code)[:limit]



def _with_synonyms(name: list[str], keywords: list[list[str]], groups: Synonyms,
                   starts: dict[str, list[tuple[list[str], int]]]
                   ) -> tuple[list[list[str]], dict[str, tuple[int, ...]]]:
    """The keywords plus, for each synonym group a phrase of which is in the name or is a
    keyword, the group's other phrases; and for each added word, the positions of the
    name's words it stands for. `starts` maps a phrase's first word to the phrases (and
    their group) that begin with it."""
    found: dict[int, tuple[int, ...]] = {}
    for i, word in enumerate(name):
        for phrase, group in starts.get(word, ()):
            if name[i:i + len(phrase)] == phrase and group not in found:
                found[group] = tuple(range(i, i + len(phrase)))
    # a keyword brings its synonyms only when it is the phrase itself: "thêm tên bố vào
    # giấy khai sinh" is about the father, not about registering a birth
    for keyword in keywords:
        for phrase, group in starts.get(keyword[0] if keyword else "", ()):
            if keyword == phrase and group not in found:
                found[group] = ()
    out = list(keywords)
    stand_for: dict[str, tuple[int, ...]] = {}
    for group, positions in sorted(found.items()):
        for phrase in groups[group]:
            if phrase in out or _contains(name, phrase):
                continue
            out.append(phrase)
            for j, word in enumerate(phrase):
                if positions and word not in name:
                    # the phrase's j-th word stands at the name phrase's j-th place (or its
                    # last), so a synonym typed in order reads as the name in order
                    place = positions[min(j, len(positions) - 1)]
                    stand_for.setdefault(word, (place, *positions))
    return out, stand_for


def _phrase_starts(groups: Synonyms) -> dict[str, list[tuple[list[str], int]]]:
    starts: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
    for number, group in enumerate(groups):
        for phrase in group:
            starts[phrase[0]].append((phrase, number))
    return starts


def _raise(scores: np.ndarray, docs: np.ndarray, values: np.ndarray) -> None:
    """scores[docs] = max(scores[docs], values); docs within one posting are unique."""
    scores[docs] = np.maximum(scores[docs], values)


def _find(text: list[str], match: _WordMatch, start: int = 0) -> int | None:
    for i in range(start, len(text)):
        word = text[i]
        if word in match.words or (match.prefix is not None and word.startswith(match.prefix)):
            return i
    return None


def _in_order(positions: list[int]) -> bool:
    return all(b == a + 1 for a, b in itertools.pairwise(positions))


def _phrase_in(text: list[str], matches: list[_WordMatch]) -> bool:
    """True when the query's words stand one after another somewhere in `text`."""
    for start in range(len(text) - len(matches) + 1):
        if all(_find(text[start + i:start + i + 1], m) is not None
               for i, m in enumerate(matches)):
            return True
    return False


def _contains(text: list[str], part: list[str]) -> bool:
    return any(text[i:i + len(part)] == part for i in range(len(text) - len(part) + 1))
