"""Property-based tests (hypothesis) of the rules every record goes through: LaTeX both ways, cite keys."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from safetyatlas.bibtex import latex, plain_title, unlatex
from safetyatlas.ids import PAPER_ID_PATTERN, make_paper_id
from safetyatlas.textnorm import squash_space

# What titles and names are made of: letters of many scripts, digits, punctuation LaTeX treats
# specially (& % $ # _ { } ~ ^ \), quotes and dashes; no control characters.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), max_size=60)


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example('What\'s in Your "Safe" Data?')
@example("Tramèr & Co: 50% of GPT-4_mini {braces} #1 $5 ~x^2 A--B “quotes” Łódź Zając")
@example("back\\slash and }{ unbalanced")
def test_latex_round_trip_gives_back_the_text(text):
    nfc = lambda t: unicodedata.normalize("NFC", t)  # noqa: E731  (canonically equal forms are the same text)
    assert nfc(unlatex(latex(text))) == nfc(squash_space(text))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_plain_title_leaves_plain_text_alone(text):
    assume(not re.search(r"\\[A-Za-z]|\$|''|``", text))
    assert plain_title(text) == squash_space(text)


FAMILY = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=30)


@settings(max_examples=400, deadline=None)
@given(FAMILY, st.integers(1900, 2100), TEXT, st.sets(st.from_regex(r"[a-z]{1,8}[0-9]{4}[a-z]{1,8}", fullmatch=True), max_size=20))
def test_cite_keys_are_valid_ids_deterministic_and_never_taken(family, year, title, taken):
    key = make_paper_id(family, year, title, taken)
    assert re.fullmatch(PAPER_ID_PATTERN, key) and len(key) <= 80
    assert key not in taken
    assert key == make_paper_id(family, year, title, taken)
    assert str(year) in key


def test_cite_keys_of_known_papers():
    assert make_paper_id("Zou", 2023, "Universal and Transferable Adversarial Attacks on Aligned Language Models") == "zou2023universal"
    assert make_paper_id("He", 2024, 'What\'s in Your "Safe" Data?') == "he2024safe"
    assert make_paper_id("Tramèr", 2022, "Truth Serum") == "tramer2022truth"
    assert make_paper_id("Zou", 2023, "Universal", {"zou2023universal"}) == "zou2023universalb"
