"""The list importer, on a small list in the survey's shape written for the tests."""

from __future__ import annotations


import pytest

from safetyatlas.errors import ValidationFailed
from safetyatlas.importer import run_import
from safetyatlas.pipeline import open_base
from safetyatlas.listparse import parse_authors, parse_list, parse_venue

from conftest import FIXTURES

SMALL = FIXTURES / "lists" / "small.md"


@pytest.fixture
def empty_base(tree):
    """The minimal taxonomy with no papers."""
    scope = (FIXTURES / "minimal/taxonomy/scopes/llm.jailbreak.attack.yaml").read_text().replace("representative: [zou2023universal]", "")
    return tree(files={"papers/zou2023universal.yaml": None, "papers/chao2023jailbreaking.yaml": None, "taxonomy/scopes/llm.jailbreak.attack.yaml": scope})


def test_authors_latex_and_truncation():
    authors, truncated, problems = parse_authors("Tram{\\`e}r, Florian, P{\\'e}rez, F{\\'a}bio, **and** others", 3)
    assert authors == (("Tramèr", "Florian"), ("Pérez", "Fábio"))
    assert truncated and problems == []


@pytest.mark.parametrize("line", ["Zou, Andy, **and others**", "Zou, Andy, *et al.*", "Zou, Andy, **et al.**", "Zou, Andy, **and** others"])
def test_every_spelling_of_a_truncated_list(line):
    authors, truncated, _ = parse_authors(line, 1)
    assert authors == (("Zou", "Andy"),) and truncated


def test_bibtex_style_and_given_family_author_lines():
    assert parse_authors("Zhang, Qingjie and Qiu, Han and Wang, Di", 1)[0] == (("Zhang", "Qingjie"), ("Qiu", "Han"), ("Wang", "Di"))
    authors, _, problems = parse_authors("Qihao Liu, Adam Kortylewski, **and** Alan Yuille", 1)
    assert authors == (("Liu", "Qihao"), ("Kortylewski", "Adam"), ("Yuille", "Alan"))
    assert "Given Family" in problems[0].message


def test_cut_off_author_line_is_reported():
    authors, _, problems = parse_authors("Rando, Javier, **and** Tram{\\`e", 9)
    assert authors[0] == ("Rando", "Javier")
    assert any("unbalanced braces" in p.message and p.line == 9 for p in problems)


def test_venue_lines():
    v, _ = parse_venue("*IEEE Transactions on Multimedia*, 26, 3778-3787, 2023.", 1)
    assert (v.venue, v.volume, v.pages, v.year) == ("IEEE Transactions on Multimedia", "26", "3778-3787", 2023)
    v, _ = parse_venue("*arXiv preprint arXiv:2412.09565v2*, 2025.", 1)
    assert (v.venue, v.arxiv, v.year) == ("arXiv", "2412.09565", 2025)
    v, _ = parse_venue("*ACM TOSEM*, Vol. 33, p. 38, 2024.", 1)
    assert (v.volume, v.pages) == ("33", "38")
    v, problems = parse_venue("*NeurIPS*.", 4)
    assert v.year is None and problems[0].line == 4


def test_parse_list_sections_and_chapters():
    entries, problems = parse_list(SMALL.read_text())
    assert problems == []
    assert [(e.chapter, e.section) for e in entries][-1] == (7, "Agentic Attacks & Defenses")
    assert len(entries) == 6  # 'Not a paper' under Open Challenges is not an entry


def test_import_creates_one_record_per_distinct_title(empty_base):
    plan = run_import(empty_base, SMALL)
    assert sorted(plan.created) == ["muller2022invented", "tramer2024made", "zou2023universal"]
    kb, _ = open_base(empty_base)
    tramer = kb.papers["tramer2024made"]
    assert [c.section for c in tramer.classifications] == ["llm-jailbreak-attack", "agent-agentic-attacks-defenses"]
    assert [a.family for a in tramer.authors] == ["Tramèr", "Pérez"]
    zou = kb.papers["zou2023universal"]
    assert zou.authors_truncated and zou.arxiv == "2307.15043" and zou.venue == "arxiv" and zou.entry_type == "misc"
    assert all(a.family != "others" for p in kb.papers.values() for a in p.authors)


def test_import_reports_suspicious_lines(empty_base):
    plan = run_import(empty_base, SMALL)
    messages = {(d.line, d.message.split(" (")[0][:40]) for d in plan.problems}
    assert (17, "'a made-up study of gradient tricks' is ") in messages  # twice in one section
    assert any(d.line == 23 and "unknown venue 'Journal of Invented Results'" in d.message for d in plan.problems)
    assert any(d.line == 25 and "no year" in d.message for d in plan.problems)


def test_import_is_idempotent(empty_base):
    run_import(empty_base, SMALL)
    before = {p: p.read_bytes() for p in (empty_base / "papers").iterdir()}
    plan = run_import(empty_base, SMALL)
    assert plan.files == {} and len(plan.unchanged) == 3
    assert {p: p.read_bytes() for p in (empty_base / "papers").iterdir()} == before


def test_hand_edits_survive_and_force_rewrites_bibliography(empty_base):
    run_import(empty_base, SMALL)
    path = empty_base / "papers/zou2023universal.yaml"
    edited = (
        path.read_text()
        .replace("title: Universal and", "title: Universal & hand-edited and")
        .replace("  section: llm-jailbreak-attack", "  category: white-box\n  subcategory: gradient-based\n  section: llm-jailbreak-attack")
    )
    path.write_text(edited)
    plan = run_import(empty_base, SMALL)
    assert "zou2023universal" in plan.kept and path.read_text() == edited
    plan = run_import(empty_base, SMALL, force=True)
    assert plan.rewritten == ["zou2023universal"]
    kb, _ = open_base(empty_base)
    assert kb.papers["zou2023universal"].title.startswith("Universal and")
    assert kb.papers["zou2023universal"].classifications[0].subcategory == "gradient-based"


def test_new_placement_is_appended_to_existing_record(empty_base):
    run_import(empty_base, SMALL)
    path = empty_base / "papers/tramer2024made.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("- family: llm-agent")] + "added: 2026-11-23\n")
    plan = run_import(empty_base, SMALL)
    assert plan.extended == ["tramer2024made"]
    assert "section: agent-agentic-attacks-defenses" in path.read_text()


def test_unknown_section_writes_nothing(empty_base):
    (empty_base / "taxonomy/sections.yaml").write_text((empty_base / "taxonomy/sections.yaml").read_text().replace("Agentic Attacks & Defenses", "Something Else"))
    with pytest.raises(ValidationFailed) as info:
        run_import(empty_base, SMALL)
    assert any("unknown section 'Agentic Attacks & Defenses'" in d.message for d in info.value.diagnostics)
    assert list((empty_base / "papers").iterdir()) == []


def test_ids_follow_the_cite_key_scheme_and_never_collide(empty_base):
    from safetyatlas.ids import make_paper_id

    assert make_paper_id("Zou", 2023, "Universal and transferable attacks") == "zou2023universal"
    assert make_paper_id("Tramèr", 2024, "On the Robustness of X") == "tramer2024robustness"
    assert make_paper_id("Zou", 2023, "Universal things", {"zou2023universal"}) == "zou2023universalb"
