"""The built site in headless Chromium: search, explorer, matrix, paper pages, privacy.

The site is built once from the real data into a temporary copy of the project and served on
127.0.0.1. Every page visited is watched for console errors and for requests that leave
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

from safetyatlas.pipeline import open_base
from safetyatlas.graph import build_graph

from conftest import CHROMIUM, ROOT, build_as

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")]


BUILT: dict[str, Path] = {}


def copy_project(dest: Path) -> Path:
    for name in ("taxonomy", "papers", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory):

    root = copy_project(tmp_path_factory.mktemp("project"))
    build_as(root, offline=False)  # served, as the web deployment builds it: directory URLs
    BUILT["root"] = root
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "site"))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def kb():
    kb, _ = open_base(ROOT)
    return kb


@contextlib.contextmanager
def watched_page(browser, inside: tuple[str, ...]):
    """A page that records console errors and requests outside ``inside``; asserts both are clean at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((*inside, "data:", "blob:")) else None)
    yield pg
    context.close()
    assert errors == [], f"console errors: {errors}"
    assert outside == [], f"requests outside {inside}: {outside}"


@pytest.fixture
def page(browser, site):
    with watched_page(browser, ("http://127.0.0.1",)) as pg:
        pg.base = site  # type: ignore[attr-defined]
        yield pg


def open_page(page, path: str) -> None:
    page.goto(page.base + path, wait_until="networkidle")


def explorer_count(page) -> int:
    page.wait_for_selector("#sa-explorer .sa-count[data-count]")
    return int(page.locator("#sa-explorer .sa-count").get_attribute("data-count"))


def search_for(page, text: str):
    """Type ``text`` into Material's search on the home page with real key events; the result links once one shows."""
    open_page(page, "")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(text, delay=40)
    links = page.locator(".md-search-result__link")
    links.first.wait_for(timeout=15000)
    return links


def test_search_finds_a_paper_by_title_and_opens_it(page):
    hit = search_for(page, "Jailbroken how does").filter(has_text="How Does LLM Safety Training Fail").first
    hit.wait_for(timeout=15000)
    hit.click()
    page.wait_for_url("**/generated/papers/wei2023jailbroken/**")
    assert "Jailbroken" in page.locator("h1").inner_text()


def test_search_finds_a_paper_by_author(page):
    assert search_for(page, "Debenedetti").filter(has_text="AgentDojo").count() >= 1


def test_search_finds_a_word_next_to_punctuation(page, kb):
    """An earlier title is shown as 'also titled “AdvWeb: ...”': the word between the quote and the colon is searchable."""
    assert any(t.startswith("AdvWeb:") for t in kb.papers["xu2024advagent"].other_titles)
    assert search_for(page, "AdvWeb").filter(has_text="AdvAgent").count() >= 1


def test_explorer_filters_narrow_the_count_and_the_url_round_trips(page, kb):
    open_page(page, "generated/explorer/")
    assert explorer_count(page) == len(kb.papers)
    page.select_option("select[name=family]", "llm")
    llm = {p.id for p in kb.papers.values() if any(c.family == "llm" for c in p.classifications)}
    assert explorer_count(page) == len(llm)
    page.select_option("select[name=threat]", "jailbreak")
    page.select_option("select[name=side]", "attack")
    expected = {p.id for p in kb.papers.values() if any((c.family, c.threat, c.side) == ("llm", "jailbreak", "attack") for c in p.classifications)}
    assert explorer_count(page) == len(expected)
    page.locator("input[name=from]").fill("2024")
    recent = {i for i in expected if kb.papers[i].year >= 2024}
    assert explorer_count(page) == len(recent)
    shown = set(page.locator("#sa-explorer tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)"))
    assert shown <= recent and len(shown) == min(len(recent), 50)  # one page of 50 rows, then 'Show more'
    state = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).fragment)
    assert state == {"family": ["llm"], "threat": ["jailbreak"], "side": ["attack"], "from": ["2024"]}
    # the same URL in a fresh page restores the same view
    url = page.url
    page.goto("about:blank")
    page.goto(url, wait_until="networkidle")
    assert explorer_count(page) == len(recent)
    assert page.locator("select[name=threat]").input_value() == "jailbreak"


