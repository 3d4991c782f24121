"""Parsed YAML kept between runs, so that unchanged record files are not parsed again.

Parsing is most of the cost of loading (about 0.2 ms per paper file with libyaml, against
0.02 ms to read and hash it). ``ParseCache`` maps the digest of a file's bytes to what
``load.parse_text`` made of them; ``load.load_tree`` asks it before parsing. The key is the
content, never a modification time, so a checkout, a rebase or an editor that keeps times
cannot serve stale data.

On disk (``.cache/safetyatlas/parsed.marshal`` under the knowledge base's root) the cache is one
``marshal`` file: plain dicts, lists, strings and numbers, which is all parsed records hold, and
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
import tempfile
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import __version__
from .tuning import fewer_collections

FORMAT = 1  # bump when what parse_text returns changes shape or meaning
CACHE_FILE = Path(".cache") / "safetyatlas" / "parsed.marshal"
ENV = "SAFETYATLAS_CACHE"

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
        if stamp != _stamp() or not isinstance(entries, dict):
            return cls()
        return cls(entries)


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in ("off", "0", "no", "false")


def read(root: Path) -> ParseCache:
    try:
        blob = (root / CACHE_FILE).read_bytes()
    except OSError:
        return ParseCache()
    with fewer_collections():  # hundreds of thousands of small containers at once
        return ParseCache.loads(blob)


def write(root: Path, cache: ParseCache) -> None:
    """Save atomically; a cache that cannot be written is simply not saved."""
    path = root / CACHE_FILE
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
