"""The public API in safetyatlas/__init__: every name it lists resolves, and the formats go both ways."""

from __future__ import annotations

import datetime as dt

import pytest

import safetyatlas
from conftest import project
from safetyatlas.schema import Classification


@pytest.mark.parametrize("name", [n for n in safetyatlas.__all__ if n != "__version__"])
def test_every_public_name_resolves(name):
    assert getattr(safetyatlas, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        safetyatlas.nothing_here  # noqa: B018


def test_to_bibtex_and_from_bibtex_take_the_same_types_both_ways(tmp_path):
    kb, _ = safetyatlas.open_base(project(tmp_path / "kb"), strict=True)
    papers = list(kb.papers.values())
    text = safetyatlas.to_bibtex(papers, kb.venues)
    place = (Classification(family="llm", threat="jailbreak", side="attack", category="black-box", subcategory="llm-generated"),)
    back = [p.paper for p in safetyatlas.from_bibtex(text, kb.venues, place, added=dt.date(2025, 1, 1))]
    assert [(p.id, p.title, p.year, p.venue, [a.family for a in p.authors]) for p in back] == [(p.id, p.title, p.year, p.venue, [a.family for a in p.authors]) for p in papers]
