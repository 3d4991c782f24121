"""The CLI: exit codes, messages without tracebacks, documented commands, README commands."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from safetyatlas.cli import main
from safetyatlas.schema_files import stale_files

from conftest import FIXTURES, ROOT, project


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_validate_clean_tree_exits_0(tree):
    result = run("validate", tree())
    assert result.exit_code == 0, result.output
    assert "ok: 2 papers" in result.output


def test_validate_bad_tree_exits_1_with_located_messages(tree):
    result = run("validate", tree("dangling-reference"))
    assert result.exit_code == 1
    assert "papers/chao2023jailbreaking.yaml:10: classifications[0].threat: unknown threat 'jailbrake' (did you mean 'jailbreak'?)" in result.output
    assert "Traceback" not in result.output


def test_strict_turns_warnings_into_failure(tree):
    root = tree(files={"papers/chao2023jailbreaking.yaml": (tree() / "papers/chao2023jailbreaking.yaml").read_text().replace("    category: black-box\n    subcategory: llm-generated\n", "")})
    assert run("validate", root).exit_code == 0
    strict = run("validate", "--strict", root)
    assert strict.exit_code == 1
    assert "not classified below llm.jailbreak.attack" in strict.output


def test_usage_errors_exit_2(tmp_path):
    assert run("validate", tmp_path).exit_code == 2
    assert run("validate", "--no-such-flag").exit_code == 2


def test_stats_reports_coverage(tree):
    result = run("stats", "--root", tree())
    assert result.exit_code == 0
    assert "100.0% classified to a subcategory (2/2)" in result.output


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        help_text = run(name, "--help").output
        assert "Example:" in help_text, name
        assert f"safetyatlas {name}" in help_text, name


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"safetyatlas {name}" in readme, name


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.+?)\n```", readme, re.S)
    install, test_command = blocks[0], blocks[1]
    assert "pip install -e '.[dev]'" in install and "safetyatlas build" in install
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci


def test_committed_json_schema_is_current():
    assert stale_files(ROOT) == [], "run 'safetyatlas schema'"


def test_validate_github_annotations_point_at_the_line(tree):
    root = tree("unknown-key")
    result = CliRunner().invoke(main, ["validate", "--format", "github", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "::error file=papers/chao2023jailbreaking.yaml,line=2,title=titel::unknown key 'titel'" in lines[1] or any(
        line.startswith("::error file=papers/chao2023jailbreaking.yaml,line=2,title=titel::unknown key 'titel'") for line in lines
    ), lines


def test_validate_json_lists_every_problem(tree):
    import json

    root = tree("unknown-key")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(root)])
    assert result.exit_code == 1
    problems = json.loads(result.output)
    expected = (FIXTURES / "unknown-key" / "EXPECTED").read_text().splitlines()
    assert len(problems) == len(expected) and {"path", "line", "field", "message", "hint", "severity"} <= set(problems[0])


def test_github_annotation_escapes_its_properties():
    from safetyatlas.errors import Diagnostic, as_github

    d = Diagnostic("papers/a,b:c.yaml", 3, "title", "50% off\nnext", "fix it")
    assert as_github(d) == "::error file=papers/a%2Cb%3Ac.yaml,line=3,title=title::50%25 off%0Anext (fix it)"


def test_the_code_passes_ruff():
    """Lint and format in the test run (and so in CI): undefined names, unused variables and imports, syntax; ``ruff format``'s layout."""
    import shutil
    import subprocess
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run([ruff, *command, "src", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"ruff {' '.join(command)}: " + result.stdout + result.stderr


def test_the_code_passes_mypy():
    """Type-check the library in the test run (and so in CI), with the [tool.mypy] settings of pyproject.toml."""
    import shutil
    import subprocess
    import sys

    mypy = shutil.which("mypy") or str(Path(sys.executable).with_name("mypy"))
    result = subprocess.run([mypy, "--config-file", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- every command through the CLI, the way a user runs it -----------------------------------------


def test_stats_json_has_the_numbers(tree):
    import json

    data = json.loads(run("stats", "--json", "--root", tree()).output)
    assert (data["papers"], data["classified_to_subcategory"], data["coverage_percent"], data["papers_with_identifier"]) == (2, 2, 100.0, 2)
    assert data["by_threat_side"] == {"jailbreak attack": 2} and data["by_year"] == {"2023": 2}
    assert data["matrix"]["llm.jailbreak.attack"] == 2
    # PAIR reports AdvBench results; GCG introduces it (not a result on someone else's benchmark); the one challenge cites nothing
    assert data["results_in_scope"] == {"papers": 2, "with_results": 1, "own_benchmark_only": 1} and data["papers_with_results"] == 1
    assert data["challenges_without_papers"] == 1
    assert (data["venue_arxiv"], data["venue_unknown"]) == (2, 0)  # both fixture papers are preprints


def test_build_through_the_cli_writes_the_site(tmp_path):
    root = project(tmp_path / "kb")
    result = run("build", "--root", root)
    assert result.exit_code == 0, result.output
    assert "built site/ from 2 papers" in result.output
    assert (root / "site" / "index.html").exists() and (root / "site" / "generated" / "explorer-bib.js").exists()


def test_a_build_of_a_broken_base_fails_and_says_where(tmp_path):
    root = project(tmp_path / "kb")
    (root / "papers" / "zou2023universal.yaml").write_text((root / "papers" / "zou2023universal.yaml").read_text().replace("year: 2023", "year: often"))
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 1 and "papers/zou2023universal.yaml" in result.output and not (root / "site").exists()


def test_schema_writes_and_checks(tree):
    root = tree()
    assert run("schema", "--root", root).output.startswith("wrote ")
    assert run("schema", "--check", "--root", root).output.strip() == "schema/ is up to date"
    (root / "schema" / "paper.schema.json").write_text("{}")
    stale = CliRunner().invoke(main, ["schema", "--check", "--root", str(root)])
    assert stale.exit_code == 1 and "paper.schema.json" in stale.output


def test_import_list_and_import_survey_are_one_command(tree):
    root = tree()
    small = ROOT / "tests" / "fixtures" / "lists" / "small.md"
    direct = run("import-list", small, "--root", root, "--dry-run")
    via = run("import", "survey", small, "--root", root, "--dry-run")
    assert direct.exit_code == via.exit_code == 0
    assert direct.output.splitlines()[-1] == via.output.splitlines()[-1] and "would write" in direct.output


def test_import_reports_a_bad_metadata_file_and_writes_nothing(tree, tmp_path):
    root = tree()
    bad = tmp_path / "m.jsonl"
    bad.write_text("not json\n")
    before = sorted(p.name for p in (root / "papers").iterdir())
    result = CliRunner().invoke(main, ["import", "openredteaming", str(ROOT / "tests/fixtures/peers/openredteaming"), "--root", str(root), "--metadata", str(bad)])
    assert result.exit_code == 1 and "m.jsonl:1" in result.output and "not a metadata line" in result.output
    assert sorted(p.name for p in (root / "papers").iterdir()) == before


def test_serve_on_a_port_in_use_is_one_clear_line(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--root", str(project(tmp_path / "kb")), "--port", str(port)])
    assert result.exit_code != 0 and f"{port}" in result.output and "Traceback" not in result.output
