"""BibTeX both ways: papers -> bibtexparser ``Library`` -> text, and BibTeX text -> new papers.

Writing: the cite key is the paper id; the entry type is the record's; the venue's full name
goes to ``booktitle`` (inproceedings), ``journal`` (article) or ``howpublished`` (misc); arXiv
papers carry ``eprint`` and ``archivePrefix``. Text is LaTeX-encoded with pylatexenc (accents,
``&``, ``%``, ``_`` ...), words with inner capitals (acronyms: ``GPT``, ``LLMs``, ``TrojLLM``)
are wrapped in braces so bibliography styles keep their case, and a truncated author list
ends in ``and others``.

Reading: ``from_bibtex`` decodes LaTeX back to Unicode, maps ``booktitle``/``journal``/
``howpublished`` onto a venue by name, full name or alias (exact, case-insensitive), and
returns one ``Parsed`` per entry: a schema-valid ``Paper`` or the problems that stop it, each
with the 1-based line of the entry or field. Pure: no file system.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, cast

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import NormalizeFieldKeys, SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock
from pydantic import ValidationError
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

from .errors import Diagnostic, Severity
from .ids import PAPER_ID_RE, doi_in_url, find_arxiv, make_paper_id, normalise_arxiv, normalise_doi, normalise_url
from .schema import Author, Classification, Paper, Venue
from .textnorm import LATEX_MARKUP, squash_space
from .validate import describe_error, format_loc
from .venues import VenueResolver

# --- LaTeX <-> Unicode --------------------------------------------------------------------

# A character LaTeX has no macro for (an emoji, a CJK ideograph) is written as its code point,
# which pdflatex compiles, instead of the raw character, which stops it.
_ENCODER = UnicodeToLatexEncoder(replacement_latex_protection="braces-all", non_ascii_only=False, unknown_char_policy="unihex")
logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)  # it logs every such character


def _decoder() -> LatexNodes2Text:
    context = latex2text.get_default_latex_context_db().filter_context()
    context.add_context_category(
        "safetyatlas-braces",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("textbraceleft", "{"),
            latex2text.MacroTextSpec("textbraceright", "}"),
            latex2text.MacroTextSpec("textasciicircum", "^"),
            latex2text.MacroTextSpec("textasciitilde", "~"),
        ],
    )
    return LatexNodes2Text(latex_context=context, strict_latex_spaces=True)


_DECODER = _decoder()
# BibTeX counts braces without regard to backslashes, so a lone "\{" unbalances the entry: braces
# that are text are written as macros, which contain none.
_BRACES = {"{\\{}": "{\\textbraceleft}", "{\\}}": "{\\textbraceright}"}
_BRACES_RE = re.compile("|".join(re.escape(k) for k in _BRACES))
_WORD = re.compile(r"[^\W_]+")


_PLAIN = re.compile(r"[A-Za-z0-9 .,:;!?()'/+=*@-]*")


def latex(text: str) -> str:
    """Unicode -> LaTeX that compiles: ``'Tramèr & 50%'`` -> ``'Tram{\\`e}r {\\&} 50{\\%}'``."""
    if _PLAIN.fullmatch(text) and "--" not in text and "''" not in text:
        return text  # nothing to encode: most words of most titles and names
    # a straight double quote stays one: pylatexenc would write '' (a closing curly quote when read back)
    return '{"}'.join(_latex_part(part) for part in text.split('"'))


def _latex_part(text: str) -> str:
    out = []
    for run in _RUNS.findall(text):
        out.append(_latex_char(run) if len(run) == 1 and not run.isascii() else _BRACES_RE.sub(lambda m: _BRACES[m.group()], _ENCODER.unicode_to_latex(run)))
    return _LIGATURE.sub(lambda m: m.group() + "{}", "".join(out))  # -- ('' ``) would print as a dash (a curly quote)


_LIGATURE = re.compile(r"-(?=-)|'(?=')|`(?=`)|[?!](?=`)")


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")


@functools.lru_cache(maxsize=8192)
def _latex_char(char: str) -> str:
    """One non-ASCII character: its LaTeX form when that reads back as the same character, else <U+...>.

    pylatexenc approximates some letters (Ħ as ``\\=H``, which reads back as H with a macron);
    those are written the way it writes characters it does not know, which ``unlatex`` restores.
    """
    encoded = _ENCODER.unicode_to_latex(char)
    if unicodedata.normalize("NFC", _DECODER.latex_to_text(encoded)) == unicodedata.normalize("NFC", char) or _UNIHEX.fullmatch(encoded):
        return encoded
    return "\\ensuremath{\\langle}\\texttt{U+%04X}\\ensuremath{\\rangle}" % ord(char)


def is_acronym(word: str) -> bool:
    """A word whose case a style must not change: a capital after its first character."""
    return any(c.isupper() for c in word[1:])


def latex_title(title: str) -> str:
    """LaTeX for a title, with every acronym-like word protected by braces (``{GPT}-4``)."""
    out, end = [], 0
    for m in _WORD.finditer(title):
        out.append(latex(title[end : m.start()]))
        word = latex(m.group())
        out.append(f"{{{word}}}" if is_acronym(m.group()) else word)
        end = m.end()
    out.append(latex(title[end:]))
    return "".join(out)


def unlatex(value: str) -> str:
    """LaTeX -> Unicode on one line: accents decoded, protective braces gone.

    A bare ``%``, ``&`` or ``#`` is taken literally (sloppy exports leave them unescaped): read as
    LaTeX, a ``%`` would start a comment and silently cut the rest of a title.
    """
    value = _UNIHEX.sub(lambda m: _UNIHEX_MARK.format(m.group(1)), value)  # our own stand-in for a character LaTeX cannot print
    text = _DECODER.latex_to_text(re.sub(r"(?<!\\)([%&#])", r"\\\1", value))
    return squash_space(_UNIHEX_BACK.sub(lambda m: chr(int(m.group(1), 16)), text))


# The encoder writes a character with no LaTeX form as <U+1F600> (which pdflatex prints); the
# decoder turns exactly that back into the character, so such titles and names survive a round trip.
_UNIHEX = re.compile(r"\\ensuremath\{\\langle\}\\texttt\{U\+([0-9A-F]{4,6})\}\\ensuremath\{\\rangle\}")
_UNIHEX_MARK = "\ue000{}\ue001"  # private-use brackets the decoder passes through untouched
_UNIHEX_BACK = re.compile("\ue000([0-9A-F]{4,6})\ue001")


def plain_title(title: str) -> str:
    """A title as arXiv metadata writes it (``$\\textit{X}$``, TeX quotes) as plain text; plain titles unchanged."""
    if not LATEX_MARKUP.search(title):
        return squash_space(title)
    return unlatex(title.replace("''", '"').replace("``", '"'))


def latex_author(author: Author) -> str:
    family = latex(author.family)
    if author.given is None:
        return f"{{{family}}}"  # an organisation or mononym: one unit, never split
    return f"{family}, {latex(author.given)}"


# --- papers -> BibTeX ---------------------------------------------------------------------

CONTAINER = {"inproceedings": "booktitle", "incollection": "booktitle", "article": "journal", "techreport": "institution", "phdthesis": "school"}
"""The field that names the venue, per entry type; every other type uses ``howpublished``."""


def arxiv_note(arxiv: str) -> str:
    return f"arXiv preprint arXiv:{arxiv}"


def to_entry(paper: Paper, venues: Mapping[str, Venue]) -> Entry:
    """One paper as a bibtexparser entry whose values are ready-to-write LaTeX."""
    fields: list[tuple[str, str | None]] = [
        ("title", latex_title(paper.title)),
        ("author", " and ".join([latex_author(a) for a in paper.authors] + (["others"] if paper.authors_truncated else []))),
    ]
    venue = venues.get(paper.venue) if paper.venue else None
    container = CONTAINER.get(paper.entry_type, "howpublished")
    if venue is not None and not (venue.id == "arxiv" and paper.arxiv and container == "howpublished"):
        fields.append((container, latex(venue.full_name)))
    elif paper.arxiv and container == "howpublished":
        fields.append(("howpublished", arxiv_note(paper.arxiv)))
    fields += [
        ("year", str(paper.year)),
        ("volume", paper.volume and latex(paper.volume)),
        ("number", paper.number and latex(paper.number)),
        ("pages", paper.pages and re.sub(r"[-–]+", "--", paper.pages)),
        ("publisher", paper.publisher and latex(paper.publisher)),
        ("eprint", paper.arxiv),
        ("archivePrefix", "arXiv" if paper.arxiv else None),
        ("doi", paper.doi),
        ("url", paper.url or paper.arxiv_url or paper.doi_url),
    ]
    return Entry(paper.entry_type, paper.id, [Field(k, v) for k, v in fields if v])


def to_library(venues: Mapping[str, Venue], papers: Iterable[Paper]) -> Library:
    """The papers as a bibtexparser ``Library``, one entry per paper, keyed by paper id."""
    return Library([to_entry(p, venues) for p in papers])


_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"
_FORMAT.value_column = 0


def bibtex_entries(venues: Mapping[str, Venue], papers: Iterable[Paper]) -> dict[str, str]:
    """Each paper's BibTeX entry on its own, by paper id (the pieces every .bib file is joined from)."""
    stack = bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)
    return {p.id: bibtexparser.write_string(Library([to_entry(p, venues)]), unparse_stack=stack, bibtex_format=_FORMAT).strip() for p in papers}


