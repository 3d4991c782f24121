"""Where every generated page lives, relative to the docs folder. The one place URLs are made.

Links between pages point at Markdown sources (``papers/x.md``), so ``mkdocs build --strict``
checks every one of them.
"""

from __future__ import annotations

import posixpath

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
    """A relative link from the page ``source`` to the file ``target`` (both docs-relative)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def href(target: str, source: str) -> str:
    """A relative URL from the served page of ``source`` to ``target``, for raw HTML attributes.

    Markdown links are rewritten by MkDocs; raw HTML is not, so it must be relative to the URL
    the page is served at (``generated/explorer/``), not to its source file.
    """
    base = served(source)
    return posixpath.relpath(served(target) if target.endswith(".md") else target, base.rstrip("/") or ".")


def served(md_path: str) -> str:
    """The URL path (with directory URLs) a Markdown source is served at, for feeds and scripts."""
    if md_path.endswith("index.md"):
        return md_path[: -len("index.md")]
    return md_path[: -len(".md")] + "/" if md_path.endswith(".md") else md_path
