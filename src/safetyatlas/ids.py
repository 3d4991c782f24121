"""Identifier types: one constrained type per record kind, each pattern defined once.

Every identifier doubles as a file name and a URL segment, so none may contain a path
separator, a dot-dot, white space or upper-case letters.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_WORD = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_PATTERN = rf"^{_WORD}$"
"""Lower-case words joined by single hyphens: ``black-box``, ``llm-agent``."""

PAPER_ID_PATTERN = r"^[a-z][a-z0-9]*[0-9]{4}[a-z0-9]+$"
"""The BibTeX cite key: family name, year, first significant title word (``zou2023universal``)."""

_ARXIV_BODY = r"(?:0[0-9]|1[0-4])[0-9]{2}\.[0-9]{4}|(?:1[5-9]|[2-9][0-9])[0-9]{2}\.[0-9]{5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7}"
ARXIV_PATTERN = rf"^(?:{_ARXIV_BODY})$"
"""New-style arXiv identifiers (``0704.0001`` to ``1412.9999`` with four digits after the dot, five since
``1501.00001``) or old-style (``cs/0112017``), without version. ``2402.1557`` is a five-digit id cut short."""
_ARXIV_IN_TEXT = re.compile(rf"(?:\barxiv(?:\s+preprint)?\s*:?\s*(?:arxiv\s*:\s*)?|arxiv\.org/(?:abs|pdf)/|\babs/)({_ARXIV_BODY})(?![0-9])(?:v[0-9]+)?", re.I)
_ARXIV_BARE = re.compile(rf"^(?:arxiv:)?\s*({_ARXIV_BODY})(?:v[0-9]+)?$", re.I)


def find_arxiv(text: str) -> str | None:
    """The arXiv id a text names, without version: ``'arXiv preprint arXiv:2307.15043'``,
    ``'https://arxiv.org/pdf/2307.15043v2'``, ``'CoRR abs/2307.15043'`` -> ``'2307.15043'``."""
    m = _ARXIV_IN_TEXT.search(text)
    return m.group(1) if m else None


def normalise_arxiv(value: str) -> str | None:
    """A bare arXiv id (``'arXiv:2307.15043v2'`` -> ``'2307.15043'``), or None when it is not one."""
    value = value.strip()
    m = _ARXIV_BARE.match(value)
    return m.group(1) if m else find_arxiv(value)


_DOI_IN_TEXT = re.compile(r"(?:doi\.org/|\bdoi:\s*|^)(10\.[0-9]{4,9}/[^\s\"<>{}]+)", re.I)


def normalise_doi(text: str) -> str | None:
    """The bare DOI in ``text``: ``'https://doi.org/10.1145/3576915.3623120'`` -> ``'10.1145/3576915.3623120'``."""
    from urllib.parse import unquote

    m = _DOI_IN_TEXT.search(text.strip())
    return unquote(m.group(1)).rstrip(".,;") if m else None


# doi.org itself; Springer's chapter and article pages; the ``/doi/[abs|full|pdf|epdf]/<DOI>`` pages of the
# ACM Digital Library, Wiley, Taylor & Francis, SAGE and the other publishers on that platform
_DOI_PAGE = re.compile(
    r"^https?://(?:(?:www\.|dx\.)?doi\.org/|link\.springer\.com/(?:chapter|article)/|[a-z0-9.\-]+/doi/(?:abs/|full/|pdf/|epdf/)?)(10\.\d{4,9}/[^?#\s]+)",
    re.I,
)


def doi_in_url(url: str | None) -> str | None:
    """The DOI a page address is built from (doi.org, Springer chapters and articles, the ``/doi/``
    pages of the ACM Digital Library and other publishers), or None: such a URL names the DOI, so
    the record can give it as ``doi``."""
    m = _DOI_PAGE.match(url.strip()) if url else None
    return normalise_doi(m.group(1)) if m else None


def normalise_url(url: str) -> str:
    """An official paper page in its canonical form: OpenReview ``pdf?id=`` -> ``forum?id=``,
    ACL Anthology ``.pdf`` -> the page, ``http`` -> ``https`` for both."""
    url = url.strip()
    if m := re.match(r"^https?://openreview\.net/(?:pdf|forum|attachment)\?id=([A-Za-z0-9_\-]+)", url):
        return f"https://openreview.net/forum?id={m.group(1)}"
    if m := re.match(r"^https?://(?:www\.)?aclanthology\.org/([A-Za-z0-9.\-]+?)(?:\.pdf)?/?$", url):
        return f"https://aclanthology.org/{m.group(1)}/"
    return url


_GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([^?#]+?)(?:\.git)?/*(?:[?#].*)?$", re.I)


def normalise_code_url(url: str) -> str:
    """A code link in its canonical form: a GitHub address without GitHub's view state (``?tab=readme-ov-file``,
    ``#readme``), a ``.git`` suffix or a trailing slash; other addresses only lose a trailing slash."""
    url = url.strip()
    if m := _GITHUB_REPO.match(url):
        return f"https://github.com/{m.group(1)}"
    return url.rstrip("/")


