"""safetyatlas: a validated, cross-linked knowledge base of large-model safety research.

The public API (what the CLI, the tests and the benchmarks may import from here). Submodules
are imported lazily, so ``import safetyatlas`` stays cheap for the CLI's start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    # records and the knowledge base
    "open_base": "pipeline",
    "KnowledgeBase": "kb",
    "assemble": "kb",
    "Paper": "schema",
    "Author": "schema",
    "Classification": "schema",
    "Venue": "schema",
    "Scope": "schema",
    "Diagnostic": "errors",
    "ValidationFailed": "errors",
    "SafetyAtlasError": "errors",
    # one rule per concept
    "VenueResolver": "venues",
    "Matcher": "matching",
    "paper_matcher": "matching",
    "identity": "people",
    "find_arxiv": "ids",
    "normalise_arxiv": "ids",
    "normalise_doi": "ids",
    "make_paper_id": "ids",
    "markdown_text": "escape",
    "html_text": "escape",
    # formats, both ways
    "to_bibtex": "bibtex",
    "from_bibtex": "bibtex",
    # contributing and importing
    "plan_add": "adder",
    "run_add": "adder",
    "plan_import": "importing",
    "run_import": "importing",
    "ADAPTERS": "peerlists",
    "Suggester": "suggest",
    # the site
    "build_site": "site",
    "generate": "site",
    "SiteConfig": "site",
}
__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'safetyatlas' has no attribute {name!r}")
