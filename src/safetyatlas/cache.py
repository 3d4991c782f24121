"""Parsed YAML kept between runs, so that unchanged record files are not parsed again.

Parsing is most of the cost of loading (about 0.2 ms per paper file with libyaml, against
0.02 ms to read and hash it). ``ParseCache`` maps the digest of a file's bytes to what
``load.parse_text`` made of them; ``load.load_tree`` asks it before parsing. The key is the
content, never a modification time, so a checkout, a rebase or an editor that keeps times
cannot serve stale data.

On disk the cache is one ``marshal`` file per knowledge base, kept in the user's cache folder
(``$SAFETYATLAS_CACHE_DIR``, else ``$XDG_CACHE_HOME/safetyatlas``, else ``~/.cache/safetyatlas``)
under a name derived from the base's absolute path, and never inside the repository: a cache
file committed in a pull request could otherwise map a reviewed file's digest to other data.
A cache folder that resolves inside the repository, a cache file that is a link, not a regular
file or not the user's own is ignored. It is a ``marshal`` file: plain dicts, lists, strings and numbers, which is all parsed records hold, and
``marshal`` cannot build arbitrary objects the way ``pickle`` can. The file names the format, the
package and PyYAML versions; any mismatch, damage or unreadable file means an empty cache,
never an error. Writing is atomic and skipped when nothing changed or the folder is read-only.
Set ``SAFETYATLAS_CACHE=off`` to neither read nor write it.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import __version__
from .memory import fewer_collections

FORMAT = 1  # bump when what parse_text returns changes shape or meaning
ENV = "SAFETYATLAS_CACHE"
DIR_ENV = "SAFETYATLAS_CACHE_DIR"

Parsed = tuple[Any, dict]


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _stamp() -> str:
    return f"safetyatlas-parse-cache {FORMAT} {__version__} pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}"


class ParseCache:
    """Parse results by content digest. Keeps, when saved, only the entries used since it was read."""

    def __init__(self, entries: dict[bytes, Parsed] | None = None):
        self._entries: dict[bytes, Parsed] = entries or {}
        self._used: set[bytes] = set()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> Parsed | None:
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used.add(key)
        return found

    def put(self, key: bytes, value: Parsed) -> None:
        self._entries[key] = value
        self._used.add(key)

    def forget_unused(self) -> bool:
        """Drop entries no file used since the last call; True when the cache changed."""
        stale = self._entries.keys() - self._used
        for key in stale:
            del self._entries[key]
        changed = bool(stale) or self.misses > 0
        self._used = set()
        self.hits = self.misses = 0
        return changed

    def dumps(self) -> bytes:
        return marshal.dumps((_stamp(), self._entries))

    @classmethod
    def loads(cls, blob: bytes) -> "ParseCache":
        """The cache in ``blob``, or an empty one when it is damaged or was written by other code."""
        try:
            stamp, entries = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            return cls()
        if stamp != _stamp() or not _valid(entries):
            return cls()
        return cls(entries)


def cache_home() -> Path:
    if folder := os.environ.get(DIR_ENV):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "safetyatlas"


def cache_file(root: Path) -> Path | None:
    """Where the cache of the knowledge base at ``root`` lives; None when that would be inside it."""
    root = Path(os.path.abspath(root))
    home = Path(os.path.realpath(cache_home()))
    real_root = Path(os.path.realpath(root))
    if home == real_root or real_root in home.parents:
        return None
    name = hashlib.blake2b(str(real_root).encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    return home / f"{real_root.name[:40]}-{name}" / "parsed.marshal"


def _valid(entries: object) -> bool:
    return isinstance(entries, dict) and all(isinstance(k, bytes) and isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], dict) for k, v in entries.items())


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in ("off", "0", "no", "false")


def read(root: Path) -> ParseCache:
    path = cache_file(root)
    if path is None:
        return ParseCache()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return ParseCache()
            blob = f.read()
    except OSError:
        return ParseCache()
    with fewer_collections():  # hundreds of thousands of small containers at once
        return ParseCache.loads(blob)


def write(root: Path, cache: ParseCache) -> None:
    """Save atomically; a cache that cannot be written is simply not saved."""
    path = cache_file(root)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".parsed-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(cache.dumps())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


@contextlib.contextmanager
def on_disk(root: Path) -> Iterator[ParseCache | None]:
    """The cache of ``root`` for one load (None when disabled); saved afterwards if it changed."""
    if not enabled():
        yield None
        return
    cache = read(root)
    try:
        yield cache
    finally:  # parse results hold whether or not the records then validate
        if cache.forget_unused():
            write(root, cache)
