"""``add``: new paper records from BibTeX entries, or from arXiv metadata.

``plan_add`` is pure: BibTeX text + one classification + the current base -> the files to
write, or the problems that stop it (malformed BibTeX with its line, an unknown venue, a
duplicate of an existing paper by arXiv id, DOI or near-identical title, which it names).
``run_add`` is the edge: it reads the base, plans, validates the base as it would be with the
new files, and writes all of them or none.

``fetch_arxiv`` asks the arXiv API (short timeout; a clear message when offline) and
``arxiv_bibtex`` turns its Atom answer into a BibTeX entry, so both inputs take one path.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import bibtexparser
from bibtexparser.model import Entry, Field
from pydantic import ValidationError

from . import __version__
from .bibtex import latex, latex_title, from_bibtex, unlatex
from .errors import Diagnostic, ImportProblem, UsageProblem, ValidationFailed
from .ids import ARXIV_PATTERN
from .importer import today
from .kb import KnowledgeBase
from .kinds import paper_path
from .matching import Matcher
from .schema import Classification, Paper, Venue
from .venues import VenueResolver
from .pipeline import check_change, open_for_change
from .writing import dump_paper, dump_yaml, record_data, write_files
from .textnorm import normalise_title, squash_space


@dataclass
class AddPlan:
    files: dict[str, str] = field(default_factory=dict)
    papers: list[Paper] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # file to write -> line of its input entry
    problems: list[Diagnostic] = field(default_factory=list)
    merged: list[Paper] = field(default_factory=list)  # existing records extended (--merge)
    diffs: dict[str, str] = field(default_factory=dict)  # paper id -> unified diff of its record

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.problems if d.severity == "error"]


def classification(family: str, threat: str | None = None, side: str | None = None, category: str | None = None, subcategory: str | None = None, role: str = "method") -> Classification:
    """A classification from command-line values; ``UsageProblem`` when one is malformed."""
    try:
        return Classification.model_validate(dict(family=family, threat=threat, side=side, category=category, subcategory=subcategory, role=role))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise UsageProblem(f"--{first['loc'][0]} {first.get('input')!r} is not valid: use lower-case words joined by hyphens, as in taxonomy/") from None


def plan_add(kb: KnowledgeBase, text: str, classification: Classification, *, path: str = "<stdin>", day: dt.date | None = None, venue: Venue | None = None, merge: bool = False) -> AddPlan:
    """The records to create for every entry of ``text``, or every problem that stops them.

    ``venue`` (from ``--venue`` or ``--new-venue``) is the venue of every entry, whatever its
    BibTeX says. A paper already in the base is reported together with the entry's other
    problems, so one run tells everything.
    """
    plan = AddPlan()
    venues = {**kb.venues, **({venue.id: venue} if venue else {})}
    parsed = from_bibtex(text, venues, (classification,), taken=kb.papers, path=path, added=day or today(), venue=venue)
    known: Matcher[str] = Matcher.of((p.id, p.arxiv, p.doi, (p.title, *p.other_titles)) for p in kb.papers.values())
    merged: dict[str, Paper] = {}
    for item in parsed:
        duplicate = known.find(item.arxiv, item.doi, (item.title,) if item.title else ()) if item.title or item.arxiv or item.doi else None
        if duplicate and duplicate.item in kb.papers:
            pid = duplicate.item
            label = _label(kb, pid)
            if merge and item.paper is not None:
                before = merged.get(pid, kb.papers[pid])
                after, conflicts = merge_into(before, item.paper, venues)
                plan.problems.extend(item.problems)
                plan.problems.extend(Diagnostic(path, item.line, "", f"{c} (kept the record's)", "edit the record by hand if the BibTeX is right", "warning") for c in conflicts)
                if after != before:
                    merged[pid] = after
                continue
            plan.problems.extend(item.problems)
            if item.paper is not None:
                after, conflicts = merge_into(kb.papers[pid], item.paper, venues)
                plan.diffs[pid] = record_diff(kb.papers[pid], after)
            plan.problems.append(
                Diagnostic(
                    path,
                    item.line,
                    "",
                    f"'{item.title}' is already in the base: {duplicate.describe(label)}",
                    "run again with --merge to add this classification and fill what the record lacks (the diff is shown above)",
                )
            )
            continue
        plan.problems.extend(item.problems)
        if duplicate:
            plan.problems.append(Diagnostic(path, item.line, "", f"'{item.title}' appears twice in the input ({duplicate.describe(duplicate.item)})", "keep one entry"))
            continue
        paper = item.paper
        if paper is None:
            continue
        known.add(f"the entry at {path}:{item.line}", paper.arxiv, paper.doi, (paper.title,))
        plan.papers.append(paper)
        rel = str(paper_path(paper.id))
        plan.files[rel] = dump_paper(paper)
        plan.lines[rel] = item.line
    for pid, after in merged.items():
        rel = str(paper_path(pid))
        plan.diffs[pid] = record_diff(kb.papers[pid], after)
        plan.merged.append(after)
        plan.files[rel] = dump_paper(after)
    if venue is not None and venue.id not in kb.venues:
        plan.files["taxonomy/venues.yaml"] = dump_yaml([record_data(v) for v in sorted(venues.values(), key=lambda v: v.id)])
    plan.problems.sort()
    return plan


_FILLABLE = ("doi", "arxiv", "url", "code", "volume", "number", "pages", "publisher", "short_name")


def merge_into(record: Paper, entry: Paper, venues: Mapping[str, Venue], other: str = "the BibTeX") -> tuple[Paper, list[str]]:
    """``record`` extended by what ``entry`` (the same paper from BibTeX) adds; and the conflicts.

    Adds the entry's classification when it is new; fills fields the record lacks; replaces an
    arXiv venue by a published one (with its year and entry type). A different title or author
    list is a conflict: reported, never written.
    """
    update: dict = {}
    conflicts: list[str] = []
    new_classes = [c for c in entry.classifications if all(c.node != k.node for k in record.classifications)]
    if new_classes:
        update["classifications"] = (*record.classifications, *new_classes)
    for key in _FILLABLE:
        if getattr(record, key) is None and getattr(entry, key) is not None:
            update[key] = getattr(entry, key)
    if entry.venue and entry.venue != record.venue and (record.venue in (None, "arxiv")):
        update.update(venue=entry.venue, year=entry.year, entry_type=entry.entry_type)
    elif entry.venue and record.venue and entry.venue not in (record.venue, "arxiv"):
        conflicts.append(f"venue: {other} says '{entry.venue}', the record '{record.venue}'")
    if normalise_title(entry.title) != normalise_title(record.title) and normalise_title(entry.title) not in {normalise_title(t) for t in record.other_titles}:
        conflicts.append(f"title: {other} says '{entry.title}', the record '{record.title}'")
    if [a.family.casefold() for a in entry.authors] != [a.family.casefold() for a in record.authors[: len(entry.authors)]]:
        conflicts.append(f"authors: {other} lists {', '.join(a.family for a in entry.authors[:4])}…, the record {', '.join(a.family for a in record.authors[:4])}…")
    if not update:
        return record, conflicts
    return Paper.model_validate({**record.model_dump(), **update}), conflicts


def record_diff(before: Paper, after: Paper) -> str:
    """A unified diff of a paper's record file, before and after a change (shown by ``add --merge`` and ``merge``)."""
    import difflib

    rel = str(paper_path(before.id))
    return "".join(difflib.unified_diff(dump_paper(before).splitlines(True), dump_paper(after).splitlines(True), f"a/{rel}", f"b/{rel}"))


