"""The loader: lines of keys, refusal of bad bytes, big files and aliases, the C loader."""

from __future__ import annotations

import yaml

from safetyatlas import load
from safetyatlas.errors import ValidationFailed
from safetyatlas.pipeline import open_base

import pytest


def test_uses_the_c_loader_when_present():
    if hasattr(yaml, "CSafeLoader"):
        assert load._Loader is yaml.CSafeLoader


def test_lines_of_nested_keys():
    data, lines = load.parse_text("a: 1\nb:\n  - x: 2\n    y: [3, 4]\n", "t.yaml")
    assert data == {"a": 1, "b": [{"x": 2, "y": [3, 4]}]}
    assert lines[("a",)] == 1
    assert lines[("b", 0, "y")] == 4
    assert lines[("b", 0, "y", 1)] == 4


def test_numbers_that_look_like_floats_stay_text():
    data, _ = load.parse_text("arxiv: 2307.15040\nyear: 2023\nflag: true\nnone: null\n", "t.yaml")
    assert data == {"arxiv": "2307.15040", "year": 2023, "flag": True, "none": None}


def test_non_utf8_bytes_are_reported_with_their_line(tree):
    root = tree(files={"papers/zou2023universal.yaml": (tree().joinpath("papers/zou2023universal.yaml").read_bytes().replace(b"Zou", b"Z\xf6u"))})
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    first = info.value.diagnostics[-1]
    assert (first.path, first.line) == ("papers/zou2023universal.yaml", 4)
    assert "0xf6 is not UTF-8" in first.message


def test_oversize_file_is_refused_without_parsing(tree, monkeypatch):
    monkeypatch.setattr(load, "MAX_BYTES", 64)
    root = tree()
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    assert any("over the 64-byte limit" in d.message for d in info.value.diagnostics)


def test_duplicate_keys_are_errors():
    with pytest.raises(load.Refused) as info:
        load.parse_text("title: a\ntitle: b\n", "t.yaml")
    assert info.value.line == 2


def test_a_huge_alias_bomb_fails_fast(tree):
    # 9 levels of 9-fold aliases would expand to 387 million strings
    root = tree("alias-bomb")
    with pytest.raises(ValidationFailed):
        open_base(root)


def test_list_files_must_be_lists(tree):
    root = tree(files={"taxonomy/threats.yaml": "id: jailbreak\n"})
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    assert str(info.value.diagnostics[0]).startswith("taxonomy/threats.yaml:1: expected a list of records")
