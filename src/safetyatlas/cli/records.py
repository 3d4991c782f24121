"""Commands for citing and contributing: ``export`` (BibTeX, CSL-JSON, JSON), ``add`` and ``merge``.

Thin: each command parses options, calls the library (selection, bibtex, csl, adder) and turns
its exceptions into messages and exit codes the way ``cli.py`` does.

``cli/__init__.py`` registers these commands on its group; the shared pieces come from ``cli/common.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast, get_args

import click

from .common import load_or_fail, report, root_option
from .common import root_path as _root
from ..errors import UsageProblem, ValidationFailed
from ..kb import KnowledgeBase
from ..kinds import paper_path
from ..schema import Role, Side
from ..writing import write_files

FORMATS = ("bibtex", "csl", "json")


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@root_option
@click.option("--node", metavar="ID", help="A taxonomy node: llm, llm.jailbreak.attack, llm.jailbreak.attack.black-box ...")
@click.option("--family", metavar="ID", help="A model family; its sub-families are included.")
@click.option("--threat", metavar="ID", help="A threat type, e.g. jailbreak.")
@click.option("--side", type=click.Choice(get_args(Side)), help="Attack or defense papers only.")
@click.option("--from", "year_from", type=int, metavar="YEAR", help="Papers from this year on.")
@click.option("--to", "year_to", type=int, metavar="YEAR", help="Papers up to this year.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def export(fmt: str, root: str, node: str | None, family: str | None, threat: str | None, side: str | None, year_from: int | None, year_to: int | None, output: str | None) -> None:
    """Export papers as BibTeX or CSL-JSON, or the whole base as JSON.

    FORMAT is 'bibtex' (cite keys are the paper ids), 'csl' (CSL-JSON for Zotero and pandoc)
    or 'json' (every record under a schema_version, for people who build on the data).
    BibTeX and CSL-JSON cover the whole base or the papers the options select; a paper is
    selected when one of its classifications matches them all.

    \b
    Example:
      safetyatlas export bibtex --node llm.jailbreak.attack -o jailbreak.bib
      safetyatlas export csl --family vlm --from 2024 > vlm-2024.json
      safetyatlas export json -o safetyatlas.json
    """
    from ..bibtex import to_bibtex
    from ..csl import dump_json, dumps, to_csl
    from ..selection import select

    kb, _ = load_or_fail(_root(root))
    selecting = any(v is not None for v in (node, family, threat, side, year_from, year_to))
    if fmt == "json":
        if selecting:
            raise UsageProblem("'export json' dumps the whole base; selection options apply to bibtex and csl")
        text, what = dumps(dump_json(kb)), f"the whole base ({len(kb.papers)} papers)"
    else:
        papers = select(kb, node, family, threat, side, year_from, year_to)
        if not papers:
            click.echo("warning: no paper matches the selection", err=True)
        text = to_bibtex(papers, kb.venues) if fmt == "bibtex" else to_csl(papers, kb.venues)
        what = f"{len(papers)} paper(s)"
    if output is None:
        click.echo(text, nl=False)
        return
    target = Path(output)
    write_files(target.parent, {target.name: text})
    click.echo(f"wrote {what} to {output}", err=True)


def _interactive() -> bool:
    """Prompting is allowed only when standard input is a terminal."""
    return sys.stdin.isatty()


@click.command("add")
@click.argument("source", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--arxiv", "arxiv", metavar="ID", help="Fetch the metadata from the arXiv API instead of reading BibTeX (needs network).")
@click.option("--doi", "doi", metavar="DOI", help="Fetch the metadata from the Crossref API instead of reading BibTeX (needs network).")
@root_option
@click.option("--family", metavar="ID", help="Model family, e.g. llm.")
@click.option("--threat", metavar="ID", help="Threat, e.g. jailbreak.")
@click.option("--side", type=click.Choice(get_args(Side)), help="Attack or defense.")
@click.option("--category", metavar="ID", help="Category of the (family, threat, side) taxonomy.")
@click.option("--subcategory", metavar="ID", help="Subcategory of that category.")
@click.option("--role", type=click.Choice(get_args(Role)), default="method", show_default=True, help="What the paper contributes.")
@click.option("--venue", "venue", metavar="ID", help="The venue of every entry (an id of taxonomy/venues.yaml), whatever the BibTeX says.")
@click.option("--new-venue", "new_venue", metavar="FULL NAME", help="Add this venue to taxonomy/venues.yaml with the paper (with --venue-short and --venue-type).")
@click.option("--venue-short", metavar="NAME", help="Short name of the new venue, e.g. 'SaTML'; its id is made from it.")
@click.option("--venue-type", type=click.Choice(["conference", "journal", "workshop", "preprint", "other"]), default="conference", show_default=True, help="Type of the new venue.")
@click.option("--suggest", "suggest_only", is_flag=True, help="Print the five most likely classifications of each entry and write nothing.")
@click.option("--merge", is_flag=True, help="For a paper already in the base: add the classification to its record and fill what it lacks (shown as a diff).")
@click.option("--dry-run", is_flag=True, help="Print the records that would be written; write nothing.")
def add(
    source: str | None,
    arxiv: str | None,
    doi: str | None,
    root: str,
    family: str | None,
    threat: str | None,
    side: str | None,
    category: str | None,
    subcategory: str | None,
    role: str,
    venue: str | None,
    new_venue: str | None,
    venue_short: str | None,
    venue_type: str,
    suggest_only: bool,
    merge: bool,
    dry_run: bool,
) -> None:
    """Add papers from BibTeX (SOURCE, a .bib file or '-' for standard input) or from arXiv.

    Every entry becomes papers/<cite key>.yaml with the given classification. The whole base
    is validated with the new records before anything is written; a paper already in the
    base (same arXiv id, DOI or a near-identical title) is refused, naming the record to
    extend instead. On any problem nothing is written. Missing classification options are
    prompted for when run in a terminal, and required otherwise.

    \b
    Example:
      safetyatlas add paper.bib --family llm --threat jailbreak --side attack --category black-box --subcategory llm-driven-generation
      cat refs.bib | safetyatlas add - --family llm --threat jailbreak --side attack --category white-box --subcategory gradient-based-optimization
      safetyatlas add --arxiv 2310.03693
      safetyatlas add scholar.bib --suggest      # where would it go? writes nothing
      safetyatlas add --doi "$DOI" --dry-run     # DOI as printed on the paper, or its doi.org URL
      safetyatlas add paper.bib --venue icml --family llm ...
      safetyatlas add paper.bib --new-venue "Conference on Invented Results" --venue-short CIR --family llm ...
    """
    from ..adder import arxiv_bibtex, arxiv_id, classification, fetch_arxiv, run_add

    base = _root(root)
    if sum(bool(x) for x in (source, arxiv, doi)) > 1:
        raise UsageProblem("give one of a BibTeX SOURCE, --arxiv or --doi")
    if doi:
        from ..adder import crossref_bibtex, doi_id, fetch_crossref

        ident = doi_id(doi)
        text, label = crossref_bibtex(fetch_crossref(ident), ident), f"doi:{ident}"
    elif arxiv:
        ident = arxiv_id(arxiv)
        meta = arxiv_bibtex(fetch_arxiv(ident), ident)
        text, label = meta.bibtex, f"arXiv:{ident}"
        if meta.journal_ref:
            click.echo(f"note: arXiv says this paper appeared in '{meta.journal_ref}'; it is filed as an arXiv preprint. If that venue is right, add the venue's BibTeX instead.", err=True)
    else:
        if source is None and _interactive():
            raise UsageProblem("give a BibTeX file, '-' to read standard input, or --arxiv ID")
        text, label = _read(source or "-")
    values = {"family": family, "threat": threat, "side": side, "category": category, "subcategory": subcategory}
    if suggest_only:
        kb, _ = load_or_fail(base)
        for entry, suggestions in _suggestions(kb, text):
            click.echo(f"{label}:{entry['line']}: {entry['title']}")
            for i, sug in enumerate(suggestions, 1):
                click.echo(f"  {i}. {sug.node}  (score {sug.score:.2f}; like: {sug.because[:70]})")
        return
    if None in values.values() and _interactive() and source not in (None, "-"):
        kb, _ = load_or_fail(base)
        values = _pick_suggestion(kb, text, values)
    if None in values.values():
        stdin_is_input = source in (None, "-") and not arxiv and not doi
        if stdin_is_input or not _interactive():
            missing = ", ".join(f"--{k}" for k, v in values.items() if v is None)
            raise UsageProblem(f"missing {missing}: give the classification as options (prompts need a terminal on standard input)")
        kb, _ = load_or_fail(base)
        values = _prompt(kb, values)
    try:
        if venue and new_venue:
            raise UsageProblem("give either --venue or --new-venue, not both")
        plan = run_add(
            base,
            text,
            classification(role=role, **cast(dict[str, str], values)),
            path=label,
            dry_run=dry_run,
            merge=merge,  # none is None: given, picked or asked above
            venue=venue,
            new_venue_name=new_venue,
            new_venue_short=venue_short,
            new_venue_type=venue_type,
        )
    except ValidationFailed as exc:
        for diff in getattr(getattr(exc, "plan", None), "diffs", {}).values():
            click.echo(f"what --merge would change:\n{diff}", err=True)
        report(exc.diagnostics)
        click.echo("nothing was written", err=True)
        raise
    report(plan.problems)
    for paper in plan.merged:
        click.echo(f"{'would merge' if dry_run else 'merged'} into {paper_path(paper.id)}:\n{plan.diffs[paper.id]}", nl=False)
    for paper in plan.papers:
        rel = str(paper_path(paper.id))
        if dry_run:
            click.echo(f"--- {rel} (not written)\n{plan.files[rel]}", nl=False)
        else:
            click.echo(f"added {rel}: {paper.title}")


@click.command("merge")
@click.argument("fold", metavar="OLD")
@click.argument("keep", metavar="NEW")
@root_option
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
def merge(fold: str, keep: str, root: str, dry_run: bool) -> None:
    """Fold the record OLD into NEW when both are the same paper (e.g. a preprint and its published version).

    NEW keeps its title, authors and venue and gains what OLD adds: classifications,
    identifiers, a published venue when NEW is an arXiv preprint, lists and benchmarks. OLD's
    title is kept as another title and OLD's id as a former id, so its page redirects to NEW;
    references to OLD elsewhere (related papers, representative papers, challenges) move to NEW,
    and papers/OLD.yaml is removed. The whole base is validated first; on any problem nothing
    changes. Differences between the two (authors, venue) are reported, and NEW's are kept.

    \b
    Example:
      safetyatlas merge smith2023preprint smith2024published --dry-run
      safetyatlas merge smith2023preprint smith2024published
    """
    from ..merging import run_merge

    try:
        plan = run_merge(_root(root), fold, keep, dry_run=dry_run)
    except ValidationFailed as exc:
        report(exc.diagnostics)
        click.echo("nothing was changed", err=True)
        raise
    report(plan.problems)
    click.echo(plan.diff, nl=False)
    for rel in sorted(set(plan.files) - {str(paper_path(keep))}):
        click.echo(f"{'would update' if dry_run else 'updated'} {rel} (references to {fold} now name {keep})")
    click.echo(f"{'would remove' if dry_run else 'removed'} {plan.removed}; {fold} now redirects to {keep}")


def _read(source: str) -> tuple[str, str]:
    if source == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(source).read_text(encoding="utf-8"), source
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read {source}: {exc}") from None


def _suggestions(kb: KnowledgeBase, text: str):
    from ..bibtex import describe_entries
    from ..suggest import Suggester

    suggester = Suggester(kb)
    for entry in describe_entries(text):
        yield entry, suggester.suggest(entry["title"], entry["abstract"], entry["authors"])


def _pick_suggestion(kb: KnowledgeBase, text: str, values: dict[str, str | None]) -> dict[str, str | None]:
    """Offer the five most likely classifications of the first entry; the user picks one or goes on to choose."""
    for entry, ranked in _suggestions(kb, text):
        given = {k: v for k, v in values.items() if v is not None}
        suggestions = [s for s in ranked if all(getattr(s.classification, k) == v for k, v in given.items())]  # those that fit the options given
        if not suggestions:
            break
        click.echo(f"Most likely classifications for '{entry['title']}':", err=True)
        for i, sug in enumerate(suggestions, 1):
            click.echo(f"  {i}. {sug.node}  (like: {sug.because[:70]})", err=True)
        choice = click.prompt("pick 1-5, or 0 to choose step by step", type=click.IntRange(0, len(suggestions)), default=1, err=True)
        if choice:
            c = suggestions[choice - 1].classification
            return {"family": c.family, "threat": c.threat, "side": c.side, "category": c.category, "subcategory": c.subcategory}
        break
    return values


def _prompt(kb: KnowledgeBase, values: dict[str, str | None]) -> dict[str, str | None]:
    """Ask for each missing part of the classification, offering only what the taxonomy has."""

    def ask(key: str, choices: list[str]) -> str:
        if (given := values[key]) is not None:
            return given
        return click.prompt(f"{key} ({', '.join(choices)})", type=click.Choice(choices), show_choices=False)

    family = ask("family", list(kb.families))
    scopes = [s for s in kb.scopes.values() if s.family == family]
    threat = ask("threat", sorted({s.threat for s in scopes}) or list(kb.threats))
    side = ask("side", sorted({s.side for s in scopes if s.threat == threat}) or list(get_args(Side)))
    scope = kb.scopes.get(f"{family}.{threat}.{side}")
    if scope is None:
        raise UsageProblem(f"there is no taxonomy for {family}.{threat}.{side}: add taxonomy/scopes/{family}.{threat}.{side}.yaml first (see CONTRIBUTING.md)")
    category = ask("category", [c.id for c in scope.categories])
    cat = kb.category(scope.id, category)
    if cat is None:
        raise UsageProblem(f"category '{category}' does not belong to {scope.id} (use one of: {', '.join(c.id for c in scope.categories)})")
    subcategory = ask("subcategory", [s.id for s in cat.subcategories])
    return {"family": family, "threat": threat, "side": side, "category": category, "subcategory": subcategory}
