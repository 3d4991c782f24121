"""The only reader of YAML. Keeps the file and line of every key and list item.

Records are composed with libyaml's C parser when it is present, then turned into plain
Python values by walking the node tree, which is where each line is recorded. Aliases are
refused (records never need them, and they are how a YAML "billion laughs" bomb works), and so
are files larger than ``MAX_BYTES``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Iterator, cast

import yaml

from .cache import ParseCache, digest
from .errors import Diagnostic, Severity
from .kinds import PLACES, Place

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # the C loader is about ten times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_BYTES = 1 << 20

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class RawRecord:
    """A record as read: its kind, data, file, line, and the line of every key below it."""

    kind: str
    path: str  # relative to the knowledge-base root, with forward slashes
    line: int
    data: Any
    lines: dict[Loc, int] = field(repr=False, compare=False)
    place: Place = field(repr=False, compare=False)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest key of ``loc`` that exists in the file."""
        for end in range(len(loc), 0, -1):
            if (line := self.lines.get(tuple(loc[:end]))) is not None:
                return line
        return self.line


class Refused(Exception):
    def __init__(self, line: int, message: str, hint: str):
        self.line, self.message, self.hint = line, message, hint


def _scalar(node: yaml.ScalarNode) -> Any:
    """Plain values for null, booleans and decimal integers; everything else stays text.

    Floats and timestamps are kept as written: in records a float is nearly always an unquoted
    identifier (``arxiv: 2307.15040`` must not lose its trailing zero), and dates are parsed by
    the schema.
    """
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(value.replace("_", ""), 10)
        except ValueError:
            return value
    return value


MAX_DEPTH = 12
"""Records nest a few levels (a scope: categories, subcategories, representatives); deeper is refused."""


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], seen: set[int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if len(loc) > MAX_DEPTH:
        raise Refused(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep", "records are flat: remove the extra brackets")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if id(node) in seen:
        raise Refused(node.start_mark.line + 1, "YAML aliases are not allowed in records", "write the value out in full")
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, loc + (i,), lines, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise Refused(key_node.start_mark.line + 1, "a key must be plain text", "remove the complex key")
            key = key_node.value
            if key in out:
                raise Refused(key_node.start_mark.line + 1, f"key '{key}' appears twice", "keep one of them")
            lines[loc + (key,)] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, loc + (key,), lines, seen)
        return out
    raise Refused(node.start_mark.line + 1, "unsupported YAML node", "use plain mappings, lists and scalars")


def parse_text(text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    """Parse one YAML document; raise ``Refused`` with a line on any problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise Refused(line, f"YAML syntax error: {exc.problem or exc}", "fix the indentation or quoting near this line") from None
    except yaml.YAMLError as exc:
        raise Refused(1, f"YAML error: {exc}", "check the file is a single YAML document") from None
    except RecursionError:
        raise Refused(1, "nested too deeply to read", "records are flat: remove the extra brackets") from None
    if node is None:
        raise Refused(1, "the file is empty", "write the record or delete the file")
    lines: dict[Loc, int] = {}
    return _walk(node, (), lines, set()), lines


def read_file(path: str | Path, rel: str, place: Place, cache: ParseCache | None = None) -> tuple[list[RawRecord], list[Diagnostic]]:
    """Read one file into raw records, or into diagnostics that say why it cannot be read.

    With a ``cache``, a file whose bytes were parsed before is not parsed again.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))  # a link swapped in after the scan is not followed
        with open(fd, "rb") as f:  # one open for the size check and the read
            size = os.fstat(f.fileno()).st_size
            if size > MAX_BYTES:
                return [], [Diagnostic(rel, 1, "", f"file is {size} bytes, over the {MAX_BYTES}-byte limit", "split it or remove what does not belong")]
            raw = f.read()
    except OSError as exc:
        return [], [Diagnostic(rel, 0, "", f"cannot read the file: {exc.strerror}", "check it is a regular file you may read")]
    key = digest(raw) if cache is not None else None
    parsed = cache.get(key) if cache is not None and key is not None else None
    if parsed is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return [], [Diagnostic(rel, line, "", f"byte 0x{raw[exc.start]:02x} is not UTF-8", "save the file as UTF-8")]
        try:
            parsed = parse_text(text, rel)
        except Refused as exc:
            return [], [Diagnostic(rel, exc.line, "", exc.message, exc.hint)]
        if cache is not None and key is not None:
            cache.put(key, parsed)
    data, lines = parsed
    return records_of(data, lines, rel, place)


