"""Parse a paper list in the survey's Markdown shape into entries, without judging them.

The shape: chapters opened by ``<summary><span id="chN">...`` (the number names the model
family), sections opened by ``##### Heading``, and per paper three lines::

    - Title.
      - Family, Given, Family, Given, **and** Family, Given
      - *Venue*, volume, pages, 2024.

Everything here is pure text processing; the importer decides what the entries mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pylatexenc.latex2text import LatexNodes2Text

from .textnorm import squash_space

_CHAPTER = re.compile(r'<span id="ch(\d+)"')
_SECTION = re.compile(r"^#####\s+(.+?)\s*$")
_ENTRY = re.compile(r"^- (.+?)\s*$")
_SUB = re.compile(r"^\s{2,}- (.+?)\s*$")
_TRUNCATED = re.compile(r",?\s*(\*\*and others\*\*|\*\*and\*\*\s+others|\*\*et al\.?\*\*|\*et al\.?\*|et al\.?|and others)\s*$")
_ARXIV = re.compile(r"arXiv:\s*([0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})(v[0-9]+)?", re.I)
_YEAR = re.compile(r"(?:^|,)\s*((?:19|20)[0-9]{2})\.?\s*$")

_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    hint: str = ""


@dataclass(frozen=True)
class VenueLine:
    venue: str | None  # the raw text between the asterisks
    arxiv: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Entry:
    chapter: int
    section: str
    title: str
    authors: tuple[tuple[str, str | None], ...]
    truncated: bool
    venue: VenueLine
    line: int
    problems: tuple[Problem, ...] = field(default=())


def decode_latex(text: str) -> str:
    """``F{\\'a}bio`` -> ``Fábio``; text without backslashes or braces is returned as is."""
    if "\\" not in text and "{" not in text:
        return text
    return squash_space(_LATEX.latex_to_text(text))


def clean_title(text: str) -> str:
    title = decode_latex(squash_space(text))
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def parse_authors(text: str, line: int) -> tuple[tuple[tuple[str, str | None], ...], bool, list[Problem]]:
    """Split 'Family, Given, ..., **and** Family, Given' into (family, given) pairs."""
    problems: list[Problem] = []
    text = squash_space(text)
    truncated = False
    if m := _TRUNCATED.search(text):
        truncated = True
        text = text[: m.start()]
    if text.count("{") != text.count("}"):
        problems.append(Problem(line, f"author line has unbalanced braces: {text!r}", "the line is cut off; complete the names in the record"))
        text = re.sub(r"\{[^}]*$", "", text)
    text = re.sub(r",?\s*\*\*and\*\*\s*", ", ", text).replace("**", "")
    if " and " in text and text.count(",") <= text.count(" and ") + 1:
        parts = [p.strip() for p in text.split(" and ")]  # BibTeX style: 'Family, Given and Family, Given'
        tokens = [t for p in parts for t in (p.split(",", 1) + [""])[:2]]
    else:
        tokens = text.split(",")
    tokens = [decode_latex(t.strip()) for t in tokens]
    while tokens and not tokens[-1]:
        tokens.pop()
    if len(tokens) % 2 and all(" " in t for t in tokens):
        # 'Given Family, Given Family' instead of 'Family, Given, Family, Given'
        problems.append(Problem(line, "author line uses 'Given Family' order", "check the names were split right"))
        return tuple((t.rsplit(" ", 1)[1], t.rsplit(" ", 1)[0]) for t in tokens), truncated, problems
    if len(tokens) % 2:
        problems.append(Problem(line, "author line does not split into (family, given) pairs", "check the commas; the last name was kept without a given name"))
        tokens.append("")
    pairs = tuple((tokens[i], tokens[i + 1] or None) for i in range(0, len(tokens), 2) if tokens[i])
    if not pairs:
        problems.append(Problem(line, "no authors", "add the authors in the record"))
    return pairs, truncated, problems


def parse_venue(text: str, line: int) -> tuple[VenueLine, list[Problem]]:
    problems: list[Problem] = []
    m = re.match(r"^\*([^*]+)\*\s*(.*)$", text.strip())
    if not m:
        return VenueLine(None), [Problem(line, f"venue line has no *venue*: {text!r}", "write it as '*Venue*, year.'")]
    venue, rest = squash_space(m.group(1)), m.group(2)
    year_m = _YEAR.search(rest)
    year = int(year_m.group(1)) if year_m else None
    if year is None:
        problems.append(Problem(line, f"no year in venue line {text!r}", "add the year in the record"))
    middle = rest[: year_m.start()] if year_m else rest
    parts = [p.strip() for p in middle.strip(" ,.").split(",") if p.strip()]
    volume = number = pages = None
    for part in parts:
        part = re.sub(r"^(Vol\.|vol\.|p\.|pp\.)\s*", "", part)
        if volume is None and (vm := re.fullmatch(r"([0-9]+)(?:\(([0-9\-]+)\))?", part)):
            volume, number = vm.group(1), vm.group(2)
        elif pages is None and re.fullmatch(r"[0-9A-Za-z]+(?:-+[0-9A-Za-z]+)?", part):
            pages = part.replace("--", "-")
        else:
            problems.append(Problem(line, f"cannot read {part!r} in venue line", "put volume and pages in the record by hand"))
    arxiv = None
    if a := _ARXIV.search(venue):
        arxiv = a.group(1)
        venue = "arXiv"
    return VenueLine(venue, arxiv, volume, number, pages, year), problems


def parse_list(text: str) -> tuple[list[Entry], list[Problem]]:
    """All entries of the list in order, with per-entry problems; plus problems of the shape."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    lines = text.splitlines()
    chapter: int | None = None
    section: str | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        if m := _CHAPTER.search(raw):
            chapter, section = int(m.group(1)), None
        elif raw.startswith("## "):
            chapter = section = None  # a top-level heading ends the paper chapters
        elif m := _SECTION.match(raw):
            section = m.group(1)
        elif chapter is not None and section is not None and (m := _ENTRY.match(raw)):
            start = i + 1
            subs: list[tuple[int, str]] = []
            while i + 1 < len(lines) and (s := _SUB.match(lines[i + 1])):
                i += 1
                subs.append((i + 1, s.group(1)))
            entries.append(_entry(chapter, section, m.group(1), start, subs))
        i += 1
    if not entries:
        problems.append(Problem(1, "no entries found", "is this a list in the survey's shape (chapters, '##### ' sections, '- ' entries)?"))
    return entries, problems


def _entry(chapter: int, section: str, title: str, line: int, subs: list[tuple[int, str]]) -> Entry:
    problems: list[Problem] = []
    authors: tuple[tuple[str, str | None], ...] = ()
    truncated = False
    venue = VenueLine(None)
    venue_subs = [s for s in subs if s[1].startswith("*") and not s[1].startswith("**")]
    author_subs = [s for s in subs if s not in venue_subs]
    if author_subs:
        authors, truncated, p = parse_authors(author_subs[0][1], author_subs[0][0])
        problems += p
    else:
        problems.append(Problem(line, "entry has no author line", "add the authors in the record"))
    if venue_subs:
        venue, p = parse_venue(venue_subs[-1][1], venue_subs[-1][0])
        problems += p
    else:
        problems.append(Problem(line, "entry has no venue line", "add venue and year in the record"))
    return Entry(chapter, section, clean_title(title), authors, truncated, venue, line, tuple(problems))
