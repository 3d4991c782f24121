"""Page contexts: everything a template shows, computed here, so templates only print.

``plan_pages`` maps a knowledge base and its graph to a list of ``Page`` values (output
path, template name, typed context). Pure: no I/O, no Jinja.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, NamedTuple, cast

from . import urls
from .graph import Graph, chart_data, recently_added, related_papers
from .ids import former_node, node_id
from .kb import KnowledgeBase
from .schema import Category, Classification, Paper, Subcategory
from .textnorm import counted, ascii_fold

LIST_LIMIT = 200  # papers listed on a node page before pointing to the explorer


@dataclass(frozen=True)
class Link:
    label: str
    url: str  # relative to the page that shows it


class PaperRow(NamedTuple):  # a tuple: templates unpack it, no attribute look-ups per row
    title: str
    url: str
    authors: str
    venue: str
    year: int


def heat_level(total: int) -> int:
    """How strongly a matrix cell is shaded: 0 (no paper), 1 (1-9), 2 (10-49), 3 (50-199), 4 (200 or more)."""
    return 0 if total == 0 else 1 if total < 10 else 2 if total < 50 else 3 if total < 200 else 4


@dataclass(frozen=True)
class Child:
    label: str
    url: str
    count: int
    note: str = ""


@dataclass(frozen=True)
class Page:
    path: str  # docs-relative Markdown path
    template: str
    context: Mapping[str, Any]
    title: str = ""


@dataclass(frozen=True)
class SiteInfo:
    edit_base: str = ""  # e.g. https://github.com/owner/repo/edit/main/
    site_name: str = "safetyatlas"
    directory_urls: bool = True  # False in the offline build (pages at x.html, opened from disk)


def short_authors(p: Paper, limit: int = 3) -> str:
    names = [a.display for a in p.authors]
    if len(names) > limit or p.authors_truncated:
        return ", ".join(names[:limit]) + " et al."
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def author_key(family: str, given: str | None) -> str:
    return f"{family}, {given}" if given else family


@functools.lru_cache(maxsize=1 << 16)  # the same people sign many papers
def author_letter(family: str) -> str:
    first = ascii_fold(family)[:1].lower()
    return first if first.isalpha() else "other"


@functools.lru_cache(maxsize=1 << 16)
def author_anchor(family: str, given: str | None) -> str:
    text = ascii_fold(f"{family}-{given or ''}").lower()
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


class Planner:
    """Builds every page context; one instance per build, all lookups precomputed."""

    def __init__(self, kb: KnowledgeBase, graph: Graph, bibtex: Mapping[str, str], info: SiteInfo):
        self.kb, self.graph, self.bibtex, self.info = kb, graph, bibtex, info
        self.venue_name = {v.id: v.name for v in kb.venues.values()}
        # a paper is listed on many pages; its row text is computed once per build
        self.row_text = functools.lru_cache(maxsize=None)(self._row_text)
        self._crumbs: dict[tuple, tuple[Link, ...]] = {}

    # --- small helpers -------------------------------------------------------------

    def row(self, pid: str, source: str) -> PaperRow:
        return self.rows((pid,), source, None)[0]

    def _row_text(self, pid: str) -> tuple[str, str, str, int]:
        p = self.kb.papers[pid]
        return p.title, short_authors(p), self.venue_name.get(p.venue or "", ""), p.year

    def rows(self, ids: Iterable[str], source: str, limit: int | None = LIST_LIMIT) -> list[PaperRow]:
        ids = list(ids)
        if limit is not None:
            ids = ids[:limit]
        if not ids:
            return []
        # every paper page sits in one folder: one relative link computed, the rest share its folder
        first = urls.rel(urls.paper(ids[0]), source)
        folder = first[: len(first) - len(ids[0]) - len(".md")]
        out = []
        for i in ids:
            title, authors, venue, year = self.row_text(i)
            out.append(PaperRow(title, f"{folder}{i}.md", authors, venue, year))
        return out

    def papers_under(self, nid: str) -> tuple[str, ...]:
        return self.graph.papers_by_node.get(nid, ())

    def family_label(self, fid: str) -> str:
        return self.kb.families[fid].short

    def side_label(self, tid: str, side: str) -> str:
        t = self.kb.threats[tid]
        return (t.attack_name if side == "attack" else t.defense_name) or f"{t.name} {side}s"

    def explorer_link(self, source: str, **query: str) -> str:
        return urls.rel(urls.PAGES["explorer"], source) + ("#" + urllib.parse.urlencode(query) if query else "")

    def crumbs(self, c: Classification, source: str, depth: int = 5) -> list[Link]:
        """Family > threat side > category > subcategory, each linked (the same list for pages in one folder)."""
        key = (c.family, c.threat, c.side, c.category, c.subcategory, source.rpartition("/")[0], depth)
        found = self._crumbs.get(key)
        if found is None:
            found = self._crumbs[key] = tuple(self._make_crumbs(c, source, depth))
        return list(found)

    def _make_crumbs(self, c: Classification, source: str, depth: int) -> list[Link]:
        kb = self.kb
        out = []
        fam = kb.families[c.family]
        if fam.parent:
            out.append(Link(kb.families[fam.parent].short, urls.rel(urls.family(fam.parent), source)))
        out.append(Link(fam.short, urls.rel(urls.family(c.family), source)))
        if c.threat and c.side:
            out.append(Link(self.side_label(c.threat, c.side), urls.rel(urls.node(c.scope), source)))
            if c.category:
                cat = cast(Category, kb.category(c.scope, c.category))  # the base is valid: a classification's nodes exist
                out.append(Link(cat.name, urls.rel(urls.node(node_id(c.scope, c.category)), source)))
                if c.subcategory:
                    sub = cast(Subcategory, kb.subcategory(c.scope, c.category, c.subcategory))
                    out.append(Link(sub.name, urls.rel(urls.node(c.node), source)))
        return out[:depth]

    def home_crumbs(self, source: str, *more: Link) -> list[Link]:
        return [Link("Taxonomy", urls.rel(urls.PAGES["taxonomy"], source)), *more]

    # --- pages ---------------------------------------------------------------------

    def plan(self) -> list[Page]:
        pages: list[Page] = [
            self.home(),
            self.matrix(),
            self.taxonomy_index(),
            self.benchmarks_index(),
            self.challenges(),
            self.years_index(),
            self.venues_index(),
            self.stats(),
            self.recent(),
            self.explorer(),
        ]
        pages += [self.family(f) for f in self.kb.families]
        pages += [self.threat(t) for t in self.kb.threats]
        for s in self.kb.scopes.values():
            pages.append(self.scope(s.id))
            for c in s.categories:
                pages.append(self.category(s.id, c.id))
                for sub in c.subcategories:
                    pages.append(self.subcategory(s.id, c.id, sub.id))
        pages += [self.benchmark(b) for b in self.kb.benchmarks]
        pages += self.year_pages() + self.venue_pages() + self.author_pages()
        pages += [self.paper(p) for p in self.kb.papers.values()]
        pages += [self.moved(urls.paper(old), urls.paper(p.id), p.title) for p in self.kb.papers.values() for old in p.former_ids]
        for s in self.kb.scopes.values():
            for c in s.categories:
                pages += [self.moved(urls.node(former_node(s.id, old)), urls.node(node_id(s.id, c.id)), c.name) for old in c.former_ids]
                for sub in c.subcategories:
                    pages += [self.moved(urls.node(former_node(s.id, old, c.id)), urls.node(node_id(s.id, c.id, sub.id)), sub.name) for old in sub.former_ids]
        return pages

    def moved(self, path: str, target: str, title: str) -> Page:
        """The page at a former id (a renamed paper, a merged taxonomy node): a redirect, so no URL breaks."""
        d = self.info.directory_urls
        here = urls.served(path, d) + ("index.html" if d else "")  # the HTML file the browser opens
        served = urls.rel(urls.served(target, d), here)  # what the browser follows
        return Page(path, "moved.md.j2", {"title": title, "target": urls.rel(target, path), "served": served}, title)

    def counts(self) -> dict[str, int]:
        kb = self.kb
        return {
            "papers": len(kb.papers),
            "families": sum(1 for f in kb.families.values() if not f.parent),
            "threats": sum(1 for t in kb.threats if self.graph.papers_by_node.get(t)),  # threats some paper addresses
            "categories": sum(len(s.categories) for s in kb.scopes.values()),
            "subcategories": sum(len(c.subcategories) for s in kb.scopes.values() for c in s.categories),
            "benchmarks": len(kb.benchmarks),
            "challenges": len(kb.challenges),
        }

    def home(self) -> Page:
        src = urls.HOME  # the snippet is inlined into the home page, so links are relative to it
        top = [f for f in self.kb.families.values() if not f.parent]
        families = [Child(f.name, urls.rel(urls.family(f.id), src), len(self.papers_under(f.id))) for f in top]
        links = {k: urls.rel(v, src) for k, v in urls.PAGES.items()}
        return Page(urls.HOME_SNIPPET, "home.md.j2", {"counts": self.counts(), "families": families, "links": links, "all_bib": urls.rel(urls.bib("all"), src)})

    def matrix_columns(self) -> list[tuple[str, str]]:
        used = {(t, s) for (_, t, s) in self.graph.matrix}
        return [(t.id, t.name) for t in self.kb.threats.values() if any((t.id, s) in used for s in ("attack", "defense"))]

    def matrix(self) -> Page:
        """Families x threats on one screen: short column labels (full names in a legend and as
        tooltips), attack / defense counts that open the explorer, cells shaded by their total."""
        src = urls.PAGES["matrix"]
        columns = self.matrix_columns()
        rows = []
        for f in self.kb.families.values():
            if f.parent:
                continue
            cells = []
            for tid, name in columns:
                counts = [self.graph.matrix.get((f.id, tid, side), 0) for side in ("attack", "defense")]
                links = [Link(str(n), self.explorer_link(src, family=f.id, threat=tid, side=side)) if n else None for n, side in zip(counts, ("attack", "defense"))]
                cells.append(
                    {
                        "attack": links[0],
                        "defense": links[1],
                        "level": heat_level(sum(counts)),
                        "title": f"{f.name}, {name}: {counted(counts[0], 'attack paper')}, {counted(counts[1], 'defense paper')}",
                    }
                )
            rows.append({"family": Link(f.short, urls.rel(urls.family(f.id), src)), "name": f.name, "cells": cells})
        headers = [{"short": self.kb.threats[tid].short or name, "name": name, "url": urls.rel(urls.threat(tid), src)} for tid, name in columns]
        return Page(src, "matrix.md.j2", {"headers": headers, "rows": rows}, "Matrix")

    def taxonomy_index(self) -> Page:
        src = urls.PAGES["taxonomy"]
        tree = []
        for f in self.kb.families.values():
            if f.parent:
                continue
            subs = [f] + self.kb.children(f.id)
            scopes = []
            for fam in subs:
                for s in self.kb.scopes.values():
                    if s.family == fam.id:
                        n = len(self.papers_under(s.id))
                        label = f"{fam.short}: {self.side_label(s.threat, s.side)}" if fam.parent else self.side_label(s.threat, s.side)
                        scopes.append(Child(label, urls.rel(urls.node(s.id), src), n, counted(len(s.categories), "category")))
            tree.append({"family": Child(f.name, urls.rel(urls.family(f.id), src), len(self.papers_under(f.id))), "scopes": scopes})
        threats = [Child(t.name, urls.rel(urls.threat(t.id), src), len(self.papers_under(t.id))) for t in self.kb.threats.values()]
        return Page(src, "taxonomy.md.j2", {"tree": tree, "threats": threats}, "Taxonomy")

    def node_page(self, path: str, title: str, kind: str, nid: str, description: str, crumbs: list[Link], children: list[Child], query: dict[str, str], extra: Mapping[str, Any] | None = None) -> Page:
        every = self.papers_under(nid)
        papers = self.kb.papers
        context = [i for i in every if all(c.role == "background" for c in papers[i].classifications)]
        background = set(context)
        ids = [i for i in every if i not in background] if context else every
        rows = self.rows(ids, path)
        by_year: list[dict[str, Any]] = []
        for r in rows:  # newest first already: one heading per year
            if not by_year or by_year[-1]["year"] != r.year:
                by_year.append({"year": r.year, "papers": []})
            by_year[-1]["papers"].append(r)
        children_label = {"Model family": "Sub-families and threats", "Threat": "Model family and side", "Scope": "Category", "Category": "Subcategory"}.get(kind, "")
        return Page(
            path,
            "node.md.j2",
            {
                "title": title,
                "kind": kind,
                "children_label": children_label,
                "node_id": nid,
                "description": description,
                "crumbs": crumbs,
                "children": children,
                "papers": rows,
                "by_year": by_year,
                "total": len(ids),
                "context": self.rows(context, path, None),
                "limit": LIST_LIMIT,
                "explorer": self.explorer_link(path, **query),
                "bib": urls.rel(urls.bib(nid), path),
                "representative": [],
                **(extra or {}),
            },
            title,
        )

    def family(self, fid: str) -> Page:
        kb = self.kb
        f = kb.families[fid]
        path = urls.family(fid)
        crumbs = self.home_crumbs(path)
        if f.parent:
            crumbs.append(Link(kb.families[f.parent].short, urls.rel(urls.family(f.parent), path)))
        children = [Child(c.name, urls.rel(urls.family(c.id), path), len(self.papers_under(c.id)), "sub-family") for c in kb.children(fid)]
        fams = [fid] + [c.id for c in kb.children(fid)]
        for s in kb.scopes.values():
            if s.family in fams:
                label = self.side_label(s.threat, s.side) + (f" ({kb.families[s.family].short})" if s.family != fid else "")
                children.append(Child(label, urls.rel(urls.node(s.id), path), len(self.papers_under(s.id))))
        return self.node_page(path, f.name, "Model family", fid, f.description, crumbs, children, {"family": fid})

    def threat(self, tid: str) -> Page:
        kb = self.kb
        t = kb.threats[tid]
        path = urls.threat(tid)
        children = [
            Child(f"{kb.families[s.family].short}: {self.side_label(tid, s.side)}", urls.rel(urls.node(s.id), path), len(self.papers_under(s.id))) for s in kb.scopes.values() if s.threat == tid
        ]
        return self.node_page(path, t.name, "Threat", tid, t.description, self.home_crumbs(path), children, {"threat": tid})

    def scope(self, sid: str) -> Page:
        kb = self.kb
        s = kb.scopes[sid]
        path = urls.node(sid)
        fam = kb.families[s.family]
        crumbs = self.crumbs(Classification(family=s.family, threat=s.threat, side=s.side), path)[:-1]
        children = [Child(c.name, urls.rel(urls.node(node_id(sid, c.id)), path), len(self.papers_under(node_id(sid, c.id))), f"by {c.basis.replace('-', ' ')}") for c in s.categories]
        title = f"{self.side_label(s.threat, s.side)} on {fam.name}"
        desc = s.description or kb.threats[s.threat].description
        return self.node_page(path, title, "Scope", sid, desc, crumbs, children, {"family": s.family, "threat": s.threat, "side": s.side})

    def category(self, sid: str, cid: str) -> Page:
        s = self.kb.scopes[sid]
        c = cast(Category, self.kb.category(sid, cid))  # pages are planned for the taxonomy's own nodes
        nid = node_id(sid, cid)
        path = urls.node(nid)
        crumbs = self.crumbs(Classification(family=s.family, threat=s.threat, side=s.side, category=cid), path)[:-1]
        children = [Child(x.name, urls.rel(urls.node(node_id(nid, x.id)), path), len(self.papers_under(node_id(nid, x.id)))) for x in c.subcategories]
        return self.node_page(path, c.name, "Category", nid, c.description, crumbs, children, {"family": s.family, "threat": s.threat, "side": s.side, "category": nid})

    def subcategory(self, sid: str, cid: str, subid: str) -> Page:
        s = self.kb.scopes[sid]
        sub = cast(Subcategory, self.kb.subcategory(sid, cid, subid))  # pages are planned for the taxonomy's own nodes
        nid = node_id(sid, cid, subid)
        path = urls.node(nid)
        crumbs = self.crumbs(Classification(family=s.family, threat=s.threat, side=s.side, category=cid, subcategory=subid), path)[:-1]
        reps = [self.row(r, path) for r in sub.representative]
        return self.node_page(
            path,
            sub.name,
            "Subcategory",
            nid,
            sub.description,
            crumbs,
            [],
            {"family": s.family, "threat": s.threat, "side": s.side, "category": node_id(sid, cid), "subcategory": nid},
            {"representative": reps},
        )

    def paper(self, p: Paper) -> Page:
        kb = self.kb
        path = urls.paper(p.id)
        venue = kb.venues.get(p.venue or "")
        links = []
        if p.arxiv_url:  # set exactly when p.arxiv is
            links.append(Link(f"arXiv:{p.arxiv}", p.arxiv_url))
        if p.doi_url:  # set exactly when p.doi is
            links.append(Link(f"doi:{p.doi}", p.doi_url))
        if p.url:
            links.append(Link("Paper", p.url))
        if p.code:
            links.append(Link("Code", p.code))
        if not (p.arxiv or p.doi or p.url):
            links.append(Link("Search for it", "https://scholar.google.com/scholar?" + urllib.parse.urlencode({"q": p.title})))
        classes = []
        for c in p.classifications:
            section = kb.sections.get(c.section or "")
            classes.append({"crumbs": self.crumbs(c, path), "role": c.role if c.role != "method" else "", "section": section.heading if section else ""})
        authors = [Link(a.display, urls.rel(urls.authors(author_letter(a.family)), path) + "#" + author_anchor(a.family, a.given)) for a in p.authors]
        bench = [Link(kb.benchmarks[b].name, urls.rel(urls.benchmark(b), path)) for b in p.introduces]
        used = [Link(kb.benchmarks[b].name, urls.rel(urls.benchmark(b), path)) for b in p.evaluates_on]
        related = self.rows(related_papers(kb, self.graph, p), path)
        ctx = {
            "paper": p,
            "authors": authors,
            "crumbs": classes[0]["crumbs"] if classes else [],
            "truncated": p.authors_truncated,
            "venue": venue.full_name if venue and not venue.full_name.casefold().startswith(venue.name.casefold()) else "",
            "venue_short": venue.name if venue else "",
            "venue_url": urls.rel(urls.venue(venue.id), path) if venue else "",
            "year_url": urls.rel(urls.year(p.year), path),
            "links": links,
            "classifications": classes,
            "introduces": bench,
            "evaluates_on": used,
            "related": related,
            "bibtex": self.bibtex.get(p.id, ""),
            "edit_url": f"{self.info.edit_base}papers/{p.id}.yaml" if self.info.edit_base else "",
        }
        return Page(path, "paper.md.j2", ctx, p.title)

    def benchmarks_index(self) -> Page:
        src = urls.PAGES["benchmarks"]
        items = []
        for b in self.kb.benchmarks.values():
            n = len(set(self.graph.introduced_by.get(b.id, ())) | set(self.graph.used_by.get(b.id, ())))
            items.append(Child(b.name, urls.rel(urls.benchmark(b.id), src), n, b.type))
        return Page(src, "benchmarks.md.j2", {"items": items}, "Benchmarks and datasets")

    def benchmark(self, bid: str) -> Page:
        kb = self.kb
        b = kb.benchmarks[bid]
        path = urls.benchmark(bid)
        ctx = {
            "b": b,
            "crumbs": [Link("Benchmarks", urls.rel(urls.PAGES["benchmarks"], path))],
            "families": [Link(kb.families[f].short, urls.rel(urls.family(f), path)) for f in b.families],
            "threats": [Link(kb.threats[t].name, urls.rel(urls.threat(t), path)) for t in b.threats],
            "introduced_by": self.rows(self.graph.introduced_by.get(bid, ()), path, None),
            "used_by": self.rows(self.graph.used_by.get(bid, ()), path, None),
        }
        return Page(path, "benchmark.md.j2", ctx, b.name)

    def challenges(self) -> Page:
        kb = self.kb
        src = urls.PAGES["challenges"]
        groups = []
        for g in kb.groups.values():
            items = []
            for ch in kb.challenges.values():
                if ch.group != g.id:
                    continue
                concerns = [self.node_link(ref, src) for ref in ch.concerns]
                items.append({"c": ch, "concerns": concerns, "papers": [self.row(pid, src) for pid in ch.papers]})
            groups.append({"g": g, "entries": items})
        return Page(src, "challenges.md.j2", {"groups": groups}, "Open challenges")

    def node_link(self, ref: str, source: str) -> Link:
        kb = self.kb
        kind = kb.node_kind(ref)
        if kind == "family":
            return Link(kb.families[ref].short, urls.rel(urls.family(ref), source))
        if kind == "threat":
            return Link(kb.threats[ref].name, urls.rel(urls.threat(ref), source))
        parts = ref.split(".")
        label = f"{kb.families[parts[0]].short}: {self.side_label(parts[1], parts[2])}"
        if len(parts) >= 4:
            label += " / " + cast(Category, kb.category(".".join(parts[:3]), parts[3])).name  # the base is valid: a concern names an existing node
        return Link(label, urls.rel(urls.node(ref), source))

    def by_year(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for p in self.kb.papers.values():
            out[p.year].append(p.id)
        return dict(sorted(out.items(), reverse=True))

    def years_index(self) -> Page:
        src = urls.PAGES["years"]
        items = [Child(str(y), urls.rel(urls.year(y), src), len(ids)) for y, ids in self.by_year().items()]
        return Page(src, "list-index.md.j2", {"title": "Papers by year", "items": items}, "Years")

    def year_pages(self) -> list[Page]:
        pages = []
        for y, ids in self.by_year().items():
            path = urls.year(y)
            ordered = sorted(ids, key=lambda i: self.kb.papers[i].title.lower())
            pages.append(
                Page(
                    path,
                    "paper-list.md.j2",
                    {
                        "title": f"Papers from {y}",
                        "crumbs": [Link("Years", urls.rel(urls.PAGES["years"], path))],
                        "papers": self.rows(ordered, path, None),
                        "explorer": self.explorer_link(path, **{"from": str(y), "to": str(y)}),
                    },
                    str(y),
                )
            )
        return pages

    def by_venue(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for p in self.kb.papers.values():
            if p.venue:
                out[p.venue].append(p.id)
        return out

    def venues_index(self) -> Page:
        src = urls.PAGES["venues"]
        counts = self.by_venue()
        items = [
            Child(f"{v.name} — {v.full_name}" if v.full_name != v.name else v.name, urls.rel(urls.venue(v.id), src), len(counts.get(v.id, [])), v.type)
            for v in sorted(self.kb.venues.values(), key=lambda v: (-len(counts.get(v.id, [])), v.name.lower()))
            if counts.get(v.id)
        ]
        return Page(src, "list-index.md.j2", {"title": "Papers by venue", "items": items}, "Venues")

    def venue_pages(self) -> list[Page]:
        pages = []
        for vid, ids in sorted(self.by_venue().items()):
            v = self.kb.venues[vid]
            path = urls.venue(vid)
            ordered = sorted(ids, key=lambda i: (-self.kb.papers[i].year, self.kb.papers[i].title.lower()))
            pages.append(
                Page(
                    path,
                    "paper-list.md.j2",
                    {
                        "title": f"{v.name}: {v.full_name}" if v.name != v.full_name else v.name,
                        "crumbs": [Link("Venues", urls.rel(urls.PAGES["venues"], path))],
                        "papers": self.rows(ordered, path, None),
                        "explorer": self.explorer_link(path, venue=vid),
                    },
                    v.name,
                )
            )
        return pages

    def author_pages(self) -> list[Page]:
        people: dict[str, dict[tuple[str, str | None], list[str]]] = defaultdict(lambda: defaultdict(list))
        for p in self.kb.papers.values():
            for a in p.authors:
                people[author_letter(a.family)][(a.family, a.given)].append(p.id)
        pages = []
        letters = sorted(people)
        index_src = urls.PAGES["authors"]
        index_items = [Child(l.upper() if l != "other" else "Other", urls.rel(urls.authors(l), index_src), len(people[l]), "authors") for l in letters]
        pages.append(Page(index_src, "list-index.md.j2", {"title": "Authors", "items": index_items}, "Authors"))
        for letter in letters:
            path = urls.authors(letter)
            entries = []
            for (fam, given), ids in sorted(people[letter].items(), key=lambda kv: (ascii_fold(kv[0][0]).lower(), ascii_fold(kv[0][1] or "").lower())):
                ordered = sorted(ids, key=lambda i: (-self.kb.papers[i].year, self.kb.papers[i].title.lower()))
                entries.append({"name": author_key(fam, given), "anchor": author_anchor(fam, given), "papers": self.rows(ordered, path, None)})
            nav = [Link(l.upper() if l != "other" else "Other", urls.rel(urls.authors(l), path)) for l in letters]
            pages.append(
                Page(
                    path,
                    "authors.md.j2",
                    {"letter": letter.upper() if letter != "other" else "Other", "entries": entries, "nav": nav, "crumbs": [Link("Authors", urls.rel(index_src, path))]},
                    f"Authors: {letter.upper()}",
                )
            )
        return pages

    def stats(self) -> Page:
        charts = []
        for c in chart_data(self.kb, self.graph):
            first = "Threat" if c.horizontal else "Year" if c.name == "papers-per-year" else "Model family"
            charts.append(
                {"name": c.name, "title": c.title, "header": [first, *(c.names or ("Papers",))], "rows": [[label, *(str(values[i]) for values in c.series)] for i, label in enumerate(c.labels)]}
            )
        return Page(urls.PAGES["stats"], "stats.md.j2", {"charts": charts, "counts": self.counts()}, "Statistics")

    def recent(self, limit: int = 50) -> Page:
        src = urls.PAGES["recent"]
        ordered = recently_added(self.kb.papers.values(), limit)
        groups: dict[str, list[PaperRow]] = defaultdict(list)
        for p in ordered:
            groups[p.added.isoformat() if p.added else "undated"].append(self.row(p.id, src))
        return Page(src, "recent.md.j2", {"groups": dict(groups), "feed": urls.rel(f"{urls.GENERATED}/feed.xml", src)}, "Recently added")

    def explorer(self) -> Page:
        src = urls.PAGES["explorer"]
        d = self.info.directory_urls
        return Page(
            src,
            "explorer.md.j2",
            {
                "index": urls.href(f"{urls.GENERATED}/explorer.json", src, d),
                "script": urls.href(f"{urls.GENERATED}/explorer-data.js", src, d),
                "all_bib": urls.href(f"{urls.GENERATED}/explorer-bib.js", src, d),
                "taxonomy": urls.href(urls.PAGES["taxonomy"], src, d),
            },
            "Paper explorer",
        )


def plan_pages(kb: KnowledgeBase, graph: Graph, bibtex: Mapping[str, str], info: SiteInfo = SiteInfo()) -> list[Page]:
    return Planner(kb, graph, bibtex, info).plan()
