"""The import pipeline every peer-list adapter shares: parse -> normalise -> match -> plan -> validate -> write.

``plan_import`` is pure (the base, one source's entries, optional arXiv metadata in; a plan
out). For each paper of the list (entries with one key are one paper):

- **in the base already** (``matching``): the source is added to ``listed_in``; a missing code
  link is filled; a published venue where the record still says arXiv is *proposed* and only
  applied with ``force`` (a curator may have kept arXiv on purpose). Nothing else is touched.
- **excluded before** (``taxonomy/exclusions.yaml``), or in a topic the adapter marks out of
  scope: not imported; out-of-scope entries are recorded as exclusions with the reason, once.
- **new**: a record with the list's facts made ours — title (the arXiv metadata's when it has
  the paper, which lists sometimes cut short), authors (the list's, else the metadata's, split by BibTeX's name rules), venue
  through the one venue resolver, year, arXiv id/DOI/URL, code link — placed by the list's
  badges and topic at (family, threat, side); curators then classify it to a subcategory.
  An entry with no known author is left *pending* (reported, not written): no record without
  authors.

``run_import`` is the edge: it validates the base as it would be and writes all files or none.
Re-running on the same list plans nothing; on a newer copy, only what is new or changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from bibtexparser.middlewares.names import parse_single_name_into_parts

from .bibtex import plain_title
from .errors import Diagnostic, ValidationFailed
from .ids import make_paper_id
from .kb import KnowledgeBase
from .kinds import paper_path
from .matching import paper_matcher
from .peerlists import ADAPTERS, ListEntry, by_key
from .schema import Author, Classification, Exclusion, Paper, Side
from .writing import dump_paper, dump_yaml, record_data
from .textnorm import normalise_title, squash_space
from .venues import VenueResolver

__all__ = ["ImportPlan", "plan_import", "run_import", "read_metadata", "placement", "OUT_OF_SCOPE"]

OUT_OF_SCOPE: dict[str, dict[str, str]] = {
    "lm-ssp": {
        "privacy/contamination": "data contamination (benchmark leakage), not a safety threat",
        "privacy/privacy-preserving_computation": "privacy-preserving computation (cryptographic inference and training)",
        "safety/hallucination": "hallucination, outside the survey's threats",
        "safety/deepfake": "deepfake detection, outside the survey's threats",
        "safety/fairness": "fairness and bias, outside the survey's threats",
        "safety/ethics": "general ethics, outside the survey's threats",
    },
    "llm-sp": {
        "machine-text-detection": "detecting machine-generated text, outside the survey's threats",
        "llm-for-security": "language models used for security tasks, not threats to the models",
    },
}
"""Topics of a list that are outside the survey's scope, with the reason recorded for each entry."""

_TOPIC_THREAT = {
    "safety/jailbreak": "jailbreak",
    "safety/prompt_injection": "prompt-injection",
    "security/poison_&_backdoor": "backdoor",
    "security/adversarial_examples": "adversarial",
    "privacy/membership_inference_attacks": "membership-inference",
    "privacy/data_reconstruction": "data-extraction",
    "privacy/model_extraction": "model-extraction",
    "privacy/watermark_&_copyright": "ip-protection",
    "privacy/unlearning": "unlearning",
    "unlearning": "unlearning",
    "safety/alignment": "safety-alignment",
    # llm-sp
    "vulnerabilities/prompt-injection": "prompt-injection",
    "vulnerabilities/jailbreak": "jailbreak",
    "vulnerabilities/privacy": "data-extraction",
    "vulnerabilities/adversarial-attacks-robustness": "adversarial",
    "vulnerabilities/poisoning-backdoor": "backdoor",
    "vulnerabilities/fine-tuning": "jailbreak",
    "defenses/against-jailbreak-prompt-injection": "jailbreak",
    "defenses/robustness": "adversarial",
    "defenses/privacy": "data-extraction",
    "defenses/poisoning-backdoor": "backdoor",
    "defenses/fine-tuning": "jailbreak",
    "alignment-safety": "safety-alignment",
}


def placement(entries: list[ListEntry]) -> Classification:
    """Where the list puts a paper, as far as its badges and topic say: family, threat, side."""
    badges = {b.casefold() for e in entries for b in e.badges}
    family = "vlm" if "vlm" in badges else "dm" if "diffusion" in badges else "llm-agent" if "agent" in badges or any(e.topic == "security/agent" for e in entries) else "llm"
    topic = entries[0].topic
    if entries[0].source == "openredteaming" and topic.startswith("multimodal"):
        family = "vlm"
    threat = _TOPIC_THREAT.get(topic) or ("jailbreak" if entries[0].source in ("jailbreak-list", "openredteaming") else None)  # the digest: curators place it
    side: Side = "defense" if "defense" in badges or "defense" in topic.casefold() or threat in ("unlearning", "safety-alignment") else "attack"
    return Classification(family=family, threat=threat, side=side if threat else None)


