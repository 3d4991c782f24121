"""Peer-list adapters and the shared import pipeline, on small lists written for these tests."""

from __future__ import annotations


import pytest
import yaml
from click.testing import CliRunner

from safetyatlas.cli import main
from safetyatlas.errors import ValidationFailed
from safetyatlas.importing import plan_import, read_metadata, run_import, split_name
from safetyatlas.pipeline import open_base
from safetyatlas.peerlists import parse_arxiv_digest, parse_jailbreak_list, parse_llm_sp, parse_lmssp, parse_openredteaming, parse_unlearning_list

from conftest import FIXTURES

PEERS = FIXTURES / "peers"
SOURCES = """
- {id: survey, name: Survey list, repository: 'https://github.com/example/survey', license: MIT, description: The survey's list.}
- {id: lm-ssp, name: Awesome-LM-SSP, repository: 'https://github.com/CryptoAILab/Awesome-LM-SSP', license: Apache-2.0, commit: 56d0110, description: A large list.}
- {id: jailbreak-list, name: Awesome-Jailbreak-on-LLMs, repository: 'https://github.com/yueliu1999/Awesome-Jailbreak-on-LLMs', license: MIT, description: Jailbreak tables.}
- {id: unlearning-list, name: awesome-llm-unlearning, repository: 'https://github.com/chrisliu298/awesome-llm-unlearning', license: Apache-2.0, description: Unlearning papers.}
- {id: llm-sp, name: llm-sp, repository: 'https://github.com/chawins/llm-sp', license: Apache-2.0, description: Security and privacy papers.}
- {id: arxiv-digest, name: arXiv digest, repository: 'https://github.com/shenyizg/NewAdversarialAttackPaper', license: Apache-2.0, description: A daily digest.}
- {id: openredteaming, name: OpenRedTeaming, repository: 'https://github.com/Libr-AI/OpenRedTeaming', license: MIT, description: Red-teaming papers.}
"""
EXTRA_FAMILY = "- {id: vlm, name: Vision-language models, short: VLM, description: Models that read images and text.}\n"
EXTRA_THREAT = "- {id: unlearning, name: Machine unlearning, attack_name: Attacks on unlearning, defense_name: Unlearning methods, description: Forgetting chosen data.}\n"


@pytest.fixture
def base(tree):
    minimal = FIXTURES / "minimal" / "taxonomy"
    return tree(
        files={
            "taxonomy/sources.yaml": SOURCES,
            "taxonomy/families.yaml": (minimal / "families.yaml").read_text() + EXTRA_FAMILY,
            "taxonomy/threats.yaml": (minimal / "threats.yaml").read_text() + EXTRA_THREAT,
        }
    )


def test_lmssp_entries_keep_the_facts_and_no_prose():
    entries = parse_lmssp(PEERS / "lm-ssp")
    riddles = next(e for e in entries if e.arxiv == "2511.00001")
    assert riddles.title == "Invented Attack: Jailbreaking Chat Models with Made-up Riddles"
    assert riddles.code == "https://github.com/example/riddles"
    assert riddles.venue == "NeurIPS'25" and riddles.badges == ("LLM", "NeurIPS'25")
    assert (riddles.year, riddles.month, riddles.topic) == (2025, 11, "safety/jailbreak")
    findings = next(e for e in entries if "Findings" in e.title)
    assert findings.url == "https://aclanthology.org/2025.findings-acl.1/" and findings.venue == "ACL'25 (Findings)"
    assert len(entries) == 6


