"""The one venue resolver, on real venue strings in every style the field's tools produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetyatlas.pipeline import open_base
from safetyatlas.venues import VenueResolver, venue_key

from conftest import ROOT

CORPUS = [tuple(line.split("\t")) for line in (Path(__file__).parent / "data" / "venue-strings.tsv").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def resolver():
    kb, _ = open_base(ROOT)
    return VenueResolver(kb.venues)


def test_the_corpus_is_large_and_well_formed():
    assert len(CORPUS) >= 150
    assert all(len(row) == 2 for row in CORPUS)


def test_corpus_resolves_at_least_98_percent_and_never_wrongly(resolver):
    wrong, unresolved = [], []
    for raw, expected in CORPUS:
        got = resolver.resolve(raw).venue
        got_id = got.id if got else "-"
        if got_id != expected:
            (unresolved if got is None else wrong).append((raw, expected, got_id))
    assert wrong == [], "resolved to a wrong venue (never allowed)"
    assert len(unresolved) <= 0.02 * len(CORPUS), unresolved


@pytest.mark.parametrize(
    "raw, year",
    [
        ("32nd USENIX Security Symposium (USENIX Security 23)", 2023),
        ("NeurIPS'25", 2025),
        ("Findings of the Association for Computational Linguistics: EMNLP 2024", 2024),
        ("Proceedings of the 41st International Conference on Machine Learning", None),
        ("2022 IEEE Symposium on Security and Privacy (SP)", 2022),
    ],
)
def test_the_year_in_a_venue_string(resolver, raw, year):
    assert resolver.resolve(raw).year == year


def test_arxiv_strings_carry_their_identifier(resolver):
    match = resolver.resolve("arXiv preprint arXiv:2307.15043v2")
    assert match.venue.id == "arxiv" and match.arxiv == "2307.15043"


def test_unresolved_strings_name_the_closest_venues(resolver):
    match = resolver.resolve("Proceedings of the Internationl Conference on Machine Lerning")
    assert match.venue is None
    assert "icml" in [v.id for v in match.candidates]


def test_a_name_two_venues_share_resolves_to_neither():
    from safetyatlas.schema import Venue

    a = Venue(id="aa", name="AA", full_name="Alpha Conference", type="conference", aliases=("Shared Name",))
    b = Venue(id="bb", name="BB", full_name="Beta Conference", type="conference", aliases=("Shared Name",))
    assert VenueResolver([a, b]).resolve("Shared Name").venue is None
    assert VenueResolver([a, b]).resolve("Alpha Conference").venue == a


def test_publisher_words_count_before_they_are_dropped():
    """A journal titled with the bare words of an IEEE journal is not that IEEE journal, and back."""
    from safetyatlas.schema import Venue

    ieee = Venue(id="ieee-x", name="IEEE TX", full_name="IEEE Transactions on Xylology", type="journal")
    bare = Venue(id="x", name="TX", full_name="Transactions on Xylology", type="journal")
    only_ieee = Venue(id="ieee-y", name="IEEE TY", full_name="IEEE Transactions on Yodelling", type="journal")
    resolver = VenueResolver([ieee, bare, only_ieee])
    assert resolver.resolve("IEEE Transactions on Xylology").venue == ieee
    assert resolver.resolve("Transactions on Xylology").venue == bare
    assert resolver.resolve("Transactions on Yodelling").venue == only_ieee  # dropped "IEEE": still found when unique
    assert resolver.resolve("ACM Transactions on Xylology").venue is None  # another publisher: neither journal


@pytest.mark.parametrize(
    "a, b",
    [
        ("Proceedings of the 40th International Conference on Machine Learning", "International Conference on Machine Learning"),
        ("The Twelfth International Conference on Learning Representations", "International Conference on Learning Representations"),
        ("Thirty-seventh Conference on Neural Information Processing Systems", "Conference on Neural Information Processing Systems"),
        ("IEEE S&P", "ieee s and p"),
    ],
)
def test_venue_keys_ignore_ordinals_years_and_proceedings(a, b):
    assert venue_key(a) == venue_key(b)


def test_every_real_venue_resolves_by_its_own_names(resolver):
    kb, _ = open_base(ROOT)
    for v in kb.venues.values():
        for name in (v.name, v.full_name, *v.aliases):
            got = resolver.resolve(name).venue
            assert got is None or got.id == v.id, (name, v.id, got.id)


def test_findings_are_never_the_main_track(resolver):
    # a conference with a Findings venue in the table gets it; one without stays unresolved rather than wrong
    assert resolver.resolve("CVPR 2026 Findings").venue.id == "findings-cvpr"
    assert resolver.resolve("Findings of EMNLP 2025").venue.id == "findings-emnlp"
    assert resolver.resolve("ICCV 2025 Findings").venue is None
