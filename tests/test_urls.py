"""URL helpers: the fast relative-link function agrees with posixpath.relpath."""

from __future__ import annotations

import posixpath
import random

from safetyatlas import urls


def test_rel_matches_posixpath_on_many_pairs():
    rng = random.Random(7)
    parts = ["generated", "papers", "taxonomy", "llm", "jailbreak", "attack", "bib", "index.md", "a.md"]
    for _ in range(2000):
        t = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        s = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        assert urls.rel(t, s) == posixpath.relpath(t, posixpath.dirname(s) or "."), (t, s)


def test_href_is_relative_to_the_served_url():
    assert urls.href("generated/explorer.json", "generated/explorer.md") == "../explorer.json"
    assert urls.href("generated/taxonomy/index.md", "generated/explorer.md") == "../taxonomy/"  # MkDocs keeps the slash: no redirect
    assert urls.served("generated/taxonomy/llm/index.md") == "generated/taxonomy/llm/"


# --- properties: our fast rel() and MkDocs' get_relative_url give the same links --------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

_SEGMENT = st.sampled_from(["generated", "papers", "taxonomy", "llm", "jailbreak", "attack", "a-b", "x.y", "index.md", "p.md", "all.bib"])
_PATH = st.lists(_SEGMENT, min_size=1, max_size=6).map("/".join)


@settings(max_examples=500, deadline=None)
@given(_PATH, _PATH.map(lambda p: p if p.endswith(".md") else p + "/page.md"))
def test_rel_agrees_with_mkdocs_get_relative_url(target, source):
    assert urls.rel(target, source) == get_relative_url(target, source)


@settings(max_examples=300, deadline=None)
@given(_PATH.map(lambda p: p + ".md"), _PATH.map(lambda p: p + ".md"))
def test_a_link_followed_from_its_page_lands_on_the_target(target, source):
    assert posixpath.normpath(posixpath.join(posixpath.dirname(source), urls.rel(target, source))) == posixpath.normpath(target)
