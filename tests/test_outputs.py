"""Outputs checked without a browser or a folder: feed, explorer index, recent and venue pages, and
the taxonomy rules that keep a base consistent. Bases are built in memory (``base_from_texts``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from safetyatlas.graph import build_graph
from safetyatlas.pipeline import base_from_texts
from safetyatlas.planner import Planner, SiteInfo
from safetyatlas.site_data import atom_feed, explorer_index

from conftest import FIXTURES

MINIMAL = {str(p.relative_to(FIXTURES / "minimal")): p.read_text() for p in (FIXTURES / "minimal").rglob("*.yaml")}
DEFENSE_SCOPE = """family: llm
threat: jailbreak
side: defense
categories:
  - id: detection
    name: Detection
    basis: subtask
    description: Tell jailbreak prompts from benign ones.
    subcategories:
      - id: perplexity
        name: Perplexity filters
        description: Flag prompts whose perplexity is unusually high.
"""


def paper(pid: str, title: str, year: int, added: str, venue: str = "arxiv", side: str = "attack") -> str:
    node = "category: black-box\n    subcategory: llm-generated" if side == "attack" else "category: detection\n    subcategory: perplexity"
    return f"""id: {pid}
title: {title}
authors: [{{family: Doe, given: Jane}}]
year: {year}
venue: {venue}
classifications:
  - family: llm
    threat: jailbreak
    side: {side}
    {node}
