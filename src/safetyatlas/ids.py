"""Identifier types: one constrained type per record kind, each pattern defined once.

Every identifier doubles as a file name and a URL segment, so none may contain a path
separator, a dot-dot, white space or upper-case letters.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Lower-case words joined by single hyphens: ``black-box``, ``llm-agent``."""

PAPER_ID_PATTERN = r"^[a-z][a-z0-9]*[0-9]{4}[a-z0-9]+$"
"""The BibTeX cite key: family name, year, first significant title word (``zou2023universal``)."""

ARXIV_PATTERN = r"^(?:[0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})$"
"""New-style (``2307.15043``) or old-style (``cs/0112017``) arXiv identifiers, without version."""

DOI_PATTERN = r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$"
"""The DOI syntax Crossref recommends (covers nearly all DOIs issued), without ``https://doi.org/``."""

SIDES = ("attack", "defense")

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
FamilyId = Slug
ThreatId = Slug
VenueId = Slug
SectionId = Slug
BenchmarkId = Slug
ChallengeId = Slug
GroupId = Slug
PaperId = Annotated[str, StringConstraints(pattern=PAPER_ID_PATTERN, max_length=80)]
ArxivId = Annotated[str, StringConstraints(pattern=ARXIV_PATTERN)]


def balanced_parentheses(text: str) -> bool:
    """True when every ``)`` closes an earlier ``(`` and none stays open (safe inside a Markdown link)."""
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _doi_parentheses(doi: str) -> str:
    if not balanced_parentheses(doi):
        raise ValueError("the DOI's parentheses are unbalanced")
    return doi


Doi = Annotated[str, StringConstraints(pattern=DOI_PATTERN, max_length=200), AfterValidator(_doi_parentheses)]

SLUG_RE = re.compile(SLUG_PATTERN)
PAPER_ID_RE = re.compile(PAPER_ID_PATTERN)

ID_RULES = {
    SLUG_PATTERN: "use lower-case letters, digits and single hyphens, e.g. 'black-box'",
    PAPER_ID_PATTERN: "use the cite key: family name + year + first title word, lower-case ASCII, e.g. 'zou2023universal'",
    ARXIV_PATTERN: "write the bare identifier without version or prefix, e.g. '2307.15043', and quote it",
    DOI_PATTERN: "write the bare DOI starting with '10.', without 'https://doi.org/'",
}
"""How to fix a value that does not match a pattern, keyed by the pattern itself."""


def scope_id(family: str, threat: str, side: str) -> str:
    """The identifier of the taxonomy scope (model family, threat, side)."""
    return f"{family}.{threat}.{side}"


def node_id(*parts: str | None) -> str:
    """Dotted identifier of a taxonomy node: ``llm.jailbreak.attack.black-box.llm-generated``."""
    return ".".join(p for p in parts if p)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``'Backdoor & Poisoning Attacks'`` -> ``backdoor-poisoning-attacks``."""
    from .text import ascii_fold

    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return "-".join(words)


# Words skipped when picking the "first significant title word" of a cite key.
STOP_WORDS = frozenset(
    "a an the on of in for to and or with from by via at as is are be do does can how what when why "
    "towards toward into your you we our not all its it this that".split()
)


def make_paper_id(family_name: str, year: int, title: str, taken: "set[str] | frozenset[str]" = frozenset()) -> str:
    """The cite key scheme: family name + year + first significant title word, then b, c, ... on collision.

    ``make_paper_id("Zou", 2023, "Universal and Transferable Adversarial Attacks")`` -> ``zou2023universal``.
    """
    from .text import ascii_fold

    name = re.sub(r"[^a-z]", "", ascii_fold(family_name).lower()) or "anon"
    words = re.findall(r"[a-z0-9]+", ascii_fold(title).lower())
    word = next((w for w in words if w not in STOP_WORDS), words[0] if words else "untitled")
    base = f"{name}{year}{word}"[:72]
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if base + suffix not in taken:
            return base + suffix
    raise ValueError(f"too many papers share the cite key {base}")
