"""Check a change before writing it: the base as it would be once some files are written.

Used by every command that writes records (``import-list``, ``add``): read and check the base,
plan the files, validate the base with those very texts in place, and only then write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .errors import Diagnostic, ValidationFailed
from .kb import KnowledgeBase, assemble, broken_kinds
from .layout import kind_of_path, place_of
from .load import _Refused, load_tree, parse_text, records_of
from .validate import Checked, check_record, check_records


def load_checked(root: Path) -> tuple[KnowledgeBase, list[Checked]]:
    """The base and its schema-valid records; raises ``ValidationFailed`` when a file cannot be read or fails its schema."""
    raws, problems = load_tree(root)
    checked, schema_problems = check_records(raws)
    kb, _ = assemble(checked, broken_kinds(problems + schema_problems))
    before = [d for d in problems + schema_problems if d.severity == "error"]
    if before:
        raise ValidationFailed(before)
    return kb, checked


def check_after(checked: list[Checked], files: Mapping[str, str]) -> list[Diagnostic]:
    """Every diagnostic of the base once ``files`` (relative path -> text) replace or join it."""
    after = [c for c in checked if c.raw.path not in files]
    problems: list[Diagnostic] = []
    for rel, body in files.items():
        place = place_of(kind_of_path(rel) or "paper")
        try:
            data, lines = parse_text(body, rel)
        except _Refused as exc:
            problems.append(Diagnostic(rel, exc.line, "", exc.message, exc.hint))
            continue
        raws, diags = records_of(data, lines, rel, place)
        problems.extend(diags)
        for raw in raws:
            rec, diags = check_record(raw)
            problems.extend(diags)
            if rec:
                after.append(rec)
    _, ref_after = assemble(after)
    return sorted(problems + ref_after)
