"""``safetyatlas add``: BibTeX or arXiv in, validated and correctly named records out, or nothing."""

from __future__ import annotations

import io
import os
import re
import urllib.error
from pathlib import Path

import pytest
from click.testing import CliRunner

from safetyatlas.cli import records as cli_records
from safetyatlas.adder import arxiv_bibtex, arxiv_id
from safetyatlas.cli.records import add
from safetyatlas.errors import ImportProblem, UsageProblem
from safetyatlas.pipeline import open_base
from safetyatlas.writing import SCHEMA_COMMENT

from conftest import FIXTURES, ROOT

FLAGS = ("--family", "llm", "--threat", "jailbreak", "--side", "attack", "--category", "black-box", "--subcategory", "llm-generated")
QI = """@inproceedings{Qi2023,
  title = {Fine-tuning Aligned {LLMs} Compromises Safety, Even When Users Do Not Intend To!},
  author = {Qi, Xiangyu and Zeng, Yi and others},
  booktitle = {NeurIPS},
  year = {2024}
}
"""
ATOM = (FIXTURES / "arxiv" / "2310.03693.atom").read_bytes()


@pytest.fixture(scope="module")
def real_kb():
    return open_base(ROOT)[0]


def run(*args, input: str | None = None):
    return CliRunner().invoke(add, [str(a) for a in args], input=input, catch_exceptions=False)


def papers(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "papers").iterdir())}


def bib(tmp_path: Path, text: str, name: str = "in.bib") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_add_writes_one_correctly_named_record_that_validates(tree, tmp_path):
    root = tree()
    result = run(bib(tmp_path, QI), "--root", root, *FLAGS)
    assert result.exit_code == 0, result.output
    assert "added papers/qi2024fine.yaml" in result.output
    text = (root / "papers/qi2024fine.yaml").read_text()
    assert text.startswith(SCHEMA_COMMENT)
    kb, warnings = open_base(root, strict=True)
    qi = kb.papers["qi2024fine"]
    assert warnings == []
    assert (qi.title, qi.venue, qi.entry_type, qi.authors_truncated) == ("Fine-tuning Aligned LLMs Compromises Safety, Even When Users Do Not Intend To!", "neurips", "inproceedings", True)
    assert qi.classifications[0].node == "llm.jailbreak.attack.black-box.llm-generated"
    assert not list((root / "papers").glob(".tmp-*"))
    umask = os.umask(0)
    os.umask(umask)
    assert (root / "papers/qi2024fine.yaml").stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a temp file


def test_several_entries_from_stdin(tree):
    root = tree()
    second = "@misc{x, title = {Another jailbreak}, author = {Roe, Rita}, year = 2025, eprint = {2501.00001}, archivePrefix = {arXiv}}\n"
    result = run("-", "--root", root, *FLAGS, input=QI + second)
    assert result.exit_code == 0, result.output
    assert {"qi2024fine.yaml", "roe2025another.yaml"} <= set(papers(root))
    kb, _ = open_base(root)
    assert kb.papers["roe2025another"].venue == "arxiv" and kb.papers["roe2025another"].arxiv == "2501.00001"


def test_dry_run_prints_and_writes_nothing(tree, tmp_path):
    root = tree()
    before = papers(root)
    result = run(bib(tmp_path, QI), "--root", root, "--dry-run", *FLAGS)
    assert result.exit_code == 0 and "id: qi2024fine" in result.output and "not written" in result.output
    assert papers(root) == before


DOI_CHAO = (FIXTURES / "minimal/papers/chao2023jailbreaking.yaml").read_text().replace('arxiv: "2310.08419"', 'arxiv: "2310.08419"\ndoi: 10.1000/Chao.2023')


