"""The site build: pages for every kind, golden snapshots, determinism, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from safetyatlas.errors import BuildFailed, ValidationFailed
from safetyatlas.graph import build_graph
from safetyatlas.pipeline import open_base
from safetyatlas.planner import plan_pages
from safetyatlas.site import build_site

from conftest import FIXTURES, ROOT, build_as, project

GOLDEN = FIXTURES / "golden" / "site"
GOLDEN_PAGES = [
    "generated/papers/zou2023universal.md",
    "generated/taxonomy/llm/jailbreak/attack/black-box/llm-generated/index.md",
    "generated/matrix.md",
    "generated/bib/llm.jailbreak.attack.bib",
]


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site as a web deployment builds it (OFFLINE=false: directory URLs)."""
    root = project(tmp_path_factory.mktemp("site"))
    return root, build_as(root, offline=False)


@pytest.fixture(scope="module")
def built_offline(tmp_path_factory):
    """The site as a local build makes it, to be opened from disk (Material's offline plugin)."""
    root = project(tmp_path_factory.mktemp("offline"))
    build_as(root, offline=True)
    return root


def test_the_local_build_works_from_disk(built_offline):
    site = built_offline / "site"
    assert (site / "generated" / "papers" / "zou2023universal.html").is_file() and (site / "generated" / "taxonomy" / "index.html").is_file()
    assert (site / "search" / "search_index.js").read_text().startswith("var __index = ")  # search without fetch()
    home = (site / "index.html").read_text()
    assert '<script src="assets/vendor/iframe-worker/shim.js"' in home and "unpkg" not in home and "https://" not in home.split("<body", 1)[0]
    assert 'href="generated/explorer.html"' in home
    explorer = (site / "generated" / "explorer.html").read_text()
    assert 'data-script="explorer-data.js"' in explorer and 'data-bib="explorer-bib.js"' in explorer
    index = json.loads((site / "generated" / "explorer.json").read_text())
    assert index["paper_url"] == "papers/ID.html"


def test_a_former_id_redirects_from_disk_too(tmp_path, monkeypatch):
    from safetyatlas.site import SiteConfig, generate

    monkeypatch.delenv("OFFLINE", raising=False)
    root = project(tmp_path / "kb")
    path = root / "papers" / "zou2023universal.yaml"
    path.write_text(path.read_text() + "former_ids: [zou2023universalold]\n")
    kb, _ = open_base(root)
    moved = generate(kb, SiteConfig.read(root))["generated/papers/zou2023universalold.md"]
    assert '<meta http-equiv="refresh" content="0; url=zou2023universal.html">' in moved


def test_every_page_kind_exists(built):
    root, report = built
    site = root / "site"
    for path in [
        "index.html",
        "generated/matrix/index.html",
        "generated/explorer/index.html",
        "generated/taxonomy/index.html",
        "generated/families/llm/index.html",
        "generated/families/llm-agent/index.html",
        "generated/threats/jailbreak/index.html",
        "generated/taxonomy/llm/jailbreak/attack/index.html",
        "generated/taxonomy/llm/jailbreak/attack/black-box/index.html",
        "generated/taxonomy/llm/jailbreak/attack/black-box/llm-generated/index.html",
        "generated/papers/zou2023universal/index.html",
        "generated/benchmarks/index.html",
        "generated/benchmarks/advbench/index.html",
        "generated/challenges/index.html",
        "generated/years/2023/index.html",
        "generated/venues/arxiv/index.html",
        "generated/authors/z/index.html",
        "generated/stats/index.html",
        "generated/recent/index.html",
        "generated/feed.xml",
        "generated/explorer.json",
        "generated/bib/all.bib",
        "generated/bib/llm.jailbreak.attack.black-box.bib",
        "generated/charts/papers-per-year.svg",
        "about/index.html",
        "contributing/index.html",
        "data-model/index.html",
        "search/search_index.json",
    ]:
        assert (site / path).is_file(), path
    assert report.papers == 2


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_pages(built, page):
    root, _ = built
    actual = (root / "docs" / page).read_text()
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual)
    assert actual == golden.read_text(), f"rendered {page} differs from {golden} (UPDATE_GOLDEN=1 to accept)"