def records_of(data: Any, lines: dict[Loc, int], rel: str, place: Place) -> tuple[list[RawRecord], list[Diagnostic]]:
    """The raw records of one parsed file: one, or one per list item for files that hold a list."""
    if place.many:
        if not isinstance(data, list):
            return [], [Diagnostic(rel, 1, "", "expected a list of records", "start each record with '- '")]
        per_item: list[dict[Loc, int]] = [{} for _ in data]
        for loc, ln in lines.items():
            if loc:
                per_item[cast(int, loc[0])][loc[1:]] = ln  # the file is a list: its top-level keys are item indexes
        return [RawRecord(place.kind, rel, lines[(i,)], item, per_item[i], place) for i, item in enumerate(data)], []
    return [RawRecord(place.kind, rel, 1, data, lines, place)], []


def _stray(rel: str, message: str, hint: str, severity: Severity = "error") -> Diagnostic:
    return Diagnostic(rel, 0, "", message, hint, severity)


def scan(root: Path) -> tuple[list[tuple[str, str, Place]], list[Diagnostic]]:
    """Every record file under ``root`` in a stable order, and what lies there that is not read.

    Record folders and files must be what they look like: a symbolic link is refused (a link
    in a pull request could publish or leak any file of the machine that builds it), and so is
    anything in a record folder that the loader would otherwise skip in silence (``x.yml``, a
    subfolder, a hidden file), since a contributor's paper would go missing while validation
    said all was well.
    """
    found: list[tuple[str, str, Place]] = []
    problems: list[Diagnostic] = []
    for top in sorted({p.pattern.split("/")[0] for p in PLACES}):
        if os.path.islink(root / top):
            problems.append(_stray(top, "is a symbolic link", "record folders must be real folders inside the repository"))
    folders: dict[str, list[Place]] = {}
    for place in PLACES:
        folder, _, name = place.pattern.rpartition("/")
        if any(c in name for c in "*?["):
            folders.setdefault(folder, []).append(place)
            continue
        path = root / place.pattern
        if os.path.islink(path):
            problems.append(_stray(place.pattern, "is a symbolic link", "replace it by the file itself"))
        elif path.is_file() and not os.path.islink(root / folder):
            found.append((str(path), place.pattern, place))
    for folder, places in folders.items():
        if os.path.islink(root / folder) or os.path.islink(root / folder.split("/")[0]):
            if folder.split("/")[0] != folder:
                problems.append(_stray(folder, "is a symbolic link", "record folders must be real folders inside the repository"))
            continue
        try:  # scandir: a folder of 20,000 papers listed without a stat or a Path per file
            with os.scandir(root / folder) as it:
                entries = sorted(((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in it))
        except (FileNotFoundError, NotADirectoryError):
            continue
        base = str(root / folder)
        subfolders = {p.pattern.split("/")[1] for p in PLACES if p.pattern.startswith(folder + "/") and p.pattern.count("/") > 1}
        for n, link, is_dir in entries:
            rel = f"{folder}/{n}"
            file_place = next((p for p in places if fnmatchcase(n, p.pattern.rpartition("/")[2])), None)
            if is_dir and n in subfolders:
                continue
            if n.startswith("."):
                problems.append(_stray(rel, "hidden file is not read", "records are visible files: rename or delete it", "warning"))
            elif link:
                problems.append(_stray(rel, "is a symbolic link and is not read", "records must be regular files: replace the link by the file"))
            elif is_dir:
                problems.append(_stray(rel + "/", "subfolder is not read", f"put records directly in {folder}/"))
            elif file_place is None:
                stem = n.rsplit(".", 1)[0]
                problems.append(_stray(rel, "is not read: record files end in '.yaml'", f"rename it to {folder}/{stem}.yaml"))
            else:
                found.append((os.path.join(base, n), rel, file_place))
    return found, problems


def iter_files(root: Path) -> Iterator[tuple[str, str, Place]]:
    """Every record file under ``root`` in a stable order, with its place in the layout."""
    yield from scan(root)[0]


def load_tree(root: Path, cache: ParseCache | None = None) -> tuple[list[RawRecord], list[Diagnostic]]:
    """Read every record file of a knowledge base; never raises for bad content."""
    records: list[RawRecord] = []
    files, problems = scan(root)
    for path, rel, place in files:
        recs, diags = read_file(path, rel, place, cache)
        records.extend(recs)
        problems.extend(diags)
    return records, problems
