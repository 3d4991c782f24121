"""Shared helpers: fixture trees built from the minimal base plus a scenario overlay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def build_tree(dest: Path, scenario: str | None = None, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Copy the minimal base to ``dest``, lay a scenario folder over it, then apply ``files``.

    A ``None`` value in ``files`` deletes that file.
    """
    shutil.copytree(FIXTURES / "minimal", dest)
    if scenario:
        for src in (FIXTURES / scenario).rglob("*"):
            if src.is_file() and src.name != "EXPECTED":
                target = dest / src.relative_to(FIXTURES / scenario)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
    for rel, body in (files or {}).items():
        target = dest / rel
        if body is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body if isinstance(body, bytes) else body.encode())
    return dest


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_home(tmp_path_factory):
    """Parse caches written by the tests go to a temporary folder, not the user's ~/.cache."""
    import os

    os.environ["SAFETYATLAS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def tree(tmp_path: Path):
    """``tree(scenario=None, files=None)`` -> path of a fresh knowledge base."""
    counter = iter(range(1000))

    def make(scenario: str | None = None, files: dict | None = None) -> Path:
        return build_tree(tmp_path / f"kb{next(counter)}", scenario, files)

    return make


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
        )
        yield b
        b.close()


def project(dest: Path, base: Path = FIXTURES / "minimal") -> Path:
    """A buildable project: the repository's templates, docs and mkdocs.yml over ``base`` data."""
    shutil.copytree(base / "taxonomy", dest / "taxonomy")
    shutil.copytree(base / "papers", dest / "papers")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def build_as(root: Path, *, offline: bool):
    """``build_site`` as a local build (offline: .html pages to open from disk) or a web deployment (OFFLINE=false)."""
    from safetyatlas.site import build_site

    with pytest.MonkeyPatch.context() as env:
        if offline:
            env.delenv("OFFLINE", raising=False)
        else:
            env.setenv("OFFLINE", "false")
        return build_site(root)
