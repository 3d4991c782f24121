"""Each bad-input scenario reports exactly the expected problems, at the expected lines."""

from __future__ import annotations

import pytest

from safetyatlas.errors import ValidationFailed
from safetyatlas.pipeline import open_base

from conftest import FIXTURES

SCENARIOS = sorted(p.parent.name for p in FIXTURES.glob("*/EXPECTED"))


def test_minimal_tree_is_clean(tree):
    kb, warnings = open_base(tree())
    assert warnings == []
    assert list(kb.papers) == ["chao2023jailbreaking", "zou2023universal"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_reports_every_problem_with_its_line(tree, scenario):
    expected = (FIXTURES / scenario / "EXPECTED").read_text().splitlines()
    with pytest.raises(ValidationFailed) as info:
        open_base(tree(scenario))
    assert [str(d) for d in info.value.diagnostics] == expected


def test_all_scenarios_are_covered():
    assert len(SCENARIOS) >= 10


def _three_titles_with_llm(root, text: str) -> None:
    """Three more records, copies of ``text`` (chao2023jailbreaking), whose titles write LLM in capitals: the base then knows it as an acronym."""
    for other in ("a2023x", "b2023y", "c2023z"):
        (root / "papers" / f"{other}.yaml").write_text(
            text.replace("id: chao2023jailbreaking", f"id: {other}")
            .replace("title: Jailbreaking Black Box Large Language Models in Twenty Queries", f"title: Attacks on LLM Agents {other}")
            .replace('arxiv: "2310.08419"\n', "")
        )


def test_suspicious_facts_are_warned_about(tree):
    from safetyatlas.pipeline import open_base

    root = tree()
    gcg = root / "papers" / "zou2023universal.yaml"
    gcg.write_text(gcg.read_text().replace("year: 2023", "year: 2026").replace("Aligned Language Models\n", "Aligned Language Models (GCG)\nshort_name: GCG\n", 1))
    chao = root / "papers" / "chao2023jailbreaking.yaml"
    text = chao.read_text()
    _three_titles_with_llm(root, text)
    chao.write_text(text.replace("Large Language Models", "llm").replace("Twenty Queries", "Twenty,Queries"))
    _, warnings = open_base(root)
    messages = {(w.path, w.field): w.message for w in warnings}
    assert "far from the arXiv id 2307.15043" in messages[("papers/zou2023universal.yaml", "year")]
    assert "ends with the short name '(GCG)'" in messages[("papers/zou2023universal.yaml", "title")]
    title_warnings = [w.message for w in warnings if (w.path, w.field) == ("papers/chao2023jailbreaking.yaml", "title")]
    assert any("llm is written in capitals in other titles (LLM)" in m for m in title_warnings)
    assert any("'Twenty,Queries': a comma without the space after it" in m for m in title_warnings)


def test_an_other_title_is_checked_like_the_title(tree):
    """Other titles are shown on the paper's page ("also titled"), so a list's copy that lost an acronym's capitals is flagged too."""
    root = tree()
    chao = root / "papers" / "chao2023jailbreaking.yaml"
    text = chao.read_text()
    _three_titles_with_llm(root, text)
    chao.write_text(
        text.replace(
            "title: Jailbreaking Black Box Large Language Models in Twenty Queries\n",
            "title: Jailbreaking Black Box Large Language Models in Twenty Queries\nother_titles: [Jailbreaking black box llm in twenty queries]\n",
        )
    )
    _, warnings = open_base(root)
    (w,) = [w for w in warnings if w.path == "papers/chao2023jailbreaking.yaml"]
    assert w.field == "other_titles[0]" and "llm is written in capitals in other titles (LLM)" in w.message and "this title" in w.hint


def test_an_arxiv_venue_beside_a_published_versions_url_or_doi_is_warned_about(tree):
    root = tree()
    gcg = root / "papers" / "zou2023universal.yaml"
    gcg.write_text(gcg.read_text().replace("venue: arxiv\n", "venue: arxiv\nurl: https://aclanthology.org/2024.acl-long.1/\n", 1))
    chao = root / "papers" / "chao2023jailbreaking.yaml"
    chao.write_text(chao.read_text().replace("venue: arxiv\n", "venue: arxiv\ndoi: 10.1109/SaTML64287.2025.00010\n", 1))
    _, warnings = open_base(root)
    venue = {w.path: w.message for w in warnings if w.field == "venue"}
    assert venue == {
        "papers/zou2023universal.yaml": "the record says arXiv, but its URL is a published version's",
        "papers/chao2023jailbreaking.yaml": "the record says arXiv, but its DOI is a published version's",
    }


def test_a_benchmark_introduced_by_a_second_paper_is_warned_about(tree):
    root = tree()
    chao = root / "papers" / "chao2023jailbreaking.yaml"
    chao.write_text(chao.read_text().replace("evaluates_on: [advbench]", "introduces: [advbench]"))
    _, warnings = open_base(root)
    found = [(w.path, w.field, w.message) for w in warnings if w.field.startswith("introduces")]
    # both are 2023 papers: the first by id keeps the benchmark, the other is told
    assert found == [("papers/zou2023universal.yaml", "introduces[0]", "'advbench' is already introduced by chao2023jailbreaking")]


def test_a_code_link_with_view_state_is_warned_about(tree):
    root = tree()
    zou = root / "papers" / "zou2023universal.yaml"
    zou.write_text(zou.read_text().replace('arxiv: "2307.15043"\n', 'arxiv: "2307.15043"\ncode: https://github.com/llm-attacks/llm-attacks?tab=readme-ov-file\n'))
    _, warnings = open_base(root)
    assert [(w.path, w.field, w.hint) for w in warnings if w.field == "code"] == [("papers/zou2023universal.yaml", "code", "write https://github.com/llm-attacks/llm-attacks")]


def test_a_former_taxonomy_id_names_its_node_in_one_of_three_ways():
    from safetyatlas.ids import former_node

    assert former_node("vlm.jailbreak.defense", "input-mutation", "detection") == "vlm.jailbreak.defense.detection.input-mutation"  # a sibling
    assert former_node("dm.ip-protection.attack", "copyright-evasion.dataset-ownership-evasion", "watermark-removal") == "dm.ip-protection.attack.copyright-evasion.dataset-ownership-evasion"
    moved = "vlm-agent.jailbreak.defense.input-purification.purifier-and-defensive-suffix"  # from another scope, in full
    assert former_node("vlm.jailbreak.defense", moved, "input-purification") == moved
    assert former_node("dm.ip-protection.attack", "copyright-evasion") == "dm.ip-protection.attack.copyright-evasion"  # on a category
    assert former_node("vlm.jailbreak.defense", "vlm-agent.jailbreak.defense.input-purification") == "vlm-agent.jailbreak.defense.input-purification"


def test_a_url_built_from_a_doi_asks_for_the_doi():
    from safetyatlas.ids import doi_in_url

    assert doi_in_url("https://link.springer.com/chapter/10.1007/978-3-031-43153-1_36") == "10.1007/978-3-031-43153-1_36"
    assert doi_in_url("https://dl.acm.org/doi/abs/10.1145/3658644.3670388") == "10.1145/3658644.3670388"
    assert doi_in_url("https://doi.org/10.18653/v1/2024.emnlp-main.33") == "10.18653/v1/2024.emnlp-main.33"
    assert doi_in_url("https://onlinelibrary.wiley.com/doi/full/10.1002/int.22968") == "10.1002/int.22968"  # the /doi/ pages of other publishers
    assert doi_in_url("https://www.tandfonline.com/doi/abs/10.1080/08839514.2024.2302275") == "10.1080/08839514.2024.2302275"
    assert doi_in_url("https://aclanthology.org/2024.emnlp-main.33/") is None  # an Anthology id is not a DOI
    assert doi_in_url("https://ieeexplore.ieee.org/document/10319323") is None
    assert doi_in_url(None) is None


def test_a_doi_url_without_its_doi_is_warned_about(tree):
    root = tree()
    zou = root / "papers" / "zou2023universal.yaml"
    zou.write_text(zou.read_text().replace('arxiv: "2307.15043"\n', 'arxiv: "2307.15043"\nurl: https://dl.acm.org/doi/10.1145/1234567.7654321\n'))
    _, warnings = open_base(root)
    assert [(w.field, w.hint) for w in warnings if w.field == "url"] == [("url", "add doi: 10.1145/1234567.7654321")]


def test_only_publisher_pages_and_non_arxiv_dois_name_a_published_version():
    from safetyatlas.ids import published_version_field as which

    assert which("https://proceedings.mlr.press/v235/x24a.html", None) == "URL"
    assert which("https://openaccess.thecvf.com/content/CVPR2024/html/X_CVPR_2024_paper.html", None) == "URL"
    assert which(None, "10.1145/3658644.3670388") == "DOI"
    # arXiv's own DOI, an OpenReview forum (rejected submissions have one too) and a lab page name no published version
    assert which(None, "10.48550/arXiv.2307.15043") is None
    assert which("https://openreview.net/forum?id=abc123", None) is None
    assert which("https://github.com/llm-attacks/llm-attacks", None) is None


def test_title_rules_flag_copy_slips_and_leave_real_titles_alone():
    from safetyatlas.kb import title_problems

    def flagged(title, short_name=None):
        return [m for m, _ in title_problems(title, short_name, {"LLM", "RAG"})]

    assert flagged("Red Teaming: Methods,Scaling Behaviors,and Lessons") == ["'Methods,Scaling': a comma without the space after it"]
    assert flagged("Jigsaw Puzzles: Splitting Harmful Questions (JSP)", "JSP") == ["the title ends with the short name '(JSP)', as paper lists tag titles"]
    assert flagged("Attacks on llm agents") == ["llm is written in capitals in other titles (LLM)"]
    assert flagged("Ciphers in $\\textit{LLMs}$")[0].startswith("the title holds LaTeX markup")
    # real titles: a parenthesised acronym that is not the short name, numbers with commas, ordinary casing
    assert flagged("Exploring Privacy Issues in Retrieval-Augmented Generation (RAG)", "PrivRAG") == []
    assert flagged("Jailbreaking 1,000 Models at Once") == []
    assert flagged("Operationalizing a Threat Model for Red-Teaming Large Language Models (LLMs)") == []


def test_descriptions_written_like_a_paper_summary_are_warned_about(tree):
    from safetyatlas.pipeline import open_base

    root = tree()
    bench = root / "taxonomy/benchmarks/advbench.yaml"
    bench.write_text(bench.read_text().replace("description: Harmful behaviours", "description: Introduces harmful behaviours"))
    scope = root / "taxonomy/scopes/llm.jailbreak.attack.yaml"
    scope.write_text(scope.read_text().replace("description: Optimise a token suffix", "description: Shows that one can optimise a token suffix"))
    _, warnings = open_base(root)
    found = {(w.path, w.field): w.message for w in warnings}
    assert "opens like a paper's summary ('Introduces ...')" in found[("taxonomy/benchmarks/advbench.yaml", "description")]
    assert "('Shows ...')" in found[("taxonomy/scopes/llm.jailbreak.attack.yaml", "categories[0].subcategories[0].description")]
    assert not any("paper's summary" in w.message for w in open_base(tree())[1])  # the untouched fixture says nothing
