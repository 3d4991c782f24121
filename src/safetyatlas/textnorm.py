"""Small text helpers shared by the importer, the BibTeX layer and duplicate detection."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)
def ascii_fold(text: str) -> str:
    """Strip accents and drop what is not ASCII: ``'Tramèr'`` -> ``'Tramer'``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l").encode("ascii", "ignore").decode()


def normalise_title(title: str) -> str:
    """A key for duplicate detection: case, accents, punctuation and spacing do not count."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(title).lower()))


def squash_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def counted(n: int, noun: str) -> str:
    """``1 paper``, ``2 papers``; ``category`` -> ``categories``."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} " + (noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s")


GLUED_COMMA = re.compile(r"[A-Za-z]*[A-Za-z]{2},[A-Za-z]{2}[A-Za-z]*")
"""Words glued by a comma ('Methods,Scaling'), as list copies lose the space; '1,000' and 'C,D' pass."""
LATEX_MARKUP = re.compile(r"\\[A-Za-z]+|\$[^$]*\$|''|``")
"""LaTeX a title from arXiv metadata may carry: commands, math, TeX quotes (``plain_title`` removes it, validation warns about it)."""
