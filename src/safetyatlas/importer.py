"""Import a paper list in the survey's Markdown shape into paper records.

``plan_import`` is pure: it takes the current knowledge base's papers and taxonomy and the
parsed list, and returns the files to write plus every problem found. ``run_import`` is the
edge that reads, validates the would-be result, and writes all files or none.

Rules:
- one record per distinct (normalised) title; each list placement becomes a classification
  carrying its survey ``section``; a paper listed twice in one section is merged and reported;
- an existing record (matched by arXiv id or normalised title) keeps its id and everything in
  it; a placement it lacks is appended as a classification. With ``force``, its bibliographic
  fields are rewritten from the list (classifications and curation are kept);
- suspicious lines (unknown venue, missing year, cut-off author lines) are reported.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from .errors import Diagnostic, ImportProblem, Severity, ValidationFailed
from .ids import make_paper_id
from .venues import VenueResolver
from .kb import KnowledgeBase
from .kinds import paper_path
from .listparse import Entry, parse_list
from .schema import Author, Classification, Paper, Section, Venue
from .pipeline import check_change, open_for_change
from .writing import dump_paper, write_files
from .textnorm import normalise_title


@dataclass
class ImportPlan:
    files: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)  # existing records given new placements
    rewritten: list[str] = field(default_factory=list)  # with --force
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # differ from the list but were left alone
    problems: list[Diagnostic] = field(default_factory=list)
    entries: int = 0


def today() -> dt.date:
    """Today, or the day of ``SOURCE_DATE_EPOCH`` for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()


def _bibliographic(entry: Entry, venue: Venue | None) -> dict:
    data: dict = {
        "title": entry.title,
        "authors": tuple(Author(family=f, given=g) for f, g in entry.authors),
        "authors_truncated": entry.truncated,
        "year": entry.venue.year,
        "venue": venue.id if venue else None,
        "entry_type": venue.entry_type if venue else "misc",
        "volume": entry.venue.volume,
        "number": entry.venue.number,
        "pages": entry.venue.pages,
        "arxiv": entry.venue.arxiv,
    }
    return data


def plan_import(kb: KnowledgeBase, entries: list[Entry], list_path: str, *, force: bool = False, day: dt.date | None = None) -> ImportPlan:
    plan = ImportPlan(entries=len(entries))
    day = day or today()
    venues = VenueResolver(kb.venues)
    chapters = {f.survey_chapter: f.id for f in kb.families.values() if f.survey_chapter}
    sections = {(s.chapter, s.heading.casefold()): s for s in kb.sections.values()}
    by_title = {normalise_title(t): p for p in kb.papers.values() for t in (*p.other_titles, p.title)}
    by_arxiv = {p.arxiv: p for p in kb.papers.values() if p.arxiv}
    taken = set(kb.papers)

    def problem(line: int, message: str, hint: str = "", severity: Severity = "warning") -> None:
        plan.problems.append(Diagnostic(list_path, line, "", message, hint, severity))

    # group placements by paper, in list order
    groups: dict[str, list[tuple[Entry, Section]]] = {}
    for e in entries:
        for p in e.problems:
            problem(p.line, p.message, p.hint)
        chapter = chapters.get(e.chapter)
        if chapter is None:
            problem(e.line, f"chapter {e.chapter} is not mapped to a model family", "set 'survey_chapter' on a family in taxonomy/families.yaml", "error")
            continue
        section = sections.get((chapter, e.section.casefold()))
        if section is None:
            problem(e.line, f"unknown section '{e.section}' in chapter {e.chapter} ({chapter})", "add it to taxonomy/sections.yaml", "error")
            continue
        if e.venue.year is None:
            problem(e.line, f"'{e.title}' has no year and was not imported", "add the paper by hand with its year")
            continue
        key = normalise_title(e.title)
        group = groups.setdefault(key, [])
        for earlier, sec in group:
            if sec.id == section.id:
                problem(e.line, f"'{e.title}' is listed twice in section '{e.section}' (also line {earlier.line}); merged", "remove one of the two entries from the list")
            if earlier.venue != e.venue:
                problem(e.line, f"'{e.title}' has a different venue line here than at line {earlier.line}; the first is kept", "check which is right in the record")
        group.append((e, section))

    for key, group in groups.items():
        first = group[0][0]
        venue = None
        raw_venue = first.venue.venue
        if first.venue.arxiv:
            venue = kb.venues.get("arxiv")
        elif raw_venue:
            venue = venues.resolve(raw_venue).venue
            if venue is None:
                problem(first.line + 2, f"unknown venue '{raw_venue}' for '{first.title}'; imported without a venue", "add it to taxonomy/venues.yaml as an alias, or fix the record")
        placements: list[Section] = []
        for _, sec in group:
            if sec.id not in [s.id for s in placements]:
                placements.append(sec)
        existing = (by_arxiv.get(first.venue.arxiv) if first.venue.arxiv else None) or by_title.get(key)
        if existing is None:
            pid = make_paper_id(first.authors[0][0] if first.authors else "anon", cast(int, first.venue.year), first.title, taken)  # entries without a year were left out above
            taken.add(pid)
            data = {k: v for k, v in _bibliographic(first, venue).items() if v not in (None, ())}
            paper = Paper(id=pid, classifications=tuple(_classify(s) for s in placements), added=day, **data)
            plan.files[str(paper_path(pid))] = dump_paper(paper)
            plan.created.append(pid)
            continue
        have = {c.section for c in existing.classifications}
        extra = tuple(_classify(s) for s in placements if s.id not in have)
        update: dict = {}
        if extra:
            update["classifications"] = existing.classifications + extra
        if force:
            fresh = {k: v for k, v in _bibliographic(first, venue).items()}
            update.update({k: v for k, v in fresh.items() if v is not None or getattr(existing, k) is not None})
        updated = existing.model_copy(update=update) if update else existing
        if updated == existing:
            plan.unchanged.append(existing.id)
            if not force and _differs(existing, first, venue):
                plan.kept.append(existing.id)
            continue
        plan.files[str(paper_path(existing.id))] = dump_paper(Paper.model_validate(updated.model_dump()))
        (plan.rewritten if force else plan.extended).append(existing.id)
    plan.problems.sort()
    return plan


def _classify(section: Section) -> Classification:
    return Classification(family=section.family or section.chapter, threat=section.threat, side=section.side, section=section.id)


def _differs(paper: Paper, entry: Entry, venue: Venue | None) -> bool:
    fresh = _bibliographic(entry, venue)
    return any(getattr(paper, k) != v for k, v in fresh.items() if v is not None)


def run_import(root: Path, list_file: Path, *, force: bool = False, dry_run: bool = False) -> ImportPlan:
    """Read the list and the base, plan, validate the result, then write every file or none."""
    try:
        text = list_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"cannot read {list_file}: {exc}") from None
    entries, shape = parse_list(text)
    if shape:
        raise ImportProblem(f"{list_file}:{shape[0].line}: {shape[0].message} ({shape[0].hint})")
    kb, checked = open_for_change(root)
    plan = plan_import(kb, entries, str(list_file), force=force)
    if any(d.severity == "error" for d in plan.problems):
        raise ValidationFailed(plan.problems)
    # validate the base as it would be after writing, from the very text to be written
    errors = [d for d in check_change(checked, plan.files) if d.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    if not dry_run:
        write_files(root, plan.files)
    return plan
