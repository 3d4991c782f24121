"""Adapters: one parser per peer paper list's shape, each turning the list into ``ListEntry`` facts.

Every adapter is pure text processing over the files as published: it keeps titles, links,
identifiers, code links, venue badges, dates, authors when the list gives them, and where in
the list the entry stands (its topic). It never keeps a list's notes or descriptions (prose is
not copied). Judging an entry (in scope? already in the base? how classified?) is the import
pipeline's job (``importing.py``).

| adapter | list | shape |
|---|---|---|
| ``lm-ssp`` | CryptoAILab/Awesome-LM-SSP | ``collection/paper/<area>/<topic>.md`` bullets ``- [YYYY/MM] **[title](link)**`` + badges |
| ``jailbreak-list`` | yueliu1999/Awesome-Jailbreak-on-LLMs | Markdown tables under headings: time, title, venue, paper link, code link |
| ``unlearning-list`` | chrisliu298/awesome-llm-unlearning | bullets by year: title link, authors, date, venue, code |
| ``llm-sp`` | chawins/llm-sp | ``<details><summary>title (year) [<a href="link">Paper</a>]</summary>`` under ``##``/``###`` headings; notes are never read |
| ``arxiv-digest`` | shenyizg/NewAdversarialAttackPaper (as ``arxiv-metadata.jsonl``) | one JSON object a line: arxiv, title, authors, submitted; abstracts never kept |
| ``openredteaming`` | Libr-AI/OpenRedTeaming | ``paper_list/NN - Theme.md``: ``- **title** [[Paper](link)] <br />`` then ``authors (year)<br />`` |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .ids import doi_in_url, find_arxiv, normalise_code_url, normalise_url
from .textnorm import squash_space

__all__ = ["ListEntry", "ADAPTERS", "by_key", "parse_lmssp", "parse_jailbreak_list", "parse_unlearning_list", "parse_openredteaming", "parse_llm_sp", "parse_arxiv_digest"]


@dataclass(frozen=True)
class ListEntry:
    """One entry of a peer list, as facts: what it says about a paper, and where it says it."""

    source: str
    path: str  # the list file, relative to the folder given
    line: int
    title: str
    topic: str  # the list's file or section the entry stands in
    url: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    code: str | None = None
    venue: str | None = None  # the venue text or badge, raw ("NeurIPS'25", "ACL'24_(Findings)")
    year: int | None = None
    month: int | None = None
    authors: tuple[str, ...] = ()  # "Given Family" as the list writes them, when it does
    badges: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """A stable key of the entry within its source: the arXiv id, else the DOI, else the title."""
        from .textnorm import normalise_title

        return self.arxiv or (f"doi:{self.doi}" if self.doi else f"title:{normalise_title(self.title)}")


def _links(text: str) -> tuple[str | None, str | None, str | None]:
    """(arxiv, doi, url) from a paper link."""
    url = text.strip()
    arxiv = find_arxiv(url)
    doi = doi_in_url(url)
    if arxiv or doi or not url.startswith("http") or "arxiv.org/" in url.casefold():  # an arXiv link without a whole id is a list's typo, not a link
        return arxiv, doi, None
    return arxiv, doi, normalise_url(url)


def _clean_title(text: str) -> str:
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)  # Markdown escapes in the list
    return squash_space(text).strip().rstrip(".")


_GITHUB = re.compile(r"\((https://github\.com/[^)\s]+)\)")

# --- Awesome-LM-SSP --------------------------------------------------------------------------

_LMSSP_ENTRY = re.compile(r"^- \[(\d{4})/(\d{2})\] \*\*\[(?P<title>.+?)\]\((?P<link>[^)\s]+)\)\*\*(?P<rest>.*)$")
_BADGE = re.compile(r"!\[([^\]]+)\]\(https://img\.shields\.io/badge/")
_VENUE_BADGE = re.compile(r"^[A-Za-z_&\- ]+['‘’]\d{2}")


def parse_lmssp(folder: Path) -> list[ListEntry]:
    """Awesome-LM-SSP: every bullet of ``collection/paper/*/*.md`` (topic = ``area/topic``)."""
    entries: list[ListEntry] = []
    for path in sorted((folder / "collection" / "paper").glob("*/*.md")):
        rel = str(path.relative_to(folder))
        topic = f"{path.parent.name}/{path.stem}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = _LMSSP_ENTRY.match(line.strip())
            if not m:
                continue
            rest = m.group("rest")
            badges = tuple(b.replace("_", " ").strip() for b in _BADGE.findall(rest))
            venue = next((b for b in badges if _VENUE_BADGE.match(b)), None)
            code = _GITHUB.search(rest)
            arxiv, doi, url = _links(m.group("link"))
            entries.append(
                ListEntry(
                    "lm-ssp",
                    rel,
                    n,
                    _clean_title(m.group("title")),
                    topic,
                    url,
                    arxiv,
                    doi,
                    normalise_code_url(code.group(1)) if code else None,
                    venue,
                    int(m.group(1)),
                    int(m.group(2)),
                    (),
                    badges,
                )
            )
    return entries


