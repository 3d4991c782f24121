"""The site edge: generate pages and assets, write them, run MkDocs, swap the result in.

``generate`` is pure (knowledge base in, ``{path: text}`` out). ``write_generated`` touches
only files whose content changed and removes stale ones, so a live preview rebuilds only what
moved. ``build_site`` never leaves a half-built ``site/``: MkDocs builds into a temporary
folder that replaces ``site/`` only after a clean, strict build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping


from . import cache, urls
from .errors import BuildFailed
from .graph import build_graph
from .kb import KnowledgeBase
from .pipeline import open_base
from .bibtex import bibtex_entries
from .site_data import EXPLORER_BIB, EXPLORER_INDEX, EXPLORER_SCRIPT, atom_feed, bib_files, charts, explorer_bib, explorer_index, explorer_script
from .planner import SiteInfo, plan_pages
from .render import environment, render_pages
from .writing import umask
from .memory import fewer_collections

Progress = Callable[[Iterable, str], Iterable]


def _no_progress(items: Iterable, label: str) -> Iterable:
    return items


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    docs_dir: Path
    site_dir: Path
    templates: Path
    site_url: str
    edit_base: str
    directory_urls: bool = True  # pages at x/ (a web server) or at x.html (the offline build, opened from disk)

    @classmethod
    def read(cls, root: Path) -> "SiteConfig":
        """The settings we need, read by MkDocs' own loader (so ``!ENV`` tags, defaults and
        validation are MkDocs'): folders, ``site_url``, and the edit link of a record derived
        from ``repo_url`` + ``edit_uri`` (which MkDocs means for pages under ``docs/``)."""
        import logging

        from mkdocs.config import load_config
        from mkdocs.exceptions import ConfigurationError

        path = root / "mkdocs.yml"
        if not path.is_file():
            raise BuildFailed(f"{path} not found: run the command from the knowledge base's root folder")
        quiet = logging.getLogger("mkdocs")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # load_config reports the config's warnings again when MkDocs builds
        try:
            config = load_config(config_file=str(path))
        except ConfigurationError as exc:
            raise BuildFailed(f"{path}: {exc}") from None
        finally:
            quiet.setLevel(level)
        docs_dir = Path(config.docs_dir)
        edit_base = ""
        if config.repo_url and config.edit_uri:
            edit = urllib.parse.urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri)
            rel_docs = os.path.relpath(docs_dir, root).replace(os.sep, "/") + "/"
            edit_base = edit[: -len(rel_docs)] if edit.endswith(rel_docs) else edit  # records live beside docs/, not in it
        return cls(
            root=root,
            docs_dir=docs_dir,
            site_dir=Path(config.site_dir),
            templates=root / "templates",
            site_url=config.site_url or "",
            edit_base=edit_base,
            directory_urls=config.use_directory_urls and not _offline(config),
        )


def _offline(config) -> bool:
    """Whether Material's offline plugin is on (it turns directory URLs off when MkDocs builds)."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def generate(kb: KnowledgeBase, config: SiteConfig, progress: Progress = _no_progress) -> dict[str, str]:
    """Every generated file of the site, docs-relative path -> text."""
    with fewer_collections():
        graph = build_graph(kb)
        entries = bibtex_entries(kb.venues, kb.papers.values())
        pages = plan_pages(kb, graph, entries, SiteInfo(edit_base=config.edit_base, directory_urls=config.directory_urls))
        env = environment(config.templates)
        files = render_pages(env, progress(pages, "rendering pages"))
        files.update(charts(kb, graph))
        files[EXPLORER_INDEX] = explorer_index(kb, config.directory_urls)
        files[EXPLORER_SCRIPT] = explorer_script(files[EXPLORER_INDEX])
        files[EXPLORER_BIB] = explorer_bib(entries)
        files[f"{urls.GENERATED}/feed.xml"] = atom_feed(kb, config.site_url, directory_urls=config.directory_urls)
        files.update(bib_files(kb, graph, entries))
    return files


