"""``safetyatlas merge OLD NEW``: one paper recorded twice becomes one record, and no link breaks."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from safetyatlas.cli.records import merge
from safetyatlas.merging import replace_in_lists
from safetyatlas.pipeline import open_base

# The preprint of the fixture's GCG record, recorded a second time under its arXiv title, with
# what the published record lacks: a DOI (arXiv's own: a publisher's DOI beside the fixture's "arXiv" venue
# would be warned about), a second placement, a list and a benchmark.
PREPRINT = """id: zou2023preprint
title: Adversarial Suffixes Transfer Across Aligned Language Models
authors:
  - {family: Zou, given: Andy}
  - {family: Wang, given: Zifan}
year: 2023
venue: arxiv
doi: 10.48550/arXiv.2307.15043
classifications:
  - family: llm
    threat: jailbreak
    side: attack
    category: black-box
    subcategory: llm-generated
evaluates_on: [advbench]
listed_in: [lm-ssp]
added: 2026-11-20
"""
# A third record and the challenge name the preprint; the challenge names both.
THIRD = """id: lovelace2024third
title: A Third Paper That Builds on the Preprint
authors:
  - {family: Lovelace, given: Ada}
year: 2024
venue: arxiv
arxiv: "2401.00001"
classifications:
  - family: llm
    threat: jailbreak
    side: attack
    category: black-box
    subcategory: llm-generated
related:
  - {paper: zou2023preprint, type: extends}
  - {paper: zou2023universal, type: related}
added: 2026-11-23
"""
CHALLENGE = """id: static-evaluation
group: safety-evaluation
title: Static benchmarks age
description: Fixed test sets stop measuring risk once models are tuned against them.
concerns: [llm.jailbreak.attack, jailbreak]
papers: [zou2023universal, zou2023preprint, chao2023jailbreaking]
"""
SOURCES = """- id: lm-ssp
  name: An invented peer list
  repository: https://example.org/list
  license: MIT
  commit: abc1234
  date: 2026-01-01
  description: A list for the test.
