"""Graph functions on the minimal base: back-links, roll-ups, matrix, related papers."""

from __future__ import annotations

from safetyatlas.graph import build_graph, coverage, nodes_of, related_papers
from safetyatlas.pipeline import open_base


def test_back_links_and_matrix(tree):
    kb, _ = open_base(tree())
    g = build_graph(kb)
    assert g.papers_by_node["llm.jailbreak.attack.white-box.gradient-based"] == ("zou2023universal",)
    assert set(g.papers_by_node["llm.jailbreak.attack"]) == {"zou2023universal", "chao2023jailbreaking"}
    assert set(g.papers_by_node["jailbreak.attack"]) == {"zou2023universal", "chao2023jailbreaking"}
    assert g.introduced_by["advbench"] == ("zou2023universal",)
    assert g.used_by["advbench"] == ("chao2023jailbreaking",)
    assert g.cited_by["zou2023universal"] == ("chao2023jailbreaking",)
    assert g.matrix == {("llm", "jailbreak", "attack"): 2}


def test_sub_families_roll_up_into_their_parent(tree):
    text = (
        (tree() / "papers/chao2023jailbreaking.yaml")
        .read_text()
        .replace("    section: llm-jailbreak-attack\n", "    section: llm-jailbreak-attack\n  - family: llm-agent\n    section: agent-agentic-attacks-defenses\n")
    )
    kb, warnings = open_base(tree(files={"papers/chao2023jailbreaking.yaml": text}))
    assert any("not classified beyond family 'llm-agent'" in w.message for w in warnings)
    chao = kb.papers["chao2023jailbreaking"]
    assert {"llm-agent", "agent"} <= nodes_of(kb, chao)
    assert coverage(kb).complete == 2 and coverage(kb).classifications == 3


def test_related_papers_explicit_first_then_same_subcategory_without_repeats(tree):
    kb, _ = open_base(tree())
    g = build_graph(kb)
    assert related_papers(kb, g, kb.papers["chao2023jailbreaking"]) == ("zou2023universal",)
    assert related_papers(kb, g, kb.papers["zou2023universal"]) == ("chao2023jailbreaking",)
    assert related_papers(kb, g, kb.papers["zou2023universal"], limit=0) == ()
