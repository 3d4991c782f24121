"""The one rule for "is this paper already in the base?", used by ``add``, every importer and tests.

A paper is the same as a known one when, in this order:

1. it has the same arXiv id (versions do not count);
2. it has the same DOI (case-insensitive);
3. its normalised title (case, accents, punctuation and spacing ignored) equals the normalised
   title or one of the ``other_titles`` of a known paper;
4. its normalised title scores at least ``TITLE_SIMILARITY`` against one of them with rapidfuzz's
   ``ratio`` (a near-identical spelling: a typo, a dropped article).

The closest distinct titles in the real base score 91 ("membership inference attacks against
diffusion models" vs "white-box membership inference attacks against diffusion models"), so 95
separates spellings of one title from different papers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterable, TypeVar

from rapidfuzz import fuzz, process

from .textnorm import normalise_title

__all__ = ["TITLE_SIMILARITY", "Match", "Matcher"]

TITLE_SIMILARITY = 95

T = TypeVar("T")


@dataclass(frozen=True)
class Match(Generic[T]):
    item: T
    how: str  # "arXiv id", "DOI", "title", "near-identical title"
    detail: str  # the value that matched

    def describe(self, label: str) -> str:
        return f"same {self.how} {self.detail} as {label}" if self.how in ("arXiv id", "DOI") else f"{self.how} as {label}"


class Matcher(Generic[T]):
    """Known papers (or anything with an arXiv id, a DOI and titles), looked up by the rule above."""

    def __init__(self) -> None:
        self._arxiv: dict[str, T] = {}
        self._doi: dict[str, T] = {}
        self._titles: list[str] = []
        self._items: list[T] = []
        self._exact: dict[str, T] = {}

    @classmethod
    def of(cls, items: Iterable[tuple[T, str | None, str | None, Iterable[str]]]) -> "Matcher[T]":
        m: Matcher[T] = cls()
        for item, arxiv, doi, titles in items:
            m.add(item, arxiv, doi, titles)
        return m

    def add(self, item: T, arxiv: str | None, doi: str | None, titles: Iterable[str]) -> None:
        if arxiv:
            self._arxiv.setdefault(arxiv, item)
        if doi:
            self._doi.setdefault(doi.lower(), item)
        for title in titles:
            key = normalise_title(title)
            if key and key not in self._exact:
                self._exact[key] = item
                self._titles.append(key)
                self._items.append(item)

    def find(self, arxiv: str | None, doi: str | None, titles: Iterable[str]) -> Match[T] | None:
        if arxiv and arxiv in self._arxiv:
            return Match(self._arxiv[arxiv], "arXiv id", arxiv)
        if doi and doi.lower() in self._doi:
            return Match(self._doi[doi.lower()], "DOI", doi)
        keys = [k for k in (normalise_title(t) for t in titles) if k]
        for key in keys:
            if key in self._exact:
                return Match(self._exact[key], "same title", key)
        for key in keys:
            found = process.extractOne(key, self._titles, scorer=fuzz.ratio, score_cutoff=TITLE_SIMILARITY)
            if found is not None:
                return Match(self._items[found[2]], "near-identical title", key)
        return None


def paper_matcher(papers: Iterable) -> "Matcher":
    """A matcher over ``Paper`` records (title and other titles)."""
    return Matcher.of((p, p.arxiv, p.doi, (p.title, *p.other_titles)) for p in papers)