def test_jailbreak_and_unlearning_adapters():
    jb = parse_jailbreak_list(PEERS / "jailbreak-list")
    assert [(e.arxiv, e.venue, e.code, e.topic) for e in jb] == [
        ("2511.00001", "NeurIPS'25", "https://github.com/example/riddles", "Black-box Attack"),
        ("2402.00005", None, None, "Black-box Attack"),
    ]
    un = parse_unlearning_list(PEERS / "unlearning-list")
    assert un[0].authors == ("Ada Lovelace", "Ludwig van der Berg") and un[0].venue == "ICLR 2026"
    assert un[0].code == "https://github.com/example/forgetting" and (un[0].year, un[0].month) == (2025, 5)
    assert un[1].url == "https://openreview.net/forum?id=AbCdEf123" and un[1].venue is None and un[1].code is None


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("https://github.com/tmlr-group/DeepInception?tab=readme-ov-file", "https://github.com/tmlr-group/DeepInception"),
        ("https://github.com/llm-attacks/llm-attacks.git", "https://github.com/llm-attacks/llm-attacks"),
        ("http://www.github.com/example/riddles/#readme", "https://github.com/example/riddles"),
        ("https://github.com/meta-llama/llama-recipes/tree/main/recipes/responsible_ai/llama_guard/", "https://github.com/meta-llama/llama-recipes/tree/main/recipes/responsible_ai/llama_guard"),
        ("https://gitlab.com/group/project/", "https://gitlab.com/group/project"),
    ],
)
def test_code_links_have_one_spelling(raw, canonical):
    from safetyatlas.ids import normalise_code_url

    assert normalise_code_url(raw) == canonical