@pytest.mark.parametrize(
    "entry, why, existing",
    [
        ("@misc{a, title={Something else entirely}, author={Doe, J}, year=2023, eprint={2307.15043v2}, archivePrefix={arXiv}}", "same arXiv id 2307.15043", "zou2023universal"),
        (
            "@article{a, title={Something else entirely}, author={Doe, J}, year=2023, journal={arXiv preprint}, doi={https://doi.org/10.1000/chao.2023}}",
            "same DOI 10.1000/chao.2023",
            "chao2023jailbreaking",
        ),
        (
            "@misc{a, title={Universal and transferable adversarial attacks on aligned language model}, author={Zou, A}, year=2023, howpublished={arXiv preprint}}",
            "near-identical title",
            "zou2023universal",
        ),
        ("@misc{a, title={Jailbreaking black-box large language models in twenty queries}, author={Chao, P}, year=2023, howpublished={arXiv preprint}}", "same title", "chao2023jailbreaking"),
    ],
)
def test_duplicates_are_refused_naming_the_existing_record(tree, tmp_path, entry, why, existing):
    root = tree(files={"papers/chao2023jailbreaking.yaml": DOI_CHAO})
    before = papers(root)
    result = run(bib(tmp_path, QI + entry), "--root", root, *FLAGS)
    assert result.exit_code == 1
    assert "in.bib:7: '" in result.output and f"{why} as papers/{existing}.yaml ({existing})" in result.output
    assert "nothing was written" in result.output
    assert papers(root) == before  # the valid entry before it is not written either


def test_a_paper_twice_in_one_input_is_refused(tree, tmp_path):
    root = tree()
    result = run(bib(tmp_path, QI + "\n" + QI.replace("Qi2023", "again")), "--root", root, *FLAGS)
    assert result.exit_code == 1 and "same title as the entry at" in result.output and "in.bib:1" in result.output
    assert "qi2024fine.yaml" not in papers(root)


def test_an_entry_with_an_identifier_but_no_title_is_reported_not_a_crash(tree, tmp_path):
    root = tree()
    before = papers(root)
    result = run(bib(tmp_path, "@misc{doe2024, author = {Doe, Jane}, year = {2024}, eprint = {2401.99999}, archivePrefix = {arXiv}}\n"), "--root", root, *FLAGS)
    assert result.exit_code == 1 and "in.bib:1: title: entry 'doe2024' has no title" in result.output
    assert papers(root) == before


def test_malformed_bibtex_names_the_line_and_writes_nothing(tree, tmp_path):
    root = tree()
    before = papers(root)
    broken = QI + "\n@article{bad,\n  title = {Broken,\n  year = {2024}\n\n@misc{next, title = {x}}\n"
    result = run(bib(tmp_path, broken), "--root", root, *FLAGS)
    assert result.exit_code == 1
    assert "in.bib:8: malformed BibTeX in the @article block starting here" in result.output
    assert "Traceback" not in result.output and papers(root) == before


def test_unknown_venue_is_an_error_with_a_fix(tree, tmp_path):
    result = run(bib(tmp_path, QI.replace("{NeurIPS}", "{Journal of Invented Results}")), "--root", tree(), *FLAGS)
    assert result.exit_code == 1
    assert "in.bib:4: booktitle: unknown venue 'Journal of Invented Results' (say which venue it is with --venue ID" in result.output


def test_a_wrong_classification_is_reported_against_the_option(tree, tmp_path):
    root = tree()
    flags = [*FLAGS[:-1], "llm-generatd"]
    result = run(bib(tmp_path, QI), "--root", root, *flags)
    assert result.exit_code == 1
    assert "in.bib:1: --subcategory: subcategory 'llm-generatd' does not belong to llm.jailbreak.attack.black-box" in result.output
    assert "did you mean 'llm-generated'?" in result.output
    assert "qi2024fine.yaml" not in papers(root)


def test_the_whole_base_is_validated_before_writing(tree, tmp_path):
    root = tree("dangling-reference")
    result = run(bib(tmp_path, QI), "--root", root, *FLAGS)
    assert result.exit_code == 1 and "unknown threat 'jailbrake'" in result.output
    assert "qi2024fine.yaml" not in papers(root)


