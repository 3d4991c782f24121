"""Non-page outputs of the site: charts, the explorer's JSON index, the Atom feed, .bib files.

Pure: each function maps the knowledge base (and its graph) to ``{docs-relative path: text}``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Mapping, cast
from xml.etree import ElementTree as ET

from mkdocs.utils import get_relative_url

from . import urls
from .bibtex import bibtex_document, preamble
from .charts import bar_chart
from .graph import Graph, chart_data, recently_added
from .kb import KnowledgeBase
from .planner import short_authors
from .textnorm import ascii_fold


def charts(kb: KnowledgeBase, graph: Graph) -> dict[str, str]:
    return {f"{urls.GENERATED}/charts/{c.name}.svg": bar_chart(c.labels, c.series, c.names, c.title, c.horizontal) for c in chart_data(kb, graph)}


EXPLORER_INDEX = f"{urls.GENERATED}/explorer.json"
EXPLORER_SCRIPT = f"{urls.GENERATED}/explorer-data.js"
"""The same index as a script, so the explorer works from a site opened from disk (file://), where fetch() is blocked."""


EXPLORER_BIB = f"{urls.GENERATED}/explorer-bib.js"
"""Every paper's BibTeX entry as a script, loaded when a reader first asks for BibTeX (works from file:// too)."""


def explorer_script(index_json: str) -> str:
    return f"window.SAFETYATLAS_EXPLORER = {index_json};\n"


def explorer_bib(entries: Mapping[str, str]) -> str:
    """``{entries: {id: entry}, preambles: {id: @preamble}}``: the explorer joins the ticked entries, each needed preamble once."""
    data = {"entries": dict(entries), "preambles": {pid: pre for pid, text in entries.items() if (pre := preamble([text]))}}
    return f"window.SAFETYATLAS_BIB = {json.dumps(data, ensure_ascii=False, separators=(',', ':'))};\n"


def search_key(p) -> str:
    """What the explorer's free-text box matches: accent-free, lower case, every author included."""
    words = [p.id, p.title, *p.other_titles, p.short_name or "", *(f"{a.given or ''} {a.family}" for a in p.authors)]
    return ascii_fold(" ".join(words)).casefold()


def explorer_index(kb: KnowledgeBase, directory_urls: bool = True) -> str:
    """Compact JSON for the explorer: label tables once, papers as arrays of indexes.

    ``papers``: [id, title, authors, year, venue index, [[family, threat, side, category, subcategory]...], short name, search key]
    where the search key is every word a reader may type for the paper (id, title, other titles,
    short name, every author), lower case and without accents, so the browser compares plain text.
    where taxonomy values are indexes into ``labels`` tables.
    """
    families = list(kb.families)
    used = {c.threat for p in kb.papers.values() for c in p.classifications if c.threat}
    threats = [t for t in kb.threats if t in used]  # a threat no paper addresses is not offered as a filter
    venues = list(kb.venues)
    categories: dict[str, int] = {}
    subcategories: dict[str, int] = {}
    cat_labels: list[list[str]] = []  # [scope, id, name]
    sub_labels: list[list[str]] = []  # [category node, id, name]
    for s in kb.scopes.values():
        for c in s.categories:
            categories[f"{s.id}.{c.id}"] = len(cat_labels)
            cat_labels.append([s.id, c.id, c.name])
            for sub in c.subcategories:
                subcategories[f"{s.id}.{c.id}.{sub.id}"] = len(sub_labels)
                sub_labels.append([f"{s.id}.{c.id}", sub.id, sub.name])
    fam_index = {f: i for i, f in enumerate(families)}
    threat_index = {t: i for i, t in enumerate(threats)}
    venue_index = {v: i for i, v in enumerate(venues)}
    papers = []
    for p in kb.papers.values():
        cls = []
        for cl in p.classifications:
            cls.append(
                [
                    fam_index[cl.family],
                    threat_index.get(cl.threat or "", -1),
                    {"attack": 0, "defense": 1}.get(cl.side or "", -1),
                    categories.get(f"{cl.scope}.{cl.category}", -1),
                    subcategories.get(cl.node, -1),
                ]
            )
        papers.append([p.id, p.title, short_authors(p, 4), p.year, venue_index.get(p.venue or "", -1), cls, p.short_name or "", search_key(p)])
    data = {
        "version": 1,
        "families": [[f, kb.families[f].short, kb.families[f].parent or ""] for f in families],
        "within": {f: [fam_index[x] for x in kb.within(f)] for f in families},  # a family selects its sub-families too
        "threats": [[t, kb.threats[t].name] for t in threats],
        "venues": [[v, kb.venues[v].name] for v in venues],
        "categories": cat_labels,
        "subcategories": sub_labels,
        "paper_url": get_relative_url(urls.served(urls.paper("ID"), directory_urls), EXPLORER_INDEX),  # relative to this file; ID is replaced
        "papers": papers,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def atom_feed(kb: KnowledgeBase, site_url: str, limit: int = 100, directory_urls: bool = True) -> str:
    """An Atom feed of the most recently added papers (by the record's ``added`` date).

    Links are absolute under ``site_url`` (mkdocs.yml, or the ``SITE_URL`` a deployment sets);
    without one, a local build's feed links relative to the feed itself.
    """
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    ordered = recently_added(kb.papers.values(), limit)
    newest = cast(dt.date, ordered[0].added) if ordered else dt.date(1970, 1, 1)  # recently_added keeps dated papers only
    base = site_url.rstrip("/") + "/" if site_url else "../"  # the feed sits in generated/

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "title", "safetyatlas: recently added papers")
    sub(feed, "id", base)
    sub(feed, "updated", f"{newest.isoformat()}T00:00:00Z")
    sub(feed, "link", href=base + urls.served(urls.PAGES["recent"], directory_urls))
    if site_url:
        sub(feed, "link", rel="self", href=base + f"{urls.GENERATED}/feed.xml")
    for p in ordered:
        entry = sub(feed, "entry")
        link = base + urls.served(urls.paper(p.id), directory_urls)
        sub(entry, "title", p.title)
        sub(entry, "id", link)
        sub(entry, "link", href=link)
        sub(entry, "updated", f"{cast(dt.date, p.added).isoformat()}T00:00:00Z")
        author = sub(entry, "author")
        sub(author, "name", short_authors(p, 3))
        sub(entry, "summary", f"{short_authors(p)} ({p.year})")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def bib_files(kb: KnowledgeBase, graph: Graph, entries: Mapping[str, str]) -> dict[str, str]:
    """One .bib for the whole base and one per taxonomy node page (everything under it).

    Paper pages show their entry with a copy button, so papers get no file of their own.
    """

    def join(ids) -> str:
        return bibtex_document(entries[i] for i in sorted(ids))

    out = {urls.bib("all"): join(kb.papers)}
    for nid in kb.all_node_ids():
        out[urls.bib(nid)] = join(graph.papers_by_node.get(nid, ()))
    return out
