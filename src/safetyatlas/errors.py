"""One exception tree and the Diagnostic every problem is reported as.

The tree builds on click's ``ClickException`` so the CLI shows a sentence, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem in the data: where it is, what is wrong and how to fix it."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:" if self.line else f"{self.path}:"
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        tag = " warning:" if self.severity == "warning" else ""
        return f"{where}{tag}{field} {self.message}{hint}"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(d: Diagnostic) -> str:
    """A GitHub workflow annotation: shown on the line of the pull request's diff."""
    level = "warning" if d.severity == "warning" else "error"
    where = f"file={_gh_property(d.path)}" + (f",line={d.line}" if d.line else "")
    title = f",title={_gh_property(d.field)}" if d.field else ""
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return f"::{level} {where}{title}::{_gh_data(message)}"


def as_dict(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "field": d.field, "message": d.message, "hint": d.hint, "severity": d.severity}


class FieldProblem(ValueError):
    """Raised by a field validator: what is wrong, and how to fix it (shown as the hint)."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class SafetyAtlasError(click.ClickException):
    """Base of every error the tool raises on purpose; exit code 1."""

    exit_code = 1


class UsageProblem(SafetyAtlasError):
    """The command was called wrongly (a missing folder, a bad option value); exit code 2."""

    exit_code = 2


class ValidationFailed(SafetyAtlasError):
    """The knowledge base has problems; every one of them is carried along."""

    plan: object  # set only by ``add`` (an AddPlan): the CLI shows its would-be merges

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        warnings = len(self.diagnostics) - errors
        super().__init__(f"validation failed: {errors} error(s), {warnings} warning(s)")

    def __reduce__(self):  # pickled with its diagnostics (a build validates in a child process)
        return (type(self), (self.diagnostics,), self.__dict__)


class ImportProblem(SafetyAtlasError):
    """Input to an importer (a paper list, a BibTeX file) cannot be used."""


class BuildFailed(SafetyAtlasError):
    """The site could not be built; the previous site is left in place."""
