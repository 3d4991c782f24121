"""The benchmark harness's verdicts: each target reads the right figure and says MISS when it is missed.

The measurements themselves run in benchmarks/run.py, never here; this checks the reporting
on the committed results and on altered copies of them.
"""

from __future__ import annotations

import copy
import importlib.util
import json

import pytest

from conftest import ROOT

RESULTS = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def verdicts(run, results) -> dict[str, str]:
    return {t["target"].split(" at N")[0].split(", N =")[0].split(" (")[0]: t["status"] for t in run.check_targets(results)}


def test_committed_results_name_every_target(run):
    found = verdicts(run, RESULTS)
    assert len(found) == 9, found
    assert set(found.values()) <= {"PASS", "MISS"}
    # the committed results agree with what benchmarks/README.md says of them
    readme = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    for t in run.check_targets(RESULTS):
        assert f"| {t['target']} | {t['limit']} | {t['measured']} | **{t['status']}** |" in readme, t


@pytest.mark.parametrize(
    ("where", "value", "target"),
    [
        (("sizes", "20000", "explorer", "frame_ms_max"), 150.0, "explorer per keystroke"),
        (("sizes", "20000", "peak_bytes"), 1.5 * (1 << 30), "peak memory"),
        (("sizes", "20000", "validate_cli", "median_s"), 3.5, "validate"),
        (("sizes", "20000", "ours_share"), 0.2, "our stages, share of the build"),
        (("sizes", "20000", "search_index_per_paper"), 4096, "search index per paper"),
        (("real", "serve", "median_s"), 2.5, "serve: saved record -> refreshed page, real base"),
        (("real", "validate_cli", "median_s"), 0.9, "validate, real base"),
    ],
)
def test_a_missed_target_is_reported_as_missed(run, where, value, target):
    results = copy.deepcopy(RESULTS)
    node = results
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    assert verdicts(run, results)[target] == "MISS"


def test_superlinear_growth_is_a_miss(run):
    results = copy.deepcopy(RESULTS)
    results["sizes"]["20000"]["total_s"] = results["sizes"]["5000"]["total_s"] * 4.5
    assert any(t["target"].startswith("total build time") and t["status"] == "MISS" for t in run.check_targets(results))


def test_report_prints_the_tables(run, capsys):
    run.print_report(RESULTS)
    out = capsys.readouterr().out
    assert "| stage |" in out and "| target |" in out and "MkDocs alone, by kind of page" in out
