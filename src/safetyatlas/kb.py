"""The KnowledgeBase: ordered, indexed, every reference resolved and checked.

``assemble`` turns schema-valid records into a ``KnowledgeBase`` plus the diagnostics of
everything that does not hold together: dangling references (with a did-you-mean),
classifications outside their scope, duplicate ids, arXiv ids, DOIs and titles. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, TypeVar, cast

from .errors import Diagnostic
from .ids import doi_in_url, former_node, node_id, normalise_code_url, published_version_field
from .kinds import kind_of_path, place_of
from .schema import (
    Benchmark,
    Category,
    Challenge,
    ChallengeGroup,
    Classification,
    Family,
    Paper,
    Scope,
    Exclusion,
    Model,
    Person,
    Section,
    Source,
    Subcategory,
    Threat,
    Venue,
)
from .textnorm import GLUED_COMMA, LATEX_MARKUP, normalise_title
from .load import Loc
from .validate import Checked, did_you_mean, format_loc

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Origin:
    path: str
    line: int


@dataclass(frozen=True)
class KnowledgeBase:
    families: Mapping[str, Family]
    threats: Mapping[str, Threat]
    venues: Mapping[str, Venue]
    sections: Mapping[str, Section]
    scopes: Mapping[str, Scope]
    benchmarks: Mapping[str, Benchmark]
    groups: Mapping[str, ChallengeGroup]
    challenges: Mapping[str, Challenge]
    papers: Mapping[str, Paper]
    origins: Mapping[tuple[str, str], Origin] = field(repr=False)
    sources: Mapping[str, Source] = field(default_factory=dict)
    exclusions: Mapping[str, Exclusion] = field(default_factory=dict, repr=False)
    people: Mapping[str, Person] = field(default_factory=dict, repr=False)
    nodes: Mapping[str, Category | Subcategory] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # dotted id -> category or subcategory: lookups on every page and classification
        index: dict[str, Category | Subcategory] = {}
        for s in self.scopes.values():
            for c in s.categories:
                index.setdefault(node_id(s.id, c.id), c)
                for sub in c.subcategories:
                    index.setdefault(node_id(s.id, c.id, sub.id), sub)
        object.__setattr__(self, "nodes", index)

    # --- taxonomy lookups -----------------------------------------------------------

    def category(self, scope: str, category: str) -> Category | None:
        found = self.nodes.get(node_id(scope, category))
        return found if isinstance(found, Category) else None

    def subcategory(self, scope: str, category: str, sub: str) -> Subcategory | None:
        found = self.nodes.get(node_id(scope, category, sub))
        return found if isinstance(found, Subcategory) else None

    def root_family(self, family: str) -> str:
        """The top-level family of a family or sub-family (``sam`` -> ``vfm``)."""
        seen = set()
        while (parent := self.families[family].parent) and family not in seen:
            seen.add(family)
            family = parent
        return family

    def children(self, family: str) -> list[Family]:
        return [f for f in self.families.values() if f.parent == family]

    def within(self, family: str) -> list[str]:
        """The family and every family below it (``agent`` -> agent, llm-agent, vlm-agent, ...): the one rule
        for "a family includes its sub-families", shipped to the explorer as data."""
        out, todo = [], [family]
        while todo:
            f = todo.pop(0)
            if f not in out:
                out.append(f)
                todo.extend(c.id for c in self.children(f))
        return out

    def node_kind(self, ref: str) -> str | None:
        """What a dotted taxonomy reference points at, or None when it dangles."""
        parts = ref.split(".")
        if len(parts) == 1:
            return "family" if ref in self.families else "threat" if ref in self.threats else None
        if len(parts) == 3:
            return "scope" if ref in self.scopes else None
        if len(parts) == 4:
            return "category" if self.category(".".join(parts[:3]), parts[3]) else None
        if len(parts) == 5:
            return "subcategory" if self.subcategory(".".join(parts[:3]), parts[3], parts[4]) else None
        return None

    def all_node_ids(self) -> Iterable[str]:
        yield from self.families
        yield from self.threats
        for s in self.scopes.values():
            yield s.id
            for c in s.categories:
                yield node_id(s.id, c.id)
                for sub in c.subcategories:
                    yield node_id(s.id, c.id, sub.id)

    def where(self, kind: str, ident: str) -> Origin | None:
        return self.origins.get((kind, ident))


PAPER_VOICE = re.compile(r"^\s*(Introduces|Proposes|Presents|Builds|Shows|We|This paper|The paper|The authors)\b")
"""How a paper's summary opens; a description of a benchmark or of a group of papers should not."""


