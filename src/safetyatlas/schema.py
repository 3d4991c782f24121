"""The record kinds of the knowledge base as pydantic models.

Every model forbids unknown keys (a typo in YAML is an error, not a dropped field) and is
frozen (records are values). ``Record`` is the union of the kinds, tagged by ``kind``.
"""

from __future__ import annotations

from functools import cached_property
import datetime as dt
import re
import unicodedata
import urllib.parse
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .errors import FieldProblem
from .ids import (
    ArxivId,
    BenchmarkId,
    ChallengeId,
    Doi,
    FamilyId,
    FormerCategoryId,
    FormerSubcategoryId,
    GroupId,
    PaperId,
    SectionId,
    Slug,
    ThreatId,
    VenueId,
    balanced_parentheses,
    node_id,
    scope_id,
)

SCHEMA_VERSION = 1

Side = Literal["attack", "defense"]
Role = Literal["method", "benchmark", "dataset", "analysis", "survey", "position", "background"]
EntryType = Literal["inproceedings", "article", "misc", "techreport", "phdthesis", "book", "incollection"]
VenueType = Literal["conference", "journal", "workshop", "preprint", "other"]
Basis = Literal["threat-model", "subtask", "other"]
RelationType = Literal["extends", "improves-on", "attacks", "defends-against", "evaluates", "related"]

_CONTROL_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _bad_character(value: str, allowed: str = "") -> str | None:
    for ch in value:
        if ch not in allowed and (unicodedata.category(ch) in _CONTROL_CATEGORIES or ch in _BIDI_CONTROLS):
            return ch
    return None


def _one_line(value: str) -> str:
    if (ch := _bad_character(value)) is not None:
        what = "a line break" if ch in "\r\n\u2028\u2029" else f"the control character U+{ord(ch):04X}"
        raise FieldProblem(f"contains {what}", "this field is one line of plain text: remove it")
    return value


def _plain_text(value: str) -> str:
    if (ch := _bad_character(value, allowed="\n")) is not None:
        raise FieldProblem(f"contains the control character U+{ord(ch):04X}", "write plain text: remove it")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(_one_line)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), AfterValidator(_plain_text)]

