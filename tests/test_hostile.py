"""What a hostile pull request can do to the published site and the machine that builds it.

The corpus (tests/hostile.py) puts a script payload in every text field of every record kind;
the site is built from it and every page is loaded in headless Chromium. The file-system cases
check that a record can never make the build read or write outside the repository.
"""

from __future__ import annotations

import functools
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from safetyatlas.cli import main
from safetyatlas.errors import BuildFailed, ValidationFailed
from safetyatlas.pipeline import open_base
from safetyatlas.site import build_site

from conftest import CHROMIUM, ROOT, build_tree
from hostile import LINK_PAYLOADS, MARK, write_hostile_base


def project(dest: Path) -> Path:
    """The minimal fixture base with the real site set-up (templates, docs, mkdocs.yml)."""
    import shutil

    build_tree(dest)
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


# --- validation refuses what cannot be made safe ------------------------------------------


@pytest.mark.parametrize("field, value", [(f, v) for f, values in LINK_PAYLOADS.items() for v in values])
def test_validation_refuses_link_breakouts_and_control_characters(tree, field, value):
    import yaml

    root = tree()
    path = root / "papers" / "zou2023universal.yaml"
    data = yaml.safe_load(path.read_text())
    data[field] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ValidationFailed) as info:
        open_base(root)
    assert any(d.field == field and d.path == "papers/zou2023universal.yaml" for d in info.value.diagnostics), info.value.diagnostics


def test_the_hostile_corpus_is_valid(tmp_path):
    root = project(tmp_path / "kb")
    write_hostile_base(root)
    kb, warnings = open_base(root, strict=True)
    assert len(kb.papers) > 20 and warnings == []


# --- the built site in a browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("hostile") / "kb")
    write_hostile_base(root)
    build_site(root)
    return root


SCAN = (
    """() => {
  const mark = %r;
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value;
      if (name.startsWith('on') && value.includes(mark)) found.push(tag + ' ' + name + '=' + value);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name) && /^\\s*(javascript|data|vbscript):/i.test(value)) found.push(tag + ' ' + name + '=' + value);
    }
    if (tag === 'script' && (el.textContent.includes(mark) || (el.src || '').includes(mark))) found.push('script ' + el.textContent.slice(0, 80));
    if (['iframe', 'object', 'embed', 'style', 'math', 'svg'].includes(tag) && el.outerHTML.includes(mark)) found.push(tag + ' ' + el.outerHTML.slice(0, 80));
    if (tag === 'img' && (el.getAttribute('src') || '').includes(mark)) found.push('img ' + el.getAttribute('src'));
  }
  return found;
}"""
    % MARK
)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_no_record_runs_script_on_any_page(hostile_site, browser):
    site = hostile_site / "site"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    assert len(pages) > 40
    dialogs: list[str] = []
    outside: list[str] = []
    problems: dict[str, list[str]] = {}
    try:
        if True:  # one context of the shared browser
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:", "about:")) else None)
            for rel in pages:
                page.goto(base + rel, wait_until="load")
                page.mouse.move(640, 450)  # hover payloads fire on a pointer over them
                found = page.evaluate(SCAN)
                if page.evaluate(f"() => window.{MARK} !== undefined"):
                    found.append(f"window.{MARK} was set")
                if found:
                    problems[rel] = found
            # Material's search renders matching titles: search for the payloads themselves
            page.goto(base, wait_until="networkidle")
            page.locator(".md-search__input").first.click()
            page.locator("input.md-search__input").press_sequentially("onerror img title", delay=30)
            page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=15000)
            page.wait_for_timeout(500)
            found = page.evaluate(SCAN)
            if page.evaluate(f"() => window.{MARK} !== undefined"):
                found.append(f"window.{MARK} was set")
            if found:
                problems["search results"] = found
            context.close()
    finally:
        server.shutdown()
    assert dialogs == [], dialogs
    assert problems == {}, problems
    assert outside == [], outside


def test_titles_reach_the_page_as_text(hostile_site):
    html = (hostile_site / "site" / "generated" / "papers" / "hostile2024p0.html").read_text(encoding="utf-8")  # the local (offline) build
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=window.PWNED=1;alert(1)&gt; title 0" in html  # the <title> and the heading show it literally


def test_snippet_lines_in_records_include_nothing(hostile_site):
    for page in (hostile_site / "docs" / "generated").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert not any(line.lstrip().startswith("--8<--") for line in text.splitlines()), page