def _paper_voice(rec: Checked, loc: Loc, text: str, hint: str) -> Iterable[Diagnostic]:
    """A warning when a description of a benchmark or a group of papers opens like one paper's summary."""
    if m := PAPER_VOICE.match(text):
        yield rec.at(loc, format_loc(loc), f"the description opens like a paper's summary ('{m.group(1)} ...')", hint, "warning")


def title_problems(title: str, short_name: str | None, acronyms: set[str]) -> Iterable[tuple[str, str]]:
    """What looks wrong in a title, each as (message, hint): LaTeX, a list's tag, a glued comma, lost capitals.

    ``acronyms`` are the words the base writes in capitals (an acronym whose capitals a copy lost shows up here).
    """
    if latex := LATEX_MARKUP.search(title):
        yield f"the title holds LaTeX markup ({latex.group()})", "write it as plain text: quotes as \" and ', no $, no \\commands"
    if short_name and title.endswith(f"({short_name})"):
        yield f"the title ends with the short name '({short_name})', as paper lists tag titles", "copy the title as the paper prints it; the name belongs in short_name only"
    if glued := GLUED_COMMA.search(title):
        yield f"'{glued.group()}': a comma without the space after it", "copy the title as the paper prints it"
    lowered = sorted({w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]+", title) if w.islower() and w.upper() in acronyms})
    if lowered:
        yield f"{', '.join(lowered)} is written in capitals in other titles ({', '.join(w.upper() for w in lowered)})", "write the title in its published casing"


def assemble(checked: list[Checked], incomplete: Iterable[str] = ()) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Index the records and check every reference between them.

    ``incomplete`` names the kinds some of whose files could not be read: references to those
    kinds are not reported as dangling, since the target may sit in the broken file.
    """
    problems: list[Diagnostic] = []
    by_kind: dict[str, dict[str, Checked]] = defaultdict(dict)
    for rec in checked:
        ident = rec.model.id
        first = by_kind[rec.raw.kind].get(ident)
        if first is not None:
            problems.append(rec.at(("id",), "id", f"{rec.raw.kind} '{ident}' is already defined at {first.raw.path}:{first.raw.line}", "give one of them another id or merge them"))
            continue
        by_kind[rec.raw.kind][ident] = rec

    def models(kind: str, cls: type[M]) -> dict[str, M]:
        """The models of ``kind``, typed as ``cls``: its model class (``MODELS[kind]``), which validated them."""
        return {k: cast(M, v.model) for k, v in by_kind[kind].items()}

    papers = dict(sorted(models("paper", Paper).items()))
    kb = KnowledgeBase(
        families=models("family", Family),
        threats=models("threat", Threat),
        venues=dict(sorted(models("venue", Venue).items())),
        sections=models("section", Section),
        scopes=dict(sorted(models("scope", Scope).items())),
        benchmarks=dict(sorted(models("benchmark", Benchmark).items())),
        groups=models("challenge-group", ChallengeGroup),
        challenges=models("challenge", Challenge),
        papers=papers,
        origins={(k, i): Origin(r.raw.path, r.raw.line) for k, recs in by_kind.items() for i, r in recs.items()},
        sources=models("source", Source),
        exclusions=models("exclusion", Exclusion),
        people=models("person", Person),
    )
    checks = _Checks(kb, by_kind, frozenset(incomplete))
    problems.extend(checks.run())
    return kb, problems


class _Checks:
    """Reference and consistency checks; each method yields diagnostics."""

    def __init__(self, kb: KnowledgeBase, by_kind: Mapping[str, Mapping[str, Checked]], incomplete: frozenset[str]):
        self.kb = kb
        self.by_kind = by_kind
        self.incomplete = incomplete
        self.former_claimed: dict[str, str] = {}  # taxonomy node -> the file whose former_ids names it
        self.tables: dict[str, Mapping[str, object]] = {
            "family": kb.families,
            "threat": kb.threats,
            "venue": kb.venues,
            "section": kb.sections,
            "benchmark": kb.benchmarks,
            "challenge-group": kb.groups,
            "paper": kb.papers,
            "source": kb.sources,
        }

    def run(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for method in (self.families, self.scopes, self.sections, self.benchmarks, self.challenges, self.papers, self.facts, self.exclusions, self.authors, self.duplicates):
            out.extend(method())
        return out

    def records(self, kind: str, cls: type[M]) -> Iterable[tuple[Checked, M]]:
        """The records of ``kind``, each with its model typed as ``cls``: the model class of that kind (``MODELS[kind]``)."""
        return ((rec, cast(M, rec.model)) for rec in self.by_kind[kind].values())

    def ref(self, rec: Checked, loc: tuple, value: str, kind: str) -> Iterable[Diagnostic]:
        """An error when ``value`` names no record of ``kind`` (unless that kind's files are broken)."""
        table = self.tables[kind]
        if value in table or kind in self.incomplete:
            return
        hint = did_you_mean(value, table) or f"define it in {place_of(kind).pattern.replace('*.yaml', '')}"
        yield rec.at(loc, _field(loc), f"unknown {kind.replace('-', ' ')} '{value}'", hint)

    def families(self) -> Iterable[Diagnostic]:
        kb = self.kb
        for rec, fam in self.records("family", Family):
            if fam.parent is None:
                continue
            yield from self.ref(rec, ("parent",), fam.parent, "family")
            ident = fam.id
            seen, cur = {ident}, fam.parent
            while cur in kb.families and (parent := kb.families[cur].parent):
                cur = parent
                if cur in seen:
                    yield rec.at(("parent",), "parent", f"family '{ident}' is its own ancestor", "break the cycle of 'parent' links")
                    break
                seen.add(cur)

    def scopes(self) -> Iterable[Diagnostic]:
        kb = self.kb
        subs_of_papers = _papers_by_subcategory(kb)
        for rec, s in self.records("scope", Scope):
            yield from self.ref(rec, ("family",), s.family, "family")
            yield from self.ref(rec, ("threat",), s.threat, "threat")
            threat = kb.threats.get(s.threat)
            if threat and s.side not in threat.sides:
                yield rec.at(("side",), "side", f"threat '{s.threat}' has no {s.side} side", f"add '{s.side}_name' to the threat or use side {threat.sides[0] if threat.sides else 'attack'}")
            seen_cats: set[str] = set()
            for i, c in enumerate(s.categories):
                if c.id in seen_cats:
                    yield rec.at(("categories", i, "id"), f"categories[{i}].id", f"category '{c.id}' appears twice in {s.id}", "merge the two categories")
                seen_cats.add(c.id)
                yield from _paper_voice(rec, ("categories", i, "description"), c.description, "describe the group of papers, not one of them")
                yield from self.former_ids(rec, ("categories", i), [former_node(s.id, old) for old in c.former_ids])
                seen_subs: set[str] = set()
                for j, sub in enumerate(c.subcategories):
                    loc = ("categories", i, "subcategories", j)
                    yield from _paper_voice(rec, loc + ("description",), sub.description, "describe the group of papers, not one of them")
                    if sub.id in seen_subs:
                        yield rec.at(loc + ("id",), f"categories[{i}].subcategories[{j}].id", f"subcategory '{sub.id}' appears twice in {s.id}.{c.id}", "merge them")
                    seen_subs.add(sub.id)
                    yield from self.former_ids(rec, loc, [former_node(s.id, old, c.id) for old in sub.former_ids])
                    members = subs_of_papers.get(node_id(s.id, c.id, sub.id), set())
                    for k, pid in enumerate(sub.representative):
                        if "paper" in self.incomplete:
                            continue
                        if pid not in kb.papers:
                            yield rec.at(
                                loc + ("representative", k),
                                f"categories[{i}].subcategories[{j}].representative[{k}]",
                                f"unknown paper '{pid}'",
                                did_you_mean(pid, kb.papers) or "use the id of a paper in papers/",
                            )
                        elif pid not in members:
                            yield rec.at(
                                loc + ("representative", k),
                                f"categories[{i}].subcategories[{j}].representative[{k}]",
                                f"paper '{pid}' is not classified under {node_id(s.id, c.id, sub.id)}",
                                "classify it there or name another paper",
                            )

    def former_ids(self, rec, loc: tuple, nodes: list[str]) -> Iterable[Diagnostic]:
        """A former id names a node that is gone, once: its address serves one redirect, and a live node
        there would claim the same URL."""
        for k, node in enumerate(nodes):
            at = loc + ("former_ids", k)
            if self.kb.node_kind(node) is not None:
                yield rec.at(at, format_loc(at), f"former id '{node}' is a taxonomy node that still exists", "a former id names a merged node; remove it or the node")
            elif node in self.former_claimed:
                yield rec.at(at, format_loc(at), f"former id '{node}' is claimed twice (also in {self.former_claimed[node]})", "keep it on the one node that took its papers")
            else:
                self.former_claimed[node] = str(rec.raw.path)

    def sections(self) -> Iterable[Diagnostic]:
        for rec, sec in self.records("section", Section):
            yield from self.ref(rec, ("chapter",), sec.chapter, "family")
            if sec.family:
                yield from self.ref(rec, ("family",), sec.family, "family")
            if sec.threat:
                yield from self.ref(rec, ("threat",), sec.threat, "threat")

    def benchmarks(self) -> Iterable[Diagnostic]:
        for rec, b in self.records("benchmark", Benchmark):
            yield from _paper_voice(rec, ("description",), b.description, "describe the benchmark itself: what it contains and what it measures")
            for i, f in enumerate(b.families):
                yield from self.ref(rec, ("families", i), f, "family")
            for i, t in enumerate(b.threats):
                yield from self.ref(rec, ("threats", i), t, "threat")

    def challenges(self) -> Iterable[Diagnostic]:
        kb = self.kb
        for rec, ch in self.records("challenge", Challenge):
            yield from self.ref(rec, ("group",), ch.group, "challenge-group")
            for i, ref in enumerate(ch.concerns):
                if self.incomplete & {"family", "threat", "scope"}:
                    break
                if kb.node_kind(ref) is None:
                    yield rec.at(
                        ("concerns", i), f"concerns[{i}]", f"'{ref}' is not a taxonomy node", did_you_mean(ref, kb.all_node_ids()) or "name a family, threat, scope (family.threat.side) or category"
                    )
            for i, pid in enumerate(ch.papers):
                yield from self.ref(rec, ("papers", i), pid, "paper")

    def papers(self) -> Iterable[Diagnostic]:
        # the first paper (by year, then id) to introduce a benchmark is its introducer; a second one is a name clash or a slip
        introducer: dict[str, str] = {}
        for p in sorted(self.kb.papers.values(), key=lambda p: (p.year, p.id)):
            for b in p.introduces:
                introducer.setdefault(b, p.id)
        for rec, p in self.records("paper", Paper):
            if p.venue is not None:
                yield from self.ref(rec, ("venue",), p.venue, "venue")
            placed: dict[str, list[Classification]] = {}
            for i, c in enumerate(p.classifications):
                yield from self.classification(rec, i, c)
                # one node twice is how a paper the survey lists in two sections records both; otherwise a slip
                same = placed.setdefault(c.node, [])
                if same and (c.section is None or any(o.section in (None, c.section) for o in same)):
                    yield rec.at(("classifications", i), f"classifications[{i}]", f"placed at {c.node} twice", "keep one of them")
                same.append(c)
            for key in ("introduces", "evaluates_on"):
                for i, b in enumerate(getattr(p, key)):
                    yield from self.ref(rec, (key, i), b, "benchmark")
            for i, b in enumerate(p.introduces):
                if introducer.get(b, p.id) != p.id:
                    yield rec.at(
                        ("introduces", i),
                        f"introduces[{i}]",
                        f"'{b}' is already introduced by {introducer[b]}",
                        "if this paper's benchmark only shares the name, give it a record of its own (taxonomy/benchmarks/); otherwise remove this line",
                        "warning",
                    )
            for i, src in enumerate(p.listed_in):
                yield from self.ref(rec, ("listed_in", i), src, "source")
            for i, r in enumerate(p.related):
                if r.paper == p.id:
                    yield rec.at(("related", i, "paper"), f"related[{i}].paper", "a paper cannot be related to itself", "remove this relation")
                else:
                    yield from self.ref(rec, ("related", i, "paper"), r.paper, "paper")

    def classification(self, rec: Checked, i: int, c: Classification) -> Iterable[Diagnostic]:
        kb = self.kb
        base = ("classifications", i)
        bad = False
        for key in ("family", "threat"):
            if getattr(c, key) is None:
                continue
            diags = list(self.ref(rec, base + (key,), getattr(c, key), key))
            bad |= bool(diags)
            yield from diags
        if c.section is not None:
            yield from self.ref(rec, base + ("section",), c.section, "section")
        if bad or "scope" in self.incomplete:
            return
        if c.threat is None or c.side is None:
            if c.category or c.subcategory:
                yield rec.at(base, f"classifications[{i}]", "a category needs a threat and a side", "add 'threat:' and 'side:'")
            else:
                yield rec.at(base, f"classifications[{i}]", f"not classified beyond family '{c.family}'", "add 'threat:', 'side:', 'category:' and 'subcategory:'", "warning")
            return
        scope = kb.scopes.get(c.scope)
        if c.role == "background" and c.category is not None:
            yield rec.at(base + ("category",), f"classifications[{i}].category", "a background paper is context for a scope, not a member of a category", "remove 'category:' and 'subcategory:'")
            return
        if c.category is None:
            if c.subcategory is not None:
                yield rec.at(base + ("subcategory",), f"classifications[{i}].subcategory", "a subcategory needs its category", "add 'category:'")
            elif c.role == "background":
                pass  # context for a scope (a model attacked, a technique cited): placed at the scope on purpose
            else:
                yield rec.at(base, f"classifications[{i}]", f"not classified below {c.scope}", "add 'category:' and 'subcategory:'", "warning")
            return
        if scope is None:
            hint = did_you_mean(c.scope, kb.scopes) or f"create taxonomy/scopes/{c.scope}.yaml or fix family/threat/side"
            yield rec.at(base + ("category",), f"classifications[{i}].category", f"there is no taxonomy for {c.scope}", hint)
            return
        cat = kb.category(c.scope, c.category)
        if cat is None:
            yield rec.at(
                base + ("category",),
                f"classifications[{i}].category",
                f"category '{c.category}' does not belong to {c.scope}",
                did_you_mean(c.category, [x.id for x in scope.categories]) or f"use one of: {', '.join(x.id for x in scope.categories)}",
            )
            return
        if c.subcategory is None:
            yield rec.at(base, f"classifications[{i}]", f"not classified below {c.scope}.{c.category}", "add 'subcategory:'", "warning")
        elif kb.subcategory(c.scope, c.category, c.subcategory) is None:
            names = [s.id for s in cat.subcategories]
            yield rec.at(
                base + ("subcategory",),
                f"classifications[{i}].subcategory",
                f"subcategory '{c.subcategory}' does not belong to {c.scope}.{c.category}",
                did_you_mean(c.subcategory, names) or f"use one of: {', '.join(names)}",
            )

    def authors(self) -> Iterable[Diagnostic]:
        """A listed variant spelling in a record, and likely split identities (people.py)."""
        from .people import identity, likely_split

        variants = {identity(p.family, v): p for p in self.kb.people.values() for v in p.variants}
        for rec, paper in self.records("paper", Paper):
            for i, a in enumerate(paper.authors):
                person = variants.get(identity(a.family, a.given))
                if person is not None:
                    yield rec.at(("authors", i), f"authors[{i}]", f"'{a.display}' is written '{person.given} {person.family}' elsewhere (taxonomy/people.yaml)", "use that spelling", "warning")
        for rare, common, shared, pid in likely_split(self.kb.papers.values(), self.kb.people):
            rec = self.by_kind["paper"][pid]
            i = next(j for j, a in enumerate(self.kb.papers[pid].authors) if a == rare)
            yield rec.at(
                ("authors", i),
                f"authors[{i}]",
                f"'{rare.display}' may be the same person as '{common.display}' ({shared} co-authors in common)",
                "if so, use one spelling and list the other as a variant in taxonomy/people.yaml; if not, list the namesake under distinct_from there",
                "warning",
            )

    def facts(self) -> Iterable[Diagnostic]:
        """Facts that are likely wrong: a preprint dated away from its arXiv id; an "arXiv" venue on a record whose URL or DOI is a published version's; LaTeX in a title; an acronym lost its capitals; words glued by a comma; a list's tag glued to a title."""
        from collections import Counter

        words = Counter(w for p in self.kb.papers.values() for w in set(re.findall(r"[A-Za-z][A-Za-z0-9-]+", p.title)))
        # an acronym: in capitals in 3+ titles, and more often so than as a capitalised word ("GUARD" 5, "Guard" 22: a word)
        known = {w for w, n in words.items() if w.isupper() and n >= 3 and n > words[w.capitalize()]}
        for rec, p in self.records("paper", Paper):
            if p.arxiv and p.venue in (None, "arxiv") and (m := re.match(r"^([0-9]{2})[0-9]{2}\.", p.arxiv)) and abs(p.year - (2000 + int(m.group(1)))) > 1:
                yield rec.at(
                    ("year",),
                    "year",
                    f"{p.year} is far from the arXiv id {p.arxiv} (20{m.group(1)}) of this preprint",
                    "a preprint's year is its first arXiv version's; or give the published venue",
                    "warning",
                )
            if p.venue == "arxiv" and (which := published_version_field(p.url, p.doi)):
                yield rec.at(
                    ("venue",),
                    "venue",
                    f"the record says arXiv, but its {which} is a published version's",
                    "give the venue that published it (taxonomy/venues.yaml), with the published year",
                    "warning",
                )
            if p.doi is None and (doi := doi_in_url(p.url)):
                yield rec.at(("url",), "url", f"the URL is built from the DOI {doi}, which the record does not give", f"add doi: {doi}", "warning")
            if p.code and (canonical := normalise_code_url(p.code)) != p.code:
                yield rec.at(("code",), "code", f"the code link is not in its canonical form: {p.code}", f"write {canonical}", "warning")
            for message, hint in title_problems(p.title, p.short_name, known):
                yield rec.at(("title",), "title", message, hint, "warning")
            for i, other in enumerate(p.other_titles):  # shown on the paper's page as "also titled"
                for message, hint in title_problems(other, p.short_name, known):
                    yield rec.at(("other_titles", i), f"other_titles[{i}]", message, hint.replace("the title", "this title"), "warning")

    def exclusions(self) -> Iterable[Diagnostic]:
        for rec, exclusion in self.records("exclusion", Exclusion):
            yield from self.ref(rec, ("source",), exclusion.source, "source")

    def duplicates(self) -> Iterable[Diagnostic]:
        owner: dict[str, str] = {}
        for rec, paper in self.records("paper", Paper):
            for i, old in enumerate(paper.former_ids):
                if old in self.by_kind["paper"] or old in owner:
                    taken = "a paper's id" if old in self.by_kind["paper"] else f"a former id of paper '{owner[old]}'"
                    yield rec.at(("former_ids", i), f"former_ids[{i}]", f"'{old}' is already {taken}", "an id may name one record only")
                else:
                    owner[old] = paper.id
        keys = (("arXiv id", lambda p: [p.arxiv]), ("DOI", lambda p: [p.doi and p.doi.lower()]), ("title", lambda p: [normalise_title(t) for t in (p.title, *p.other_titles)]))
        for what, key in keys:
            first: dict[str, Checked] = {}
            for rec in self.by_kind["paper"].values():
                for value in dict.fromkeys(key(rec.model)):
                    if not value:
                        continue
                    if value in first and first[value] is not rec:
                        other = first[value]
                        field = {"arXiv id": "arxiv", "DOI": "doi", "title": "title"}[what]
                        yield rec.at(
                            (field,), field, f"same {what} as paper '{other.model.id}' ({other.raw.path}:{other.raw.line_of((field,))})", "merge the two records into one, keeping every classification"
                        )
                    else:
                        first[value] = rec


def _field(loc: tuple) -> str:
    return format_loc(loc)


def _papers_by_subcategory(kb: KnowledgeBase) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p in kb.papers.values():
        for c in p.classifications:
            if c.subcategory:
                out[c.node].add(p.id)
    return out


def broken_kinds(problems: Iterable[Diagnostic]) -> set[str]:
    """Kinds with at least one file that failed to load or validate."""
    return {kind for d in problems if d.severity == "error" and (kind := kind_of_path(d.path)) is not None}
