"""The one escaping boundary: every string that comes from a record is data, never markup.

Generated pages are Markdown that MkDocs turns into HTML, and the theme prints some values
(front-matter titles) straight into HTML. A record is written by whoever opens a pull request,
so every value is escaped on its way into a page, here and nowhere else:

- ``markdown_text``: for any value placed in Markdown (a title in a heading, a name in a list,
  a summary in a paragraph). HTML's ``& < >`` become character references, so no tag, comment
  or entity survives; every character Python-Markdown or an enabled extension gives meaning to
  inside a line (``\\ ` * _ { } [ ] ( ) # ! |``) is backslash-escaped, so no emphasis, link,
  image, attribute list (``{ onclick=... }``) or table cell can form; white space (newlines
  included) folds to single spaces, so a value never starts a block of its own; and a first
  character that would open a block where the value starts a line (``-`` ``+`` ``>`` ``=``
  ``:`` ``?`` ``~`` ``*`` a digit run before ``.`` or ``)``, ``--8<--`` snippets, ``!!!``
  admonitions, ``???`` details, ``:::`` fences) is written as a numeric character reference,
  which Markdown shows as the character but never parses.
- ``html_text``: for values the theme prints as HTML without escaping them (front-matter
  ``title``). Free text (summaries, descriptions) is plain text: no Markdown, no HTML.

URLs are not escaped here: the schema admits only http(s) URLs without white space, quotes,
angle brackets, braces or unbalanced parentheses (``schema.Url``), which cannot leave a link.
"""

from __future__ import annotations

import functools
import html
import re

__all__ = ["markdown_text", "html_text"]

_SPACE = re.compile(r"\s+")
_INLINE = re.compile(r"([\\`*_{}\[\]()#!|])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BLOCK_START = re.compile(r"[-+=:?~%^$]|\d+[.)]")


@functools.lru_cache(maxsize=1 << 17)  # titles and names recur on many pages
def markdown_text(value: object) -> str:
    """``value`` as Markdown that renders to exactly its text: ``'<b>{x}'`` -> ``'&lt;b&gt;\\{x\\}'``."""
    text = _INLINE.sub(r"\\\1", _SPACE.sub(" ", str(value)).strip().translate(_HTML))
    if _BLOCK_START.match(text):
        text = f"&#{ord(text[0])};{text[1:]}"
    return text


def html_text(value: object) -> str:
    """``value`` as HTML text on one line: ``'<img src=x>'`` -> ``'&lt;img src=x&gt;'``."""
    return html.escape(_SPACE.sub(" ", str(value)).strip(), quote=True)
