"""Writing records: deterministic YAML text, and atomic writes that leave nothing half-done."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import SafetyAtlasError
from .schema import Model, Paper

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]  # the pure-Python twin of CSafeDumper: another class, the same interface

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/paper.schema.json\n"


class _Flow(dict):
    """A mapping written on one line (authors, short classifications)."""


class _Dumper2(_Dumper):
    pass


def _flow(dumper: _Dumper2, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _multiline(dumper: _Dumper2, data: str) -> yaml.Node:
    style = ">" if len(data) > 80 and "\n" not in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper2.add_representer(_Flow, _flow)
_Dumper2.add_representer(str, _multiline)


def record_data(model: Model) -> dict[str, Any]:
    """The record as plain data in field order, without defaults and without the kind tag."""
    data = model.model_dump(mode="json", exclude_defaults=True, exclude={"kind"})
    if isinstance(model, Paper):
        data = {k: data[k] for k in Paper.model_fields if k in data}
        # defaults are left out, but these are worth stating in every record
        data.setdefault("entry_type", model.entry_type)
        data = {k: data[k] for k in Paper.model_fields if k in data}
        if model.added is not None:
            data["added"] = model.added  # a date, written unquoted
        data["authors"] = [_Flow(a) for a in data["authors"]]
        data["related"] = [_Flow(r) for r in data.get("related", [])] or None
        if data["related"] is None:
            del data["related"]
    return data


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper2, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def dump_paper(paper: Paper) -> str:
    return SCHEMA_COMMENT + dump_yaml(record_data(paper))


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write every file or none: all go to temporary files first, then are renamed in place.

    A new file gets the usual permissions (0666 less the umask), a replaced one keeps its own;
    the temporary files would otherwise leave everything readable by the owner only.
    """
    for rel in files:
        target = root / rel
        if target.is_symlink() or (target.exists() and not target.is_file()):
            what = "a symbolic link" if target.is_symlink() else "not a regular file"
            raise SafetyAtlasError(f"{target} is {what}: refusing to replace it (write to a regular file)")
    try:
        _write_all(root, files)
    except OSError as exc:
        raise SafetyAtlasError(f"cannot write {exc.filename or root}: {exc.strerror}") from None


def _write_all(root: Path, files: Mapping[str, str]) -> None:
    staged: list[tuple[Path, Path]] = []
    fresh_mode = 0o666 & ~umask()
    try:
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix or ".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                os.fchmod(fh.fileno(), target.stat().st_mode & 0o777 if target.exists() else fresh_mode)
                fh.write(text)
    except BaseException:
        for staged_tmp, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        raise
    for staged_tmp, target in staged:
        os.replace(staged_tmp, target)