def test_without_a_terminal_every_classification_flag_is_required(tree, tmp_path):
    result = run(bib(tmp_path, QI), "--root", tree(), "--family", "llm")
    assert result.exit_code == 2
    assert "missing --threat, --side, --category, --subcategory" in result.output


def test_in_a_terminal_missing_flags_are_prompted_for(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_records, "_interactive", lambda: True)
    root = tree()
    result = run(bib(tmp_path, QI), "--root", root, "--family", "llm", input="0\njailbreak\nattack\nwhite-box\ngradient-based\n")
    assert result.exit_code == 0, result.output
    assert "Most likely classifications for" in result.output and "category (white-box, black-box)" in result.output
    kb, _ = open_base(root)
    assert kb.papers["qi2024fine"].classifications[0].node == "llm.jailbreak.attack.white-box.gradient-based"


def test_in_a_terminal_a_suggestion_can_be_picked(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_records, "_interactive", lambda: True)
    root = tree()
    result = run(bib(tmp_path, QI), "--root", root, input="2\n")
    assert result.exit_code == 0, result.output
    picked = result.output.split("  2. ")[1].split()[0]
    kb, _ = open_base(root)
    assert kb.papers["qi2024fine"].classifications[0].node == picked


# --- arXiv -------------------------------------------------------------------------------


def test_add_from_arxiv_uses_the_api_answer(tree, monkeypatch):
    asked = []

    def fake_urlopen(request, timeout):
        asked.append((request.full_url, timeout))
        return io.BytesIO(ATOM)

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    root = tree()
    result = run("--arxiv", "arXiv:2310.03693v1", "--root", root, *FLAGS)
    assert result.exit_code == 0, result.output
    assert asked == [("https://export.arxiv.org/api/query?id_list=2310.03693", 10.0)]
    kb, _ = open_base(root)
    qi = kb.papers["qi2023fine"]
    assert (qi.arxiv, qi.venue, qi.entry_type, qi.year) == ("2310.03693", "arxiv", "misc", 2023)
    assert qi.title == "Fine-tuning Aligned Language Models Compromises Safety, Even When Users Do Not Intend To!"
    assert [a.family for a in qi.authors] == ["Qi", "Zeng", "Xie", "Chen", "Jia", "Mittal", "Henderson"]
    assert qi.authors[3].given == "Pin-Yu"