_PUBLISHED_PAGE = re.compile(
    r"^https?://(?:www\.)?(?:aclanthology\.org|openaccess\.thecvf\.com|proceedings\.mlr\.press|proceedings\.neurips\.cc"
    r"|papers\.nips\.cc|usenix\.org/conference|ojs\.aaai\.org|ijcai\.org/proceedings|dl\.acm\.org/doi|ieeexplore\.ieee\.org/document"
    r"|link\.springer\.com/(?:chapter|article)|(?:www\.)?sciencedirect\.com/science/article)/",
    re.I,
)
ARXIV_DOI_PREFIX = "10.48550/"
"""DataCite DOIs arXiv gives its preprints: a DOI that is not one names a published version."""


def published_version_field(url: str | None, doi: str | None) -> str | None:
    """Which of a record's identifiers names a published version ("DOI" or "URL"), if one does: a DOI that
    is not arXiv's own, or a proceedings or publisher page. Then a venue of "arXiv" is stale. OpenReview is
    not among them: a forum page is also what a rejected submission has."""
    if doi and not doi.startswith(ARXIV_DOI_PREFIX):
        return "DOI"
    if url and _PUBLISHED_PAGE.match(url):
        return "URL"
    return None


DOI_PATTERN = r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$"
"""The DOI syntax Crossref recommends (covers nearly all DOIs issued), without ``https://doi.org/``."""

SIDES = ("attack", "defense")

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
# a taxonomy node merged into another keeps its id as a former id (read by ``former_node``)
FormerCategoryId = Annotated[str, StringConstraints(pattern=rf"^{_WORD}$|^(?:{_WORD}\.){{3}}{_WORD}$")]
FormerSubcategoryId = Annotated[str, StringConstraints(pattern=rf"^{_WORD}(?:\.{_WORD})?$|^(?:{_WORD}\.){{4}}{_WORD}$")]
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


def former_node(scope: str, old: str, category: str | None = None) -> str:
    """The node a taxonomy ``former_ids`` entry names. On a category: a sibling category's id, or a
    whole ``family.threat.side.category`` from another scope. On a subcategory of ``category``: a
    sibling's id, ``category.subcategory`` from another category of the scope, or a whole
    ``family.threat.side.category.subcategory`` from another scope (a node merged across scopes)."""
    if old.count(".") >= 3:
        return old
    if category is None or "." in old:
        return node_id(scope, old)
    return node_id(scope, category, old)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``'Backdoor & Poisoning Attacks'`` -> ``backdoor-poisoning-attacks``."""
    from .textnorm import ascii_fold

    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return "-".join(words)


# Words skipped when picking the "first significant title word" of a cite key.
STOP_WORDS = frozenset("a an the on of in for to and or with from by via at as is are be do does can how what when why towards toward into your you we our not all its it this that".split())


def make_paper_id(family_name: str, year: int, title: str, taken: "set[str] | frozenset[str]" = frozenset()) -> str:
    """The cite key scheme: family name + year + first significant title word, then b, c, ... on collision.

    ``make_paper_id("Zou", 2023, "Universal and Transferable Adversarial Attacks")`` -> ``zou2023universal``.
    """
    from .textnorm import ascii_fold

    name = re.sub(r"[^a-z]", "", ascii_fold(family_name).lower())[:30] or "anon"
    words = re.findall(r"[a-z0-9]+", re.sub(r"(?<=[a-z])['’][a-z]{1,2}\b", "", ascii_fold(title.replace("’", "'")).lower()))  # "What's" is one word
    word = next((w for w in words if w not in STOP_WORDS), words[0] if words else "untitled")
    base = f"{name}{year}{word}"[:72]
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if base + suffix not in taken:
            return base + suffix
    raise ValueError(f"too many papers share the cite key {base}")