def test_two_builds_are_byte_identical(built, tmp_path, monkeypatch):
    root, _ = built
    other = project(tmp_path / "again")
    monkeypatch.setenv("OFFLINE", "false")
    build_site(other)
    assert tree_digest(root / "site") == tree_digest(other / "site")


def test_home_counts_and_feed_and_index(built):
    root, _ = built
    home = (root / "site" / "index.html").read_text()
    assert "<strong>2 papers</strong>" in home
    feed = ET.parse(root / "site/generated/feed.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2
    index = json.loads((root / "site/generated/explorer.json").read_text())
    assert sorted(p[0] for p in index["papers"]) == ["chao2023jailbreaking", "zou2023universal"]


def test_site_loads_nothing_from_outside(built):
    root, _ = built
    for html in (root / "site").rglob("*.html"):
        text = html.read_text()
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text and "cdn.jsdelivr" not in text and "unpkg.com" not in text, html


def test_failed_validation_leaves_the_previous_site(built, tmp_path):
    root = project(tmp_path / "p")
    build_site(root)
    before = tree_digest(root / "site")
    (root / "papers/zou2023universal.yaml").write_text((root / "papers/zou2023universal.yaml").read_text().replace("threat: jailbreak", "threat: jailbrake"))
    with pytest.raises(ValidationFailed):
        build_site(root)
    assert tree_digest(root / "site") == before


def test_failed_mkdocs_build_leaves_the_previous_site(tmp_path):
    root = project(tmp_path / "p")
    build_site(root)
    before = tree_digest(root / "site")
    (root / "docs/about.md").write_text("# About\n\n[broken](no-such-page.md)\n")
    with pytest.raises(BuildFailed) as info:
        build_site(root)
    assert "no-such-page.md" in str(info.value)
    assert tree_digest(root / "site") == before
    assert not list(tmp_path.glob("p/.site-*"))


def test_every_node_of_the_real_taxonomy_gets_a_page():
    kb, _ = open_base(ROOT)
    pages = {p.path for p in plan_pages(kb, build_graph(kb), {pid: "" for pid in kb.papers})}
    from safetyatlas import urls

    for s in kb.scopes.values():
        assert urls.node(s.id) in pages
        for c in s.categories:
            for sub in c.subcategories:
                assert urls.node(f"{s.id}.{c.id}.{sub.id}") in pages
    assert all(urls.paper(pid) in pages for pid in kb.papers)
    assert all(urls.family(f) in pages for f in kb.families)


def test_serve_rerenders_a_saved_record_and_keeps_the_page_when_a_record_breaks(tmp_path):
    """`safetyatlas serve` as a user runs it: MkDocs' watcher sees the record, the hook regenerates its page."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = project(tmp_path / "p")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "safetyatlas", "serve", "--root", str(root), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def page() -> str:
        for url in (f"http://127.0.0.1:{port}/generated/papers/zou2023universal.html", f"http://127.0.0.1:{port}/generated/papers/zou2023universal/"):
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    return r.read().decode()
            except OSError:
                continue
        return ""

    def wait_for(check, seconds: float = 60) -> bool:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if check():
                return True
            time.sleep(0.1)
        return False

    try:
        assert wait_for(lambda: "Universal and Transferable" in page()), (tmp_path / "serve.log").read_text()
        time.sleep(1.0)
        record = root / "papers/zou2023universal.yaml"
        record.write_text(record.read_text().replace("Universal and Transferable", "Universal and Edited"))
        assert wait_for(lambda: "Universal and Edited" in page()), (tmp_path / "serve.log").read_text()
        record.write_text(record.read_text().replace("year: 2023", "year: 3023"))
        assert wait_for(lambda: "year 3023 is impossible" in (tmp_path / "serve.log").read_text()), (tmp_path / "serve.log").read_text()
        assert "Universal and Edited" in page()  # the previous page stays
        settled = (tmp_path / "serve.log").read_text().count("not updated")
        time.sleep(2.0)
        assert (tmp_path / "serve.log").read_text().count("not updated") <= settled + 1  # our own writes do not start an endless loop of rebuilds
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_former_id_redirects_to_the_record(tmp_path, monkeypatch):
    from safetyatlas.site import SiteConfig, generate

    monkeypatch.setenv("OFFLINE", "false")
    root = project(tmp_path / "kb")
    path = root / "papers" / "zou2023universal.yaml"
    path.write_text(path.read_text() + "former_ids: [zou2023universalold]\n")
    kb, _ = open_base(root)
    files = generate(kb, SiteConfig.read(root))
    moved = files["generated/papers/zou2023universalold.md"]
    assert '<meta http-equiv="refresh" content="0; url=../zou2023universal/">' in moved
    assert "search:\n  exclude: true" in moved


def test_a_former_id_may_not_name_another_record(tmp_path):
    root = project(tmp_path / "kb")
    path = root / "papers" / "zou2023universal.yaml"
    path.write_text(path.read_text() + "former_ids: [chao2023jailbreaking]\n")
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    assert any(d.field == "former_ids[0]" and "already a paper's id" in d.message for d in info.value.diagnostics)


def test_a_node_merged_from_another_scope_redirects_to_its_new_place(tmp_path, monkeypatch):
    """A node moved across scopes (a guard model filed under agents that belongs to VLMs) keeps its
    old address as a redirect: on its new category and subcategory, in full."""
    from safetyatlas.site import SiteConfig, generate

    monkeypatch.setenv("OFFLINE", "false")
    root = project(tmp_path / "kb")
    path = root / "taxonomy" / "scopes" / "llm.jailbreak.attack.yaml"
    text = path.read_text().replace(
        "        representative: [zou2023universal]\n",
        "        representative: [zou2023universal]\n        former_ids: [llm-agent.jailbreak.attack.white-box.suffix-search]\n",
    )
    path.write_text(
        text.replace(
            "    basis: threat-model\n    description: The attacker reads", "    basis: threat-model\n    former_ids: [llm-agent.jailbreak.attack.white-box]\n    description: The attacker reads"
        )
    )
    kb, _ = open_base(root)
    files = generate(kb, SiteConfig.read(root))
    sub = files["generated/taxonomy/llm-agent/jailbreak/attack/white-box/suffix-search/index.md"]
    assert '<meta http-equiv="refresh" content="0; url=../../../../../llm/jailbreak/attack/white-box/gradient-based/">' in sub
    cat = files["generated/taxonomy/llm-agent/jailbreak/attack/white-box/index.md"]
    assert '<meta http-equiv="refresh" content="0; url=../../../../llm/jailbreak/attack/white-box/">' in cat


def test_a_former_node_id_may_not_name_a_live_node(tmp_path):
    root = project(tmp_path / "kb")
    path = root / "taxonomy" / "scopes" / "llm.jailbreak.attack.yaml"
    path.write_text(path.read_text().replace("        representative: [zou2023universal]\n", "        representative: [zou2023universal]\n        former_ids: [black-box.llm-generated]\n"))
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    (d,) = [d for d in info.value.diagnostics if "former id" in d.message]
    assert d.field == "categories[0].subcategories[0].former_ids[0]" and "llm.jailbreak.attack.black-box.llm-generated" in d.message and "still exists" in d.message


def test_a_former_node_id_may_be_claimed_once(tmp_path):
    root = project(tmp_path / "kb")
    path = root / "taxonomy" / "scopes" / "llm.jailbreak.attack.yaml"
    gone = "        former_ids: [llm-agent.jailbreak.attack.white-box.suffix-search]\n"  # one old node, on two subcategories
    text = path.read_text().replace("        representative: [zou2023universal]\n", "        representative: [zou2023universal]\n" + gone)
    last = "        description: An attacker model writes and refines jailbreak prompts.\n"
    path.write_text(text.replace(last, last + gone))
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    (d,) = [d for d in info.value.diagnostics if "former id" in d.message]
    assert d.field == "categories[1].subcategories[0].former_ids[0]" and "claimed twice" in d.message and "llm.jailbreak.attack.yaml" in d.message


def test_deployment_settings_come_from_mkdocs_config(tmp_path, monkeypatch):
    """site_url, repo_url and edit_uri are read by MkDocs' loader (with !ENV), not by our own reader."""
    from safetyatlas.site import SiteConfig, generate

    root = project(tmp_path / "kb")
    monkeypatch.setenv("OFFLINE", "false")  # as the GitHub Pages workflow builds
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("REPO_URL", raising=False)
    monkeypatch.delenv("EDIT_URI", raising=False)
    local = SiteConfig.read(root)
    assert (local.site_url, local.edit_base) == ("", "")
    kb, _ = open_base(root)
    feed = generate(kb, local)["generated/feed.xml"]
    assert "127.0.0.1" not in feed and 'href="../generated/recent/"' in feed
    monkeypatch.setenv("SITE_URL", "https://owner.github.io/atlas/")
    monkeypatch.setenv("REPO_URL", "https://github.com/owner/atlas")
    monkeypatch.setenv("EDIT_URI", "edit/main/docs/")
    deployed = SiteConfig.read(root)
    assert deployed.site_url == "https://owner.github.io/atlas/"
    assert deployed.edit_base == "https://github.com/owner/atlas/edit/main/"
    files = generate(kb, deployed)
    assert '<link rel="self" href="https://owner.github.io/atlas/generated/feed.xml" />' in files["generated/feed.xml"]
    assert "https://owner.github.io/atlas/generated/papers/zou2023universal/" in files["generated/feed.xml"]
    assert "(https://github.com/owner/atlas/edit/main/papers/zou2023universal.yaml)" in files["generated/papers/zou2023universal.md"]


def test_counted_and_recently_added_order():
    from safetyatlas.graph import recently_added
    from safetyatlas.schema import Author, Classification, Paper
    from safetyatlas.textnorm import counted

    assert (counted(1, "paper"), counted(2, "paper"), counted(3, "category"), counted(1, "category")) == ("1 paper", "2 papers", "3 categories", "1 category")
    import datetime as dt

    def p(pid, title, year, added):
        return Paper(id=pid, title=title, year=year, authors=(Author(family="X"),), classifications=(Classification(family="llm"),), added=dt.date(*added))

    papers = [p("a2023z", "Zeta", 2023, (2026, 1, 2)), p("b2025b", "Beta", 2025, (2026, 1, 2)), p("c2025a", "Alpha", 2025, (2026, 1, 2)), p("d2026q", "Q", 2026, (2026, 1, 3))]
    assert [x.id for x in recently_added(papers)] == ["d2026q", "c2025a", "b2025b", "a2023z"]


def _fails_with_diagnostics():
    from safetyatlas.errors import Diagnostic

    raise ValidationFailed([Diagnostic("papers/x.yaml", 3, "year", "not a year", "write 2024")])


def _fails_unpicklably():
    class Local(Exception):  # a class pickle cannot find
        pass

    raise Local("something odd")


def test_our_stages_run_in_a_child_that_hands_back_results_and_errors():
    """A build generates in a forked child (its memory is the system's again before MkDocs runs)."""
    import os

    from safetyatlas.site import in_own_process

    assert in_own_process(os.getpid) != os.getpid()  # it really ran elsewhere
    assert in_own_process(sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(ValidationFailed) as info:
        in_own_process(_fails_with_diagnostics)
    assert [(d.path, d.line, d.field) for d in info.value.diagnostics] == [("papers/x.yaml", 3, "year")]
    with pytest.raises(BuildFailed, match="Local: something odd"):
        in_own_process(_fails_unpicklably)
