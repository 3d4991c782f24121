"""Experiments behind the findings in benchmarks/README.md, on a project kept by run.py --keep.

    python benchmarks/run.py --sizes 20000 --skip-serve --skip-browser --keep
    python benchmarks/diagnose_stages.py /tmp/safetyatlas-bench-XXXX/n20000 [--mkdocs]

1. our stages (load, check_records, assemble, generate) with Python's cyclic garbage collector
   as it is, with a higher gen-0 threshold, and off; each in a fresh process;
2. YAML: reading the paper files, parsing them (libyaml compose + line map), and loading the
   same parsed records from one pickle, i.e. what a cache of parsed records would cost;
3. Markdown: Python-Markdown on paper pages with the site's extensions, without the BibTeX
   fence, and with no extensions;
4. with --mkdocs (minutes): MkDocs alone, collector as it is and with a higher threshold.

Nothing in the project is changed: the experiments patch only their own process.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

GC_MODES = {"as is": "", "threshold 100000": "gc.set_threshold(100_000, 50, 100)", "off": "gc.disable()"}

_STAGES = """
import gc, json, sys, time
from pathlib import Path
{setup}
from safetyatlas.kb import assemble, broken_kinds
from safetyatlas.load import load_tree
from safetyatlas.site import SiteConfig, generate
from safetyatlas.validate import check_records
root = Path(sys.argv[1]); t = {{}}
t0 = time.perf_counter(); raws, p = load_tree(root); t["load"] = time.perf_counter() - t0
t0 = time.perf_counter(); checked, sp = check_records(raws); t["check_records"] = time.perf_counter() - t0
t0 = time.perf_counter(); kb, rp = assemble(checked, broken_kinds(p + sp)); t["assemble"] = time.perf_counter() - t0
del raws, checked
t0 = time.perf_counter(); generate(kb, SiteConfig.read(root)); t["generate"] = time.perf_counter() - t0
print(json.dumps(t))
"""

_MKDOCS = """
import gc, os, sys, time
{setup}
from mkdocs.commands.build import build
from mkdocs.config import load_config
os.chdir(sys.argv[1]); os.environ.setdefault("SOURCE_DATE_EPOCH", "1735689600")
cfg = load_config("mkdocs.yml", site_dir=sys.argv[2])
t0 = time.perf_counter(); build(cfg); print(time.perf_counter() - t0)
"""


def gc_stages(root: Path) -> None:
    print("\n1. our stages and the garbage collector (s; a fresh process each)\n")
    print("| collector | load | check_records | assemble | generate | sum |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, setup in GC_MODES.items():
        out = subprocess.run([sys.executable, "-c", _STAGES.format(setup=setup), str(root)], capture_output=True, text=True, check=True).stdout
        t = json.loads(out.strip().splitlines()[-1])
        print(f"| {name} | {t['load']:.2f} | {t['check_records']:.2f} | {t['assemble']:.2f} | {t['generate']:.2f} | {sum(t.values()):.2f} |")


def yaml_costs(root: Path) -> None:
    import gc
    import pickle

    from safetyatlas.load import parse_text

    files = sorted((root / "papers").glob("*.yaml"))
    t0 = time.perf_counter()
    texts = [f.read_bytes().decode("utf-8") for f in files]
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed = [parse_text(x, "p") for x in texts]
    parse = time.perf_counter() - t0
    blob = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    del parsed
    gc.collect()
    t0 = time.perf_counter()
    gc.disable()
    pickle.loads(blob)
    gc.enable()
    cached = time.perf_counter() - t0
    n = len(files)
    print(f"\n2. YAML, {n:,} paper files\n")
    print("| step | s | µs per file |")
    print("|---|---:|---:|")
    for name, s in (("read the files", read), ("parse (compose + line map)", parse), (f"load all parsed records from one pickle ({len(blob) >> 20} MiB)", cached)):
        print(f"| {name} | {s:.2f} | {1e6 * s / n:.0f} |")


def markdown_costs(root: Path, sample: int = 300) -> None:
    import markdown

    pages = sorted((root / "docs" / "generated" / "papers").glob("*.md"))[:sample]
    texts = [re.sub(r"^---\n.*?\n---\n", "", p.read_text(encoding="utf-8"), flags=re.S) for p in pages]
    exts = ["toc", "tables", "attr_list", "md_in_html", "admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.snippets"]
    configs = {"toc": {"permalink": True}, "pymdownx.snippets": {"base_path": [str(root / "docs")], "check_paths": True}}

    def per_page(extensions: list[str], docs: list[str]) -> float:
        md = markdown.Markdown(extensions=extensions, extension_configs={k: v for k, v in configs.items() if k in extensions})
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for text in docs:
                md.reset()
                md.convert(text)
            best = min(best, time.perf_counter() - t0)
        return 1000 * best / len(docs)

    no_fence = [re.sub(r"```bibtex\n.*?```\n", "", t, flags=re.S) for t in texts]
    print(f"\n3. Python-Markdown on {len(texts)} paper pages (ms per page, best of 3)\n")
    print("| Markdown | ms per page |")
    print("|---|---:|")
    print(f"| the site's extensions | {per_page(exts, texts):.2f} |")
    print(f"| the same, without the BibTeX fence | {per_page(exts, no_fence):.2f} |")
    print(f"| no extensions | {per_page([], texts):.2f} |")


def mkdocs_gc(root: Path) -> None:
    print("\n4. MkDocs alone and the garbage collector (s)\n")
    print("| collector | MkDocs build |")
    print("|---|---:|")
    for name in ("as is", "threshold 100000"):
        site = root.parent / f"{root.name}-diagnose-site"
        out = subprocess.run([sys.executable, "-c", _MKDOCS.format(setup=GC_MODES[name]), str(root), str(site)], capture_output=True, text=True, check=True).stdout
        print(f"| {name} | {float(out.strip().splitlines()[-1]):.1f} |")
        subprocess.run(["rm", "-rf", str(site)], check=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog="Example:\n  python benchmarks/diagnose_stages.py /tmp/safetyatlas-bench-abcd/n20000"
    )
    ap.add_argument("project", type=Path, help="a project folder kept by benchmarks/run.py --keep (holds papers/ and docs/generated/)")
    ap.add_argument("--mkdocs", action="store_true", help="also time MkDocs with and without the collector tuned (minutes at 20,000 papers)")
    args = ap.parse_args(argv)
    if not (args.project / "papers").is_dir() or not (args.project / "docs" / "generated").is_dir():
        print(f"{args.project} is not a built project (papers/ and docs/generated/ expected)", file=sys.stderr)
        return 2
    gc_stages(args.project)
    yaml_costs(args.project)
    markdown_costs(args.project)
    if args.mkdocs:
        mkdocs_gc(args.project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
