"""Cross-validate the classification suggestions of 'add' over the real base (leave one paper out).

    .venv/bin/python benchmarks/suggestions.py

Each classified paper is held out in turn: its vote is removed, its title (then its title and
summary, standing in for the abstract a BibTeX entry may carry) and authors are given to the
suggester, and the right (family, threat, side) must be among the scopes of the top 3
suggestions, the right subcategory among the top 5.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from safetyatlas.pipeline import open_base  # noqa: E402
from safetyatlas.suggest import evaluate  # noqa: E402


def main() -> None:
    kb, _ = open_base(ROOT)
    for label, use in (("title and authors", False), ("title, summary and authors", True)):
        t0 = time.perf_counter()
        e = evaluate(kb, use_summaries=use)
        print(
            f"{label:<28} papers {e.papers}: scope in top 3 {100 * e.scope_top3:.1f}%, subcategory in top 5 {100 * e.subcategory_top5:.1f}%, "
            f"top 1 {100 * e.subcategory_top1:.1f}% ({time.perf_counter() - t0:.1f} s)"
        )


if __name__ == "__main__":
    main()
