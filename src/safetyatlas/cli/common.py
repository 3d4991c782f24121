"""Pieces shared by the CLI's command modules: the root folder, reporting, loading."""

from __future__ import annotations

from pathlib import Path

import click

from .. import cache
from ..errors import Diagnostic, UsageProblem, ValidationFailed
from ..kb import KnowledgeBase
from ..pipeline import open_base


def root_path(path: str) -> Path:
    """The knowledge base's root folder, or a usage error (exit 2) when it is not one."""
    root = Path(path)
    if not (root / "taxonomy").is_dir() and not (root / "papers").is_dir():
        raise UsageProblem(f"{path} holds no taxonomy/ or papers/ folder: pass the knowledge base's root folder")
    return root


root_option = click.option("--root", default=".", show_default=True, type=click.Path(file_okay=False), help="Root folder of the knowledge base (holds taxonomy/ and papers/).")


def report(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        click.echo(str(d), err=True)


def load_or_fail(root: Path, strict: bool = False) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load the base; print every diagnostic and stop once on errors."""
    try:
        with cache.on_disk(root) as parsed:
            return open_base(root, strict=strict, cache=parsed)
    except ValidationFailed as exc:
        report(exc.diagnostics)
        raise