def preamble(entries: Iterable[str]) -> str | None:
    """The ``@preamble`` a document of these entries needs (fallbacks for T1-only accents), or None."""
    used = set(_T1_USE.findall("\n".join(entries)))
    needed = [fallback for command, fallback in _T1_ONLY.items() if command in used]
    return f'@preamble{{"{" ".join(needed)}"}}' if needed else None


def bibtex_document(entries: Iterable[str]) -> str:
    """Entries joined into one .bib text, with the preamble they need first."""
    entries = list(entries)
    if not entries:
        return ""
    head = preamble(entries)
    return "\n\n".join([head, *entries] if head else entries) + "\n"


def to_bibtex(papers: Iterable[Paper], venues: Mapping[str, Venue]) -> str:
    """The BibTeX text of the papers, in the order given (``from_bibtex`` reads it back)."""
    return bibtex_document(bibtex_entries(venues, papers).values())


# Accents that exist only in the T1 font encoding (``\k{a}`` for ą): a document still on LaTeX's
# default OT1 would stop at them. The preamble gives each a fallback that OT1 can print (the bare
# letter); under T1 the real accent is used, since a default never replaces an encoding's own.
_T1_ONLY = {
    "\\k": "\\ProvideTextCommandDefault{\\k}[1]{#1}",
    "\\dh": "\\ProvideTextCommandDefault{\\dh}{d}",
    "\\DH": "\\ProvideTextCommandDefault{\\DH}{D}",
    "\\th": "\\ProvideTextCommandDefault{\\th}{th}",
    "\\TH": "\\ProvideTextCommandDefault{\\TH}{Th}",
}
_T1_USE = re.compile("(" + "|".join(map(re.escape, _T1_ONLY)) + ")(?![A-Za-z])")