def new_venue(kb: KnowledgeBase, full_name: str, short: str | None, kind: str, alias: str | None = None) -> Venue:
    """A venue to add with the paper (``--new-venue``); ``UsageProblem`` when it exists or is malformed."""
    from .ids import slugify

    name = short or full_name
    vid = slugify(name)
    if vid in kb.venues:
        raise UsageProblem(f"venue '{vid}' exists already ({kb.venues[vid].full_name}): use --venue {vid}")
    found = VenueResolver(kb.venues).resolve(full_name).venue
    if found is not None:
        raise UsageProblem(f"'{full_name}' is the known venue '{found.id}' ({found.name}): use --venue {found.id}")
    try:
        return Venue.model_validate(dict(id=vid, name=name, full_name=full_name, type=kind, aliases=tuple(a for a in (alias,) if a)))
    except ValidationError as exc:
        raise UsageProblem(f"--new-venue: {exc.errors(include_url=False)[0]['msg']}") from None


def _label(kb: KnowledgeBase, pid: str) -> str:
    origin = kb.where("paper", pid)
    return f"{origin.path if origin else paper_path(pid)} ({pid})"


def run_add(
    root: Path,
    text: str,
    classification: Classification,
    *,
    path: str = "<stdin>",
    dry_run: bool = False,
    merge: bool = False,
    venue: str | None = None,
    new_venue_name: str | None = None,
    new_venue_short: str | None = None,
    new_venue_type: str = "conference",
) -> AddPlan:
    """Plan, validate the whole base with the new records in it, then write all of them or none."""
    kb, checked = open_for_change(root)
    forced = None
    if venue is not None:
        forced = kb.venues.get(venue)
        if forced is None:
            close = VenueResolver(kb.venues).closest(venue)
            raise UsageProblem(f"--venue '{venue}' is not in taxonomy/venues.yaml" + (f" (closest: {', '.join(v.id for v in close)})" if close else ""))
    elif new_venue_name is not None:
        forced = new_venue(kb, new_venue_name, new_venue_short, new_venue_type)
    plan = plan_add(kb, text, classification, path=path, venue=forced, merge=merge)
    if plan.errors:
        refused = ValidationFailed(plan.problems)
        refused.plan = plan  # the CLI shows the would-be merges
        raise refused
    after = [_at_input(d, plan.lines, path) for d in check_change(checked, plan.files)]
    if any(d.severity == "error" for d in after):
        raise ValidationFailed(after)
    plan.problems.extend(after)
    if not dry_run:
        write_files(root, plan.files)
    return plan


