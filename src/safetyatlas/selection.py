"""Which papers an export covers: a taxonomy node, a model family, a threat, a side, years.

``select`` is pure. A paper is selected when one of its classifications matches every given
taxonomy criterion (so ``--family llm --side defense`` means one classification that is both),
and its year is in range. A family includes its sub-families: ``agent`` selects papers filed
under ``llm-agent``.
"""

from __future__ import annotations

from .errors import UsageProblem
from .kb import KnowledgeBase
from .schema import Classification, Paper
from .validate import did_you_mean


def select(
    kb: KnowledgeBase,
    node: str | None = None,
    family: str | None = None,
    threat: str | None = None,
    side: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[Paper]:
    """The papers that match, in the base's order (by id); raises ``UsageProblem`` on an unknown name."""
    want = _criteria(kb, node, family, threat, side)
    return [
        p for p in kb.papers.values() if (year_from is None or p.year >= year_from) and (year_to is None or p.year <= year_to) and (not want or any(_matches(kb, c, want) for c in p.classifications))
    ]


_KEYS = ("family", "threat", "side", "category", "subcategory")


def _criteria(kb: KnowledgeBase, node: str | None, family: str | None, threat: str | None, side: str | None) -> dict[str, str]:
    want: dict[str, str] = {}
    if node:
        parts = node.split(".")
        kind = kb.node_kind(node) or ("scope" if len(parts) == 2 and parts[0] in kb.families and parts[1] in kb.threats else None)
        if kind is None:
            hint = did_you_mean(node, kb.all_node_ids()) or "name a family (llm), a scope (llm.jailbreak.attack), a category or a subcategory"
            raise UsageProblem(f"'{node}' is not a taxonomy node ({hint})")
        want.update({"threat": node} if kind == "threat" else zip(_KEYS, parts))
    for key, value, table in (("family", family, kb.families), ("threat", threat, kb.threats)):
        if value is None:
            continue
        if value not in table:
            raise UsageProblem(f"unknown {key} '{value}' ({did_you_mean(value, table) or 'use one of: ' + ', '.join(table)})")
        if want.get(key, value) != value:
            raise UsageProblem(f"--{key} {value} contradicts --node {node}")
        want[key] = value
    if side is not None:
        want["side"] = side
    return want


def _matches(kb: KnowledgeBase, c: Classification, want: dict[str, str]) -> bool:
    for key, value in want.items():
        if key == "family":
            if not _within(kb, c.family, value):
                return False
        elif getattr(c, key) != value:
            return False
    return True


def _within(kb: KnowledgeBase, family: str, ancestor: str) -> bool:
    """True when ``family`` is ``ancestor`` or one of its (transitive) sub-families."""
    seen: set[str] = set()
    current: str | None = family
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = kb.families[current].parent if current in kb.families else None
    return False