def read_metadata(*paths: Path) -> dict[str, dict]:
    """arXiv metadata (one JSON object a line: arxiv, title, authors, submitted, ...) by arXiv id; a later file wins."""
    out: dict[str, dict] = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    m = json.loads(line)
                    out[m["arxiv"]] = m
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValidationFailed([Diagnostic(str(path), n, "", f"not a metadata line ({exc})", "one JSON object a line with at least 'arxiv', 'title' and 'authors'")]) from exc
    return out


def split_name(full: str) -> Author:
    """'Ludwig van der Berg' -> family 'van der Berg', given 'Ludwig' (BibTeX's own rules)."""
    parts = parse_single_name_into_parts(squash_space(full))
    family = " ".join(parts.von + parts.last + parts.jr) or full
    return Author(family=family, given=" ".join(parts.first) or None)


@dataclass
class ImportPlan:
    source: str
    entries: int = 0
    papers: int = 0
    new: list[Paper] = field(default_factory=list)
    updated: list[tuple[Paper, Paper, list[str]]] = field(default_factory=list)  # before, after, what changed
    proposed: list[tuple[str, str]] = field(default_factory=list)  # paper id, proposal (needs --force)
    excluded: list[Exclusion] = field(default_factory=list)  # new exclusions
    skipped: int = 0  # excluded before
    pending: list[tuple[ListEntry, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.papers - len(self.new) - len(self.updated) - len(self.excluded) - self.skipped - len(self.pending)


def plan_import(kb: KnowledgeBase, source: str, entries: list[ListEntry], *, metadata: Mapping[str, dict] | None = None, force: bool = False, day: dt.date | None = None) -> ImportPlan:
    from .importer import today

    day = day or today()
    plan = ImportPlan(source, entries=len(entries))
    if source not in kb.sources:
        plan.problems.append(Diagnostic("taxonomy/sources.yaml", 0, "", f"no source '{source}'", "add it to taxonomy/sources.yaml (name, repository, license, commit)"))
        return plan
    meta = metadata or {}
    meta_titles = {normalise_title(m["title"]): m for m in meta.values()}
    resolver = VenueResolver(kb.venues)
    matcher = paper_matcher(kb.papers.values())
    excluded = {e.key for e in kb.exclusions.values() if e.source == source}
    taken = set(kb.papers) | {old for p in kb.papers.values() for old in p.former_ids}
    out_of_scope = OUT_OF_SCOPE.get(source, {})
    changed: dict[str, Paper] = {}
    for key, group in by_key(entries).items():
        plan.papers += 1
        first = group[0]
        code = next((e.code for e in group if e.code), None)
        venue_text = next((e.venue for e in group if e.venue), None)
        m = meta.get(first.arxiv or "") or meta_titles.get(normalise_title(first.title))
        known_arxiv = first.arxiv or (m["arxiv"] if m else None)
        found = matcher.find(known_arxiv, first.doi, [e.title for e in group] + ([m["title"]] if m else []))
        if found is not None:
            before = changed.get(found.item.id, found.item)
            update: dict = {}
            if source not in before.listed_in:
                update["listed_in"] = tuple(sorted({*before.listed_in, source}))
            if code and not before.code:
                update["code"] = code
            if venue_text and before.venue == "arxiv" and (published := resolver.resolve(venue_text)).venue and published.venue.id != "arxiv":
                proposal = f"venue arxiv -> {published.venue.id} {published.year or ''}".strip()
                if force:
                    update.update(venue=published.venue.id, entry_type=published.venue.entry_type, **({"year": published.year} if published.year else {}))
                else:
                    plan.proposed.append((before.id, proposal))
            if update:
                changed[before.id] = Paper.model_validate({**before.model_dump(), **update})
            continue
        if excluded & {key, known_arxiv, f"title:{normalise_title(first.title)}"}:  # recorded under any of its keys
            plan.skipped += 1
            continue
        if first.topic in out_of_scope:
            plan.excluded.append(Exclusion(source=source, key=key, title=first.title, reason=out_of_scope[first.topic]))
            continue
        names = next((e.authors for e in group if e.authors), ()) or tuple(m["authors"] if m else ())
        if any(len(n.split()) > 6 for n in names):  # a list that put the title in the authors line
            names = tuple(m["authors"]) if m else ()
        if not names:
            plan.pending.append((first, "no source gives its authors"))
            continue
        title = plain_title(m["title"] if m else first.title)  # the paper's own title: lists shorten and re-case titles
        match = resolver.resolve(venue_text) if venue_text else None
        arxiv = first.arxiv or (m["arxiv"] if m else None)
        venue = match.venue if match and match.venue else (kb.venues.get("arxiv") if arxiv else None)
        if match is not None and match.venue is None:
            plan.problems.append(
                Diagnostic(
                    f"{source}:{first.path}", first.line, "venue", f"unknown venue '{venue_text}' for '{first.title}'; filed as arXiv", "add the venue or an alias to taxonomy/venues.yaml", "warning"
                )
            )
        year = (match.year if match and match.venue and match.year else None) or _arxiv_year(arxiv) or first.year
        if year is None:
            plan.pending.append((first, "no year"))
            continue
        authors = tuple(split_name(n) for n in names)
        pid = make_paper_id(authors[0].family, year, title, taken)
        taken.add(pid)
        data = {
            "id": pid,
            "title": title,
            "authors": authors,
            "year": year,
            "venue": venue.id if venue else None,
            "entry_type": venue.entry_type if venue else "misc",
            "arxiv": arxiv,
            "doi": first.doi,
            "url": first.url if not (arxiv or first.doi) else None,
            "code": code,
            "classifications": (placement(group),),
            "listed_in": (source,),
            "added": day,
        }
        paper = Paper.model_validate({k: v for k, v in data.items() if v is not None})
        plan.new.append(paper)
        matcher.add(paper, paper.arxiv, paper.doi, (paper.title,))
    for pid, after in changed.items():
        before = kb.papers[pid]
        plan.updated.append((before, after, _differences(before, after)))
    for paper in [*plan.new, *(a for _, a, _ in plan.updated)]:
        plan.files[str(paper_path(paper.id))] = dump_paper(paper)
    if plan.excluded:
        everything = [*kb.exclusions.values(), *plan.excluded]
        plan.files["taxonomy/exclusions.yaml"] = dump_yaml([record_data(e) for e in sorted(everything, key=lambda e: (e.source, e.key))])
    return plan


def _arxiv_year(arxiv: str | None) -> int | None:
    m = re.match(r"^([0-9]{2})[0-9]{2}\.", arxiv or "")
    return 2000 + int(m.group(1)) if m else None


def _differences(before: Paper, after: Paper) -> list[str]:
    return [k for k in Paper.model_fields if getattr(before, k) != getattr(after, k)]


def run_import(root: Path, source: str, folder: Path, *, metadata: Iterable[Path] = (), force: bool = False, dry_run: bool = False, only: Iterable[str] | None = None) -> ImportPlan:
    """Parse ``folder`` with the source's adapter, plan, validate the base as it would be, write all or nothing.

    ``only``: keys (arXiv ids, ``doi:...`` or ``title:...``) of the entries to import; the rest of the
    source is left alone (for a source as large as the arXiv digest, imported by curated selection).
    """
    from .pipeline import check_change, open_for_change
    from .writing import write_files

    kb, checked = open_for_change(root)
    entries = ADAPTERS[source](folder)
    if only is not None:
        wanted = set(only)
        entries = [e for e in entries if e.key in wanted]
    plan = plan_import(kb, source, entries, metadata=read_metadata(*metadata), force=force)
    if any(d.severity == "error" for d in plan.problems):
        raise ValidationFailed(plan.problems)
    after = check_change(checked, plan.files)
    errors = [d for d in after if d.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    if not dry_run and plan.files:
        write_files(root, plan.files)
    return plan


def plan_table(plan: ImportPlan) -> Iterable[str]:
    """The plan as the lines of a table, for ``--dry-run`` and the report after a run."""
    yield f"{'action':<10} {'paper':<32} detail"
    for p in plan.new:
        c = p.classifications[0]
        yield f"{'new':<10} {p.id:<32} {p.title[:70]} [{c.node}]"
    for before, _, what in plan.updated:
        yield f"{'update':<10} {before.id:<32} {', '.join(what)}"
    for pid, proposal in plan.proposed:
        yield f"{'propose':<10} {pid:<32} {proposal} (apply with --force)"
    for e in plan.excluded:
        yield f"{'exclude':<10} {e.key[:32]:<32} {e.reason}"
    for entry, why in plan.pending:
        yield f"{'pending':<10} {(entry.arxiv or '')[:32]:<32} {entry.title[:60]}: {why}"
