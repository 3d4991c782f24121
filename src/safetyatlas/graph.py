"""Pure functions over a KnowledgeBase: back-links, taxonomy trees, counts.

Everything the pages need that is derived rather than stored is computed here, once, so
templates only loop over ready values.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

from .ids import node_id
from .kb import KnowledgeBase
from .schema import Classification, Paper


@dataclass(frozen=True)
class Graph:
    """Back-links and counts derived from a knowledge base."""

    papers_by_node: Mapping[str, tuple[str, ...]]  # any node id -> paper ids, newest first
    introduced_by: Mapping[str, tuple[str, ...]]  # benchmark -> papers introducing it
    used_by: Mapping[str, tuple[str, ...]]  # benchmark -> papers evaluating on it
    cited_by: Mapping[str, tuple[str, ...]]  # paper -> papers naming it in 'related'
    matrix: Mapping[tuple[str, str, str], int]  # (root family, threat, side) -> distinct papers
    people_of: Mapping[str, frozenset] = field(default_factory=dict)  # paper -> its authors as person identities
    papers_of: Mapping[tuple, tuple[str, ...]] = field(default_factory=dict)  # person identity -> their papers
    benchmarks_of: Mapping[str, frozenset[str]] = field(default_factory=dict)  # paper -> benchmarks it introduces or uses
    title_rank: Mapping[str, int] = field(default_factory=dict)  # paper -> its place in title order (ties in rankings)
    # subcategory node -> year -> its papers of that year in title order (related papers by nearness in year)
    by_year: Mapping[str, Mapping[int, tuple[str, ...]]] = field(default_factory=dict)


def newest_first(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[str, ...]:
    """Paper ids by year (newest first), then title, deterministically."""
    return tuple(sorted(set(ids), key=lambda i: (-kb.papers[i].year, kb.papers[i].title.lower(), i)))


def nodes_of(kb: KnowledgeBase, paper: Paper) -> set[str]:
    """Every taxonomy node a paper sits under, ancestors and parent families included."""
    out: set[str] = set()
    for c in paper.classifications:
        fam: str | None = c.family
        while fam:
            out.add(fam)
            if c.threat and c.side:
                out.add(node_id(fam, c.threat, c.side))  # parent families get a scope-like rollup id
            f = kb.families.get(fam)
            fam = f.parent if f else None
        if not (c.threat and c.side):
            continue
        out.add(c.threat)
        out.add(node_id(c.threat, c.side))
        if c.category:
            out.add(node_id(c.scope, c.category))
            if c.subcategory:
                out.add(node_id(c.scope, c.category, c.subcategory))
    return out


def build_graph(kb: KnowledgeBase) -> Graph:
    by_node: dict[str, list[str]] = defaultdict(list)
    introduced: dict[str, list[str]] = defaultdict(list)
    used: dict[str, list[str]] = defaultdict(list)
    cited: dict[str, list[str]] = defaultdict(list)
    matrix: Counter[tuple[str, str, str]] = Counter()
    for p in kb.papers.values():
        for n in nodes_of(kb, p):
            by_node[n].append(p.id)
        for b in p.introduces:
            introduced[b].append(p.id)
        for b in p.evaluates_on:
            used[b].append(p.id)
        for r in p.related:
            cited[r.paper].append(p.id)
        for cell in {(kb.root_family(c.family), c.threat, c.side) for c in p.classifications if c.threat and c.side}:
            matrix[cell] += 1

    def freeze(d: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {k: newest_first(kb, v) for k, v in sorted(d.items())}

    from .people import identity

    people_of = {p.id: frozenset(identity(a.family, a.given) for a in p.authors) for p in kb.papers.values()}
    papers_of: dict[tuple, list[str]] = defaultdict(list)
    for pid, persons in people_of.items():
        for person in persons:
            papers_of[person].append(pid)
    benchmarks_of = {p.id: frozenset((*p.introduces, *p.evaluates_on)) for p in kb.papers.values() if p.introduces or p.evaluates_on}
    title_rank = {pid: i for i, pid in enumerate(sorted(kb.papers, key=lambda i: (kb.papers[i].title.casefold(), i)))}
    by_year: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid in title_rank:  # title order, so each year's list comes out sorted
        for node in kb.papers[pid].subcategory_nodes:
            by_year[node][kb.papers[pid].year].append(pid)
    return Graph(
        freeze(by_node),
        freeze(introduced),
        freeze(used),
        freeze(cited),
        dict(sorted(matrix.items())),
        people_of,
        {k: tuple(v) for k, v in papers_of.items()},
        benchmarks_of,
        title_rank,
        {node: {y: tuple(v) for y, v in years.items()} for node, years in by_year.items()},
    )


def related_papers(kb: KnowledgeBase, graph: Graph, paper: Paper, limit: int = 10) -> tuple[str, ...]:
    """The papers most related to ``paper``, best first, no repeats, never itself.

    1. papers it names as related or that name it (curated links);
    2. papers in the same subcategory, those sharing a benchmark or an author first, then the
       closest in year (so a subcategory with other papers always gives some);
    3. papers sharing a benchmark with it, then papers sharing an author, in the same threat.
    """
    if limit <= 0:
        return ()
    rank, papers = graph.title_rank, kb.papers
    mine_b = graph.benchmarks_of.get(paper.id, frozenset())
    mine_a = graph.people_of.get(paper.id, frozenset())
    year = paper.year
    # what another paper shares with this one: a co-author counts 1, a benchmark 2
    shared: Counter[str] = Counter()
    for person in mine_a:
        shared.update(graph.papers_of.get(person, ()))
    for b in mine_b:
        for pid in {*graph.introduced_by.get(b, ()), *graph.used_by.get(b, ())}:
            shared[pid] += 2
    shared.pop(paper.id, None)

    def closeness(pid: str) -> tuple:
        return (-shared[pid], abs(papers[pid].year - year), rank[pid])  # title order breaks ties, deterministically

    def best(pids: set[str]) -> list[str]:
        pids.discard(paper.id)
        return heapq.nsmallest(limit, pids, key=closeness)  # only the first few are shown: no full sort

    def best_in(nodes: list[str]) -> Iterator[str]:
        """The papers of these subcategories in ``closeness`` order, without comparing them all:
        those sharing something first, then the rest year by year outwards, each year in title order."""
        yield from sorted((pid for pid in shared if not papers[pid].subcategory_nodes.isdisjoint(nodes)), key=closeness)
        years = [graph.by_year.get(n, {}) for n in nodes]
        span = max((abs(y - year) for ys in years for y in ys), default=-1)
        for d in range(span + 1):
            runs = [ys[y] for ys in years for y in {year - d, year + d} if y in ys]
            for pid in heapq.merge(*runs, key=rank.__getitem__) if len(runs) > 1 else runs[0] if runs else ():
                if pid not in shared and pid != paper.id:
                    yield pid

    out: dict[str, None] = {}

    def take(pids: Iterable[str]) -> bool:
        for pid in pids:
            if pid != paper.id and pid in kb.papers:
                out.setdefault(pid)
                if len(out) >= limit:
                    return True
        return False

    if take([r.paper for r in paper.related] + list(graph.cited_by.get(paper.id, ()))):
        return tuple(out)
    if take(best_in(sorted(paper.subcategory_nodes))):
        return tuple(out)
    by_benchmark = {pid for b in mine_b for pid in (*graph.introduced_by.get(b, ()), *graph.used_by.get(b, ()))}
    if take(best(by_benchmark)):
        return tuple(out)
    coauthored = {pid for person in mine_a for pid in graph.papers_of.get(person, ()) if not papers[pid].threats.isdisjoint(paper.threats)}
    take(best(coauthored))
    return tuple(out)


@dataclass(frozen=True)
class Coverage:
    papers: int
    classifications: int
    complete: int  # classifications down to a subcategory
    papers_complete: int  # papers whose every classification is complete

    @property
    def percent(self) -> float:
        return 100.0 * self.complete / self.classifications if self.classifications else 100.0


def coverage(kb: KnowledgeBase) -> Coverage:
    cls = [c for p in kb.papers.values() for c in p.classifications]
    return Coverage(
        papers=len(kb.papers),
        classifications=len(cls),
        complete=sum(c.complete for c in cls),
        papers_complete=sum(all(c.complete for c in p.classifications) for p in kb.papers.values()),
    )


def count_by(kb: KnowledgeBase, key) -> dict:
    """Distinct papers per value of ``key(paper, classification)``."""
    sets: dict = defaultdict(set)
    for p in kb.papers.values():
        for c in p.classifications:
            sets[key(p, c)].add(p.id)
    return {k: len(v) for k, v in sorted(sets.items(), key=lambda kv: str(kv[0]))}


def recently_added(papers: Iterable[Paper], limit: int | None = None) -> list[Paper]:
    """Papers by the day they were added, newest first; on one day, the newest paper first, then by title."""
    dated = [p for p in papers if p.added]
    dated.sort(key=lambda p: (p.title.casefold(), p.id))
    dated.sort(key=lambda p: (p.added, p.year), reverse=True)  # stable: keeps the title order within a day and year
    return dated[:limit] if limit is not None else dated


def content_figures(kb: KnowledgeBase) -> dict:
    """The content-quality figures ``stats`` reports: identifiers, summaries, taxonomy use, benchmark results, challenges, sources.

    Benchmark results are counted where the base most wants them: attack and defense papers on LLM
    jailbreaks and prompt injection, and on agents (any agent family).
    """
    from collections import Counter

    papers = list(kb.papers.values())
    per_sub: Counter = Counter()
    for p in papers:
        for node in {c.node for c in p.classifications if c.complete}:
            per_sub[node] += 1
    all_subs = [f"{s.id}.{c.id}.{sub.id}" for s in kb.scopes.values() for c in s.categories for sub in c.subcategories]
    by_source: Counter = Counter(src for p in papers for src in p.listed_in)
    overlaps: dict[str, dict[str, int]] = {}
    for p in papers:
        for a in p.listed_in:
            for b in p.listed_in:
                if a != b:
                    overlaps.setdefault(a, {}).setdefault(b, 0)
                    overlaps[a][b] += 1
    in_scope = [p for p in papers if any(_wants_results(kb, c) for c in p.classifications)]
    return {
        "papers_with_summary": sum(1 for p in papers if p.summary),
        "papers_with_results": sum(1 for p in papers if p.evaluates_on),
        "results_in_scope": {
            "papers": len(in_scope),
            "with_results": sum(1 for p in in_scope if p.evaluates_on),
            # benchmark papers whose only recorded results are on the benchmark they introduce
            "own_benchmark_only": sum(1 for p in in_scope if p.introduces and not p.evaluates_on),
        },
        "challenges_without_papers": sum(1 for c in kb.challenges.values() if not c.papers),
        "papers_with_code": sum(1 for p in papers if p.code),
        "venue_arxiv": sum(1 for p in papers if p.venue == "arxiv"),
        "venue_unknown": sum(1 for p in papers if p.venue is None),
        "background_papers": sum(1 for p in papers if p.classifications and all(c.role == "background" for c in p.classifications)),
        "subcategories_used": sum(1 for n in all_subs if per_sub[n]),
        "single_paper_subcategories": sum(1 for n in all_subs if per_sub[n] == 1),
        "empty_subcategories": sum(1 for n in all_subs if per_sub[n] == 0),
        "by_source": dict(by_source.most_common()),
        "source_overlaps": overlaps,
    }


def _wants_results(kb: KnowledgeBase, c: Classification) -> bool:
    """An attack or defense placement on LLM jailbreaks or prompt injection, or on agents."""
    if c.side not in ("attack", "defense") or c.role == "background":
        return False
    return (c.family == "llm" and c.threat in ("jailbreak", "prompt-injection")) or kb.root_family(c.family) == "agent"


@dataclass(frozen=True)
class ChartData:
    """The numbers behind one chart: drawn as SVG and listed as a table beside it (for screen readers and phones)."""

    name: str  # file stem: generated/charts/<name>.svg
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[int, ...], ...]  # one tuple of values per legend entry
    names: tuple[str, ...] = ()  # legend entries (empty for a single series)
    horizontal: bool = False


def chart_data(kb: KnowledgeBase, graph: Graph) -> list[ChartData]:
    """Papers per year, per model family, and attack/defense papers per threat (threats with papers only)."""
    years: dict[int, int] = {}
    for p in kb.papers.values():
        years[p.year] = years.get(p.year, 0) + 1
    span = sorted(years)
    year_labels = tuple(str(y) for y in range(span[0], span[-1] + 1)) if span else ()
    top = [f for f in kb.families.values() if not f.parent]
    threats = sorted((t for t in kb.threats.values() if graph.papers_by_node.get(t.id)), key=lambda t: -len(graph.papers_by_node.get(t.id, ())))
    return [
        ChartData("papers-per-year", "Papers per year", year_labels, (tuple(years.get(int(y), 0) for y in year_labels),)),
        ChartData("papers-per-family", "Papers per model family", tuple(f.short for f in top), (tuple(len(graph.papers_by_node.get(f.id, ())) for f in top),)),
        ChartData(
            "papers-per-threat",
            "Papers per threat type",
            tuple(t.name for t in threats),
            (tuple(len(graph.papers_by_node.get(f"{t.id}.attack", ())) for t in threats), tuple(len(graph.papers_by_node.get(f"{t.id}.defense", ())) for t in threats)),
            ("Attack", "Defense"),
            horizontal=True,
        ),
    ]
