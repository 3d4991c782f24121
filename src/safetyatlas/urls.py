"""Where every generated page lives, relative to the docs folder. The one place URLs are made.

Links between pages point at Markdown sources (``papers/x.md``), so ``mkdocs build --strict``
checks every one of them.
"""

from __future__ import annotations

import functools
import posixpath

from mkdocs.utils import get_relative_url

GENERATED = "generated"


def paper(pid: str) -> str:
    return f"{GENERATED}/papers/{pid}.md"


def family(fid: str) -> str:
    return f"{GENERATED}/families/{fid}.md"


def threat(tid: str) -> str:
    return f"{GENERATED}/threats/{tid}.md"


def node(node_id: str) -> str:
    """A scope, category or subcategory page: ``llm.jailbreak.attack.black-box`` -> nested folders."""
    return f"{GENERATED}/taxonomy/{node_id.replace('.', '/')}/index.md"


def benchmark(bid: str) -> str:
    return f"{GENERATED}/benchmarks/{bid}.md"


def venue(vid: str) -> str:
    return f"{GENERATED}/venues/{vid}.md"


def year(y: int) -> str:
    return f"{GENERATED}/years/{y}.md"


def authors(letter: str) -> str:
    return f"{GENERATED}/authors/{letter}.md"


def bib(name: str) -> str:
    return f"{GENERATED}/bib/{name}.bib"


HOME = "index.md"  # hand-written; includes the generated snippet below
HOME_SNIPPET = f"{GENERATED}/_home.md"

PAGES = {
    "matrix": f"{GENERATED}/matrix.md",
    "taxonomy": f"{GENERATED}/taxonomy/index.md",
    "benchmarks": f"{GENERATED}/benchmarks/index.md",
    "challenges": f"{GENERATED}/challenges.md",
    "years": f"{GENERATED}/years/index.md",
    "venues": f"{GENERATED}/venues/index.md",
    "authors": f"{GENERATED}/authors/index.md",
    "stats": f"{GENERATED}/stats.md",
    "recent": f"{GENERATED}/recent.md",
    "explorer": f"{GENERATED}/explorer.md",
}


def rel(target: str, source: str) -> str:
    """A relative link from the page ``source`` to the file ``target`` (both docs-relative).

    Paths here are always clean, relative and slash-separated, so this is a prefix comparison;
    MkDocs' ``get_relative_url`` (which ``href`` uses) goes through ``posixpath.relpath``, which
    normalises through the file system's absolute path and was a third of the page-planning
    time. A property test holds the two to the same answers.
    """
    return _rel(target, source.rpartition("/")[0])


@functools.lru_cache(maxsize=65536)
def _rel_dir(target_dir: str, source_dir: str) -> str:
    t = target_dir.split("/") if target_dir else []
    s = source_dir.split("/") if source_dir else []
    common = 0
    for a, b in zip(t, s):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(s) - common) + t[common:])


def _rel(target: str, source_dir: str) -> str:
    if source_dir == target or source_dir.startswith(target + "/"):  # target is a folder above the source
        return posixpath.relpath(target, source_dir or ".")
    target_dir, _, name = target.rpartition("/")
    prefix = _rel_dir(target_dir, source_dir)
    return f"{prefix}/{name}" if prefix else name


def href(target: str, source: str, directory_urls: bool = True) -> str:
    """A relative URL from the served page of ``source`` to ``target``, for raw HTML attributes.

    Markdown links are rewritten by MkDocs; raw HTML is not, so it must be relative to the URL
    the page is served at (``generated/explorer/`` or ``generated/explorer.html``), not to its source file.
    """
    return get_relative_url(served(target, directory_urls) if target.endswith(".md") else target, served(source, directory_urls) or ".")


def served(md_path: str, directory_urls: bool = True) -> str:
    """The URL path a Markdown source is served at (MkDocs' rule), for feeds, scripts and redirects.

    With directory URLs ``papers/x.md`` is served at ``papers/x/``; without them (the offline
    build, opened from disk) at ``papers/x.html``; an ``index.md`` at its folder either way
    (``index.html`` offline).
    """
    if not md_path.endswith(".md"):
        return md_path
    if md_path.endswith("index.md"):
        return md_path[: -len("index.md")] + ("" if directory_urls else "index.html")
    return md_path[: -len(".md")] + ("/" if directory_urls else ".html")