_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\^`{|}]")


def _http_url(value: str) -> str:
    """A full http(s) URL that cannot break out of a Markdown link or an HTML attribute."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FieldProblem(f"{value!r} is not a valid URL", "write a full http(s) address, e.g. 'https://github.com/owner/repo'")
    if (m := _URL_FORBIDDEN.search(value)) or _bad_character(value) is not None:
        bad = repr(m.group()) if m else "a control character"
        raise FieldProblem(f"{value!r} is not a valid URL: it contains {bad}", "percent-encode it, e.g. %20 for a space, %3C for '<'")
    if not balanced_parentheses(value):
        raise FieldProblem(f"{value!r} is not a valid URL: its parentheses are unbalanced", "percent-encode them as %28 and %29")
    return value


Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_http_url)]

EARLIEST_YEAR = 1950


def _plausible_year(year: int) -> int:
    latest = dt.date.today().year + 1
    if not EARLIEST_YEAR <= year <= latest:
        raise ValueError(f"year {year} is impossible: expected {EARLIEST_YEAR} to {latest}")
    return year


Year = Annotated[int, AfterValidator(_plausible_year)]


def _page_range(value: str) -> str:
    """One spelling of a range, as the site and the BibTeX reader use it: '1028--1050' and '1028–1050' -> '1028-1050'."""
    return re.sub(r"[-–]+", "-", value)


Pages = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]+([-–]+[0-9A-Za-z]+)?$"), AfterValidator(_page_range)]


def _not_in_future(day: dt.date) -> dt.date:
    today = dt.datetime.now(dt.timezone.utc).date()
    if day > today:
        raise FieldProblem(f"{day.isoformat()} is in the future", f"use the date the paper was added (today is {today.isoformat()})")
    return day


PastDate = Annotated[dt.date, AfterValidator(_not_in_future)]
Issue = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z](?:[0-9A-Za-z .\-–/]*[0-9A-Za-z.])?$", max_length=40)]
"""A volume or issue number: ``36``, ``12-3``, ``Suppl. 2``."""


class Model(BaseModel):
    """Shared configuration: unknown keys are errors; records are immutable values."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, validate_default=False)


# --- taxonomy ---------------------------------------------------------------------------


class Family(Model):
    """A model family such as LLMs, or a sub-family such as SAM under vision foundation models."""

    kind: Literal["family"] = "family"
    id: FamilyId
    name: Name
    short: Name
    parent: FamilyId | None = None
    survey_chapter: int | None = Field(default=None, ge=1, le=20, description="Chapter number of this family in the survey's paper list")
    description: Text


class Threat(Model):
    """A threat type; ``attack_name``/``defense_name`` say which sides it has."""

    kind: Literal["threat"] = "threat"
    id: ThreatId
    name: Name
    short: Name | None = Field(default=None, description="A short label for narrow places (the matrix's column headings)")
    attack_name: Name | None = None
    defense_name: Name | None = None
    description: Text

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(s for s, n in (("attack", self.attack_name), ("defense", self.defense_name)) if n)


class Venue(Model):
    """A publication venue; ``aliases`` are the raw spellings an importer maps onto it."""

    kind: Literal["venue"] = "venue"
    id: VenueId
    name: Name
    full_name: Name
    type: VenueType
    aliases: tuple[Name, ...] = ()

    @property
    def entry_type(self) -> EntryType:
        by_type: dict[str, EntryType] = {"journal": "article", "preprint": "misc", "other": "misc"}
        return by_type.get(self.type, "inproceedings")


class Source(Model):
    """A paper list the base imports from: what it is, under which license, which commit was read."""

    kind: Literal["source"] = "source"
    id: Slug
    name: Name
    repository: Url
    license: Name
    commit: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,40}$")] | None = None
    date: dt.date | None = None
    description: Text


class Person(Model):
    """One author as a person: the spelling records use, its known variants, and namesakes who are not them."""

    kind: Literal["person"] = "person"
    family: Name
    given: Name | None = None
    variants: tuple[Name, ...] = Field(default=(), description="Other given-name spellings of this person (records use 'given')")
    distinct_from: tuple[Name, ...] = Field(default=(), description="Given names of namesakes with this family name who are other people")

    @property
    def id(self) -> str:
        return f"{self.family}, {self.given or ''}"


class Exclusion(Model):
    """An entry of a source that is deliberately not imported, and why (so a re-import does not ask again)."""

    kind: Literal["exclusion"] = "exclusion"
    source: Slug
    key: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    title: Name
    reason: Name

    @property
    def id(self) -> str:
        return f"{self.source}:{self.key}"


class Section(Model):
    """A section of the survey's paper list, kept so every list placement stays recoverable."""

    kind: Literal["section"] = "section"
    id: SectionId
    chapter: FamilyId
    heading: Name
    family: FamilyId | None = None
    threat: ThreatId | None = None
    side: Side | None = None


class Subcategory(Model):
    id: Slug
    name: Name
    description: Text
    representative: tuple[PaperId, ...] = ()
    former_ids: tuple[FormerSubcategoryId, ...] = Field(
        default=(),
        description="Subcategories merged into this one: a sibling's id, 'category.subcategory' from another category of the scope, "
        "or 'family.threat.side.category.subcategory' from another scope; their pages redirect here",
    )


class Category(Model):
    id: Slug
    name: Name
    basis: Basis
    description: Text
    subcategories: tuple[Subcategory, ...] = Field(min_length=1)
    former_ids: tuple[FormerCategoryId, ...] = Field(
        default=(), description="Categories merged into this one: a sibling's id, or 'family.threat.side.category' from another scope; their pages redirect here"
    )


class Scope(Model):
    """The two-level taxonomy (category -> subcategory) of one (model family, threat, side)."""

    kind: Literal["scope"] = "scope"
    family: FamilyId
    threat: ThreatId
    side: Side
    description: Text | None = None
    categories: tuple[Category, ...] = Field(min_length=1)

    @property
    def id(self) -> str:
        return scope_id(self.family, self.threat, self.side)


class Benchmark(Model):
    """A benchmark or dataset; which papers introduce or use it is said by the papers."""

    kind: Literal["benchmark"] = "benchmark"
    id: BenchmarkId
    name: Name
    type: Literal["benchmark", "dataset"]
    description: Text
    families: tuple[FamilyId, ...] = ()
    threats: tuple[ThreatId, ...] = ()
    url: Url | None = None
    citation: Text | None = None


class ChallengeGroup(Model):
    kind: Literal["challenge-group"] = "challenge-group"
    id: GroupId
    name: Name
    description: Text


NodeRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+){0,4}$")]


class Challenge(Model):
    """An open research challenge, linked to the taxonomy nodes it concerns."""

    kind: Literal["challenge"] = "challenge"
    id: ChallengeId
    group: GroupId
    title: Name
    description: Text
    concerns: tuple[NodeRef, ...] = ()
    papers: tuple[PaperId, ...] = Field(default=(), description="Papers in the base that show the problem or work on it, most telling first")


# --- papers -----------------------------------------------------------------------------


class Author(Model):
    family: Name
    given: Name | None = None

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}" if self.given else self.family


class Classification(Model):
    """Where a paper sits: model family, threat, side, then category and subcategory."""

    family: FamilyId
    threat: ThreatId | None = None
    side: Side | None = None
    category: Slug | None = None
    subcategory: Slug | None = None
    role: Role = "method"
    section: SectionId | None = None

    @cached_property  # read for every page, link and count: computed once per (frozen) record
    def scope(self) -> str:
        return scope_id(self.family, self.threat or "", self.side or "")

    @cached_property
    def node(self) -> str:
        return node_id(self.family, self.threat, self.side, self.category, self.subcategory)

    @property
    def complete(self) -> bool:
        """Placed as far as it should be: to a subcategory, or at its scope for a background paper."""
        if self.role == "background":
            return None not in (self.threat, self.side)
        return None not in (self.threat, self.side, self.category, self.subcategory)


class Relation(Model):
    paper: PaperId
    type: RelationType = "related"


class Paper(Model):
    """One paper; its ``id`` is its BibTeX cite key, its file name and its page URL."""

    kind: Literal["paper"] = "paper"
    id: PaperId
    title: Name
    other_titles: tuple[Name, ...] = Field(default=(), description="Other titles of the same paper: an earlier arXiv version's, or a paper list's spelling")
    short_name: Annotated[Name, StringConstraints(max_length=40)] | None = Field(default=None, description="The name researchers use for the method or benchmark: GCG, PAIR, HarmBench")
    authors: tuple[Author, ...] = Field(min_length=1)
    authors_truncated: bool = False
    year: Year
    venue: VenueId | None = None
    entry_type: EntryType = "misc"
    volume: Issue | None = None
    number: Issue | None = None
    pages: Pages | None = None
    publisher: Name | None = None
    arxiv: ArxivId | None = None
    doi: Doi | None = None
    url: Url | None = None
    code: Url | None = None
    classifications: tuple[Classification, ...] = Field(min_length=1)
    summary: Text | None = None
    introduces: tuple[BenchmarkId, ...] = ()
    evaluates_on: tuple[BenchmarkId, ...] = ()
    related: tuple[Relation, ...] = ()
    added: PastDate | None = None
    former_ids: tuple[PaperId, ...] = Field(default=(), description="Ids this record was published under before; their pages redirect here")
    listed_in: tuple[Slug, ...] = Field(default=(), description="The sources (taxonomy/sources.yaml) whose lists carry this paper")

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @cached_property
    def threats(self) -> frozenset[str]:
        """The threats the paper is classified under."""
        return frozenset(c.threat for c in self.classifications if c.threat)

    @cached_property
    def subcategory_nodes(self) -> frozenset[str]:
        """The subcategories the paper sits in, as node ids."""
        return frozenset(c.node for c in self.classifications if c.subcategory)


RecordModel = Union[Family, Threat, Venue, Source, Exclusion, Person, Section, Scope, Benchmark, ChallengeGroup, Challenge, Paper]
"""A record of any kind (every one has an ``id``), for type annotations."""

Record = Annotated[RecordModel, Field(discriminator="kind")]

MODELS: dict[str, type[RecordModel]] = {m.model_fields["kind"].default: m for m in (Family, Threat, Venue, Source, Exclusion, Person, Section, Scope, Benchmark, ChallengeGroup, Challenge, Paper)}
