"""Would generating the pages inside MkDocs (a plugin adding ``File.generated`` pages) raise peak memory?

    python benchmarks/diagnose_plugin_memory.py --papers 20000

The build today runs our stages first, writes docs/generated/, frees the knowledge base and the
generated text, and only then runs MkDocs in the same process (``site.build_site``). A plugin
would generate in MkDocs' ``on_files`` and hand MkDocs the pages as in-memory files, so the
generated text (at least) lives on while MkDocs builds every page. Each way is run in a fresh
child process on the same synthetic base and its peak resident memory is read from the kernel:

- ``separate``: ``site.build_site`` exactly as ``safetyatlas build`` runs it;
- ``plugin``: the generated text kept alive through the MkDocs build (the base freed), which is
  what a plugin holding ``File.generated(content=...)`` pages costs at the least;
- ``plugin, base kept``: the knowledge base kept alive as well (a plugin that keeps its state).

Nothing in the project is changed; the synthetic project lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import gc, json, os, resource, subprocess, sys, time
from pathlib import Path
os.environ["SAFETYATLAS_CACHE"] = "off"
mode, root = sys.argv[1], Path(sys.argv[2])
from safetyatlas.pipeline import open_base
from safetyatlas.site import SiteConfig, generate, write_generated

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

t0 = time.perf_counter()
if mode == "build":  # site.build_site as shipped: our stages in a forked child, then MkDocs in another
    from safetyatlas.site import build_site
    build_site(root)
    me, kids = (resource.getrusage(w).ru_maxrss / 1024 for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"peak_mib": me + kids, "ours_peak_mib": kids, "held_mib": me, "mkdocs_child_peak_mib": None, "seconds": time.perf_counter() - t0}))
    sys.exit()
config = SiteConfig.read(root)
kb, _ = open_base(root, strict=False)
files = generate(kb, config)
write_generated(config.docs_dir, files)
ours_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if mode in ("separate", "separate-trim"):  # as site.build_site: ours freed, MkDocs in a child process
    del kb, files
    gc.collect()
    if mode == "separate-trim":  # hand the freed heap back to the system (glibc) before MkDocs starts
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    held = rss_mib()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site-x")], cwd=root, check=True, capture_output=True)
    mkdocs_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = max(ours_peak, held + mkdocs_peak)
else:  # a plugin: MkDocs in this process while the generated pages (and the base) are alive
    if mode == "plugin":
        del kb
    gc.collect()
    held = rss_mib()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    os.chdir(root)
    build(load_config("mkdocs.yml", site_dir=str(root / "site-x")))
    mkdocs_peak = None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_mib": peak, "ours_peak_mib": ours_peak, "held_mib": held, "mkdocs_child_peak_mib": mkdocs_peak, "seconds": time.perf_counter() - t0}))
"""


def make_project(dest: Path, papers: int, seed: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import write_base

    for name in ("templates",):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    write_base(dest, ROOT, papers, seed)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2502)
    parser.add_argument("--modes", default="build,separate,plugin,plugin-kept")
    args = parser.parse_args()
    names = {"build": "build (as shipped)", "separate": "separate", "separate-trim": "separate, trimmed", "plugin": "plugin", "plugin-kept": "plugin, base kept"}
    results = {}
    with tempfile.TemporaryDirectory(prefix="safetyatlas-plugin-") as tmp:
        root = make_project(Path(tmp) / "project", args.papers, args.seed)
        for mode in args.modes.split(","):
            shutil.rmtree(root / "docs" / "generated", ignore_errors=True)
            shutil.rmtree(root / "site-x", ignore_errors=True)
            out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(root)], capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(out.stdout + out.stderr, file=sys.stderr)
                return 1
            results[names[mode]] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[names[mode]]
            print(f"{names[mode]:>18}: peak {r['peak_mib']:.0f} MiB (ours {r['ours_peak_mib']:.0f}, held while MkDocs runs {r['held_mib']:.0f}), {r['seconds']:.0f} s", flush=True)
    print(json.dumps({"papers": args.papers, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
