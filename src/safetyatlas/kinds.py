"""Where each record kind lives in a knowledge-base folder.

The single place that maps paths to kinds, used by the loader, the writers and the docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Place:
    kind: str
    pattern: str  # a glob relative to the root
    many: bool  # True: the file holds a list of records; False: one record, named by its id
    named: bool  # True: the file's stem must equal the record's id


PLACES: tuple[Place, ...] = (
    Place("family", "taxonomy/families.yaml", many=True, named=False),
    Place("threat", "taxonomy/threats.yaml", many=True, named=False),
    Place("venue", "taxonomy/venues.yaml", many=True, named=False),
    Place("section", "taxonomy/sections.yaml", many=True, named=False),
    Place("source", "taxonomy/sources.yaml", many=True, named=False),
    Place("exclusion", "taxonomy/exclusions.yaml", many=True, named=False),
    Place("person", "taxonomy/people.yaml", many=True, named=False),
    Place("challenge-group", "taxonomy/challenge-groups.yaml", many=True, named=False),
    Place("scope", "taxonomy/scopes/*.yaml", many=False, named=True),
    Place("benchmark", "taxonomy/benchmarks/*.yaml", many=False, named=True),
    Place("challenge", "taxonomy/challenges/*.yaml", many=False, named=True),
    Place("paper", "papers/*.yaml", many=False, named=True),
)

PAPERS_DIR = "papers"
SCHEMA_DIR = "schema"


def paper_path(paper_id: str) -> PurePosixPath:
    return PurePosixPath(PAPERS_DIR) / f"{paper_id}.yaml"


def place_of(kind: str) -> Place:
    return next(p for p in PLACES if p.kind == kind)


def kind_of_path(rel: str) -> str | None:
    """The record kind a file (relative, forward slashes) holds, or None."""
    from fnmatch import fnmatchcase

    return next((p.kind for p in PLACES if fnmatchcase(rel, p.pattern)), None)