# --- BibTeX -> papers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """One block of the input: the paper it yields, or why it yields none."""

    line: int  # 1-based line where the block starts
    key: str
    paper: Paper | None
    problems: tuple[Diagnostic, ...] = ()
    title: str | None = None  # what identifies the paper, read even when the entry has problems,
    arxiv: str | None = None  # so that "already in the base" is reported with every other problem
    doi: str | None = None


ENTRY_TYPES = {
    "inproceedings": "inproceedings",
    "conference": "inproceedings",
    "article": "article",
    "misc": "misc",
    "online": "misc",
    "preprint": "misc",
    "unpublished": "misc",
    "electronic": "misc",
    "techreport": "techreport",
    "report": "techreport",
    "phdthesis": "phdthesis",
    "thesis": "phdthesis",
    "book": "book",
    "incollection": "incollection",
}
VERBATIM = ("doi", "url", "eprint", "archiveprefix", "eprinttype")


class _KeepLines(BlockMiddleware):
    """Records each field's line before later middleware replaces the fields."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=False)

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        entry.set_parser_metadata("lines", {f.key.lower(): f.start_line for f in entry.fields})
        return entry


_MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def _top_level_parts(raw: str) -> list[str] | None:
    """``t1 # " more"`` -> ``['t1', '" more"']``; None when there is no top-level ``#``."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    return parts + [raw[start:].strip()] if parts else None