def _at_input(d: Diagnostic, lines: dict[str, int], path: str) -> Diagnostic:
    """A problem found in a would-be record, pointed at the input entry (and its flag)."""
    if d.path not in lines:
        return d
    field = re.sub(r"^classifications\[0\]\.", "--", d.field)
    return Diagnostic(path, lines[d.path], field, f"{d.message} (in the new record {d.path})", d.hint, d.severity)


# --- arXiv --------------------------------------------------------------------------------

ARXIV_API = "https://export.arxiv.org/api/query?id_list={}"
ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def arxiv_id(text: str) -> str:
    """The bare identifier from ``2307.15043``, ``arXiv:2307.15043v2`` or an abs/pdf URL."""
    ident = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", text.strip(), flags=re.I)
    ident = re.sub(r"(?:v[0-9]+)?(?:\.pdf)?$", "", ident)
    if not re.fullmatch(ARXIV_PATTERN, ident):
        raise UsageProblem(f"'{text}' is not an arXiv identifier (write it as 2307.15043 or cs/0112017)")
    return ident


def fetch(url: str, *, service: str, what: str, fallback: str, timeout: float = 10.0) -> bytes:
    """GET ``url`` from a metadata service; ``ImportProblem`` with a way on when it cannot answer.

    ``fallback`` says where the user can get the BibTeX by hand (offline, or the service failed).
    """
    request = urllib.request.Request(url, headers={"User-Agent": f"safetyatlas/{__version__} (mailto:safetyatlas@users.noreply.github.com)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise ImportProblem(f"{service} has no record of {what}: check it at {fallback}") from None
        raise ImportProblem(f"{service} answered {exc.code} for {what}; try again later, or save the BibTeX from {fallback} to a file and run 'safetyatlas add FILE'") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportProblem(
            f"cannot reach the {service} to fetch {what} ({reason}); you seem to be offline. Save the BibTeX from {fallback} to a file and run 'safetyatlas add FILE' instead"
        ) from None


def fetch_arxiv(ident: str, *, timeout: float = 10.0) -> bytes:
    """The arXiv API's Atom answer for one identifier."""
    return fetch(ARXIV_API.format(urllib.parse.quote(ident)), service="arXiv API", what=ident, fallback=f"https://arxiv.org/abs/{ident} ('Export BibTeX Citation')", timeout=timeout)


@dataclass(frozen=True)
class ArxivMetadata:
    bibtex: str
    journal_ref: str | None  # where arXiv says the paper appeared, if anywhere


def arxiv_bibtex(atom: bytes | str, ident: str) -> ArxivMetadata:
    """A BibTeX ``@misc`` entry for one paper of an arXiv API answer."""
    try:
        feed = ET.fromstring(atom)
    except ET.ParseError as exc:
        raise ImportProblem(f"the arXiv API answered something that is not Atom XML ({exc})") from None
    entry = feed.find("a:entry", ATOM)
    if entry is None or "/api/errors" in (entry.findtext("a:id", "", ATOM)):
        raise ImportProblem(f"arXiv has no paper {ident}: check the identifier at https://arxiv.org/abs/{ident}")

    def text(path: str) -> str:
        return squash_space(entry.findtext(path, "", ATOM))

    title = text("a:title")
    if "$" in title or "\\" in title:
        title = unlatex(title)  # arXiv titles may carry TeX math
    authors = [squash_space(a.findtext("a:name", "", ATOM)) for a in entry.findall("a:author", ATOM)]
    fields = [
        ("title", latex_title(title)),
        ("author", " and ".join(latex(a) for a in authors if a)),
        ("year", text("a:published")[:4]),
        ("eprint", ident),
        ("archivePrefix", "arXiv"),
        ("doi", text("arxiv:doi")),
    ]
    library = bibtexparser.Library([Entry("misc", "arxiv", [Field(k, v) for k, v in fields if v])])
    return ArxivMetadata(bibtexparser.write_string(library), text("arxiv:journal_ref") or None)


# --- Crossref (DOIs) ----------------------------------------------------------------------

CROSSREF_API = "https://api.crossref.org/works/{}"
_CROSSREF_TYPES = {"proceedings-article": "inproceedings", "journal-article": "article", "posted-content": "misc", "book-chapter": "incollection"}


def doi_id(text: str) -> str:
    """The bare DOI from ``10.1145/...``, ``doi:10.1145/...``, a doi.org URL or a publisher's page built
    from the DOI (Springer, the ACM DL: ``ids.doi_in_url``); ``UsageProblem`` otherwise."""
    from .ids import DOI_PATTERN, doi_in_url, normalise_doi

    found = doi_in_url(text) or normalise_doi(text)
    if not found or not re.fullmatch(DOI_PATTERN, found):
        raise UsageProblem(f"'{text}' is not a DOI (write it as 10.1145/3576915.3623120, or give its doi.org or publisher page address)")
    return found


def fetch_crossref(doi: str, *, timeout: float = 10.0) -> bytes:
    """Crossref's JSON record for one DOI."""
    return fetch(CROSSREF_API.format(urllib.parse.quote(doi, safe="/")), service="Crossref API", what=f"DOI {doi}", fallback=f"https://doi.org/{doi} (the publisher's 'Cite' button)", timeout=timeout)


def crossref_bibtex(answer: bytes | str, doi: str) -> str:
    """A BibTeX entry from Crossref's ``/works/{doi}`` JSON answer."""
    import json

    try:
        message = json.loads(answer)["message"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ImportProblem(f"Crossref answered something that is not a work record ({exc})") from None
    first = lambda key: squash_space((message.get(key) or [""])[0])  # noqa: E731 - Crossref keeps these as lists
    names = [(a["family"], a.get("given")) if "family" in a else (a.get("name", ""), None) for a in message.get("author", [])]
    authors = [f"{latex(f)}, {latex(g)}" if g else f"{{{latex(f)}}}" for f, g in names if f]  # an organisation stays one name
    issued = (message.get("published-print") or message.get("published-online") or message.get("issued") or {}).get("date-parts", [[None]])[0]
    entry_type = _CROSSREF_TYPES.get(message.get("type", ""), "misc")
    container = {"inproceedings": "booktitle", "incollection": "booktitle", "article": "journal"}.get(entry_type, "howpublished")
    fields = [
        ("title", latex_title(re.sub(r"</?[a-z]+[^>]*>", "", first("title")))),  # plain text, at most some inline HTML
        ("author", " and ".join(authors)),
        (container, latex(first("container-title"))),
        ("year", str(issued[0]) if issued and issued[0] else ""),
        ("volume", str(message.get("volume", ""))),
        ("number", str(message.get("issue", ""))),
        ("pages", str(message.get("page", ""))),
        ("publisher", latex(squash_space(message.get("publisher", "")))),
        ("doi", doi),
    ]
    library = bibtexparser.Library([Entry(entry_type, "crossref", [Field(k, v) for k, v in fields if v])])
    return bibtexparser.write_string(library)
