"""Each bad-input scenario reports exactly the expected problems, at the expected lines."""

from __future__ import annotations

import pytest

from safetyatlas.errors import ValidationFailed
from safetyatlas.kb import load_kb

from conftest import FIXTURES

SCENARIOS = sorted(p.parent.name for p in FIXTURES.glob("*/EXPECTED"))


def test_minimal_tree_is_clean(tree):
    kb, warnings = load_kb(tree())
    assert warnings == []
    assert list(kb.papers) == ["chao2023jailbreaking", "zou2023universal"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_reports_every_problem_with_its_line(tree, scenario):
    expected = (FIXTURES / scenario / "EXPECTED").read_text().splitlines()
    with pytest.raises(ValidationFailed) as info:
        load_kb(tree(scenario))
    assert [str(d) for d in info.value.diagnostics] == expected


def test_all_scenarios_are_covered():
    assert len(SCENARIOS) >= 10
