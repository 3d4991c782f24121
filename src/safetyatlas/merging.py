"""``merge``: fold a paper record into another record of the same work.

The same paper sometimes sits in the base twice under different titles (a preprint and its
published version, a list's spelling and the paper's). ``plan_merge`` is pure: the base's
checked records + the two ids -> the files to write and the file to remove. The kept record
gains what the other adds (classifications, identifiers, a published venue, provenance), the
other title as ``other_titles`` and the other id as ``former_ids`` (its page redirects, so no
published link breaks), and every reference to the folded id elsewhere in the base (related
papers, representative papers, challenges) moves to the kept one. ``run_merge`` is the edge:
it validates the base as it would be and writes everything or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Hashable, Iterable, Mapping, TypeVar

from .adder import merge_into, record_diff
from .errors import Diagnostic, SafetyAtlasError, UsageProblem, ValidationFailed
from .kb import KnowledgeBase
from .kinds import paper_path
from .pipeline import check_change, open_for_change
from .schema import Challenge, Paper, Relation, Scope, Venue
from .textnorm import normalise_title
from .validate import Checked
from .writing import dump_paper, write_files


T = TypeVar("T")


@dataclass
class MergePlan:
    paper: Paper  # the kept record, merged
    removed: str  # the folded record's file
    files: dict[str, str] = field(default_factory=dict)  # relative path -> new text
    diff: str = ""  # of the kept record
    problems: list[Diagnostic] = field(default_factory=list)


def merge_records(keep: Paper, fold: Paper, venues: Mapping[str, Venue]) -> tuple[Paper, list[str]]:
    """``keep`` extended by everything ``fold`` (the same work) adds; and the differences kept as ``keep`` has them.

    What ``add --merge`` fills from a BibTeX entry (classifications, identifiers, a published
    venue in place of arXiv) comes from the one rule in ``merge_into``; on top of that a merge
    keeps the folded title and id, and joins the lists of both records.
    """
    merged, conflicts = merge_into(keep, fold, venues, other=fold.id)
    conflicts = [c for c in conflicts if not c.startswith("title:")]  # a second title is what a merge records
    for key in ("arxiv", "doi"):
        mine, theirs = getattr(keep, key), getattr(fold, key)
        if mine and theirs and mine != theirs:
            conflicts.append(f"{key}: {fold.id} has '{theirs}', {keep.id} '{mine}'")
    titles = {normalise_title(t) for t in (keep.title, *keep.other_titles)}
    other_titles = list(keep.other_titles)
    for title in (fold.title, *fold.other_titles):
        if normalise_title(title) not in titles:
            titles.add(normalise_title(title))
            other_titles.append(title)
    gone = {fold.id, keep.id}
    related = _unique([*keep.related, *fold.related], key=lambda r: r.paper, drop=gone)
    update: dict[str, Any] = {
        "other_titles": tuple(other_titles),
        "former_ids": tuple(_unique([*keep.former_ids, fold.id, *fold.former_ids])),
        "summary": keep.summary or fold.summary,
        "introduces": tuple(_unique([*keep.introduces, *fold.introduces])),
        "evaluates_on": tuple(b for b in _unique([*keep.evaluates_on, *fold.evaluates_on]) if b not in merged.introduces and b not in fold.introduces),
        "related": tuple(related),
        "listed_in": tuple(sorted({*keep.listed_in, *fold.listed_in})),
        "added": min((d for d in (keep.added, fold.added) if d), default=None),
    }
    if keep.authors_truncated and not fold.authors_truncated and len(fold.authors) > len(keep.authors):
        update.update(authors=fold.authors, authors_truncated=False)
    return Paper.model_validate({**merged.model_dump(), **update}), conflicts


def _unique(items: Iterable[T], key: Callable[[T], Hashable] = lambda x: x, drop: Collection[Hashable] = ()) -> list[T]:
    """``items`` without repeats (by ``key``) and without those whose key is in ``drop``, in order."""
    seen: set[Hashable] = set()
    out: list[T] = []
    for item in items:
        k = key(item)
        if k in seen or k in drop:
            continue
        seen.add(k)
        out.append(item)
    return out


def _references(model: object, pid: str) -> bool:
    """Whether a record of the taxonomy names the paper ``pid``."""
    if isinstance(model, Challenge):
        return pid in model.papers
    if isinstance(model, Scope):
        return any(pid in sub.representative for cat in model.categories for sub in cat.subcategories)
    return False


_ITEM = re.compile(r"^(\s*)- ([a-z0-9][a-z0-9-]*)\s*$")
_FLOW = re.compile(r"\[([^\[\]\n]*)\]")


def replace_in_lists(text: str, old: str, new: str) -> str:
    """``text`` (YAML) with the list item ``old`` made ``new``, in block lists (``- old``) and flow lists (``[a, old]``).

    An item already in its list once is dropped; nothing else in the text changes.
    """

    def flow(m: re.Match[str]) -> str:
        items = [i.strip() for i in m.group(1).split(",")]
        if old not in items:
            return m.group(0)
        return "[" + ", ".join(_unique(new if i == old else i for i in items)) + "]"

    out: list[str] = []
    block: tuple[str, set[str]] | None = None  # indent and items of the block list being read
    for line in text.splitlines(keepends=True):
        m = _ITEM.match(line)
        if m is None:
            block = None
            out.append(_FLOW.sub(flow, line))
            continue
        indent, item = m.groups()
        if block is None or block[0] != indent:
            block = (indent, set())
        if item == old:
            item = new
            line = f"{indent}- {new}\n"
        if item in block[1]:
            continue
        block[1].add(item)
        out.append(line)
    return "".join(out)


def plan_merge(kb: KnowledgeBase, checked: list[Checked], fold_id: str, keep_id: str, read: Callable[[str], str]) -> MergePlan:
    """Fold the record ``fold_id`` into ``keep_id``; ``UsageProblem`` when either is not a paper of the base.

    ``read`` gives the text of a taxonomy file (relative path) whose lists name the folded id.
    """
    if fold_id == keep_id:
        raise UsageProblem("give two different paper ids: the record to fold, then the record to keep")
    for pid in (fold_id, keep_id):
        if pid not in kb.papers:
            owner = next((p.id for p in kb.papers.values() if pid in p.former_ids), None)
            hint = f" (it was merged into {owner} already)" if owner else ""
            raise UsageProblem(f"'{pid}' is not a paper id of the base{hint}")
    keep, fold = kb.papers[keep_id], kb.papers[fold_id]
    merged, conflicts = merge_records(keep, fold, kb.venues)
    kept_path, removed = str(paper_path(keep_id)), str(paper_path(fold_id))
    plan = MergePlan(paper=merged, removed=removed, diff=record_diff(keep, merged))
    plan.files[kept_path] = dump_paper(merged)
    plan.problems = [Diagnostic(removed, 1, "", f"{c} (kept {keep_id}'s)", f"edit {kept_path} by hand if {fold_id} is right", "warning") for c in conflicts]
    for rec in checked:
        path, model = rec.raw.path, rec.model
        if path in (kept_path, removed):
            continue
        if isinstance(model, Paper) and any(r.paper == fold_id for r in model.related):
            moved = [Relation(paper=keep_id, type=r.type) if r.paper == fold_id else r for r in model.related]
            related = _unique(moved, key=lambda r: r.paper, drop={model.id})
            plan.files[path] = dump_paper(Paper.model_validate({**model.model_dump(), "related": tuple(r.model_dump() for r in related)}))
        elif _references(model, fold_id):
            plan.files[path] = replace_in_lists(plan.files.get(path) or read(path), fold_id, keep_id)
    return plan


def run_merge(root: Path, fold_id: str, keep_id: str, *, dry_run: bool = False) -> MergePlan:
    """Plan, validate the whole base as it would be, then write the files and remove the folded record, or change nothing."""
    kb, checked = open_for_change(root)
    plan = plan_merge(kb, checked, fold_id, keep_id, read=lambda rel: (root / rel).read_text(encoding="utf-8"))
    after = check_change(checked, plan.files, removed=(plan.removed,))
    if any(d.severity == "error" for d in after):
        raise ValidationFailed(after)
    plan.problems.extend(after)
    if not dry_run:
        write_files(root, plan.files)
        try:
            (root / plan.removed).unlink()
        except OSError as exc:
            raise SafetyAtlasError(f"merged into {keep_id}, but cannot remove {plan.removed}: {exc.strerror} (remove it by hand)") from None
    return plan
