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
    assert urls.href("generated/taxonomy/index.md", "generated/explorer.md") == "../taxonomy"
    assert urls.served("generated/taxonomy/llm/index.md") == "generated/taxonomy/llm/"
