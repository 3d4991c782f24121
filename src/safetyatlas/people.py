"""Authors as people: the one rule for when two author entries are the same person.

Two entries are one identity when their family and given names are equal once accents, case,
hyphens and full stops are ignored (``Tramèr, Florian`` = ``Tramer, Florian``; ``Ng, See-Kiong`` =
``Ng, See Kiong``). Real variants beyond that (``Gong, Neil`` for ``Gong, Neil Zhenqiang``) are
written once in ``taxonomy/people.yaml``: records use the canonical spelling, and validation warns
where a listed variant is used.

``likely_split`` finds what neither rule decides: the same family name, given names where one is
a part or the initials of the other, and at least two co-authors in common. Each such pair is
either the same person (add the variant to people.yaml and fix the records) or two people (list
the namesake under ``distinct_from``); validation warns until one of those is said.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from typing import Iterable, Mapping

from .schema import Author, Paper, Person
from .textnorm import ascii_fold

__all__ = ["identity", "likely_split", "SHARED_COAUTHORS"]

SHARED_COAUTHORS = 2


@functools.lru_cache(maxsize=65536)  # the same names recur on every paper of a person
def _words(text: str | None) -> tuple[str, ...]:
    return tuple(ascii_fold(text or "").casefold().replace("-", " ").replace(".", " ").split())


def identity(family: str, given: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The identity key of an author entry: equal keys are one person."""
    return _words(family), _words(given)


def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b or a == b:
        return False
    if set(a) < set(b) or set(b) < set(a):
        return True
    initials = lambda x: all(len(t) == 1 for t in x)  # noqa: E731
    return (initials(a) and [t[0] for t in b][: len(a)] == list(a)) or (initials(b) and [t[0] for t in a][: len(b)] == list(b))


def likely_split(papers: Iterable[Paper], people: Mapping[str, Person]) -> list[tuple[Author, Author, int, str]]:
    """Pairs of author spellings that may be one person: (rarer, commoner, shared co-authors, a paper of the rarer)."""
    decided: set[frozenset] = set()
    for person in people.values():
        key = _words(person.family)
        for other in (*person.variants, *person.distinct_from):
            decided.add(frozenset({(key, _words(person.given)), (key, _words(other))}))
    count: dict[tuple, int] = defaultdict(int)
    spelling: dict[tuple, Author] = {}
    coauthors: dict[tuple, set] = defaultdict(set)
    example: dict[tuple, str] = {}
    for p in papers:
        keys = [identity(a.family, a.given) for a in p.authors]
        for a, k in zip(p.authors, keys):
            count[k] += 1
            spelling.setdefault(k, a)
            example.setdefault(k, p.id)
            coauthors[k].update(x[0] for x in keys if x != k)
    by_family: dict[tuple, list] = defaultdict(list)
    for k in count:
        by_family[k[0]].append(k)
    out = []
    for keys in by_family.values():
        for x, y in itertools.combinations(sorted(keys), 2):
            if _compatible(x[1], y[1]) and frozenset({x, y}) not in decided:
                shared = len(coauthors[x] & coauthors[y])
                if shared >= SHARED_COAUTHORS:
                    rare, common = (x, y) if count[x] <= count[y] else (y, x)
                    out.append((spelling[rare], spelling[common], shared, example[rare]))
    return out