def test_add_from_arxiv_offline_says_so_and_writes_nothing(tree, monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    root = tree()
    before = papers(root)
    result = run("--arxiv", "2310.03693", "--root", root, *FLAGS)
    assert result.exit_code == 1
    assert "cannot reach the arXiv API" in result.output and "offline" in result.output
    assert "safetyatlas add FILE" in result.output and "Traceback" not in result.output
    assert papers(root) == before


def test_an_arxiv_id_already_in_the_base_is_refused(tree, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: io.BytesIO(ATOM.replace(b"2310.03693", b"2307.15043")))
    result = run("--arxiv", "2307.15043", "--root", tree(), *FLAGS)
    assert result.exit_code == 1 and "same arXiv id 2307.15043 as papers/zou2023universal.yaml" in result.output


def test_unknown_arxiv_paper_and_bad_identifiers():
    empty = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>'
    with pytest.raises(ImportProblem, match="arXiv has no paper 2399.99999"):
        arxiv_bibtex(empty, "2399.99999")
    assert arxiv_id("https://arxiv.org/abs/2307.15043v3") == arxiv_id("arXiv:2307.15043") == "2307.15043"
    assert arxiv_id("cs/0112017") == "cs/0112017"
    with pytest.raises(UsageProblem, match="not an arXiv identifier"):
        arxiv_id("10.1000/xyz")


def test_arxiv_answer_becomes_bibtex_with_eprint():
    meta = arxiv_bibtex(ATOM, "2310.03693")
    assert meta.bibtex.startswith("@misc{arxiv,") and "eprint = {2310.03693}" in meta.bibtex and "archivePrefix = {arXiv}" in meta.bibtex
    assert meta.journal_ref is None


def test_source_and_arxiv_together_is_a_usage_error(tree, tmp_path):
    result = run(bib(tmp_path, QI), "--arxiv", "2310.03693", "--root", tree(), *FLAGS)
    assert result.exit_code == 2


def test_add_help_has_an_example():
    result = run("--help")
    assert "Example:" in result.output and "safetyatlas add " in result.output


# --- the contribution workflow -------------------------------------------------------------


def test_issue_form_offers_exactly_the_taxonomy(real_kb):
    import yaml

    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/paper.yml").read_text())
    options = {b["id"]: b["attributes"]["options"] for b in form["body"] if b["type"] == "dropdown"}
    assert options["family"] == list(real_kb.families)
    assert options["threat"] == list(real_kb.threats)
    assert options["side"] == ["attack", "defense"]


def test_ci_validates_tests_builds_and_deploys_and_pre_commit_validates():
    import yaml

    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert "pull_request" in ci[True] and ci[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads 'on' as True
    runs = "\n".join(s.get("run", "") for s in ci["jobs"]["check"]["steps"])
    for command in ("safetyatlas validate --strict", "pytest", "safetyatlas build", "texlive-latex-base"):
        assert command in runs, command
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in ci["jobs"]["deploy"]["steps"])
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert hooks[0]["entry"].startswith("safetyatlas validate")


def test_documented_add_examples_name_real_taxonomy_nodes(real_kb):
    text = (ROOT / "CONTRIBUTING.md").read_text() + (ROOT / "docs" / "contributing.md").read_text() + run("--help").output
    examples = re.findall(r"--family ([a-z0-9-]+) --threat ([a-z0-9-]+) --side ([a-z]+)[\s\\]+--category ([a-z0-9-]+) --subcategory ([a-z0-9-]+)", text)
    assert len(examples) >= 3
    for family, threat, side, category, sub in examples:
        assert real_kb.subcategory(f"{family}.{threat}.{side}", category, sub), (family, threat, side, category, sub)


def test_a_known_paper_with_an_unknown_venue_gets_both_problems_at_once(tree, tmp_path):
    gcg = """@inproceedings{zou2023universal,
  title = {Universal and Transferable Adversarial Attacks on Aligned Language Models},
  author = {Zou, Andy and Wang, Zifan},
  booktitle = {Journal of Invented Results},
  year = {2023}
}
"""
    root = tree()
    result = run(bib(tmp_path, gcg), "--root", root, *FLAGS)
    assert result.exit_code == 1
    assert "unknown venue 'Journal of Invented Results'" in result.output
    assert "is already in the base: same title as papers/zou2023universal.yaml (zou2023universal)" in result.output
    assert "--merge" in result.output


def test_venue_option_overrides_the_bibtex(tree, tmp_path):
    root = tree()
    result = run(bib(tmp_path, QI.replace("{NeurIPS}", "{Journal of Invented Results}")), "--root", root, *FLAGS, "--venue", "neurips")
    assert result.exit_code == 0, result.output
    assert "venue: neurips" in papers(root)["qi2024fine.yaml"].decode()
    result = run(bib(tmp_path, QI), "--root", root, *FLAGS, "--venue", "nerips")
    assert result.exit_code == 2 and "--venue 'nerips' is not in taxonomy/venues.yaml (closest: neurips" in result.output


def test_new_venue_is_added_in_the_same_validated_write(tree, tmp_path):
    root = tree()
    before = (root / "taxonomy" / "venues.yaml").read_text()
    result = run(
        bib(tmp_path, QI.replace("{NeurIPS}", "{Journal of Invented Results}")), "--root", root, *FLAGS, "--new-venue", "Journal of Invented Results", "--venue-short", "JIR", "--venue-type", "journal"
    )
    assert result.exit_code == 0, result.output
    venues = (root / "taxonomy" / "venues.yaml").read_text()
    assert "id: jir" in venues and "full_name: Journal of Invented Results" in venues and before != venues
    record = papers(root)["qi2024fine.yaml"].decode()
    assert "venue: jir" in record and "entry_type: article" in record
    # a venue that exists is not added twice
    result = run(bib(tmp_path, QI), "--root", root, *FLAGS, "--new-venue", "Conference on Neural Information Processing Systems")
    assert result.exit_code == 2 and "use --venue neurips" in result.output


GCG_PUBLISHED = """@inproceedings{zou2023universal,
  title = {Universal and Transferable Adversarial Attacks on Aligned Language Models},
  author = {Zou, Andy and Wang, Zifan},
  booktitle = {NeurIPS 2024},
  year = {2024},
  doi = {10.5555/invented.1}
}
"""
MERGE_FLAGS = ("--family", "llm", "--threat", "jailbreak", "--side", "attack", "--category", "black-box", "--subcategory", "llm-generated")


def test_a_known_paper_shows_the_merge_diff_and_writes_nothing(tree, tmp_path):
    root = tree()
    before = papers(root)
    result = run(bib(tmp_path, GCG_PUBLISHED), "--root", root, *MERGE_FLAGS)
    assert result.exit_code == 1
    assert "what --merge would change:" in result.output and "+doi: 10.5555/invented.1" in result.output
    assert "-venue: arxiv" in result.output and "+venue: neurips" in result.output
    assert papers(root) == before


def test_merge_adds_the_classification_and_fills_what_is_missing(tree, tmp_path):
    root = tree()
    result = run(bib(tmp_path, GCG_PUBLISHED), "--root", root, *MERGE_FLAGS, "--merge")
    assert result.exit_code == 0, result.output
    record = papers(root)["zou2023universal.yaml"].decode()
    assert "doi: 10.5555/invented.1" in record and "venue: neurips" in record and "year: 2024" in record
    assert "subcategory: gradient-based" in record and "subcategory: llm-generated" in record
    assert "arxiv: '2307.15043'" in record  # kept
    # running it again changes nothing
    again = run(bib(tmp_path, GCG_PUBLISHED), "--root", root, *MERGE_FLAGS, "--merge")
    assert again.exit_code == 0 and papers(root)["zou2023universal.yaml"].decode() == record


def test_merge_never_overwrites_conflicting_values(tree, tmp_path):
    root = tree()
    other = GCG_PUBLISHED.replace("Zou, Andy and Wang, Zifan", "Someone, Else")
    result = run(bib(tmp_path, other), "--root", root, *MERGE_FLAGS, "--merge")
    assert result.exit_code == 0, result.output
    assert "warning: authors: the BibTeX lists Someone" in result.output
    record = papers(root)["zou2023universal.yaml"].decode()
    assert "Someone" not in record and "{family: Zou, given: Andy}" in record


# --- Crossref (recorded answer in Crossref's shape, for an invented DOI) -----------------------

CROSSREF = (FIXTURES / "crossref" / "10.5555-invented.2024.7.json").read_bytes()


def test_add_from_doi_uses_the_crossref_answer(tree, monkeypatch):
    asked = []

    def fake_urlopen(request, timeout):
        asked.append(request.full_url)
        return io.BytesIO(CROSSREF)

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    root = tree()
    result = run("--doi", "https://doi.org/10.5555/invented.2024.7", "--root", root, *FLAGS, "--dry-run")
    assert result.exit_code == 0, result.output
    assert asked == ["https://api.crossref.org/works/10.5555/invented.2024.7"]
    assert "--- papers/lovelace2024invented.yaml (not written)" in result.output
    assert "doi: 10.5555/invented.2024.7" in result.output and "venue: neurips" in result.output
    assert "{family: van der Berg, given: Ludwig}" in result.output and "{family: The Invented Consortium}" in result.output
    assert "title: 'Invented Jailbreaks of Chat Models: A Study in {Braces} & Ampersands'" in result.output
    assert "pages: 101-115" in result.output and "lovelace2024invented.yaml" not in papers(root)


def test_add_from_doi_offline_or_unknown(tree, monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    root = tree()
    result = run("--doi", "10.5555/invented.2024.7", "--root", root, *FLAGS)
    assert result.exit_code == 1 and "cannot reach the Crossref API" in result.output and "offline" in result.output

    def missing(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)

    monkeypatch.setattr("urllib.request.urlopen", missing)
    result = run("--doi", "10.5555/nothing", "--root", root, *FLAGS)
    assert result.exit_code == 1 and "Crossref API has no record of DOI 10.5555/nothing" in result.output
    assert run("--doi", "not-a-doi", "--root", root, *FLAGS).exit_code == 2


def test_add_from_doi_accepts_the_publishers_page_of_the_doi(tree, monkeypatch):
    asked = []
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: asked.append(request.full_url) or io.BytesIO(CROSSREF))
    root = tree()
    result = run("--doi", "https://dl.acm.org/doi/abs/10.5555/invented.2024.7", "--root", root, *FLAGS, "--dry-run")
    assert result.exit_code == 0, result.output
    assert asked == ["https://api.crossref.org/works/10.5555/invented.2024.7"] and "doi: 10.5555/invented.2024.7" in result.output
    result = run("--doi", "https://ieeexplore.ieee.org/document/10319323", "--root", root, *FLAGS)
    assert result.exit_code == 2 and "is not a DOI" in result.output and "publisher page" in result.output


def test_suggest_ranks_the_subcategory_of_similar_papers_first_and_writes_nothing(tree, tmp_path):
    root = tree()
    before = papers(root)
    similar = """@misc{new2025,
  title = {Twenty Queries Suffice: an Attacker Model Writes Jailbreaks for Black Box Language Models},
  author = {Doe, Jane},
  year = {2025}
}
"""
    result = run(bib(tmp_path, similar), "--root", root, "--suggest")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("  1. llm.jailbreak.attack.black-box.llm-generated")
    assert "like: Jailbreaking Black Box Large Language Models in Twenty Queries" in lines[1]
    assert papers(root) == before


def test_suggestions_cross_validate_on_a_base_of_clear_groups():
    from safetyatlas.schema import Author, Category, Classification, Family, Paper, Scope, Subcategory, Threat, Venue
    from safetyatlas.kb import KnowledgeBase
    from safetyatlas.suggest import evaluate

    topics = {"suffix": "gradient optimised adversarial suffix tokens", "roleplay": "role play persona story prompts"}
    scope = Scope(
        family="llm",
        threat="jailbreak",
        side="attack",
        categories=(
            Category(
                id="all",
                name="All",
                basis="other",
                description="Jailbreak attacks of every kind.",
                subcategories=tuple(Subcategory(id=k, name=k, description=f"Attacks built from {v}.") for k, v in topics.items()),
            ),
        ),
    )
    papers_ = {}
    for k, words in topics.items():
        for i in range(6):
            pid = f"doe202{i}{k}"
            papers_[pid] = Paper(
                id=pid,
                title=f"{words.split()[i % 4].title()} {words} study {i}",
                authors=(Author(family="Doe"),),
                year=2020 + i,
                classifications=(Classification(family="llm", threat="jailbreak", side="attack", category="all", subcategory=k),),
            )
    kb = KnowledgeBase(
        families={"llm": Family(id="llm", name="LLMs", short="LLM", description="Language models.")},
        threats={"jailbreak": Threat(id="jailbreak", name="Jailbreak", attack_name="Jailbreak attacks", description="Bypassing alignment.")},
        venues={"arxiv": Venue(id="arxiv", name="arXiv", full_name="arXiv", type="preprint")},
        sections={},
        scopes={scope.id: scope},
        benchmarks={},
        groups={},
        challenges={},
        papers=papers_,
        origins={},
    )
    result = evaluate(kb, use_summaries=False)
    assert result.papers == 12 and result.subcategory_top1 == 1.0