def write_generated(docs_dir: Path, files: Mapping[str, str], progress: Progress = _no_progress, previous: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Write changed files under docs/, delete generated files no longer produced.

    ``previous`` is what the last call wrote (a preview keeps it), so unchanged files are
    skipped without reading them back. Returns (written, removed).
    """
    base = str(docs_dir)
    try:
        return _write_generated(base, files, progress, previous)
    except OSError as exc:
        raise BuildFailed(f"cannot write {exc.filename or base}: {exc.strerror}") from None


def _real_folder(path: str) -> None:
    """Create ``path`` as a real folder, refusing a link or a file in its place."""
    if os.path.islink(path):
        raise BuildFailed(f"{path} is a symbolic link: the build writes only into real folders inside the repository (delete the link)")
    os.makedirs(path, exist_ok=True)
    if not os.path.isdir(path):
        raise BuildFailed(f"{path} is not a folder: delete or move it")


def _write_generated(base: str, files: Mapping[str, str], progress: Progress, previous: Mapping[str, str] | None) -> tuple[int, int]:
    generated = os.path.join(base, urls.GENERATED)
    _real_folder(base)
    _real_folder(generated)
    for folder in sorted({rel.rpartition("/")[0] for rel in files}):  # each folder once, not per file
        path = base
        for part in folder.split("/"):
            path = os.path.join(path, part)
            if path.startswith(generated):
                _real_folder(path)
    written = 0
    for rel, text in progress(sorted(files.items()), "writing pages"):
        if previous is not None and previous.get(rel) == text:
            continue
        target = os.path.join(base, rel)
        data = text.encode("utf-8")
        if os.path.islink(target):
            os.unlink(target)  # never write through a link, wherever it points
        try:
            with open(os.open(target, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            pass
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666), "wb") as f:
            f.write(data)
        written += 1
    removed = 0
    keep = {os.path.join(base, rel) for rel in files}
    for folder, dirs, names in os.walk(generated, topdown=False):  # os.walk does not follow links
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            if path not in keep:
                os.unlink(path)  # a link is removed, never what it points to
                removed += 1
        if not os.listdir(folder):
            os.rmdir(folder)
    return written, removed


def source_date_epoch(kb: KnowledgeBase) -> int:
    """A build date that depends only on the data: the newest 'added' date, else 2025-01-01."""
    newest = max((p.added for p in kb.papers.values() if p.added), default=dt.date(2025, 1, 1))
    return int(dt.datetime.combine(newest, dt.time(), dt.timezone.utc).timestamp())


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ.setdefault(name, value)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)


def mkdocs_build(config: SiteConfig, site_dir: Path, strict: bool = True) -> None:
    """Run MkDocs into ``site_dir`` in its own process; raise BuildFailed with its warnings.

    A separate process keeps the peak memory at MkDocs' own (it holds every page) rather than
    ours plus MkDocs', and leaves no logging handlers or working-directory changes behind.
    It runs in the project folder because Markdown extensions such as snippets resolve paths
    from the working directory.
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config.root / "mkdocs.yml"), "--site-dir", str(site_dir)]
    if strict:
        cmd.append("--strict")
    proc = subprocess.Popen(cmd, cwd=config.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _out, err = proc.communicate()
    finally:  # interrupted (Ctrl-C, SIGTERM): the child must not outlive us
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if proc.returncode != 0:
        lines = [ln for ln in err.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))] or err.splitlines()[-5:]
        raise BuildFailed("MkDocs build failed:\n" + "\n".join(lines[:30]))


def check_output_places(site_dir: Path) -> None:
    """Refuse, before anything is built, a ``site/`` or ``site.old`` that is a link or not a folder."""
    for path in (site_dir, site_dir.with_name(site_dir.name + ".old")):
        if path.is_symlink():
            raise BuildFailed(f"{path} is a symbolic link: the build replaces only a real folder (delete the link)")
        if path.exists() and not path.is_dir():
            raise BuildFailed(f"{path} is not a folder: delete or move it")