def test_feed_is_well_formed_xml(hostile_site):
    import xml.etree.ElementTree as ET

    ET.parse(hostile_site / "site" / "generated" / "feed.xml")


# --- the file system as a boundary ------------------------------------------------------------


def test_a_linked_generated_folder_is_refused_and_its_target_untouched(tmp_path):
    root = project(tmp_path / "kb")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    (root / "docs" / "generated").symlink_to(victim, target_is_directory=True)
    with pytest.raises(BuildFailed, match="symbolic link"):
        build_site(root)
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"]


def test_a_linked_file_inside_generated_is_replaced_not_written_through(tmp_path):
    root = project(tmp_path / "kb")
    build_site(root)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = root / "docs" / "generated" / "matrix.md"
    target.unlink()
    target.symlink_to(victim)
    (root / "docs" / "generated" / "stale.md").symlink_to(victim)
    build_site(root)
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_text().startswith("---")


@pytest.mark.parametrize("name", ["site", "site.old"])
def test_linked_or_wrong_type_site_folders_are_refused_before_building(tmp_path, name):
    root = project(tmp_path / "kb")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    (root / name).symlink_to(victim, target_is_directory=True)
    with pytest.raises(BuildFailed, match="symbolic link"):
        build_site(root)
    assert (victim / "precious.txt").read_text() == "keep me"
    (root / name).unlink()
    (root / name).write_text("a file")
    with pytest.raises(BuildFailed, match="not a folder"):
        build_site(root)
    assert (root / name).read_text() == "a file"
    assert not list(root.glob(".site-*"))


def test_site_gets_the_permissions_the_umask_gives(tmp_path):
    root = project(tmp_path / "kb")
    old = os.umask(0o022)
    try:
        build_site(root)
    finally:
        os.umask(old)
    assert (root / "site").stat().st_mode & 0o777 == 0o755


def test_a_symlinked_record_is_refused_and_not_read(tmp_path):
    root = project(tmp_path / "kb")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-LINE:0:0\n")
    (root / "papers" / "evil2024leak.yaml").symlink_to(secret)
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert "papers/evil2024leak.yaml: is a symbolic link" in result.output
    assert "SECRET" not in result.output


@pytest.mark.parametrize(
    "name, message",
    [
        ("papers/extra.yml", "record files end in '.yaml'"),
        ("papers/UPPER.YAML", "record files end in '.yaml'"),
        ("papers/sub/x2024y.yaml", "subfolder is not read"),
        ("papers/.x2024y.yaml", "hidden file is not read"),
    ],
)
def test_files_the_loader_would_skip_are_reported(tree, name, message):
    root = tree(files={name: (ROOT / "tests/fixtures/minimal/papers/zou2023universal.yaml").read_text()})
    result = CliRunner().invoke(main, ["validate", "--strict", str(root)])
    assert result.exit_code == 1 and message in result.output, result.output


def test_deep_nesting_is_a_diagnostic_not_a_traceback(tree):
    root = tree(files={"papers/zou2023universal.yaml": "id: zou2023universal\nsummary: " + "[" * 500 + "]" * 500 + "\n"})
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "papers/zou2023universal.yaml:" in result.output and "nest" in result.output


def test_export_refuses_to_replace_a_link_or_a_device(tree, tmp_path):
    root = tree()
    victim = tmp_path / "victim.bib"
    victim.write_text("keep me")
    link = tmp_path / "out.bib"
    link.symlink_to(victim)
    result = CliRunner().invoke(main, ["export", "bibtex", "--root", str(root), "-o", str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert victim.read_text() == "keep me" and link.is_symlink()
    result = CliRunner().invoke(main, ["export", "bibtex", "--root", str(root), "-o", "/dev/null"])
    assert result.exit_code == 1 and "not a regular file" in result.output


def test_concurrent_builds_wait_for_each_other(tmp_path):
    root = project(tmp_path / "kb")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            build_site(root)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (root / "site" / "index.html").is_file()
    assert not list(root.glob(".site-*")) and not (root / "site.old").exists()


def test_sigterm_stops_mkdocs_and_removes_the_temporary_site(tmp_path):
    root = project(tmp_path / "kb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "safetyatlas", "build", "--root", str(root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and not list(root.glob(".site-*")):
        time.sleep(0.02)
    assert list(root.glob(".site-*")), "the build never reached MkDocs"
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower(), "MkDocs outlived the build"
    assert not list(root.glob(".site-*"))


def test_serve_on_a_used_port_is_a_sentence(tree):
    import socket

    root = project(tree().parent / "served")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--root", str(root), "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output, result.output