"""


def base(tree, **files: str) -> Path:
    return tree(
        files={"taxonomy/sources.yaml": SOURCES, "papers/zou2023preprint.yaml": PREPRINT, "papers/lovelace2024third.yaml": THIRD, "taxonomy/challenges/static-evaluation.yaml": CHALLENGE, **files}
    )


def run(*args):
    return CliRunner().invoke(merge, [str(a) for a in args], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_merge_folds_the_record_and_keeps_its_id_title_and_facts(tree):
    root = base(tree)
    open_base(root, strict=True)  # the fixture itself is valid: two records, one work
    result = run("zou2023preprint", "zou2023universal", "--root", root)
    assert result.exit_code == 0, result.output
    assert not (root / "papers/zou2023preprint.yaml").exists()
    kb, warnings = open_base(root, strict=True)
    assert "zou2023preprint" not in kb.papers
    kept = kb.papers["zou2023universal"]
    assert kept.former_ids == ("zou2023preprint",)  # its page redirects: no published link breaks
    assert kept.other_titles == ("Adversarial Suffixes Transfer Across Aligned Language Models",)
    assert kept.title == "Universal and Transferable Adversarial Attacks on Aligned Language Models"
    assert kept.doi == "10.48550/arXiv.2307.15043" and kept.arxiv == "2307.15043"
    assert {c.subcategory for c in kept.classifications} == {"gradient-based", "llm-generated"}
    assert "lm-ssp" in kept.listed_in
    assert "advbench" not in kept.evaluates_on  # the kept record introduces it
    assert str(kept.added) == "2026-11-20"  # the earlier of the two
    assert "removed papers/zou2023preprint.yaml; zou2023preprint now redirects to zou2023universal" in result.output


def test_references_to_the_folded_id_move_to_the_kept_one_once(tree):
    root = base(tree)
    result = run("zou2023preprint", "zou2023universal", "--root", root)
    assert result.exit_code == 0, result.output
    kb, _ = open_base(root, strict=True)
    assert [(r.paper, r.type) for r in kb.papers["lovelace2024third"].related] == [("zou2023universal", "extends")]
    assert kb.challenges["static-evaluation"].papers == ("zou2023universal", "chao2023jailbreaking")
    text = (root / "taxonomy/challenges/static-evaluation.yaml").read_text()
    assert text == CHALLENGE.replace("zou2023universal, zou2023preprint, ", "zou2023universal, ")  # nothing else in the file moved
    assert "updated papers/lovelace2024third.yaml" in result.output and "updated taxonomy/challenges/static-evaluation.yaml" in result.output


def test_dry_run_shows_the_change_and_writes_nothing(tree):
    root = base(tree)
    before = snapshot(root)
    result = run("zou2023preprint", "zou2023universal", "--root", root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+former_ids:\n+- zou2023preprint" in result.output and "+doi: 10.48550/arXiv.2307.15043" in result.output
    assert "would remove papers/zou2023preprint.yaml" in result.output
    assert snapshot(root) == before


def test_differences_are_reported_and_the_kept_record_wins(tree):
    other = PREPRINT.replace("{family: Zou, given: Andy}", "{family: Someone, given: Else}").replace("doi: 10.48550/arXiv.2307.15043", 'arxiv: "2399.00001"')
    root = tree(files={"taxonomy/sources.yaml": SOURCES, "papers/zou2023preprint.yaml": other})
    result = run("zou2023preprint", "zou2023universal", "--root", root)
    assert result.exit_code == 0, result.output
    assert "warning: authors: zou2023preprint lists Someone" in result.output
    assert "warning: arxiv: zou2023preprint has '2399.00001', zou2023universal '2307.15043'" in result.output
    kept = open_base(root)[0].papers["zou2023universal"]
    assert kept.authors[0].family == "Zou" and kept.arxiv == "2307.15043"


def test_unknown_or_already_merged_ids_are_refused_and_nothing_changes(tree):
    root = base(tree)
    before = snapshot(root)
    result = CliRunner().invoke(merge, ["nobody2020nothing", "zou2023universal", "--root", str(root)])
    assert result.exit_code == 2 and "'nobody2020nothing' is not a paper id of the base" in result.output
    assert run("zou2023preprint", "zou2023universal", "--root", root).exit_code == 0
    again = CliRunner().invoke(merge, ["zou2023preprint", "zou2023universal", "--root", str(root)])
    assert again.exit_code == 2 and "merged into zou2023universal already" in again.output
    same = CliRunner().invoke(merge, ["zou2023universal", "zou2023universal", "--root", str(root)])
    assert same.exit_code == 2
    assert snapshot(root) != before  # only the one real merge changed the base


def test_a_merge_into_a_base_with_errors_changes_nothing(tree):
    # a dangling reference elsewhere in the base: the base after the merge would not validate
    root = base(tree, **{"papers/lovelace2024third.yaml": THIRD.replace("paper: zou2023universal", "paper: nobody2020missing")})
    before = snapshot(root)
    result = CliRunner().invoke(merge, ["zou2023preprint", "zou2023universal", "--root", str(root)])
    assert result.exit_code == 1
    assert "nobody2020missing" in result.output and "nothing was changed" in result.output
    assert snapshot(root) == before


def test_a_kept_record_that_cannot_be_written_changes_nothing(tree):
    root = base(tree)
    real = root / "elsewhere.yaml"
    (root / "papers/zou2023universal.yaml").rename(real)
    (root / "papers/zou2023universal.yaml").symlink_to(real)
    before = snapshot(root)
    result = CliRunner().invoke(merge, ["zou2023preprint", "zou2023universal", "--root", str(root)])
    assert result.exit_code != 0 and "symbolic link" in result.output
    assert snapshot(root) == before and (root / "papers/zou2023preprint.yaml").exists()


def test_list_items_are_replaced_in_block_and_flow_lists_without_duplicates():
    text = "a: [x, old, new]\nb:\n- old\n- new\n- z\nc:\n  - keep\n  - old\nd: older text and old-ish words\n"
    assert replace_in_lists(text, "old", "new") == "a: [x, new]\nb:\n- new\n- z\nc:\n  - keep\n  - new\nd: older text and old-ish words\n"