def swap_in(new_site: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``new_site`` with two renames; the old site is removed after."""
    check_output_places(site_dir)
    old = site_dir.with_name(site_dir.name + ".old")
    try:
        if old.exists():
            shutil.rmtree(old)
        if site_dir.exists():
            site_dir.rename(old)
        new_site.rename(site_dir)
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        raise BuildFailed(f"cannot replace {site_dir}: {exc.strerror} ({exc.filename})") from None


@contextlib.contextmanager
def build_lock(root: Path, say: Callable[[str], None] = lambda s: None) -> Iterator[None]:
    """One build of a knowledge base at a time: a second one waits for the first to finish."""
    import fcntl

    from .cache import cache_home

    digest = hashlib.blake2b(os.path.realpath(root).encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    folder = cache_home()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"build-{digest}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("another build of this knowledge base is running; waiting for it to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit for the duration, so cleanup code runs as it does on Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum, frame):  # noqa: ANN001 - signal handler signature
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class BuildReport:
    papers: int
    files: int
    written: int
    removed: int
    seconds: dict[str, float]


def build_site(root: Path, *, strict: bool = True, progress: Progress = _no_progress, say: Callable[[str], None] = lambda s: None) -> BuildReport:
    """validate -> generate -> write docs/generated -> mkdocs build (temp) -> swap into site/."""
    config = SiteConfig.read(root)
    check_output_places(config.site_dir)
    with build_lock(root, say), _terminate_as_exit():
        return _build(config, strict, progress, say)


def _our_stages(config: SiteConfig, progress: Progress) -> tuple[int, int, int, int, int, dict[str, float]]:
    """load + validate -> generate -> write docs/generated; returns what the build report and MkDocs need."""
    root = config.root
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    with cache.on_disk(root) as parsed:
        kb, _ = open_base(root, strict=False, cache=parsed)
    times["load+validate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    files = generate(kb, config, progress)
    times["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    written, removed = write_generated(config.docs_dir, files, progress)
    times["write"] = time.perf_counter() - t0
    return len(kb.papers), len(files), written, removed, source_date_epoch(kb), times


def in_own_process(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a forked child: its result, or its exception raised here.

    Memory Python has freed is mostly not handed back to the system, so a build whose stages
    ran in this process would keep their peak (900 MiB at 20,000 papers) while MkDocs runs
    beside it; a child gives all of it back when it exits. Where fork is missing, runs here.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - every failure is the parent's to raise
            outcome = (False, exc)
        try:
            send.send(outcome)
        except Exception:  # not picklable: pass on what it said
            ok, value = outcome
            send.send((False, BuildFailed("the generated pages' summary could not be passed back" if ok else f"{type(value).__name__}: {value}")))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    try:
        ok, value = receive.recv()
    except EOFError:
        proc.join()
        raise BuildFailed(f"generating the pages stopped without an answer (exit code {proc.exitcode})") from None
    finally:
        receive.close()
    proc.join()
    if ok:
        return value
    raise value


def _build(config: SiteConfig, strict: bool, progress: Progress, say: Callable[[str], None]) -> BuildReport:
    # our stages in a child of their own: all their memory is given back before MkDocs starts
    papers, count, written, removed, epoch, times = in_own_process(_our_stages, config, progress)
    say(f"building {count} generated files and the hand-written pages with MkDocs…")
    t0 = time.perf_counter()
    try:
        config.site_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=config.site_dir.parent))
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes it 0700; a web server must read the site
    except OSError as exc:
        raise BuildFailed(f"cannot create a folder in {config.site_dir.parent}: {exc.strerror}") from None
    try:
        with _env("SOURCE_DATE_EPOCH", str(epoch)):
            mkdocs_build(config, tmp, strict=strict)
        swap_in(tmp, config.site_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    times["mkdocs"] = time.perf_counter() - t0
    return BuildReport(papers, count, written, removed, times)


def regenerate(root: Path, say: Callable[[str], None], memory: dict[str, str] | None = None, parsed: cache.ParseCache | None = None) -> bool:
    """Validate and rewrite changed generated pages; on errors keep the previous pages.

    ``memory`` and ``parsed`` (kept by the caller between calls) hold the files last written
    and the parsed records, so that a save re-parses and rewrites only what it changed.
    """
    from .errors import ValidationFailed

    config = SiteConfig.read(root)
    try:
        kb, _ = open_base(root, cache=parsed)
    except ValidationFailed as exc:
        for d in exc.diagnostics:
            say(str(d))
        say("not updated: fix the problems above")
        return False
    files = generate(kb, config)
    written, removed = write_generated(config.docs_dir, files, previous=memory or None)
    if memory is not None:
        memory.clear()
        memory.update(files)
    say(f"updated {written} page(s), removed {removed}")
    return True


WATCHED = ("papers", "taxonomy", "templates")
"""The record folders a preview watches (MkDocs watches docs/ and mkdocs.yml itself)."""


@dataclass
class _Preview:
    root: Path
    say: Callable[[str], None]
    memory: dict[str, str]
    parsed: cache.ParseCache | None

    def refresh(self) -> None:
        try:
            regenerate(self.root, self.say, self.memory, self.parsed)
        except Exception as exc:  # the preview must survive anything a record can do
            self.say(f"not updated: {exc}")
        if self.parsed is not None:
            self.parsed.forget_unused()  # in memory only: edits must not make it grow


_preview: _Preview | None = None


def preview_pre_build(config: Any, **kwargs: Any) -> None:
    """MkDocs' ``on_pre_build`` during ``serve`` (see preview_hooks.py): bring docs/generated up to date."""
    if _preview is not None:
        _preview.refresh()


def serve_site(root: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Live preview with MkDocs' own server and watcher.

    MkDocs watches the records as well as docs/ (``watch``), and before each (dirty) rebuild
    its ``on_pre_build`` hook regenerates the pages whose records changed: one watcher, one
    build loop. (Measured on the real base against our own watchdog observer feeding MkDocs:
    save -> served 4.84 s vs 5.05 s, median of five; see benchmarks/README.md.)
    """
    global _preview
    import socket

    from mkdocs.commands.serve import serve

    memory: dict[str, str] = {}
    with cache.on_disk(root) as parsed:  # the first load also refreshes the cache on disk
        ready = regenerate(root, say, memory, parsed)
    if not ready:
        raise BuildFailed("the knowledge base has problems; fix them before serving")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BuildFailed(f"cannot listen on {host}:{port}: {exc.strerror} (choose another with --port)") from None
    _preview = _Preview(root, say, memory, parsed)
    watch = [str(root / name) for name in WATCHED if (root / name).is_dir()]
    hooks = [str(Path(__file__).with_name("preview_hooks.py"))]
    try:
        with contextlib.chdir(root):
            serve(str(root / "mkdocs.yml"), livereload=True, build_type="dirty", dev_addr=f"{host}:{port}", strict=False, watch=watch, hooks=hooks)
    finally:
        _preview = None