class _ResolveConcatenation(BlockMiddleware):
    """Joins ``title = t1 # " more"`` into one value, with ``@string`` macros and months resolved.

    bibtexparser resolves a value that is a single macro; a concatenation it leaves as written.
    A part that is neither a literal, a number nor a known macro makes the field unreadable,
    which is reported rather than written into a record literally.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=False)

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        strings = {k.casefold(): v.value for k, v in library.strings_dict.items()}
        for f in entry.fields:
            if not isinstance(f.value, str) or "#" not in f.value or (parts := _top_level_parts(f.value)) is None:
                continue
            out: list[str] = []
            for part in parts:
                if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
                    out.append(part[1:-1])
                elif part.isdigit():
                    out.append(part)
                elif (macro := strings.get(part.casefold())) is not None:
                    out.append(macro[1:-1] if len(macro) >= 2 and macro[0] in '{"' else macro)
                elif part.casefold() in _MONTHS:
                    out.append(_MONTHS[part.casefold()])
                else:
                    entry.set_parser_metadata(f"unresolved:{f.key.lower()}", part)
                    break
            else:  # every part resolved
                f.value = "{" + "".join(out) + "}"
        return entry


def _parse_stack():
    return [_ResolveConcatenation(), *bibtexparser.middlewares.default_parse_stack(), _KeepLines(), NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts()]


MAX_INPUT = 1 << 20
"""BibTeX input over 1 MiB is refused: a paste of many entries is far smaller."""
MAX_FIELD = 5000
"""A field value over 5,000 characters is refused before LaTeX decoding (which is not linear)."""


def from_bibtex(
    text: str,
    venues: Mapping[str, Venue],
    classifications: tuple[Classification, ...],
    *,
    taken: Iterable[str] = (),
    path: str = "<stdin>",
    added: dt.date | None = None,
    venue: Venue | None = None,
) -> list[Parsed]:
    """Every block of ``text`` as a ``Parsed``: a new paper, or the problems that stop it.

    Ids follow the cite-key scheme and avoid ``taken``; an entry whose key already follows
    the scheme (``zou2023universal``, ``zhang2024agentb``) keeps it when it is free.
    """
    if len(text) > MAX_INPUT:
        return [Parsed(1, "", None, (Diagnostic(path, 1, "", f"the input is {len(text)} characters, over the limit of {MAX_INPUT}", "add the papers in smaller batches"),))]
    try:
        library = bibtexparser.parse_string(text, parse_stack=_parse_stack())
    except RecursionError:
        return [Parsed(1, "", None, (Diagnostic(path, 1, "", "braces are nested too deeply to read", "remove the extra braces"),))]
    lookup = VenueResolver(venues)
    taken_ids = set(taken)
    out: list[Parsed] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, ParsingFailedBlock):
            out.append(Parsed(line, getattr(block, "key", ""), None, (_failed(block, path, line),)))
        elif isinstance(block, Entry):
            try:
                out.append(_paper(block, lookup, venues, classifications, taken_ids, path, added, venue))
            except RecursionError:
                out.append(Parsed(line, block.key, None, (Diagnostic(path, line, "", "braces are nested too deeply to read", "remove the extra braces"),)))
    if not out:
        out.append(Parsed(1, "", None, (Diagnostic(path, 1, "", "no BibTeX entry found", "paste entries that start with '@article{', '@inproceedings{' or '@misc{'"),)))
    return out


def _failed(block: ParsingFailedBlock, path: str, line: int) -> Diagnostic:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error)
    first = (block.raw or "").lstrip().split("{", 1)[0] or "entry"
    if "Duplicate entry key" in str(error):
        previous = cast(DuplicateBlockKeyBlock, block).previous_block  # only a duplicate-key block says this
        return Diagnostic(path, line, "", f"{error} (first at line {cast(int, previous.start_line) + 1})", "give each entry its own key")  # a parsed block has its line
    return Diagnostic(path, line, "", f"malformed BibTeX in the {first} block starting here: {squash_space(reason)}", "check for a missing '}' or ',' in this entry")


def _paper(
    entry: Entry, lookup: VenueResolver, venues: Mapping[str, Venue], classifications: tuple[Classification, ...], taken: set[str], path: str, added: dt.date | None, forced: Venue | None = None
) -> Parsed:
    line = (entry.start_line or 0) + 1
    lines: dict[str, int] = entry.get_parser_metadata("lines") or {}
    problems: list[Diagnostic] = []

    def at(field: str) -> int:
        start = lines.get(field)
        return start + 1 if start is not None else line

    def problem(field: str, message: str, hint: str, severity: Severity = "error") -> None:
        problems.append(Diagnostic(path, at(field), field, message, hint, severity))

    def value(key: str) -> str | None:
        f = entry.get(key)
        if f is None or not isinstance(f.value, str) or not f.value.strip() or key in refused:
            return None
        if len(f.value) > MAX_FIELD:
            refused.add(key)
            problem(key, f"the {key} is {len(f.value)} characters long, over the limit of {MAX_FIELD}", "shorten it")
            return None
        return squash_space(f.value) if key in VERBATIM else unlatex(f.value)

    refused: set[str] = set()
    for f in entry.fields:
        if (part := entry.get_parser_metadata(f"unresolved:{f.key.lower()}")) is not None:
            refused.add(f.key.lower())
            problem(f.key.lower(), f"'{part}' in the {f.key.lower()} is not a quoted text, a number or a defined @string", "define it with @string{name = {...}} or write the value out")

    title = value("title")
    if title is None and "title" not in refused:
        problem("title", f"entry '{entry.key}' has no title", "add 'title = {...}'")
    authors, truncated = _authors(entry)
    if not authors:
        problem("author", f"entry '{entry.key}' has no authors", "add 'author = {Family, Given and ...}'")
    year = _year(value("year") or (value("date") or "")[:4])
    if year is None:
        problem("year", f"entry '{entry.key}' has no year (or it is not a number)", "add 'year = {2024}'")

    arxiv = _arxiv(entry, value)
    container_key = next((k for k in ("booktitle", "journal", "howpublished", "institution", "school") if value(k)), None)
    raw = value(container_key) if container_key else None
    match = lookup.resolve(raw) if raw and forced is None else None
    venue = forced or (match.venue if match else None)
    if venue is None and arxiv and (match is None or match.arxiv):
        venue = venues.get("arxiv")
    elif venue is None and match is not None:
        closest = ", ".join(f"'{v.id}' ({v.name})" for v in match.candidates)
        problem(
            cast(str, container_key),
            f"unknown venue '{raw}'" + (f"; closest known: {closest}" if closest else ""),  # a match was looked up in that field
            'say which venue it is with --venue ID, or add it with --new-venue "Full Name" --venue-short NAME --venue-type TYPE',
        )
    elif venue is None:
        problem("", f"entry '{entry.key}' names no venue (no booktitle, journal or howpublished)", "the record will have no venue; add one to the BibTeX if the paper has one", "warning")
    if venue is not None and match is not None and match.year and year and match.year != year and venue.id != "arxiv":
        problem(cast(str, container_key), f"the venue says {match.year} but the entry's year is {year}", "correct the year or the venue")  # a match was looked up in that field

    entry_type = venue.entry_type if venue else ENTRY_TYPES.get(entry.entry_type.lower(), "misc")
    url = normalise_url(value("url") or "") or None
    doi = _doi(entry, value)
    if url and ((arxiv and find_arxiv(url) == arxiv) or (doi and normalise_doi(url) == doi)):
        url = None  # derived from the identifier; written on export
    if any(d.severity == "error" for d in problems):
        return Parsed(line, entry.key, None, tuple(problems), title, arxiv, doi)

    pid = _paper_id(entry.key, authors, cast(int, year), cast(str, title), taken)  # without either, an error was reported and returned above
    data = {
        "id": pid,
        "title": title,
        "authors": authors,
        "authors_truncated": truncated,
        "year": year,
        "venue": venue.id if venue else None,
        "entry_type": entry_type,
        "volume": value("volume"),
        "number": value("number"),
        "pages": value("pages"),  # the schema spells ranges one way
        "publisher": value("publisher"),
        "arxiv": arxiv,
        "doi": doi,
        "url": url,
        "classifications": classifications,
        "added": added,
    }
    fields = {"id": "", "authors": "author", "authors_truncated": "author", "arxiv": "eprint", "entry_type": ""}
    try:
        paper = Paper.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message, hint = describe_error(error, Paper, data)
            field = fields.get(str(loc[0]), str(loc[0])) if loc else ""
            problems.append(Diagnostic(path, at(field), field or format_loc(loc), message, hint))
        return Parsed(line, entry.key, None, tuple(problems), title, arxiv, doi)
    taken.add(pid)
    return Parsed(line, entry.key, paper, tuple(problems), paper.title, paper.arxiv, paper.doi)


def _authors(entry: Entry) -> tuple[tuple[Author, ...], bool]:
    f = entry.get("author")
    if f is None or not isinstance(f.value, list):
        return (), False
    authors: list[Author] = []
    truncated = False
    for name in f.value:
        family = unlatex(" ".join(name.von + name.last + name.jr))
        given = unlatex(" ".join(name.first)) or None
        if family.casefold() == "others" and given is None:
            truncated = True
            continue
        if family:
            authors.append(Author(family=family, given=given))
    return tuple(authors), truncated


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _arxiv(entry: Entry, value) -> str | None:
    """The arXiv id, wherever the BibTeX keeps it: eprint, journal (Scholar), volume (DBLP's
    ``abs/2307.15043``), howpublished, note or an arxiv.org URL; versions dropped."""
    eprint = value("eprint")
    prefix = (value("archiveprefix") or value("eprinttype") or "").casefold()
    if eprint and (found := normalise_arxiv(eprint)) and (prefix in ("", "arxiv")):
        return found
    for key in ("journal", "booktitle", "volume", "howpublished", "note", "url"):
        if (text := value(key)) and (found := find_arxiv(text)):
            return found
    return None


def _doi(entry: Entry, value) -> str | None:
    """The DOI from ``doi`` (bare, ``doi:`` or a doi.org URL), else from a ``url`` built from one
    (doi.org, a Springer or ACM page: ``ids.doi_in_url``), else from a ``doi:`` in ``note``."""
    if (text := value("doi")) and (found := normalise_doi(text)):
        return found
    if found := doi_in_url(value("url")):
        return found
    note = value("note")
    return normalise_doi(note) if note and "doi" in note.casefold() else None


def _paper_id(key: str, authors: tuple[Author, ...], year: int, title: str, taken: set[str]) -> str:
    """The entry's own key when it follows the scheme for one of its authors (a record keeps its
    key when its year or author order changes later); else a new key by the scheme."""
    names = {cast(re.Match[str], re.match(r"^[a-z]+", make_paper_id(a.family, year, "x"))).group() for a in authors}  # a cite key starts with letters
    m = re.match(r"^([a-z]+)[0-9]{4}[a-z0-9]+$", key)
    if m and PAPER_ID_RE.match(key) and key not in taken and m.group(1) in names:
        return key
    return make_paper_id(authors[0].family, year, title, taken)


def describe_entries(text: str) -> list[dict]:
    """Title, abstract and author names of every entry of ``text``, decoded; for suggestions."""
    library = bibtexparser.parse_string(text[:MAX_INPUT], parse_stack=_parse_stack())
    out = []
    for entry in library.entries:

        def get(key: str) -> str:
            f = entry.get(key)
            return unlatex(f.value) if f is not None and isinstance(f.value, str) and len(f.value) <= MAX_FIELD else ""

        names = entry.get("author")
        authors = [unlatex(" ".join(n.first + n.von + n.last)) for n in names.value] if names is not None and isinstance(names.value, list) else []
        out.append({"key": entry.key, "line": (entry.start_line or 0) + 1, "title": get("title"), "abstract": get("abstract") or None, "authors": authors})
    return out
