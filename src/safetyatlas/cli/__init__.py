"""The command line: a thin layer over the library.

Every command's help ends with an example; the library's exception tree becomes a clean
message and an exit code (0 fine, 1 problems in the data, 2 wrong usage).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import SafetyAtlasError, ValidationFailed
from ..graph import build_graph, content_figures, count_by, coverage
from .common import load_or_fail, report, root_option
from .common import root_path as _root
from ..peerlists import ADAPTERS


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="safetyatlas")
def main() -> None:
    """safetyatlas: the knowledge base of large-model safety research.

    \b
    Example:
      safetyatlas validate && safetyatlas build
    """


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False))
@click.option("--strict", is_flag=True, help="Treat warnings (unclassified papers, missing identifiers) as errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="github: workflow annotations on the lines of a pull request; json: one object per problem.",
)
def validate(path: str, strict: bool, quiet: bool, fmt: str) -> None:
    """Check every record under PATH and report all problems at once.

    Each problem is printed as 'file:line: field: what is wrong (how to fix it)'; with
    --format github as '::error file=...,line=...::...' annotations, with --format json as a
    JSON list on standard output. Exit code 0 when clean, 1 when there are problems, 2 on wrong usage.

    \b
    Example:
      safetyatlas validate --strict .
      safetyatlas validate --strict --format github
    """
    if fmt != "text":
        import json

        from .. import cache
        from ..errors import as_dict, as_github
        from ..pipeline import open_base

        try:
            with cache.on_disk(_root(path)) as parsed:
                _, problems = open_base(_root(path), strict=strict, cache=parsed)
            failed = False
        except ValidationFailed as exc:
            problems, failed = exc.diagnostics, True
        if fmt == "json":
            click.echo(json.dumps([as_dict(d) for d in problems], indent=1))
        else:
            for d in problems:
                click.echo(as_github(d))
        if failed:
            raise SystemExit(1)
        return
    kb, warnings = load_or_fail(_root(path), strict)
    report(warnings)
    if not quiet:
        click.echo(f"ok: {len(kb.papers)} papers, {len(kb.scopes)} taxonomy scopes, {len(kb.benchmarks)} benchmarks, {len(warnings)} warning(s)")


@main.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
def stats(root: str, as_json: bool) -> None:
    """Counts per model family, threat and side, and classification coverage.

    \b
    Example:
      safetyatlas stats --json | python -m json.tool
    """
    kb, _ = load_or_fail(_root(root))
    graph = build_graph(kb)
    cov = coverage(kb)
    by_family = count_by(kb, lambda p, c: kb.root_family(c.family))
    by_threat_side = count_by(kb, lambda p, c: f"{c.threat} {c.side}")
    by_year = count_by(kb, lambda p, c: p.year)
    with_id = sum(1 for p in kb.papers.values() if p.arxiv or p.doi or p.url)
    quality = content_figures(kb)
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "papers": cov.papers,
                    "classifications": cov.classifications,
                    "classified_to_subcategory": cov.complete,
                    "coverage_percent": round(cov.percent, 2),
                    "papers_with_identifier": with_id,
                    **quality,
                    "by_family": by_family,
                    "by_threat_side": by_threat_side,
                    "by_year": {str(k): v for k, v in by_year.items()},
                    "matrix": {".".join(k): v for k, v in graph.matrix.items()},
                },
                indent=2,
            )
        )
        return
    click.echo(f"papers            {cov.papers}")
    click.echo(f"classifications   {cov.classifications}")
    click.echo(f"coverage          {cov.percent:.1f}% classified to a subcategory ({cov.complete}/{cov.classifications}); {cov.papers_complete}/{cov.papers} papers complete")
    click.echo(f"identifiers       {with_id}/{cov.papers} papers have an arXiv id, DOI or URL (pages of the others link a search)")
    click.echo(
        f"taxonomy          {len(kb.families)} families, {len(kb.threats)} threats, {len(kb.scopes)} scopes, "
        f"{sum(len(s.categories) for s in kb.scopes.values())} categories, "
        f"{sum(len(c.subcategories) for s in kb.scopes.values() for c in s.categories)} subcategories"
    )
    click.echo(f"benchmarks        {len(kb.benchmarks)}; challenges {len(kb.challenges)} ({quality['challenges_without_papers']} cite no paper); venues {len(kb.venues)}")
    n = max(cov.papers, 1)
    click.echo(f"summaries         {quality['papers_with_summary']}/{cov.papers} papers ({100 * quality['papers_with_summary'] / n:.1f}%)")
    click.echo(f"code links        {quality['papers_with_code']}/{cov.papers} papers")
    scope = quality["results_in_scope"]
    click.echo(
        f"benchmark results {quality['papers_with_results']} papers name the benchmarks of the base they report results on; "
        f"{scope['with_results']}/{scope['papers']} of the LLM jailbreak, prompt-injection and agent attack/defense papers "
        f"(and {scope['own_benchmark_only']} more introduce a benchmark of their own and record no other)"
    )
    click.echo(
        f"venue = arXiv     {quality['venue_arxiv']}/{cov.papers} papers ({100 * quality['venue_arxiv'] / n:.1f}%); "
        f"{quality['venue_unknown']} name no venue (an OpenReview page, a chapter or a report whose venue is not yet known)"
    )
    click.echo(f"background        {quality['background_papers']} papers are context only (role background)")
    subs = quality["subcategories_used"]
    click.echo(
        f"subcategories     {quality['single_paper_subcategories']}/{subs} hold one paper ({100 * quality['single_paper_subcategories'] / max(subs, 1):.1f}%); {quality['empty_subcategories']} hold none"
    )
    click.echo("\npapers per source (and shared with other sources):")
    for src, count in quality["by_source"].items():
        shared = quality["source_overlaps"].get(src, {})
        click.echo(f"  {src:<16}{count:>5}  " + ", ".join(f"{other} {k}" for other, k in shared.items()))
    click.echo("\npapers per model family:")
    for fam, n in by_family.items():
        click.echo(f"  {kb.families[fam].short:<16}{n:>5}")
    click.echo("\npapers per year:")
    for year, n in by_year.items():
        click.echo(f"  {year:<16}{n:>5}")
    click.echo("\nmatrix (family x threat: attack/defense):")
    threats = sorted({t for _, t, _ in graph.matrix})
    for fam in [f for f in kb.families if kb.families[f].parent is None]:
        cells = [
            f"{t}={graph.matrix.get((fam, t, 'attack'), 0)}/{graph.matrix.get((fam, t, 'defense'), 0)}" for t in threats if (fam, t, "attack") in graph.matrix or (fam, t, "defense") in graph.matrix
        ]
        click.echo(f"  {kb.families[fam].short:<8}" + "  ".join(cells))


@main.command()
@root_option
@click.option("--no-strict", is_flag=True, help="Do not stop on MkDocs warnings (broken links and the like).")
def build(root: str, no_strict: bool) -> None:
    """Validate, render every page from templates/, and build the site into site/.

    Generated Markdown goes to docs/generated/; MkDocs then builds into a temporary folder that
    replaces site/ only when the build succeeds, so a failed build leaves the previous site in
    place. Two builds of the same data are byte-identical (SOURCE_DATE_EPOCH is honoured).

    \b
    Example:
      safetyatlas build && python -m http.server -d site 8000
    """
    from ..site import build_site

    base = _root(root)
    tty = sys.stdout.isatty()

    def progress(items, label):
        if not tty:
            return items
        items = list(items)
        return _ProgressList(items, label)

    try:
        report_ = build_site(base, strict=not no_strict, progress=progress, say=click.echo if tty else (lambda s: None))
    except ValidationFailed as exc:
        report(exc.diagnostics)
        raise
    seconds = ", ".join(f"{k} {v:.1f}s" for k, v in report_.seconds.items())
    click.echo(f"built site/ from {report_.papers} papers: {report_.files} generated files ({report_.written} changed, {report_.removed} removed); {seconds}")


class _ProgressList:
    """Iterate with a click progress bar (only used when stdout is a terminal)."""

    def __init__(self, items, label):
        self.items, self.label = items, label

    def __iter__(self):
        with click.progressbar(self.items, label=self.label, file=sys.stdout) as bar:
            yield from bar


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(root: str, host: str, port: int) -> None:
    """Preview the site locally; pages refresh when a record or template changes.

    A change to a YAML record or a template is validated and re-rendered; MkDocs then rebuilds
    only the changed pages and the browser reloads. Invalid records are reported and the
    previous pages stay.

    \b
    Example:
      safetyatlas serve --port 8001
    """
    from ..site import serve_site

    serve_site(_root(root), host, port, lambda s: click.echo(s, err=True))


@main.command()
@root_option
@click.option("--check", is_flag=True, help="Only check that schema/ is up to date; exit 1 if not.")
def schema(root: str, check: bool) -> None:
    """Write the JSON Schema of every record kind to schema/ (used by editors for completion).

    \b
    Example:
      safetyatlas schema --check
    """
    from ..schema_files import schema_files, stale_files
    from ..kinds import SCHEMA_DIR
    from ..writing import write_files

    base = Path(root)
    stale = stale_files(base)
    if check:
        if stale:
            raise SafetyAtlasError(f"schema/ is out of date: {', '.join(stale)} (run 'safetyatlas schema')")
        click.echo("schema/ is up to date")
        return
    write_files(base, {f"{SCHEMA_DIR}/{name}": text for name, text in schema_files().items() if name in stale})
    click.echo(f"wrote {len(stale)} schema file(s)")


@main.command("import-list")
@click.argument("list_file", type=click.Path(exists=True, dir_okay=False))
@root_option
@click.option("--force", is_flag=True, help="Rewrite bibliographic fields of existing records from the list (classifications are kept).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def import_list(list_file: str, root: str, force: bool, dry_run: bool) -> None:
    """Import papers from a list in the survey's Markdown shape.

    One record per distinct title; each list placement becomes a classification. Running it
    again on the same list changes nothing; records edited by hand keep their edits. Suspicious
    lines (unknown venue, no year, cut-off author lines) are reported. Nothing is written when
    the result would not validate.

    \b
    Example:
      safetyatlas import-list ../shared/sources/awesome-large-model-safety.md --dry-run
    """
    from ..importer import run_import

    try:
        plan = run_import(_root(root), Path(list_file), force=force, dry_run=dry_run)
    except ValidationFailed as exc:
        report(exc.diagnostics)
        raise
    report(plan.problems)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{plan.entries} entries -> {len(plan.created) + len(plan.extended) + len(plan.rewritten) + len(plan.unchanged)} papers: "
        f"{len(plan.created)} new, {len(plan.extended)} given new placements, {len(plan.rewritten)} rewritten, "
        f"{len(plan.unchanged)} unchanged ({len(plan.kept)} of them differ from the list and were kept); "
        f"{verb} {len(plan.files)} file(s); {len(plan.problems)} problem(s) reported"
    )


@main.command("import")
@click.argument("source", type=click.Choice(["survey", *ADAPTERS]))
@click.argument("path", type=click.Path(exists=True))
@root_option
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False),
    multiple=True,
    help="arXiv metadata (JSON lines: arxiv, title, authors, ...) for titles and authors the list lacks; repeat to add files (a later file wins for the same id).",
)
@click.option("--force", is_flag=True, help="Also apply proposed updates (a published venue replacing arXiv).")
@click.option("--dry-run", is_flag=True, help="Print the plan as a table; write nothing.")
@click.option("--only", "only_file", type=click.Path(exists=True, dir_okay=False), help="Import only the entries whose keys (arXiv id, doi:..., title:...) this file lists, one a line.")
def import_source(source: str, path: str, root: str, metadata: tuple[str, ...], force: bool, dry_run: bool, only_file: str | None) -> None:
    """Import a peer paper list through its adapter: new papers, provenance, exclusions.

    PATH is the list as published: the repository folder for lm-ssp, jailbreak-list,
    unlearning-list, openredteaming and llm-sp; the metadata file for arxiv-digest (a large
    source: import a curated selection of it with --only); the Markdown file for survey (the same as 'import-list'). Papers already in
    the base gain the source in 'listed_in' (and a missing code link); a published venue where a
    record says arXiv is proposed, applied with --force; topics outside the survey's scope are
    recorded in taxonomy/exclusions.yaml once. Re-running on the same list changes nothing.

    \b
    Example:
      safetyatlas import lm-ssp ../shared/sources/peers/awesome-lm-ssp --metadata ../shared/sources/arxiv-metadata/arxiv-metadata.jsonl --dry-run
    """
    if source == "survey":
        ctx = click.get_current_context()
        ctx.invoke(import_list, list_file=path, root=root, force=force, dry_run=dry_run)
        return
    from ..importing import plan_table, run_import as run_peer_import

    try:
        plan = run_peer_import(_root(root), source, Path(path), metadata=[Path(m) for m in metadata], force=force, dry_run=dry_run, only=_keys(only_file) if only_file else None)
    except ValidationFailed as exc:
        report(exc.diagnostics)
        click.echo("nothing was written", err=True)
        raise
    report(plan.problems)
    if dry_run:
        for line in plan_table(plan):
            click.echo(line)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{plan.entries} entries -> {plan.papers} papers: {len(plan.new)} new, {len(plan.updated)} updated, "
        f"{len(plan.proposed)} proposed updates (--force), {len(plan.excluded)} newly excluded, {plan.skipped} excluded before, "
        f"{len(plan.pending)} pending (no authors or year), {plan.unchanged} unchanged; {verb} {len(plan.files)} file(s)",
        err=dry_run,
    )


def _keys(path: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.split("#", 1)[0].strip()]


from .records import add, export, merge  # noqa: E402  (defined in their own module)

main.add_command(export)
main.add_command(add)
main.add_command(merge)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