def test_explorer_free_text_and_subcategory(page, kb):
    open_page(page, "generated/explorer/#q=backdoor")
    expected = {p.id for p in kb.papers.values() if "backdoor" in " ".join([p.id, p.title, *p.other_titles, p.short_name or "", *(a.display for a in p.authors)]).lower()}
    assert explorer_count(page) == len(expected)


def test_explorer_finds_every_author_accent_insensitively_and_papers_by_short_name(page, kb):
    tramer = {p.id for p in kb.papers.values() if any(a.family in ("Tramèr", "Tramer") for a in p.authors)}
    assert len(tramer) > 4
    counts = []
    for query in ("tramer", "Tramèr", "TRAMÈR"):
        page.goto("about:blank")
        open_page(page, f"generated/explorer/#q={urllib.parse.quote(query)}")
        counts.append(explorer_count(page))
    assert counts == [len(tramer)] * 3  # every author, not only the first four; accents do not matter
    open_page(page, "generated/explorer/")
    page.locator("input[name=q]").press_sequentially("GCG", delay=30)
    page.wait_for_function("document.querySelector('#sa-explorer .sa-count').dataset.count !== undefined")
    rows = page.locator("#sa-explorer tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert "zou2023universal" in rows


def test_explorer_typing_and_deleting_match_a_fresh_load(page):
    """Typing on narrows the previous match instead of scanning every paper; deleting widens again.

    Whatever path the keystrokes took, the count and the rows must equal a fresh page opened on
    the same query.
    """

    def view():
        rows = page.locator("#sa-explorer tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
        return explorer_count(page), rows

    fresh = {}
    for q in ("attack", "jailbreak attack", "jail"):
        open_page(page, "generated/explorer/#q=" + urllib.parse.quote(q))
        fresh[q] = view()
    assert fresh["jailbreak attack"][0] < fresh["jail"][0] and fresh["jailbreak attack"][0] > 0
    open_page(page, "generated/explorer/")
    box = page.locator("#sa-explorer input[name=q]")
    box.press_sequentially("jailbreak attack", delay=20)
    page.wait_for_function("() => location.hash === '#q=jailbreak+attack'")
    assert view() == fresh["jailbreak attack"]
    for _ in range(len("break attack")):
        box.press("Backspace")
    page.wait_for_function("() => location.hash === '#q=jail'")
    assert view() == fresh["jail"]
    box.fill("")
    box.press_sequentially("attack", delay=20)
    page.wait_for_function("() => location.hash === '#q=attack'")
    assert view() == fresh["attack"]


def test_matrix_cell_leads_to_the_right_papers(page, kb):
    open_page(page, "generated/matrix/")
    graph = build_graph(kb)
    expected_n = graph.matrix[("dm", "jailbreak", "defense")]
    row = page.locator("tr", has=page.locator("a", has_text="DM"))
    column = [h.inner_text().strip() for h in page.locator(".sa-matrix thead th").all()].index("Jailbreak")
    cell = row.locator("td").nth(column - 1).locator("a.sa-def")  # the family heading is a th
    assert cell.inner_text() == str(expected_n)
    cell.click()
    page.wait_for_url("**/generated/explorer/**")
    assert explorer_count(page) == expected_n
    expected = {p.id for p in kb.papers.values() if any(kb.root_family(c.family) == "dm" and c.threat == "jailbreak" and c.side == "defense" for c in p.classifications)}
    shown = set(page.locator("#sa-explorer tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)"))
    assert shown == expected


def test_matrix_fits_one_screen_at_1366(browser, site, kb):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(site + "generated/matrix/", wait_until="networkidle")
    table = page.locator(".sa-matrix table")
    width, room = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert width <= room <= 1366
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768  # the whole table in the first screen
    graph = build_graph(kb)
    used = {t for (_, t, _) in graph.matrix}
    headers = page.locator(".sa-matrix thead th a")
    assert headers.count() == len(used)  # a threat with no paper is not a column
    assert all(headers.nth(i).get_attribute("title") for i in range(headers.count()))  # the full name as a tooltip
    context.close()


def test_paper_page_shows_bibtex_and_links(page, kb):
    open_page(page, "generated/papers/zou2023universal/")
    code = page.locator(".sa-bibtex code").inner_text()
    assert code.lstrip().startswith("@") and "zou2023universal" in code
    assert page.locator("a", has_text="arXiv:2307.15043").get_attribute("href") == "https://arxiv.org/abs/2307.15043"
    page.locator("a", has_text="AdvBench").first.click()
    page.wait_for_url("**/generated/benchmarks/advbench/**")


def test_explorer_downloads_bibtex_of_the_selection(page, kb):
    open_page(page, "generated/explorer/#family=vlp&side=defense")
    n = explorer_count(page)
    with page.expect_download() as info:
        page.locator("button", has_text="Download BibTeX").click()
    text = Path(info.value.path()).read_text()
    assert text.count("\n@") + text.startswith("@") == n


def test_every_main_page_loads_cleanly(page):
    for path in [
        "",
        "generated/taxonomy/",
        "generated/taxonomy/llm/jailbreak/attack/",
        "generated/families/agent/",
        "generated/threats/jailbreak/",
        "generated/benchmarks/",
        "generated/challenges/",
        "generated/stats/",
        "generated/years/",
        "generated/venues/",
        "generated/authors/",
        "generated/recent/",
        "about/",
    ]:
        open_page(page, path)
        assert page.locator("h1").count() >= 1, path


def test_subcategory_page_opens_the_explorer_on_exactly_its_papers(page, kb):
    node = "llm.jailbreak.attack.black-box.llm-driven-generation"
    open_page(page, "generated/taxonomy/" + node.replace(".", "/") + "/")
    page.locator("a", has_text="Open in the explorer").first.click()
    page.wait_for_url("**/generated/explorer/**")
    expected = {p.id for p in kb.papers.values() if any(c.node == node for c in p.classifications)}
    assert explorer_count(page) == len(expected) > 0
    assert page.locator("select[name=subcategory]").input_value() == node
    shown = set(page.locator("#sa-explorer tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)"))
    assert shown == expected


@pytest.fixture(scope="session")
def disk_site(tmp_path_factory):
    """The site as a local build makes it (Material's offline plugin), opened as file://."""
    root = copy_project(tmp_path_factory.mktemp("disk"))
    build_as(root, offline=True)
    return root / "site"


@pytest.fixture
def disk_page(browser, disk_site):
    with watched_page(browser, ("file://",)) as pg:
        yield pg


def test_explorer_works_from_disk(disk_page, disk_site, kb):
    """Opened as file://, where fetch() is blocked: the index comes as a script, links end in .html."""
    disk_page.goto((disk_site / "generated" / "explorer.html").as_uri())
    assert explorer_count(disk_page) == len(kb.papers)
    link = disk_page.locator("#sa-explorer tbody tr a").first
    href = link.get_attribute("href")
    assert href.startswith("file://") and href.endswith(".html")
    link.click()
    disk_page.wait_for_load_state()
    assert disk_page.url == href and disk_page.locator("h1").count() == 1


def test_search_works_from_disk(disk_page, disk_site):
    """Material's search from file:// (offline plugin, iframe-worker shim shipped with the site): a short name finds its paper."""
    disk_page.goto((disk_site / "index.html").as_uri())
    disk_page.locator("label.md-search__icon, .md-search__input").first.click()
    disk_page.locator("input.md-search__input").press_sequentially("AutoDAN", delay=30)
    disk_page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0", timeout=20000)
    first = disk_page.locator(".md-search-result__link").first
    assert "AutoDAN" in first.text_content()
    first.click()
    disk_page.wait_for_load_state()
    assert disk_page.url.startswith("file://") and ".html" in disk_page.url and "AutoDAN" in disk_page.title()


def test_explorer_bibtex_downloads_from_disk(disk_page, disk_site):
    import bibtexparser

    disk_page.goto((disk_site / "generated" / "explorer.html").as_uri() + "#q=autodan")
    disk_page.wait_for_selector("#sa-explorer tbody tr")
    shown = explorer_count(disk_page)
    with disk_page.expect_download() as download:
        disk_page.get_by_role("button", name="Download BibTeX of this selection").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    entries = bibtexparser.parse_string(text).entries
    assert 0 < len(entries) == shown  # the script-loaded entries (no fetch from file://), one per paper shown


def test_explorer_on_a_phone_has_no_horizontal_overflow_and_folds_its_filters(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(site + "generated/explorer/", wait_until="networkidle")
    page.wait_for_selector("#sa-explorer tbody tr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("#sa-explorer .sa-filters").is_visible()
    page.locator("#sa-explorer .sa-toggle").click()
    assert page.locator("#sa-explorer .sa-filters").is_visible()
    assert page.locator("#sa-explorer .sa-toggle").get_attribute("aria-expanded") == "true"
    page.locator("input[name=q]").fill("zzzz-no-such-paper")
    page.locator("input[name=q]").dispatch_event("input")
    page.wait_for_function("document.querySelector('#sa-explorer .sa-count').textContent.includes('nothing matches')")
    context.close()


def test_ticked_papers_download_as_bibtex_that_parses_back(page, kb):
    import bibtexparser

    open_page(page, "generated/explorer/#q=jailbreak")
    page.wait_for_selector("#sa-explorer tbody tr")
    boxes = page.locator("#sa-explorer tbody input[type=checkbox]")
    ids = [boxes.nth(i).get_attribute("data-id") for i in (0, 2)]
    boxes.nth(0).check()
    boxes.nth(2).check()
    assert page.locator("#sa-explorer .sa-picked").first.inner_text() == "Copy BibTeX of ticked (2)"
    with page.expect_download() as info:
        page.locator("#sa-explorer button", has_text="Download ticked").click()
    library = bibtexparser.parse_string(Path(info.value.path()).read_text(encoding="utf-8"))
    assert sorted(e.key for e in library.entries) == sorted(ids)
    assert all(e.key in kb.papers and "title" in e.fields_dict for e in library.entries)
    page.locator("#sa-explorer button", has_text="Tick all shown").click()
    assert page.locator("#sa-explorer .sa-picked").first.inner_text() == f"Copy BibTeX of ticked ({page.locator('#sa-explorer tbody tr').count()})"


AXE_PAGES = ["", "generated/matrix/", "generated/explorer/", "generated/papers/zou2023universal/", "generated/taxonomy/llm/jailbreak/attack/", "generated/stats/"]


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_serious_accessibility_violations_in_either_scheme(browser, site, scheme):
    """axe-core (WCAG 2.0/2.1 A and AA rules) on the main page kinds, light and dark.

    Nothing is waived: the theme's own near misses (inactive tabs at 4.28:1, the footer line and
    names in code blocks at 4.47:1) are fixed in safetyatlas.css, so any violation is a regression.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = []
    for path in AXE_PAGES:
        page.goto(site + path, wait_until="networkidle")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        if "explorer" in path:
            page.wait_for_selector("#sa-explorer tbody tr")
        page.wait_for_timeout(600)  # Material fades colours when the scheme changes: measure the settled ones
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        found += [(path, v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    context.close()
    assert found == []


def test_explorer_headings_sort_from_the_keyboard_and_say_how(page):
    open_page(page, "generated/explorer/")
    page.wait_for_selector("#sa-explorer tbody tr")
    year = page.locator("#sa-explorer th[data-sort=year-asc]")
    title = page.locator("#sa-explorer th[data-sort=title]")
    assert year.get_attribute("aria-sort") == "descending" and title.get_attribute("aria-sort") == "none"  # newest first
    title.locator("button").focus()
    page.keyboard.press("Enter")
    assert title.get_attribute("aria-sort") == "ascending" and year.get_attribute("aria-sort") == "none"
    titles = page.locator("#sa-explorer tbody tr td:first-child a").all_inner_texts()[:20]
    assert titles == page.evaluate("t => t.slice().sort(new Intl.Collator('en', {sensitivity: 'base'}).compare)", titles)
    page.keyboard.press("Space")  # pressed again: back to the default order
    assert year.get_attribute("aria-sort") == "descending"


def test_charts_stay_readable_on_a_phone_and_carry_their_numbers(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "generated/stats/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not overflow...
    sizes = page.evaluate("[...document.querySelectorAll('img.sa-chart')].map(i => [i.clientWidth, i.naturalWidth])")
    assert len(sizes) == 3 and all(shown == natural for shown, natural in sizes)  # ...the charts scroll at full size (12 px text)
    tables = page.locator("details table")
    assert tables.count() == 3
    assert "Jailbreak" in tables.nth(2).text_content()  # the numbers, for screen readers and small screens
    context.close()


@pytest.mark.parametrize("system, scheme", [("light", "default"), ("dark", "slate")])
def test_the_site_opens_in_the_readers_system_colour_scheme(browser, site, system, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=system)
    page = context.new_page()
    page.goto(site, wait_until="networkidle")
    assert page.locator("body").get_attribute("data-md-color-scheme") == scheme
    context.close()