# --- Awesome-Jailbreak-on-LLMs ----------------------------------------------------------------

_HEADING = re.compile(r"^(#{2,4})\s+(.+?)\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


def parse_jailbreak_list(folder: Path) -> list[ListEntry]:
    """Awesome-Jailbreak-on-LLMs: table rows ``| time | **title** | venue | [link](..) | [link](..) |``."""
    path = folder / "README.md"
    entries: list[ListEntry] = []
    topic = ""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if h := _HEADING.match(line):
            topic = squash_space(re.sub(r"[^\w\s\-&/]", "", h.group(2)))
            continue
        if not line.startswith("|") or line.startswith("| Time") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.search(r"\*\*.+\*\*", cells[1]):
            continue
        title = _clean_title(re.sub(r"\*\*", "", cells[1]))
        links = [u for c in cells[3:] for _, u in _MD_LINK.findall(c)]
        paper = next((u for u in links if "github.com" not in u), None)
        code = next((u for u in links if "github.com" in u), None)
        arxiv, doi, url = _links(paper) if paper else (None, None, None)
        when = re.match(r"(\d{4})\.(\d{2})", cells[0])
        venue = squash_space(cells[2]) or None
        entries.append(
            ListEntry(
                "jailbreak-list",
                "README.md",
                n,
                title,
                topic,
                url,
                arxiv,
                doi,
                normalise_code_url(code) if code else None,
                None if venue in (None, "arXiv", "arxiv", "Arxiv") else venue,
                int(when.group(1)) if when else None,
                int(when.group(2)) if when else None,
            )
        )
    return entries


# --- awesome-llm-unlearning --------------------------------------------------------------------

_UNLEARN_ENTRY = re.compile(r"^- \[(?P<title>.+?)\]\((?P<link>[^)\s]+)\)\s*$")


def parse_unlearning_list(folder: Path) -> list[ListEntry]:
    """awesome-llm-unlearning: ``- [title](link)`` then indented lines of authors, date, venue, code."""
    path = folder / "README.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    entries: list[ListEntry] = []
    topic = ""
    for n, line in enumerate(lines, 1):
        if h := _HEADING.match(line):
            topic = squash_space(h.group(2))
            continue
        m = _UNLEARN_ENTRY.match(line.strip()) if line.startswith("- [") else None
        if not m or not (re.fullmatch(r"\d{4}", topic) or topic.casefold().startswith("surveys")):
            continue
        details = []
        for follow in lines[n : n + 6]:
            if not follow.startswith(("  ", "\t")):
                break
            details.append(follow.strip().lstrip("-").strip())
        authors: tuple[str, ...] = ()
        venue = code = None
        year = month = None
        for d in details:
            if d.lower().startswith("author"):
                authors = tuple(a.strip() for a in re.split(r",\s*|\s+and\s+", d.split(":", 1)[-1]) if a.strip())
            elif d.lower().startswith(("date", "published")):
                if dm := re.search(r"(\d{4})[-/.](\d{1,2})", d):
                    year, month = int(dm.group(1)), int(dm.group(2))
            elif d.lower().startswith("venue"):
                venue = squash_space(d.split(":", 1)[-1]).strip("- ") or None
            elif "github.com" in d:
                c = re.search(r"https://github\.com/[^)\s]+", d)
                code = normalise_code_url(c.group()) if c else None
        arxiv, doi, url = _links(m.group("link"))
        entries.append(
            ListEntry(
                "unlearning-list",
                "README.md",
                n,
                _clean_title(m.group("title")),
                "surveys" if topic.casefold().startswith("surveys") else "unlearning",
                url,
                arxiv,
                doi,
                code,
                None if (venue or "").casefold() in ("", "arxiv") else venue,
                year,
                month,
                authors,
            )
        )
    return entries


# --- OpenRedTeaming ------------------------------------------------------------------------------

_ORT_ENTRY = re.compile(
    r"^- \*\*(?P<title>[^*]+?)\s*\*\*\s*\\\[\[Paper\]\((?P<link>[^)]*?)\s*\)\\\]\s*<br\s*/>\s*\n"
    r"(?P<authors>[^\n]*?)\s*\((?P<year>\d{4})\)\s*<br\s*/>",
    re.M,
)


def parse_openredteaming(folder: Path) -> list[ListEntry]:
    """OpenRedTeaming: ``paper_list/NN - Theme.md``; topic = ``theme/section`` (e.g. ``defenses/guardrails``).

    An entry is ``- **title** \\[[Paper](link)\\] <br />`` (title and link may wrap) and a line
    ``Given Family,  Given Family (year)<br />``.
    """
    entries: list[ListEntry] = []
    for path in sorted((folder / "paper_list").glob("[0-9]* - *.md")):
        text = path.read_text(encoding="utf-8")
        theme = _slug(path.stem.split(" - ", 1)[1])
        headings = [(h.start(), _slug(h.group(2))) for h in re.finditer(r"^(##)\s+(.+?)\s*$", text, re.M)]
        for m in _ORT_ENTRY.finditer(text):
            section = next((name for at, name in reversed(headings) if at < m.start()), "")
            arxiv, doi, url = _links(m.group("link"))
            authors = tuple(a.strip() for a in m.group("authors").split(",") if a.strip() and a.strip().casefold() not in ("et al.", "others"))
            entries.append(
                ListEntry(
                    "openredteaming",
                    str(path.relative_to(folder)),
                    text.count("\n", 0, m.start()) + 1,
                    _clean_title(m.group("title")),
                    f"{theme}/{section}" if section else theme,
                    url,
                    arxiv,
                    doi,
                    None,
                    None,
                    int(m.group("year")),
                    None,
                    authors,
                )
            )
    return entries


# --- llm-sp ----------------------------------------------------------------------------------------

_LLMSP_ENTRY = re.compile(r'^<details><summary>(?P<title>.+?)\s*\((?P<year>\d{4})\)\s*\[<a href="(?P<link>[^"]+)">Paper</a>\]')


def parse_llm_sp(folder: Path) -> list[ListEntry]:
    """llm-sp: one ``<details>`` block per paper; topic = ``section/subsection`` (e.g. ``defenses/privacy``).

    Only the ``<summary>`` line is read (title, year, paper link): the block's body holds the
    maintainer's notes, which are prose and never kept.
    """
    path = folder / "README.md"
    entries: list[ListEntry] = []
    section = sub = ""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            section, sub = _slug(line[3:]), ""
        elif line.startswith("### "):
            sub = _slug(line[4:].replace("*", ""))
        elif m := _LLMSP_ENTRY.match(line.strip()):
            arxiv, doi, url = _links(m.group("link"))
            title = _clean_title(re.sub(r"<[^>]+>", "", m.group("title")))
            entries.append(ListEntry("llm-sp", "README.md", n, title, f"{section}/{sub}" if sub else section, url, arxiv, doi, year=int(m.group("year"))))
    return entries


# --- the arXiv digest -----------------------------------------------------------------------------


def parse_arxiv_digest(path: Path) -> list[ListEntry]:
    """The daily arXiv digest as JSON lines (a file, or a folder holding ``arxiv-metadata.jsonl``).

    It lists thousands of papers of the field, most outside the survey's scope, so it is imported
    with a curated selection (``import arxiv-digest PATH --only KEYS``). The abstract is read by
    curators to classify a paper and is never kept.
    """
    import json

    if path.is_dir():
        path = path / "arxiv-metadata.jsonl"
    entries: list[ListEntry] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        m = json.loads(line)
        when = re.match(r"(\d{4})-(\d{2})", m.get("submitted") or "")
        entries.append(
            ListEntry(
                "arxiv-digest",
                path.name,
                n,
                squash_space(m["title"]),
                "digest",
                None,
                m["arxiv"],
                None,
                None,
                None,
                int(when.group(1)) if when else None,
                int(when.group(2)) if when else None,
                tuple(m.get("authors") or ()),
            )
        )
    return entries


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


ADAPTERS: dict[str, Callable[[Path], list[ListEntry]]] = {
    "lm-ssp": parse_lmssp,
    "jailbreak-list": parse_jailbreak_list,
    "unlearning-list": parse_unlearning_list,
    "openredteaming": parse_openredteaming,
    "llm-sp": parse_llm_sp,
    "arxiv-digest": parse_arxiv_digest,
}


def by_key(entries: Iterable[ListEntry]) -> dict[str, list[ListEntry]]:
    """Entries grouped by their key: a paper listed under several topics is one paper."""
    out: dict[str, list[ListEntry]] = {}
    for e in entries:
        out.setdefault(e.key, []).append(e)
    return out
