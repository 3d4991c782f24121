"""The synthetic knowledge bases used by the benchmarks: valid, deterministic, over the real taxonomy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safetyatlas.pipeline import open_base
from safetyatlas.pipeline import open_taxonomy
from synth import required_papers, synth_papers, write_base, write_papers

from conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def real_taxonomy():
    return open_taxonomy(ROOT)


def test_fifty_papers_validate(tmp_path: Path):
    n = write_base(tmp_path, FIXTURES / "minimal", 50, seed=1)
    kb, warnings = open_base(tmp_path, strict=True)
    assert n == len(kb.papers) == 50
    assert warnings == []
    assert "zou2023universal" in kb.papers  # named as representative by the fixture taxonomy
    assert any(p.related for p in kb.papers.values())
    assert any(len(p.classifications) > 1 for p in kb.papers.values())
    assert any(p.introduces or p.evaluates_on for p in kb.papers.values())


def test_same_seed_same_papers(real_taxonomy):
    n = len(required_papers(real_taxonomy)) + 30
    assert synth_papers(real_taxonomy, n, seed=7) == synth_papers(real_taxonomy, n, seed=7)
    assert synth_papers(real_taxonomy, n, seed=7) != synth_papers(real_taxonomy, n, seed=8)


def test_real_taxonomy_validates_and_is_used(real_taxonomy, tmp_path: Path):
    required = required_papers(real_taxonomy)
    papers = synth_papers(real_taxonomy, len(required) + 100, seed=3)
    for p in papers:
        for c in p.classifications:
            if c.role == "background":  # context papers sit at their scope
                assert c.category is None and c.scope in real_taxonomy.scopes, (p.id, c.node)
                continue
            assert real_taxonomy.subcategory(c.scope, c.category, c.subcategory) is not None, (p.id, c.node)
    for pid, nodes in required.items():
        paper = next(p for p in papers if p.id == pid)  # a paper a challenge cites exists, placed anywhere
        if not nodes:
            continue
        assert {(c.scope, c.category, c.subcategory) for c in paper.classifications if c.role != "background"} <= set(nodes)
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")  # a linked record folder is refused
    write_papers(tmp_path, papers)
    kb, warnings = open_base(tmp_path)
    # random names from a small pool can look like one person spelled two ways: that warning only
    assert len(kb.papers) == len(papers) and [w for w in warnings if "same person" not in w.message] == []


def test_too_few_papers_for_the_taxonomy(real_taxonomy):
    with pytest.raises(ValueError, match="representative papers"):
        synth_papers(real_taxonomy, 10)
