"""Where the explorer's time per keystroke goes: the built explorer against patched variants.

    python benchmarks/run.py --sizes 20000 --skip-serve --keep     # prints the kept folder
    python benchmarks/diagnose_explorer.py /tmp/safetyatlas-bench-XXXX/n20000/site

Serves a built site, types the same query as benchmarks/run.py into the explorer, and repeats
it with explorer.js (as served, never the file in docs/) patched in one respect at a time: fewer
rows per render, no rebuild of the category selects per keystroke, a fixed table layout. The
difference to the unpatched run is what each change would save. Variants whose patch no longer
applies to the current explorer.js are reported and skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(bench)  # type: ignore[union-attr]

FEWER_ROWS = ("const PAGE = 200;", "const PAGE = 50;")
NO_SELECT_REBUILD = ("    const s = state();\n    refreshTaxonomy();\n", "    const s = state();\n")
FIXED_TABLE = "#sa-explorer table { table-layout: fixed; width: 100%; }"
VARIANTS: dict[str, tuple[list[tuple[str, str]], str]] = {
    "as built": ([], ""),
    "50 rows per render instead of 200": ([FEWER_ROWS], ""),
    "no category/subcategory select rebuild per keystroke": ([NO_SELECT_REBUILD], ""),
    "table-layout: fixed": ([], FIXED_TABLE),
    "all three": ([FEWER_ROWS, NO_SELECT_REBUILD], FIXED_TABLE),
}


def run(site: Path, rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    original = (site / "assets" / "explorer.js").read_text(encoding="utf-8")
    scripts: dict[str, tuple[str, str]] = {}
    for name, (patches, css) in VARIANTS.items():
        js = original
        missing = [old for old, _ in patches if old not in js]
        if missing:
            print(f"{name}: patch no longer applies to explorer.js, skipped")
            continue
        for old, new in patches:
            js = js.replace(old, new)
        scripts[name] = (js, css)
    frames: dict[str, list[float]] = {name: [] for name in scripts}
    maxima: dict[str, list[float]] = {name: [] for name in scripts}
    keys = len(bench.EXPLORER_QUERY) + bench.BACKSPACES
    with bench.static_server(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                for name, (js, css) in scripts.items():
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.route("**/assets/explorer.js", lambda route, _req=None, js=js: route.fulfill(status=200, content_type="application/javascript", body=js))
                    page.goto(base + "generated/explorer/")
                    page.wait_for_function("() => /\\d+ of \\d+ papers/.test(document.querySelector('#sa-explorer .sa-count')?.textContent || '')", timeout=120_000)
                    if css:
                        page.add_style_tag(content=css)
                    page.wait_for_timeout(1000)
                    page.evaluate(bench._INSTRUMENT)
                    box = page.locator("#sa-explorer input[name=q]")
                    box.click()
                    box.press_sequentially(bench.EXPLORER_QUERY, delay=150)
                    for _ in range(bench.BACKSPACES):
                        box.press("Backspace")
                        page.wait_for_timeout(150)
                    page.wait_for_function(f"() => window.__sa.length >= {keys}", timeout=60_000)
                    samples = [s["frame"] for s in page.evaluate("window.__sa")]
                    frames[name].append(statistics.median(samples))
                    maxima[name].append(max(samples))
                    page.close()
        finally:
            browser.close()
    print(f"\n{keys} keystrokes per run, {rounds} run(s); ms from keydown to the frame after the count updated\n")
    print("| explorer.js | median per keystroke (ms) | max per keystroke (ms) |")
    print("|---|---:|---:|")
    for name in scripts:
        print(f"| {name} | {statistics.median(frames[name]):.0f} | {statistics.median(maxima[name]):.0f} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="Example:\n  python benchmarks/diagnose_explorer.py /tmp/kept/n20000/site", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("site", type=Path, help="a built site/ folder (from benchmarks/run.py --keep)")
    ap.add_argument("--rounds", type=int, default=3, help="runs per variant (default: %(default)s)")
    args = ap.parse_args(argv)
    if not (args.site / "assets" / "explorer.js").is_file():
        print(f"{args.site} holds no built explorer (assets/explorer.js)", file=sys.stderr)
        return 2
    run(args.site, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
