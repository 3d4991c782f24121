"""The parse cache: a warm load gives exactly what a cold one gives, and never serves stale data."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from safetyatlas import cache
from safetyatlas.cli import main
from safetyatlas.pipeline import open_base
from safetyatlas.load import iter_files, load_tree

from conftest import FIXTURES

SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if (p / "EXPECTED").is_file())


def records(raws):
    return [(r.kind, r.path, r.line, r.data, r.lines) for r in raws]


def test_warm_load_equals_cold_load(tree):
    root = tree()
    cold = load_tree(root)
    parsed = cache.ParseCache()
    first = load_tree(root, parsed)
    assert parsed.misses == len(list(iter_files(root))) > 0
    assert parsed.hits == 0
    parsed.forget_unused()
    second = load_tree(root, parsed)
    assert parsed.misses == 0 and parsed.hits > 0
    assert records(first[0]) == records(second[0]) == records(cold[0])
    # and through the disk format
    again = cache.ParseCache.loads(parsed.dumps())
    third = load_tree(root, again)
    assert again.misses == 0
    assert records(third[0]) == records(cold[0])


def test_a_changed_file_is_parsed_again_and_the_old_entry_dropped(tree):
    root = tree()
    parsed = cache.ParseCache()
    open_base(root, cache=parsed)
    parsed.forget_unused()
    size = len(parsed)
    paper = root / "papers" / "zou2023universal.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1), encoding="utf-8")
    kb, _ = open_base(root, cache=parsed)
    assert kb.papers["zou2023universal"].title.startswith("Changed ")
    assert parsed.misses == 1
    assert parsed.forget_unused() is True
    assert len(parsed) == size  # the old digest went, the new one came


def test_kb_shared_cache_does_not_leak_between_loads(tree):
    """The serve loop reuses one cache in memory: nothing downstream may mutate cached data."""
    root = tree()
    parsed = cache.ParseCache()
    first, _ = open_base(root, cache=parsed)
    second, _ = open_base(root, cache=parsed)
    assert first.papers == second.papers
    assert parsed.hits > 0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_diagnostics_are_the_same_from_the_cache(tree, scenario, monkeypatch):
    """Lines in error messages come from the cache on a warm run: they must not move."""
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree(scenario)
    runner = CliRunner()
    cold = runner.invoke(main, ["validate", str(root)])
    assert cold.exit_code == 1 and ".yaml:" in cold.output, cold.output  # the scenario's problems, not a usage error
    assert cache.cache_file(root).is_file()
    warm = runner.invoke(main, ["validate", str(root)])
    assert (cold.exit_code, cold.output) == (warm.exit_code, warm.output)


def test_cli_writes_the_cache_once_and_reuses_it(tree, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree()
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(root)]).exit_code == 0
    path = cache.cache_file(root)
    first = path.stat().st_mtime_ns
    stored = cache.read(root)
    assert len(stored) > 0
    os.utime(path, ns=(1, 1))
    assert runner.invoke(main, ["validate", str(root)]).exit_code == 0
    assert path.stat().st_mtime_ns == 1, "an unchanged cache is not rewritten"
    assert first != 1


@pytest.mark.parametrize("blob", [b"", b"not marshal at all", b"\x00" * 64])
def test_a_damaged_cache_is_ignored_and_replaced(tree, blob, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree()
    cache.cache_file(root).parent.mkdir(parents=True)
    cache.cache_file(root).write_bytes(blob)
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 0, result.output
    assert len(cache.read(root)) > 0


def test_a_cache_from_other_code_is_ignored(tree, monkeypatch):
    root = tree()
    parsed = cache.ParseCache()
    load_tree(root, parsed)
    blob = parsed.dumps()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert len(cache.ParseCache.loads(blob)) == 0


def test_switched_off(tree, monkeypatch):
    monkeypatch.setenv(cache.ENV, "off")
    root = tree()
    assert CliRunner().invoke(main, ["validate", str(root)]).exit_code == 0
    assert not cache.cache_file(root).exists()


def test_an_unwritable_cache_folder_is_not_an_error(tree, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree()
    cache.cache_file(root).parent.parent.mkdir(parents=True, exist_ok=True)
    cache.cache_file(root).parent.write_text("a file where the folder should be")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 0, result.output


def test_generated_pages_are_the_same_from_the_cache(tmp_path, monkeypatch):
    from safetyatlas.site import SiteConfig, generate

    from conftest import project

    monkeypatch.delenv(cache.ENV, raising=False)
    root = project(tmp_path / "kb")
    with cache.on_disk(root) as parsed:
        open_base(root, cache=parsed)
    assert len(cache.read(root)) > 0
    with cache.on_disk(root) as parsed:
        kb, _ = open_base(root, cache=parsed)
        assert parsed.misses == 0
    assert generate(kb, SiteConfig.read(root)) == generate(open_base(root)[0], SiteConfig.read(root))


def test_fixture_folders_stay_clean():
    assert not any((FIXTURES / name / ".cache").exists() for name in SCENARIOS + ["minimal"])
    assert all(cache.cache_file(FIXTURES / name) is None or not cache.cache_file(FIXTURES / name).exists() for name in SCENARIOS + ["minimal"])


def test_the_cache_never_comes_from_the_repository(tree, monkeypatch):
    """A committed .cache/ is not read, and a cache folder set inside the repository is not used."""
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree()
    honest = cache.ParseCache()
    load_tree(root, honest)
    # a pull request commits a cache mapping every file's digest to other data
    forged = cache.ParseCache({k: ({"kind": "x"}, {}) for k in honest._entries})
    (root / ".cache" / "safetyatlas").mkdir(parents=True)
    (root / ".cache" / "safetyatlas" / "parsed.marshal").write_bytes(forged.dumps())
    assert cache.cache_file(root) is not None and root not in cache.cache_file(root).parents
    assert len(cache.read(root)) == 0
    monkeypatch.setenv(cache.DIR_ENV, str(root / ".cache"))
    assert cache.cache_file(root) is None
    with cache.on_disk(root) as parsed:
        assert parsed is not None and len(parsed) == 0
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 0, result.output


def test_a_cache_file_that_is_a_link_is_ignored(tree, tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    root = tree()
    parsed = cache.ParseCache()
    load_tree(root, parsed)
    elsewhere = tmp_path / "elsewhere.marshal"
    elsewhere.write_bytes(parsed.dumps())
    path = cache.cache_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(elsewhere)
    assert len(cache.read(root)) == 0


def test_damaged_entries_make_an_empty_cache():
    blob = cache.ParseCache({b"k" * 16: "not a parse result"}).dumps()  # type: ignore[dict-item]
    assert len(cache.ParseCache.loads(blob)) == 0
