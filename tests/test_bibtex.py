"""BibTeX export and import: golden output, fields per entry type, LaTeX, round trip, selection."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from safetyatlas.bibtex import from_bibtex, latex_title, to_bibtex, to_entry
from safetyatlas.cli.records import export
from safetyatlas.errors import UsageProblem
from safetyatlas.pipeline import open_base
from safetyatlas.schema import Author, Classification, Paper, Venue
from safetyatlas.selection import select

from conftest import FIXTURES, ROOT

GOLDEN = FIXTURES / "golden" / "minimal.bib"
BIB_FIELDS = ("id", "title", "authors", "authors_truncated", "year", "venue", "entry_type", "volume", "number", "pages", "publisher", "arxiv", "doi", "url")
PLACE = (Classification(family="llm"),)

VENUES = {
    v.id: v
    for v in (
        Venue(id="arxiv", name="arXiv", full_name="arXiv preprint", type="preprint"),
        Venue(id="neurips", name="NeurIPS", full_name="Conference on Neural Information Processing Systems", type="conference", aliases=("Neurips", "NIPS")),
        Venue(id="tifs", name="IEEE TIFS", full_name="IEEE Transactions on Information Forensics and Security", type="journal"),
    )
}


def paper(**fields) -> Paper:
    base = dict(id="doe2024robust", title="Robust things", authors=(Author(family="Doe", given="Jane"),), year=2024, classifications=PLACE)
    return Paper(**{**base, **fields})


def fields(p: Paper) -> dict[str, str]:
    entry = to_entry(p, VENUES)
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **{f.key: f.value for f in entry.fields}}


def run(*args):
    return CliRunner().invoke(export, [str(a) for a in args], catch_exceptions=False)


# --- writing ---------------------------------------------------------------------------


def test_minimal_base_matches_the_golden_bib(tree):
    kb, _ = open_base(tree())
    assert to_bibtex(kb.papers.values(), kb.venues) == GOLDEN.read_text()
    result = run("bibtex", "--root", tree())
    assert result.exit_code == 0 and result.output == GOLDEN.read_text()


def test_inproceedings_names_the_venue_in_booktitle():
    f = fields(paper(venue="neurips", entry_type="inproceedings"))
    assert f["ENTRYTYPE"] == "inproceedings" and f["ID"] == "doe2024robust"
    assert f["booktitle"] == "Conference on Neural Information Processing Systems"
    assert "journal" not in f and "eprint" not in f


def test_article_has_journal_volume_number_and_bibtex_page_range():
    f = fields(paper(venue="tifs", entry_type="article", volume="19", number="4", pages="6779-6794", doi="10.1109/TIFS.2024.3402100"))
    assert (f["journal"], f["volume"], f["number"], f["pages"]) == ("IEEE Transactions on Information Forensics and Security", "19", "4", "6779--6794")
    assert f["doi"] == "10.1109/TIFS.2024.3402100" and f["url"] == "https://doi.org/10.1109/TIFS.2024.3402100"


def test_arxiv_preprint_is_misc_with_eprint():
    f = fields(paper(venue="arxiv", arxiv="2307.15043"))
    assert f["ENTRYTYPE"] == "misc"
    assert (f["eprint"], f["archivePrefix"], f["howpublished"]) == ("2307.15043", "arXiv", "arXiv preprint arXiv:2307.15043")
    assert f["url"] == "https://arxiv.org/abs/2307.15043"


def test_published_paper_keeps_its_arxiv_id_too():
    f = fields(paper(venue="neurips", entry_type="inproceedings", arxiv="2403.10893", url="https://example.org/paper"))
    assert f["booktitle"].startswith("Conference") and f["eprint"] == "2403.10893" and f["url"] == "https://example.org/paper"


def test_special_characters_are_latex_encoded():
    f = fields(paper(title="Tramèr & Co: 50% of x_1 # $5 {odd}", authors=(Author(family="Tramèr", given="Florian"), Author(family="Materzyńska", given="Joanna"), Author(family="OpenAI"))))
    assert f["title"] == r"Tram{\`e}r {\&} Co: 50{\%} of x{\_}1 {\#} {\$}5 {\textbraceleft}odd{\textbraceright}"
    assert f["author"] == r"Tram{\`e}r, Florian and Materzy{\'n}ska, Joanna and {OpenAI}"


@pytest.mark.parametrize(
    "title, expected",
    [
        ("GPT-4 Technical Report", "{GPT}-4 Technical Report"),
        ("Jailbreaking LLMs via T2I and 3D models", "Jailbreaking {LLMs} via {T2I} and {3D} models"),
        ("TrojLLM: A Black-Box Trojan Prompt Attack", "{TrojLLM}: A Black-Box Trojan Prompt Attack"),
        ("Vision-Language Models are fine", "Vision-Language Models are fine"),
    ],
)
def test_acronyms_are_protected_with_braces(title, expected):
    assert latex_title(title) == expected


def test_truncated_author_list_ends_in_and_others():
    f = fields(paper(authors=(Author(family="Zou", given="Andy"), Author(family="Wang", given="Zifan")), authors_truncated=True))
    assert f["author"] == "Zou, Andy and Wang, Zifan and others"
    assert "others" not in fields(paper())["author"]


# --- reading ---------------------------------------------------------------------------


def test_parse_maps_booktitle_journal_and_aliases_to_venues():
    text = """
