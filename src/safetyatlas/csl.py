"""CSL-JSON for reference managers (Zotero, pandoc/citeproc) and the whole-base JSON dump.

``csl_items`` maps papers to CSL-JSON items (plain Unicode, no LaTeX): the item id is the paper
id, so ``[@zou2023universal]`` cites the same paper in pandoc as ``\\cite{zou2023universal}``
does in LaTeX. CSL has no "and others": a truncated author list is kept as given and the item
says so in ``note``.

``dump_json`` is every record of the base as plain data under a ``schema_version`` (bumped
whenever a record's shape changes incompatibly), for people who build on the data. Both are
pure and deterministic.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from . import __version__
from .kb import KnowledgeBase
from .schema import SCHEMA_VERSION, Paper, Venue

CSL_TYPES = {
    "inproceedings": "paper-conference",
    "article": "article-journal",
    "misc": "article",
    "techreport": "report",
    "phdthesis": "thesis",
    "book": "book",
    "incollection": "chapter",
}


def to_csl_item(paper: Paper, venues: Mapping[str, Venue]) -> dict[str, Any]:
    venue = venues.get(paper.venue) if paper.venue else None
    item: dict[str, Any] = {
        "id": paper.id,
        "type": CSL_TYPES[paper.entry_type],
        "title": paper.title,
        "author": [{"family": a.family, "given": a.given} if a.given else {"literal": a.family} for a in paper.authors],
        "issued": {"date-parts": [[paper.year]]},
    }
    if venue is not None and venue.id != "arxiv":
        item["container-title"] = venue.full_name
        item["container-title-short"] = venue.name
    for key, value in (("volume", paper.volume), ("issue", paper.number), ("page", paper.pages), ("publisher", paper.publisher)):
        if value:
            item[key] = value
    if paper.arxiv:
        item["number"] = f"arXiv:{paper.arxiv}"
        if venue is None or venue.id == "arxiv":
            item["publisher"] = "arXiv"
    if paper.doi:
        item["DOI"] = paper.doi
    if url := paper.url or paper.arxiv_url or paper.doi_url:
        item["URL"] = url
    if paper.authors_truncated:
        item["note"] = "Author list truncated; see the paper for every author."
    return item


def csl_items(papers: Iterable[Paper], venues: Mapping[str, Venue]) -> list[dict[str, Any]]:
    return [to_csl_item(p, venues) for p in papers]


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csl(papers: Iterable[Paper], venues: Mapping[str, Venue]) -> str:
    """The papers as CSL-JSON text (what ``export --format csl`` writes)."""
    return dumps(csl_items(papers, venues))


def dump_json(kb: KnowledgeBase) -> dict[str, Any]:
    """Every record of the base, grouped by kind, under ``schema_version``."""

    def records(table: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [m.model_dump(mode="json", exclude={"kind"}) for m in table.values()]

    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"safetyatlas {__version__}",
        "families": records(kb.families),
        "threats": records(kb.threats),
        "venues": records(kb.venues),
        "sections": records(kb.sections),
        "scopes": [{"id": s.id, **s.model_dump(mode="json", exclude={"kind"})} for s in kb.scopes.values()],
        "benchmarks": records(kb.benchmarks),
        "challenge_groups": records(kb.groups),
        "challenges": records(kb.challenges),
        "papers": records(kb.papers),
    }