added: {added}
"""


def base(**papers: str):
    files = {**MINIMAL, "taxonomy/scopes/llm.jailbreak.defense.yaml": DEFENSE_SCOPE, **{f"papers/{k}.yaml": v for k, v in papers.items()}}
    kb, problems = base_from_texts(files)
    assert not [d for d in problems if d.severity == "error"], problems
    return kb


@pytest.fixture
def three():
    return base(
        old2023old=paper("old2023old", "An Old Attack", 2023, "2026-11-24", venue="neurips"),
        new2025new=paper("new2025new", "A New Guard", 2025, "2026-11-26", venue="neurips", side="defense"),
        mid2024mid=paper("mid2024mid", "A Middle Attack", 2024, "2026-11-25", venue="neurips"),
    )


def test_the_feed_lists_the_newest_additions_first(three):
    feed = ET.fromstring(atom_feed(three, "https://example.org/atlas/"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[:3] == ["A New Guard", "A Middle Attack", "An Old Attack"]
    assert feed.find("a:link[@rel='self']", ns).get("href") == "https://example.org/atlas/generated/feed.xml"


def test_the_explorer_index_tells_attack_from_defense(three):
    data = json.loads(explorer_index(three))
    side = {row[0]: row[5][0][2] for row in data["papers"]}
    assert side["new2025new"] == 1 and side["old2023old"] == 0 and side["mid2024mid"] == 0
    categories = {row[0]: data["categories"][row[5][0][3]][1] for row in data["papers"]}
    assert categories == {"new2025new": "detection", "old2023old": "black-box", "mid2024mid": "black-box", "zou2023universal": "white-box", "chao2023jailbreaking": "black-box"}


def planner(kb):
    return Planner(kb, build_graph(kb), {}, SiteInfo())


def test_recently_added_is_newest_first(three):
    page = planner(three).recent()
    days = list(page.context["groups"])
    assert days == sorted(days, reverse=True) and days[0] == "2026-11-26"
    assert [r.title for r in page.context["groups"]["2026-11-26"]] == ["A New Guard"]


def test_the_venue_index_is_ordered_by_papers_then_name(three):
    children = planner(three).venues_index().context["items"]
    assert [c.label.split(" — ")[0] for c in children] == ["NeurIPS", "arXiv"]  # 3 papers before 2, not by name
    assert [c.count for c in children] == sorted((c.count for c in children), reverse=True)


def test_a_cycle_of_parent_families_is_an_error():
    families = MINIMAL["taxonomy/families.yaml"] + "- {id: a, name: A, short: A, parent: b, description: One.}\n- {id: b, name: B, short: B, parent: a, description: Two.}\n"
    _, problems = base_from_texts({**MINIMAL, "taxonomy/families.yaml": families})
    assert any("is its own ancestor" in d.message and d.severity == "error" for d in problems)


def test_a_scope_on_a_side_its_threat_does_not_have_is_an_error():
    scope = "family: llm\nthreat: prompt-injection\nside: defense\ncategories:\n  - {id: c, name: C, basis: other, description: D., subcategories: [{id: s, name: S, description: D.}]}\n"
    _, problems = base_from_texts({**MINIMAL, "taxonomy/scopes/llm.prompt-injection.defense.yaml": scope})
    assert any("has no defense side" in d.message and d.severity == "error" for d in problems)


def test_related_papers_rank_the_same_subcategory_by_shared_benchmarks_and_authors():
    from safetyatlas.graph import related_papers

    def rec(pid, year, family_name, subcategory="llm-generated", extra=""):
        node = "black-box\n    subcategory: llm-generated" if subcategory == "llm-generated" else "white-box\n    subcategory: gradient-based"
        return f"id: {pid}\ntitle: Paper {pid}\nauthors: [{{family: {family_name}, given: Ann}}]\nyear: {year}\nclassifications:\n  - family: llm\n    threat: jailbreak\n    side: attack\n    category: {node}\n{extra}"

    kb = base(
        a2024a=rec("a2024a", 2024, "Alpha", extra="evaluates_on: [advbench]\n"),
        b2020b=rec("b2020b", 2020, "Beta", extra="evaluates_on: [advbench]\n"),  # same subcategory, shares the benchmark
        c2024c=rec("c2024c", 2024, "Gamma"),  # same subcategory, same year, nothing shared
        d2024d=rec("d2024d", 2024, "Alpha", subcategory="gradient-based"),  # another subcategory, same author
    )
    g = build_graph(kb)
    ranked = related_papers(kb, g, kb.papers["a2024a"])
    # sharing AdvBench outranks a closer year (chao2023jailbreaking of the fixture also evaluates on it, and is closer to 2024)
    assert ranked[:3] == ("chao2023jailbreaking", "b2020b", "c2024c")
    assert "d2024d" in ranked and ranked.index("d2024d") > 2  # a co-author's paper after the subcategory
    assert "a2024a" not in ranked and len(ranked) == len(set(ranked))


def test_a_threat_no_paper_addresses_is_neither_counted_nor_a_filter():
    kb = base()  # the minimal base defines jailbreak and prompt injection; its papers are all jailbreak
    data = json.loads(explorer_index(kb))
    assert [t[0] for t in data["threats"]] == ["jailbreak"]
    assert planner(kb).counts()["threats"] == 1


def test_a_challenge_lists_its_papers_and_names_only_known_ones():
    name = next(k for k in MINIMAL if k.startswith("taxonomy/challenges/"))
    text = MINIMAL[name].rstrip("\n") + "\npapers: [zou2023universal, nosuch2024paper]\n"
    _, problems = base_from_texts({**MINIMAL, name: text})
    assert any("nosuch2024paper" in d.message and d.severity == "error" for d in problems)
    files = {**MINIMAL, name: MINIMAL[name].rstrip("\n") + "\npapers: [zou2023universal]\n"}
    kb, problems = base_from_texts(files)
    assert not [d for d in problems if d.severity == "error"]
    items = [i for g in planner(kb).challenges().context["groups"] for i in g["entries"]]
    assert [r.title for i in items for r in i["papers"]] == [kb.papers["zou2023universal"].title]


def test_a_paper_placed_twice_at_one_node_is_an_error_unless_the_survey_lists_it_in_two_sections():
    place = "  - family: llm\n    threat: jailbreak\n    side: attack\n    category: black-box\n    subcategory: llm-generated\n"
    head = "id: x2024twice\ntitle: Twice placed\nauthors: [{family: Doe, given: Ann}]\nyear: 2024\nclassifications:\n"
    files = {**MINIMAL, "taxonomy/scopes/llm.jailbreak.defense.yaml": DEFENSE_SCOPE}
    _, problems = base_from_texts({**files, "papers/x2024twice.yaml": head + place + place})
    assert [d.message for d in problems if d.severity == "error"] == ["placed at llm.jailbreak.attack.black-box.llm-generated twice"]
    two_sections = place + "    section: llm-jailbreak-attack\n" + place + "    section: agent-agentic-attacks-defenses\n"
    _, problems = base_from_texts({**files, "papers/x2024twice.yaml": head + two_sections})
    assert not [d for d in problems if d.severity == "error"], problems
