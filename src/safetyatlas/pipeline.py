"""The one way into a knowledge base: read -> validate -> assemble, and "the base as it would be".

Every caller goes through here: the CLI, the site build, ``add``, the importers, the tests and
the benchmarks. The stages themselves are pure and live elsewhere (``load`` reads files,
``validate`` makes models, ``kb.assemble`` cross-links them); this module only runs them in
order, decides what counts as failure, and lets the benchmarks time each stage.

- ``open_base(root)``: the knowledge base and its warnings; ``ValidationFailed`` on errors
  (warnings too with ``strict``).
- ``open_for_change(root)``: the base plus its schema-valid records, for commands that write.
- ``check_change(checked, files)``: every diagnostic once ``files`` replace or join the base,
  checked before anything is written (a failed validation writes nothing).
- ``base_from_texts(files)``: the same from texts in memory (tests of pure functions, no folder).
- ``open_taxonomy(root)``: every record but the papers (synthetic bases for the benchmarks).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator, Mapping

from .cache import ParseCache
from .errors import Diagnostic, ValidationFailed
from .kb import KnowledgeBase, assemble, broken_kinds
from .kinds import kind_of_path, place_of
from .load import Refused, load_tree, parse_text, records_of
from .memory import fewer_collections
from .validate import Checked, check_record, check_records

__all__ = ["open_base", "open_for_change", "check_change", "base_from_texts", "open_taxonomy", "Stage"]

Stage = Callable[[str], ContextManager[None]]
"""A context manager factory named by stage ("load", "validate"), used by the benchmarks to time each one."""


@contextlib.contextmanager
def _untimed(_: str) -> Iterator[None]:
    yield


def open_base(root: Path, *, strict: bool = False, cache: ParseCache | None = None, stage: Stage = _untimed) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load, validate and assemble the base at ``root``; raise ``ValidationFailed`` on errors.

    Returns the warnings when there are no errors. With ``strict``, warnings are errors too.
    With a ``cache``, files parsed before are not parsed again.
    """
    with fewer_collections():
        with stage("load"):
            raws, problems = load_tree(root, cache)
        with stage("validate"):
            checked, schema_problems = check_records(raws)
            kb, ref_problems = assemble(checked, broken_kinds(problems + schema_problems))
            del raws, checked  # the raw records die with the validation: peak memory at 20,000 papers
    problems = sorted(problems + schema_problems + ref_problems)
    if any(d.severity == "error" or strict for d in problems):
        raise ValidationFailed(problems)
    return kb, problems


def open_for_change(root: Path) -> tuple[KnowledgeBase, list[Checked]]:
    """The base and its schema-valid records; raises ``ValidationFailed`` when a file cannot be read or fails its schema."""
    raws, problems = load_tree(root)
    checked, schema_problems = check_records(raws)
    kb, _ = assemble(checked, broken_kinds(problems + schema_problems))
    before = [d for d in problems + schema_problems if d.severity == "error"]
    if before:
        raise ValidationFailed(before)
    return kb, checked


def check_change(checked: list[Checked], files: Mapping[str, str], removed: Iterable[str] = ()) -> list[Diagnostic]:
    """Every diagnostic of the base once ``files`` (relative path -> text) replace or join it and the files ``removed`` leave it."""
    gone = set(files) | set(removed)
    after = [c for c in checked if c.raw.path not in gone]
    new, problems = _check_texts(files)
    _, ref_after = assemble(after + new)
    return sorted(problems + ref_after)


def base_from_texts(files: Mapping[str, str]) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """A base from file texts held in memory (relative path -> YAML), with every diagnostic; no folder needed.

    The same reading and checks as ``open_base``, for tests of pure functions and for tools.
    """
    checked, problems = _check_texts(files)
    kb, ref_problems = assemble(checked, broken_kinds(problems))
    return kb, sorted(problems + ref_problems)


def _check_texts(files: Mapping[str, str]) -> tuple[list[Checked], list[Diagnostic]]:
    after: list[Checked] = []
    problems: list[Diagnostic] = []
    for rel, body in files.items():
        place = place_of(kind_of_path(rel) or "paper")
        try:
            data, lines = parse_text(body, rel)
        except Refused as exc:
            problems.append(Diagnostic(rel, exc.line, "", exc.message, exc.hint))
            continue
        raws, diags = records_of(data, lines, rel, place)
        problems.extend(diags)
        for raw in raws:
            rec, diags = check_record(raw)
            problems.extend(diags)
            if rec:
                after.append(rec)
    return after, problems


def open_taxonomy(root: Path) -> KnowledgeBase:
    """Every record of ``root`` except papers, validated; papers named by the taxonomy may be missing.

    Raises ``ValidationFailed`` when the taxonomy itself has errors.
    """
    raws, problems = load_tree(root)
    raws = [r for r in raws if r.kind != "paper"]
    checked, schema_problems = check_records(raws)
    kb, ref_problems = assemble(checked, {"paper"})
    errors = [d for d in problems + schema_problems + ref_problems if d.severity == "error" and kind_of_path(d.path) != "paper"]
    if errors:
        raise ValidationFailed(sorted(errors))
    return kb
