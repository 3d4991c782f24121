"""CSL-JSON export and the whole-base JSON dump."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from safetyatlas.cli.records import export
from safetyatlas.csl import csl_items, dump_json, to_csl_item
from safetyatlas.pipeline import open_base
from safetyatlas.schema import SCHEMA_VERSION, MODELS, Author, Classification, Paper, Venue

from conftest import ROOT

TIFS = Venue(id="tifs", name="IEEE TIFS", full_name="IEEE Transactions on Information Forensics and Security", type="journal")


def run(*args):
    return CliRunner().invoke(export, [str(a) for a in args], catch_exceptions=False)


def test_arxiv_preprint_item(tree):
    kb, _ = open_base(tree())
    item = to_csl_item(kb.papers["zou2023universal"], kb.venues)
    assert item == {
        "id": "zou2023universal",
        "type": "article",
        "title": "Universal and Transferable Adversarial Attacks on Aligned Language Models",
        "author": [{"family": "Zou", "given": "Andy"}, {"family": "Wang", "given": "Zifan"}],
        "issued": {"date-parts": [[2023]]},
        "number": "arXiv:2307.15043",
        "publisher": "arXiv",
        "URL": "https://arxiv.org/abs/2307.15043",
        "note": "Author list truncated; see the paper for every author.",
    }


def test_journal_article_item_is_plain_unicode():
    p = Paper(
        id="tramer2024robust",
        title="Robust & fast: 50% of x_1",
        authors=(Author(family="Tramèr", given="Florian"), Author(family="OpenAI")),
        year=2024,
        venue="tifs",
        entry_type="article",
        volume="19",
        number="2",
        pages="1-10",
        doi="10.1109/x",
        classifications=(Classification(family="llm"),),
    )
    item = to_csl_item(p, {"tifs": TIFS})
    assert item["type"] == "article-journal" and item["title"] == "Robust & fast: 50% of x_1"
    assert item["author"] == [{"family": "Tramèr", "given": "Florian"}, {"literal": "OpenAI"}]
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (TIFS.full_name, "19", "2", "1-10")
    assert item["DOI"] == "10.1109/x" and item["URL"] == "https://doi.org/10.1109/x"


def test_every_real_paper_becomes_a_csl_item_with_the_required_keys():
    kb, _ = open_base(ROOT)
    items = csl_items(kb.papers.values(), kb.venues)
    assert [i["id"] for i in items] == list(kb.papers)
    for item in items:
        assert {"id", "type", "title", "author", "issued"} <= set(item), item["id"]
        assert all("family" in a or "literal" in a for a in item["author"])


def test_json_dump_is_versioned_and_loses_nothing(tree):
    kb, _ = open_base(tree())
    data = json.loads(json.dumps(dump_json(kb)))
    assert data["schema_version"] == SCHEMA_VERSION
    assert [p["id"] for p in data["papers"]] == list(kb.papers)
    assert [MODELS["paper"].model_validate(p) for p in data["papers"]] == list(kb.papers.values())
    assert [MODELS["scope"].model_validate({k: v for k, v in s.items() if k != "id"}) for s in data["scopes"]] == list(kb.scopes.values())
    assert data["scopes"][0]["id"] == "llm.jailbreak.attack"


def test_cli_csl_and_json_are_deterministic(tree, tmp_path):
    root = tree()
    first = run("csl", "--root", root, "--side", "attack")
    assert first.exit_code == 0 and first.output == run("csl", "--root", root, "--side", "attack").output
    assert [i["id"] for i in json.loads(first.output)] == ["chao2023jailbreaking", "zou2023universal"]
    out = tmp_path / "base.json"
    result = run("json", "--root", root, "-o", out)
    assert result.exit_code == 0 and json.loads(out.read_text())["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize("option", [("--family", "llm"), ("--from", "2020")])
def test_json_dump_refuses_a_selection(tree, option):
    result = run("json", "--root", tree(), *option)
    assert result.exit_code == 2 and "whole base" in result.output


def test_export_help_has_an_example():
    result = run("--help")
    assert "Example:" in result.output and "safetyatlas export bibtex" in result.output
