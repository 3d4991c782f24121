"""Raw records -> validated models, every problem mapped to its file and line.

Nothing here raises on bad data: each problem becomes a ``Diagnostic`` and validation goes on,
so one run reports everything.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import FieldProblem, Diagnostic, Severity
from .ids import ID_RULES
from .load import Loc, RawRecord
from .schema import MODELS, Model, RecordModel


@dataclass(frozen=True)
class Checked:
    """A record that passed its schema, with where it came from."""

    raw: RawRecord
    model: RecordModel

    def at(self, loc: Loc, field: str, message: str, hint: str = "", severity: Severity = "error") -> Diagnostic:
        return Diagnostic(self.raw.path, self.raw.line_of(loc), field, message, hint, severity)


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """A 'did you mean' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc`` (to list its allowed keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        return None
    return None


def describe_error(error: ErrorDetails, model: type[Model], data: Any) -> tuple[str, str]:
    """A message and a fix for one pydantic error."""
    kind, loc = error["type"], error["loc"]
    value = error.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = sorted(k for k in (owner.model_fields if owner else {}) if k != "kind")
        hint = did_you_mean(str(loc[-1]), allowed)
        listing = f"allowed: {', '.join(allowed)}" if allowed else "remove it"
        return f"unknown key '{loc[-1]}'", f"{hint + ' ' if hint else ''}{listing}"
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing", f"add '{loc[-1]}:' to the record"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"{value!r} is not a valid value", ID_RULES.get(pattern, f"it must match {pattern}")
    if kind == "literal_error":
        return f"{value!r} is not allowed", f"use one of {error.get('ctx', {}).get('expected', '')}"
    if kind in ("url_parsing", "url_scheme", "url_type"):
        return f"{value!r} is not a valid URL", "write a full http(s) address, e.g. 'https://github.com/owner/repo'"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error", error["msg"])
        if isinstance(cause, FieldProblem):
            return cause.message, cause.hint
        return str(cause), "correct the value"
    if kind in ("too_short",) and isinstance(value, (list, tuple)):
        return f"'{loc[-1]}' must not be empty", "add at least one item"
    if kind == "model_type" or kind == "dict_type":
        return f"expected a mapping of keys, got {type(value).__name__}", "write 'key: value' lines"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {type(value).__name__}", "write items as '- value' lines"
    if kind in ("string_type",):
        return f"expected text, got {type(value).__name__} {value!r}", "quote the value"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {value!r}", "write digits only, e.g. 2024"
    if kind.startswith("date"):
        return f"{value!r} is not a date", "write it as YYYY-MM-DD"
    if kind in ("string_too_long", "string_too_short"):
        return error["msg"].lower(), "shorten or fill in the value"
    return error["msg"], "see the schema in schema/ or docs/data-model.md"


def check_record(raw: RawRecord) -> tuple[Checked | None, list[Diagnostic]]:
    """Validate one raw record against the model of its kind, and its file name."""
    model = MODELS[raw.kind]
    data = raw.data
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else type(data).__name__
        return None, [Diagnostic(raw.path, raw.line, "", f"expected a mapping of keys, got {what}", "write the record as 'key: value' lines")]
    kind = data.get("kind", raw.kind)
    if kind != raw.kind:
        return None, [Diagnostic(raw.path, raw.line_of(("kind",)), "kind", f"a {kind!r} record cannot live here", f"files here hold {raw.kind} records; move it or fix 'kind'")]
    try:
        checked = Checked(raw, model.model_validate({**data, "kind": raw.kind}))
    except ValidationError as exc:
        diags = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message, hint = describe_error(error, model, data)
            diags.append(Diagnostic(raw.path, raw.line_of(loc), format_loc(loc), message, hint))
        return None, diags
    return checked, _check_name(checked)


def _check_name(checked: Checked) -> list[Diagnostic]:
    raw = checked.raw
    if not raw.place.named:
        return []
    stem = raw.path.rsplit("/", 1)[-1].removesuffix(".yaml")
    expected = checked.model.id
    if stem == expected:
        return []
    field = "id" if "id" in raw.data else "family"
    return [checked.at((field,), field, f"the record's id is '{expected}' but the file is named '{stem}.yaml'", f"rename the file to '{expected}.yaml' or fix the id")]


def check_records(raws: list[RawRecord]) -> tuple[list[Checked], list[Diagnostic]]:
    checked: list[Checked] = []
    problems: list[Diagnostic] = []
    for raw in raws:
        ok, diags = check_record(raw)
        if ok is not None:
            checked.append(ok)
        problems.extend(diags)
    return checked, problems