def test_a_list_code_link_with_view_state_is_read_canonically(tmp_path):
    readme = (PEERS / "jailbreak-list" / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(readme.replace("github.com/example/riddles)", "github.com/example/riddles?tab=readme-ov-file)"), encoding="utf-8")
    assert parse_jailbreak_list(tmp_path)[0].code == "https://github.com/example/riddles"


def test_a_list_link_to_a_publishers_doi_page_gives_the_doi(tmp_path):
    readme = (PEERS / "jailbreak-list" / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(readme.replace("https://arxiv.org/abs/2402.00005", "https://link.springer.com/chapter/10.1007/978-3-031-00001-2_3"), encoding="utf-8")
    entry = parse_jailbreak_list(tmp_path)[1]
    assert (entry.arxiv, entry.doi, entry.url) == (None, "10.1007/978-3-031-00001-2_3", None)  # the DOI leads to that page


def test_openredteaming_adapter_reads_wrapped_entries_and_drops_broken_links():
    entries = parse_openredteaming(PEERS / "openredteaming")
    assert [(e.title, e.topic) for e in entries] == [
        ("An Invented Guard for Vision-Language Models", "defenses/inference-time-defenses"),
        ("A Wrapped Title About Invented Refusal Filters", "defenses/inference-time-defenses"),
        ("Invented Safety Tuning on a Published Venue", "defenses/training-time-defenses"),
        ("Invented Attack: Jailbreaking Chat Models with Made-up Riddles", "multimodal-red-teaming/attack-strategies"),
    ]
    guard, wrapped, tuning, riddles = entries
    assert guard.arxiv == "2510.00002" and guard.authors == ("Carol Sample",) and guard.year == 2025
    # the list's link "arxiv.org/abs/2311.176" is cut short: no arXiv id, and no broken link kept either
    assert (wrapped.arxiv, wrapped.url) == (None, None) and wrapped.authors == ("Erin Writer", "Frank de la Cruz")
    assert tuning.url == "https://openreview.net/forum?id=XyZ123abc" and tuning.authors == ("Grace Hopper",)  # "et al." is not a person
    assert riddles.line == 3 and riddles.path == "paper_list/07 - Multimodal Red Teaming.md"


def test_openredteaming_import_places_by_theme(base):
    plan = run_import(base, "openredteaming", PEERS / "openredteaming")
    nodes = {p.title: p.classifications[0].node for p in plan.new}
    assert nodes["An Invented Guard for Vision-Language Models"] == "llm.jailbreak.defense"
    assert nodes["Invented Attack: Jailbreaking Chat Models with Made-up Riddles"] == "vlm.jailbreak.attack"
    wrapped = next(p for p in plan.new if p.title.startswith("A Wrapped"))
    assert (wrapped.arxiv, wrapped.url, wrapped.year, wrapped.venue) == (None, None, 2023, None)
    again = run_import(base, "openredteaming", PEERS / "openredteaming")
    assert again.files == {} and again.unchanged == 4


def test_llm_sp_keeps_titles_and_topics_never_notes():
    entries = parse_llm_sp(PEERS / "llm-sp")
    assert [(e.title, e.topic, e.arxiv, e.year) for e in entries] == [
        ("Invented Attack: Jailbreaking Chat Models with Made-up Riddles", "vulnerabilities/prompt-injection", "2511.00001", 2025),
        ("An Invented Guard for Vision-Language Models", "defenses/fine-tuning", "2510.00002", 2025),  # inline HTML dropped
        ("An Invented Detector of Generated Text", "machine-text-detection", "2401.00009", 2024),
    ]
    assert not any("note" in repr(e) for e in entries)


def test_llm_sp_import_places_by_section_and_records_out_of_scope_topics(base):
    plan = run_import(base, "llm-sp", PEERS / "llm-sp", metadata=[PEERS / "metadata.jsonl"])
    nodes = {p.arxiv: p.classifications[0].node for p in plan.new}
    assert nodes == {"2511.00001": "llm.prompt-injection.attack", "2510.00002": "llm.jailbreak.defense"}
    assert [(e.key, e.reason) for e in plan.excluded] == [("2401.00009", "detecting machine-generated text, outside the survey's threats")]


def test_the_digest_is_imported_by_selection_only(base):
    everything = parse_arxiv_digest(PEERS / "metadata.jsonl")
    assert len(everything) == 3 and everything[0].authors == ("Alice Example", "Bob de Tester") and (everything[0].year, everything[0].month) == (2025, 11)
    plan = run_import(base, "arxiv-digest", PEERS / "metadata.jsonl", only=["2510.00002"])
    assert [p.arxiv for p in plan.new] == ["2510.00002"] and plan.new[0].listed_in == ("arxiv-digest",)
    assert plan.new[0].classifications[0].threat is None  # the digest says nothing about placement: curators classify
    keys = base / "keys.txt"
    keys.write_text("# the curated selection\n2511.00001  # riddles\n")
    result = CliRunner().invoke(main, ["import", "arxiv-digest", str(PEERS / "metadata.jsonl"), "--root", str(base), "--only", str(keys), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output.splitlines()[-1] and "riddles" not in result.output.splitlines()[-1]


def test_a_second_metadata_file_gives_the_authors_a_list_lacks(base):
    run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    plan = run_import(base, "jailbreak-list", PEERS / "jailbreak-list", metadata=[PEERS / "metadata.jsonl", PEERS / "found-authors.jsonl"])
    assert plan.pending == []
    [found] = [p for p in plan.new if p.arxiv == "2402.00005"]
    assert [a.family for a in found.authors] == ["Finder"] and found.title == "Another Invented Black-box Jailbreak"


def test_a_broken_metadata_line_is_a_clear_error(tmp_path):
    bad = tmp_path / "m.jsonl"
    bad.write_text('{"arxiv": "2401.00001", "title": "T", "authors": []}\n{"title": "no id"}\n')
    with pytest.raises(ValidationFailed) as caught:
        read_metadata(bad)
    [d] = caught.value.diagnostics
    assert d.line == 2 and "not a metadata line" in d.message


def test_names_split_by_bibtex_rules():
    assert split_name("Ludwig van der Berg").family == "van der Berg"
    assert split_name("Bob de Tester").given == "Bob"
    assert split_name("Janus").given is None


def test_plan_new_known_excluded_and_pending(base):
    kb, _ = open_base(base)
    plan = plan_import(kb, "lm-ssp", parse_lmssp(PEERS / "lm-ssp"), metadata=read_metadata(PEERS / "metadata.jsonl"))
    new = {p.arxiv or p.url: p for p in plan.new}
    assert set(new) == {"2511.00001", "2510.00002"}
    riddles = new["2511.00001"]
    assert riddles.venue == "neurips" and riddles.year == 2025 and riddles.listed_in == ("lm-ssp",)
    assert [a.family for a in riddles.authors] == ["Example", "de Tester"]
    assert riddles.classifications[0].node == "llm.jailbreak.attack"
    guard = new["2510.00002"]
    assert guard.classifications[0].node == "vlm.jailbreak.defense"
    # GCG is in the base: it gains the source and nothing else changes
    [(before, after, what)] = plan.updated
    assert before.id == "zou2023universal" and after.listed_in == ("lm-ssp",)
    assert set(what) == {"listed_in", "code"} and after.code == "https://github.com/llm-attacks/llm-attacks"
    assert [e.reason.startswith("hallucination") for e in plan.excluded] == [True]
    assert sorted(e.title for e, _ in plan.pending) == ["A Paper Nobody Has Metadata For", "Findings Paper on Invented Jailbreaks"]


def test_running_twice_changes_nothing_the_second_time(base):
    first = run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    assert first.new and first.files
    excluded = yaml.safe_load((base / "taxonomy" / "exclusions.yaml").read_text())
    assert excluded[0]["source"] == "lm-ssp" and excluded[0]["key"] == "2401.00004"
    second = run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    assert second.files == {} and second.new == [] and second.skipped == 1
    open_base(base, strict=False)


def test_a_hand_edit_is_never_overwritten_and_venues_are_only_proposed(base):
    run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    kb, _ = open_base(base)
    pid = next(p.id for p in kb.papers.values() if p.arxiv == "2511.00001")
    path = base / "papers" / f"{pid}.yaml"
    edited = path.read_text().replace("venue: neurips", "venue: arxiv").replace("entry_type: inproceedings", "entry_type: misc")
    path.write_text(edited)
    plan = run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    assert path.read_text() == edited and plan.proposed == [(pid, "venue arxiv -> neurips 2025")]
    run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"], force=True)
    assert "venue: neurips" in path.read_text()


def test_two_lists_one_paper(base):
    run_import(base, "lm-ssp", PEERS / "lm-ssp", metadata=[PEERS / "metadata.jsonl"])
    plan = run_import(base, "jailbreak-list", PEERS / "jailbreak-list", metadata=[PEERS / "metadata.jsonl"])
    kb, _ = open_base(base)
    riddles = next(p for p in kb.papers.values() if p.arxiv == "2511.00001")
    assert riddles.listed_in == ("jailbreak-list", "lm-ssp")
    assert [e.arxiv for e, _ in plan.pending] == ["2402.00005"]  # no authors known for it anywhere


def test_unlearning_list_imports_with_its_own_authors(base):
    plan = run_import(base, "unlearning-list", PEERS / "unlearning-list")
    kb, _ = open_base(base)
    forgetting = next(p for p in kb.papers.values() if p.arxiv == "2505.00006")
    # the fixture's venue table has no ICLR: reported, and the paper is filed as the arXiv preprint it is
    assert (forgetting.id, forgetting.venue, forgetting.year) == ("lovelace2025invented", "arxiv", 2025)
    assert any("unknown venue 'ICLR 2026'" in d.message and d.severity == "warning" for d in plan.problems)
    assert [a.family for a in forgetting.authors] == ["Lovelace", "van der Berg"]
    assert forgetting.classifications[0].node == "llm.unlearning.defense"
    relearn = next(p for p in kb.papers.values() if p.url)
    assert relearn.url == "https://openreview.net/forum?id=AbCdEf123" and relearn.authors[0].family == "Hopper"


def test_cli_dry_run_prints_the_plan_and_writes_nothing(base):
    before = sorted(p.name for p in (base / "papers").iterdir())
    result = CliRunner().invoke(main, ["import", "lm-ssp", str(PEERS / "lm-ssp"), "--root", str(base), "--metadata", str(PEERS / "metadata.jsonl"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "new        " in result.output and "exclude    " in result.output and "pending    " in result.output
    assert sorted(p.name for p in (base / "papers").iterdir()) == before


def test_an_unknown_source_is_a_clear_error(tree):
    kb, _ = open_base(tree())
    plan = plan_import(kb, "lm-ssp", parse_lmssp(PEERS / "lm-ssp"))
    assert "no source 'lm-ssp'" in plan.problems[0].message


def test_an_exclusion_holds_whatever_key_the_entry_is_found_by(base, tmp_path):
    """Recorded under the arXiv id the metadata gives, it still holds for a list entry that links elsewhere."""
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        (PEERS / "metadata.jsonl").read_text()
        + '{"arxiv": "2508.00009", "title": "Findings Paper on Invented Jailbreaks", "authors": ["Eve Example"], "submitted": "2025-08-01", "categories": [], "abstract": "x"}\n'
    )
    (base / "taxonomy" / "exclusions.yaml").write_text("- {source: lm-ssp, key: '2508.00009', title: Findings Paper on Invented Jailbreaks, reason: out of scope for the test}\n")
    kb, _ = open_base(base)
    plan = plan_import(kb, "lm-ssp", parse_lmssp(PEERS / "lm-ssp"), metadata=read_metadata(meta))
    assert "Findings Paper on Invented Jailbreaks" not in [p.title for p in plan.new]
    assert plan.skipped == 1