@inproceedings{x, title={A {GPT} study}, author={Doe, Jane}, booktitle={nips}, year=2024}
@article{y, title={Another study}, author={Roe, R.}, journal={IEEE Transactions on Information Forensics and Security}, year={2023}, volume={19}, pages={1--10}}
@article{z, title={Third study}, author={Poe, Ed and others}, journal={arXiv preprint arXiv:2401.00001v3}, year={2024}}
"""
    parsed = from_bibtex(text, VENUES, PLACE)
    x, y, z = (p.paper for p in parsed)
    assert (x.venue, x.entry_type, x.title, x.id) == ("neurips", "inproceedings", "A GPT study", "doe2024gpt")
    assert (y.venue, y.entry_type, y.volume, y.pages) == ("tifs", "article", "19", "1-10")
    assert (z.venue, z.entry_type, z.arxiv, z.authors_truncated) == ("arxiv", "misc", "2401.00001", True)


def test_parse_takes_the_doi_from_wherever_the_entry_gives_it():
    text = """
@inproceedings{a, title={One}, author={Doe, Jane}, booktitle={nips}, year=2024, doi={https://doi.org/10.5555/one.1}, url={https://doi.org/10.5555/one.1}}
@inproceedings{b, title={Two}, author={Doe, Jane}, booktitle={nips}, year=2024, url={https://link.springer.com/chapter/10.1007/978-3-031-00001-2_3}}
@inproceedings{c, title={Three}, author={Doe, Jane}, booktitle={nips}, year=2024, url={https://dl.acm.org/doi/abs/10.1145/3658644.3670388}}
@inproceedings{d, title={Four}, author={Doe, Jane}, booktitle={nips}, year=2024, note={doi: 10.5555/four.4}}
@inproceedings{e, title={Five}, author={Doe, Jane}, booktitle={nips}, year=2024, url={https://ieeexplore.ieee.org/document/10319323}}
"""
    a, b, c, d, e = (p.paper for p in from_bibtex(text, VENUES, PLACE))
    assert (a.doi, a.url) == ("10.5555/one.1", None)  # the doi.org address is the DOI itself, written again on export
    # a publisher page built from the DOI gives the DOI (the rule validation applies too) and stays the paper's page
    assert (b.doi, b.url) == ("10.1007/978-3-031-00001-2_3", "https://link.springer.com/chapter/10.1007/978-3-031-00001-2_3")
    assert (c.doi, c.url) == ("10.1145/3658644.3670388", "https://dl.acm.org/doi/abs/10.1145/3658644.3670388")
    assert d.doi == "10.5555/four.4"
    assert (e.doi, e.url) == (None, "https://ieeexplore.ieee.org/document/10319323")  # an IEEE page number is not a DOI


def test_parse_decodes_latex_and_keeps_a_scheme_key():
    text = r"@misc{tramer2024robust, title = {Robust {\&} fast}, author = {Tram{\`e}r, Florian and van der Berg, Jan}, year = {2024}, eprint = {2401.00002}, archivePrefix = {arXiv}}"
    (p,) = from_bibtex(text, VENUES, PLACE)
    assert p.paper.id == "tramer2024robust"
    assert p.paper.title == "Robust & fast"
    assert [(a.family, a.given) for a in p.paper.authors] == [("Tramèr", "Florian"), ("van der Berg", "Jan")]


def test_unescaped_special_characters_are_read_literally():
    text = "@misc{x, title = {50% of Security & Privacy #1 in x_1}, author = {Doe, Jane}, year = 2024, howpublished = {arXiv preprint}}"
    (p,) = from_bibtex(text, VENUES, PLACE)
    assert p.paper.title == "50% of Security & Privacy #1 in x_1"


def test_foreign_keys_are_replaced_by_the_scheme_and_collisions_get_a_letter():
    text = "@misc{DBLP:journals/x, title={Robust things}, author={Doe, Jane}, year=2024, howpublished={arXiv preprint}}"
    (p,) = from_bibtex(text, VENUES, PLACE, taken={"doe2024robust"})
    assert p.paper.id == "doe2024robustb"


def test_malformed_bibtex_is_reported_with_its_line():
    text = "@misc{ok, title={Fine}, author={A, B}, year=2024, howpublished={arXiv preprint}}\n\n@article{bad,\n  title = {Broken,\n  year = {2024}\n\n@misc{next, title={x}}\n"
    parsed = from_bibtex(text, VENUES, PLACE, path="refs.bib")
    problems = [d for p in parsed for d in p.problems]
    assert any(d.path == "refs.bib" and d.line == 3 and "malformed BibTeX" in d.message for d in problems), problems


def test_unknown_venue_and_missing_fields_are_errors_at_their_lines():
    text = "@inproceedings{x,\n  title = {T},\n  author = {Doe, Jane},\n  booktitle = {Journal of Invented Results},\n  year = {soon}\n}\n"
    (p,) = from_bibtex(text, VENUES, PLACE, path="in.bib")
    found = {(d.line, d.field, d.message.split(" (")[0]) for d in p.problems}
    assert (4, "booktitle", "unknown venue 'Journal of Invented Results'") in found
    assert (5, "year", "entry 'x' has no year") in found
    assert p.paper is None


def test_text_without_entries_is_an_error():
    (p,) = from_bibtex("just some words", VENUES, PLACE)
    assert p.paper is None and "no BibTeX entry" in p.problems[0].message


# --- round trip over the real data -------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    kb, _ = open_base(ROOT)
    papers = list(kb.papers.values())
    parsed = []
    for start in range(0, len(papers), 500):  # in batches: one input is capped at 1 MiB
        text = to_bibtex(papers[start : start + 500], kb.venues)
        parsed += from_bibtex(text, kb.venues, PLACE)  # an empty base: no id is taken
    return kb, {p.key: p for p in parsed}


REAL_IDS = sorted(p.stem for p in (ROOT / "papers").glob("*.yaml"))


@pytest.mark.parametrize("pid", REAL_IDS)
def test_bibtex_round_trip_keeps_every_bibliographic_field(real, pid):
    kb, parsed = real
    item = parsed[pid]
    original = kb.papers[pid]
    expected = () if original.venue else ("names no venue",)  # a record with no venue says so when read back
    assert tuple(d.message.split("' ", 1)[-1][:14] for d in item.problems) == expected and item.paper is not None
    assert {f: getattr(item.paper, f) for f in BIB_FIELDS} == {f: getattr(original, f) for f in BIB_FIELDS}


def test_round_trip_covers_every_record(real):
    kb, parsed = real
    assert len(parsed) == len(kb.papers) == len(REAL_IDS) > 500


# --- selection ---------------------------------------------------------------------------


def test_selection_by_node_family_side_and_years(tree):
    kb, _ = open_base(tree())
    ids = lambda papers: [p.id for p in papers]  # noqa: E731
    assert ids(select(kb)) == ["chao2023jailbreaking", "zou2023universal"]
    assert ids(select(kb, node="llm.jailbreak.attack.black-box")) == ["chao2023jailbreaking"]
    assert ids(select(kb, node="llm.jailbreak.attack.white-box.gradient-based")) == ["zou2023universal"]
    assert ids(select(kb, node="jailbreak")) == ids(select(kb, threat="jailbreak")) == ["chao2023jailbreaking", "zou2023universal"]
    assert ids(select(kb, family="llm", side="defense")) == []
    assert ids(select(kb, year_from=2024)) == [] and len(select(kb, year_from=2023, year_to=2023)) == 2


def test_a_family_includes_its_sub_families(tree):
    chao = (FIXTURES / "minimal/papers/chao2023jailbreaking.yaml").read_text().replace("    section: llm-jailbreak-attack\n", "    section: llm-jailbreak-attack\n  - family: llm-agent\n", 1)
    kb, _ = open_base(tree(files={"papers/chao2023jailbreaking.yaml": chao}))
    assert [p.id for p in select(kb, family="agent")] == ["chao2023jailbreaking"]
    assert [p.id for p in select(kb, node="llm-agent")] == ["chao2023jailbreaking"]


def test_unknown_node_is_a_usage_error_with_a_suggestion(tree):
    kb, _ = open_base(tree())
    with pytest.raises(UsageProblem, match="did you mean 'llm.jailbreak.attack'"):
        select(kb, node="llm.jailbreak.atack")
    result = run("bibtex", "--root", tree(), "--family", "lm")
    assert result.exit_code == 2 and "unknown family 'lm'" in result.output


def test_export_selection_to_a_file(tree, tmp_path):
    out = tmp_path / "jb.bib"
    result = run("bibtex", "--root", tree(), "--node", "llm.jailbreak.attack.black-box", "-o", out)
    assert result.exit_code == 0 and "wrote 1 paper(s)" in result.output
    assert out.read_text().startswith("@misc{chao2023jailbreaking,") and "zou2023universal" not in out.read_text()


# --- LaTeX toolchain ---------------------------------------------------------------------


@pytest.mark.latex
@pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("pdflatex")), reason="needs bibtex and pdflatex (apt: texlive-latex-base)")
def test_full_export_compiles_with_bibtex_and_latex(tmp_path):
    kb, _ = open_base(ROOT)
    odd = Paper(
        id="tramer2024odd",
        title='Tramèr & Co: 50% of GPT-4_mini {braces} #1 $5 ~x^2 A--B “quotes” Łódź Zając Þór "safe"',
        authors=(Author(family="Tramèr", given="Florian"), Author(family="OpenAI")),
        authors_truncated=True,
        year=2024,
        venue="tifs",
        entry_type="article",
        volume="19",
        pages="1-10",
        doi="10.1109/x_1",
        classifications=PLACE,
    )
    hostile = [  # unbalanced braces in every free field, an emoji, a CJK name, a DOI and URL at their limits
        Paper(
            id="doe2024unbalanced",
            title="Unbalanced } brace { and }} more 😀",
            authors=(Author(family="李", given="雷"), Author(family="Doe {", given="J}")),
            year=2024,
            venue="tifs",
            entry_type="article",
            volume="19 Suppl. 2",
            publisher="ACM } Press {",
            doi="10.1145/3(4)_5",
            url="https://example.org/a_(b)?q=1&r=%7D",
            classifications=PLACE,
        ),
    ]
    (tmp_path / "refs.bib").write_text(to_bibtex([*kb.papers.values(), odd, *hostile], kb.venues), encoding="utf-8")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n")

    def step(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=300)

    assert step("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex").returncode == 0
    bib = step("bibtex", "doc")
    assert bib.returncode == 0, bib.stdout  # 1 would mean warnings, 2 errors
    tex = step("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    assert tex.returncode == 0, tex.stdout[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == len(kb.papers) + 1 + len(hostile)
    assert "et~al." in bbl and "{GPT}" in bbl


def test_a_record_spells_a_page_range_one_way_whatever_it_was_given():
    # the schema's rule, which the BibTeX reader relies on: '--' (BibTeX) and an en dash become '-'
    assert paper(pages="1028--1050").pages == paper(pages="1028–1050").pages == "1028-1050"
    assert paper(pages="119474").pages == "119474"
