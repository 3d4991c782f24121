"""The one venue resolver: a venue string as BibTeX, a paper list or a user writes it -> a venue id.

Used by ``add`` (BibTeX), every importer and validation, so that the same string always gets
the same answer. It reads the forms that Google Scholar, DBLP, ACL Anthology, OpenReview, PMLR,
CVF, IEEE, ACM and USENIX produce:

- ``Proceedings of the 41st International Conference on Machine Learning``, ``The Twelfth
  International Conference on Learning Representations``, ``ICLR 2024``, ``NeurIPS'25``:
  ordinals, years and "Proceedings of" do not count;
- ``2022 IEEE Symposium on Security and Privacy (SP)``, ``32nd USENIX Security Symposium (USENIX
  Security 23)``: a parenthesised acronym is tried on its own;
- ``Findings of the Association for Computational Linguistics: EMNLP 2024``, ``EMNLP (Findings)``,
  ``CVPR 2026 Findings``: Findings are their own venues (``findings-emnlp``, ``findings-cvpr``), never the
  main conference (and unresolved when the table has no Findings venue for that conference);
- ``NeurIPS 2023 Workshop on ...``, ``... (CVPR) Workshops``: a workshop at a conference is that
  conference's workshop venue (``neurips-workshop``), never the main conference, unless the
  workshop is a venue of its own (``AISec``, ``WOAH``);
- journals by full name or DBLP abbreviation (``IEEE Trans. Inf. Forensics Secur.``), through the
  venue's ``aliases``;
- ``arXiv preprint arXiv:2307.15043``, ``CoRR abs/2307.15043``: arXiv, with the identifier.

The rule is "unresolved rather than wrong": a string is resolved only when its normalised form
equals one venue's normalised name, full name or alias (or, for long names, starts with exactly
one of them). Publisher words (IEEE, ACM, CVF) are compared first as written, then dropped: so
``Transactions on Information Forensics and Security`` still finds IEEE TIFS, while a journal whose
own title is the bare name (Scilight's ``Transactions on Artificial Intelligence``) is not mistaken
for the IEEE journal of the same words. ``Submitted to ...`` and ``Under review`` are never a
venue. Unresolved strings come back with the closest known venues, for the error message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .ids import find_arxiv
from .schema import Venue
from .textnorm import ascii_fold

__all__ = ["VenueMatch", "VenueResolver", "venue_key"]

_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth sixtieth "
    "twenty thirty forty fifty sixty"
).split()
_DROP = frozenset(_ORDINAL_WORDS + "proceedings proc the of on in at annual international intl volume vol long short papers paper main track conference-track".split())
_PUBLISHERS = frozenset("ieee cvf thecvf acm sigsac".split())
_TRACKS = re.compile(r"\b(?:datasets and benchmarks|industry|demo(?:nstrations?)?|system demonstrations|main conference|conference)\s+track\b", re.I)
_YEAR4 = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_PARENS = re.compile(r"\(([^()]*)\)")
_NOT_PUBLISHED = re.compile(r"\b(?:submitted to|under review|under submission|in submission|preprint under review)\b", re.I)
_ARXIV_NAMES = re.compile(r"^\s*(?:arxiv(?:\s+e-prints|\s+preprint)?|corr|arxiv\.org)\b", re.I)
_FINDINGS_OF = ("emnlp", "naacl", "eacl", "aacl", "acl")


@functools.lru_cache(maxsize=1 << 14)
def venue_key(text: str, publishers: bool = False) -> str:
    """The comparable form of a venue name: ``'Proceedings of the 41st Int. Conf. ...'`` -> words that matter.

    Publisher words (IEEE, ACM, CVF) are dropped unless ``publishers`` is true.
    """
    text = ascii_fold(text).casefold().replace("&", " and ")
    text = _TRACKS.sub(" ", text)
    text = _YEAR4.sub(" ", text)
    text = re.sub(r"['’][0-9]{2}\b", " ", text)
    text = re.sub(r"\b[0-9]+(?:st|nd|rd|th)\b", " ", text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _DROP and not w.isdigit() and (publishers or w not in _PUBLISHERS)]
    return " ".join(words)


@dataclass(frozen=True)
class VenueMatch:
    """What a venue string says: the venue (None when unresolved), a year and an arXiv id in it."""

    raw: str
    venue: Venue | None
    year: int | None = None
    arxiv: str | None = None
    candidates: tuple[Venue, ...] = field(default=(), compare=False)
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.venue is not None


class VenueResolver:
    """Resolves venue strings against one venue table; build it once per run."""

    def __init__(self, venues: Iterable[Venue] | Mapping[str, Venue]):
        table = list(venues.values()) if isinstance(venues, Mapping) else list(venues)
        self.venues = {v.id: v for v in table}
        index: dict[str, set[str]] = {}
        written: dict[str, set[str]] = {}  # keys with the publisher words kept
        for v in table:
            for name in (v.id, v.name, v.full_name, *v.aliases):
                if key := venue_key(name):
                    index.setdefault(key, set()).add(v.id)
                if key := venue_key(name, publishers=True):
                    written.setdefault(key, set()).add(v.id)
        self._index = {k: self.venues[next(iter(ids))] for k, ids in index.items() if len(ids) == 1}
        self._written = {k: self.venues[next(iter(ids))] for k, ids in written.items() if len(ids) == 1}
        self._long = sorted((k for k in self._index if len(k.split()) >= 4), key=len, reverse=True)

    # -- lookup -------------------------------------------------------------------------

    def _exact(self, text: str) -> Venue | None:
        key = venue_key(text)
        if not key:
            return None
        if (v := self._written.get(venue_key(text, publishers=True))) is not None:
            return v
        if (v := self._index.get(key)) is not None:
            return v
        prefixed = [k for k in self._long if key.startswith(k + " ")]
        if prefixed and (len(prefixed) == 1 or len(prefixed[0]) > len(prefixed[1])):
            return self._index[prefixed[0]]
        return None

    def _lookup(self, text: str) -> Venue | None:
        """The whole string without its parentheses, then each parenthesised part, then all of it."""
        outside = _PARENS.sub(" ", text)
        head = outside.split(":", 1)[0] if ":" in outside else None  # "Computer Vision - ECCV 2022: 17th European ..."
        for candidate in (outside, *_PARENS.findall(text), text, *([head] if head else [])):
            if (v := self._exact(candidate)) is not None:
                return v
        return None

    def _with_kind(self, venue: Venue | None, kind: str) -> Venue | None:
        if venue is None or kind == "main":
            return venue
        if venue.type == "workshop" and kind == "workshop":
            return venue
        return self.venues.get(f"{kind}-{venue.id}" if kind == "findings" else f"{venue.id}-{kind}")

    # -- the rule -----------------------------------------------------------------------

    def resolve(self, raw: str) -> VenueMatch:
        text = " ".join(raw.split())
        year = _year(text)
        arxiv = find_arxiv(text)
        if not text:
            return VenueMatch(raw, None, reason="empty")
        if _NOT_PUBLISHED.search(text):
            return VenueMatch(raw, None, year, arxiv, reason="a submission is not a venue: use arXiv until the paper is accepted")
        if arxiv or _ARXIV_NAMES.match(text):
            return VenueMatch(raw, self.venues.get("arxiv"), year, arxiv)
        folded = ascii_fold(text).casefold()
        if re.search(r"\bfindings\b", folded):
            conference = next((c for c in _FINDINGS_OF if re.search(rf"\b{c}\b", folded)), None)
            venue = self.venues.get(f"findings-{conference}") if conference else None
            if venue is None and venue_key(text) == "findings acl":
                venue = self.venues.get("findings-acl")
            if venue is None and (host := self._lookup(re.sub(r"\bfindings\b", " ", text, flags=re.I))) is not None:
                venue = self.venues.get(f"findings-{host.id}")  # "CVPR 2026 Findings", "Findings of the IEEE/CVF Conference on ..."
            return self._done(raw, venue, year, arxiv)
        whole = self._lookup(text)
        if re.search(r"\bworkshops?\b", folded):
            if whole is not None and whole.type == "workshop":
                return self._done(raw, whole, year, arxiv)
            # "NeurIPS 2023 Workshop on X", "... (CVPR) Workshops", "Workshop on X at ICML 2024"
            left = re.split(r"\bworkshops?\b", text, maxsplit=1, flags=re.I)[0]
            host = self._lookup(left) if venue_key(left) else None
            words = left.split()
            for n in range(min(len(words), 3), 0, -1):  # "NeurIPS 2022 ML Safety Workshop": the host leads
                if host is None and (lead := self._exact(" ".join(words[:n]))) is not None and lead.type == "conference":
                    host = lead
            if host is None:
                after = re.search(r"\b(?:at|@|co-located with|held with|held in conjunction with)\s+(.+)$", text, re.I)
                host = self._lookup(after.group(1)) if after else None
            return self._done(raw, self._with_kind(host, "workshop") if host is not None and host.type != "workshop" else host, year, arxiv)
        return self._done(raw, whole, year, arxiv)

    def _done(self, raw: str, venue: Venue | None, year: int | None, arxiv: str | None) -> VenueMatch:
        if venue is not None:
            return VenueMatch(raw, venue, year, arxiv)
        return VenueMatch(raw, None, year, arxiv, self.closest(raw), "no known venue has this name")

    def closest(self, raw: str, limit: int = 3) -> tuple[Venue, ...]:
        """The known venues whose names are most like ``raw`` (for an error message)."""
        from rapidfuzz import fuzz, process

        key = venue_key(raw)
        if not key:
            return ()
        found: list[Venue] = []
        for k, _score, _ in process.extract(key, list(self._index), scorer=fuzz.token_set_ratio, limit=limit * 4, score_cutoff=70):
            v = self._index[k]
            if v not in found:
                found.append(v)
        return tuple(found[:limit])


def _year(text: str) -> int | None:
    if m := _YEAR4.search(text):
        return int(m.group(1))
    if m := re.search(r"['’]([0-9]{2})\b", text) or re.search(r"\(\s*[A-Za-z][A-Za-z &]*\s([0-9]{2})\s*\)", text):
        return 2000 + int(m.group(1))
    return None
