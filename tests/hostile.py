"""A hostile-record corpus: every string field of every record kind carries a script payload.

Every payload holds the marker ``PWNED``: code that ran sets ``window.PWNED`` or opens a dialog,
and markup that survived shows the marker inside a script, an event-handler attribute or a link
target. ``write_hostile_base`` lays the corpus over the minimal fixture; the records are valid
(text may say anything), so the site builds and every page can be checked in a browser.
"""

from __future__ import annotations

from pathlib import Path

import yaml

MARK = "PWNED"
JS = f"window.{MARK}=1;alert(1)"

PAYLOADS = [
    f"<img src=x onerror={JS}>",
    f"</title><script>{JS}</script>",
    f"<svg onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f"Title {{ onmouseover={JS} }}",
    f"Title {{: onclick={JS} tabindex=1 }}",
    f"[click](javascript:{JS})",
    f"<javascript:{JS}>",
    f'"><script>{JS}</script>',
    f"'><img src=x onerror={JS}>",
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"&#60;img src=x onerror={JS}&#62;",
    f"<!-- {MARK} blanks the page",
    f'--8<-- "index.md" {MARK}',
    f'!!! danger "<img src=x onerror={JS}>"',
    f"<https://evil.example/{MARK}>",
    f"![x](https://evil.example/{MARK}.png)",
    f"`</code><script>{JS}</script>`",
    f"{{{{ cycler.__init__.__globals__ }}}} {{% raw %}} {MARK}",
    f'<a href="javascript:{JS}">{MARK}</a>',
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<div onmouseover="{JS}" style="position:fixed;inset:0">{MARK}</div>',
    f"| cell | <img src=x onerror={JS}> |",
    f"# <img src=x onerror={JS}>",
    f"> <img src=x onerror={JS}>",
    f"1. <img src=x onerror={JS}>",
    f"<style>body{{display:none}}</style>{MARK}",
    f'<math><mi xlink:href="javascript:{JS}">{MARK}</mi></math>',
]

_TEXT_FIELDS = {
    "family": ("name", "short", "description"),
    "threat": ("name", "short", "attack_name", "defense_name", "description"),
    "venue": ("name", "full_name"),
    "section": ("heading",),
    "challenge-group": ("name", "description"),
    "benchmark": ("name", "description", "citation"),
    "challenge": ("title", "description"),
}


class _Cycle:
    def __init__(self) -> None:
        self.i = 0

    def __call__(self, field: str) -> str:
        payload = PAYLOADS[self.i % len(PAYLOADS)]
        self.i += 1
        return f"{payload} {field} {self.i}"  # distinct, so titles never count as duplicates


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_hostile_base(root: Path) -> int:
    """Rewrite the fixture base at ``root`` so every text field is hostile; returns the payload count."""
    nxt = _Cycle()
    for kind, name in (("family", "families"), ("threat", "threats"), ("venue", "venues"), ("section", "sections"), ("challenge-group", "challenge-groups")):
        path = root / "taxonomy" / f"{name}.yaml"
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rec in records:
            for f in _TEXT_FIELDS[kind]:
                if f in rec or kind == "venue":
                    rec[f] = nxt(f)
            if kind == "venue":
                rec["aliases"] = [nxt("alias")]
        _dump(path, records)
    for folder, kind in (("benchmarks", "benchmark"), ("challenges", "challenge")):
        for path in sorted((root / "taxonomy" / folder).glob("*.yaml")):
            rec = yaml.safe_load(path.read_text(encoding="utf-8"))
            for f in _TEXT_FIELDS[kind]:
                rec[f] = nxt(f)
            _dump(path, rec)
    for path in sorted((root / "taxonomy" / "scopes").glob("*.yaml")):
        rec = yaml.safe_load(path.read_text(encoding="utf-8"))
        rec["description"] = nxt("scope description")
        for cat in rec["categories"]:
            cat["name"], cat["description"] = nxt("category name"), nxt("category description")
            for sub in cat["subcategories"]:
                sub["name"], sub["description"] = nxt("subcategory name"), nxt("subcategory description")
        _dump(path, rec)
    template = yaml.safe_load((root / "papers" / "zou2023universal.yaml").read_text(encoding="utf-8"))
    for i, payload in enumerate(PAYLOADS):
        pid = f"hostile2024p{i}"
        paper = {
            **template,
            "id": pid,
            "title": f"{payload} title {i}",
            "authors": [{"family": f"{payload} family {i}", "given": nxt("given")}, {"family": f"Plain{i}", "given": nxt("given")}],
            "publisher": nxt("publisher"),
            "summary": f"{payload} summary {i}",
            "volume": f"{i} Suppl. 2",
            "url": f"https://example.org/{MARK}/a_(b)?q=%22%3E%3Cscript%3E",
            "code": f"https://github.com/example/{MARK}-{i}",
            "doi": f"10.1234/{MARK}.{i}(x)",
            "venue": "neurips",  # a published venue, as a DOI implies (and the venue's hostile name is shown)
            "entry_type": "inproceedings",
            "introduces": [],
        }
        paper.pop("arxiv", None)
        _dump(root / "papers" / f"{pid}.yaml", paper)
    return nxt.i + len(PAYLOADS)


LINK_PAYLOADS = {
    "url": [
        f"javascript:{JS}",
        f"JaVaScRiPt:{JS}",
        f"data:text/html,<script>{JS}</script>",
        f"https://x.com/a)<script>{JS}</script>",
        f'https://x.com/a"onmouseover="{JS}',
        "https://x.com/a b",
        "https://x.com/a)",
        "https://x.com/<a>",
        "https://x.com/a{b}",
        "https://x.com/a\nb",
        "//evil.example/x",
        "http:///no-host",
    ],
    "code": [f"javascript:{JS}", "https://github.com/a)[x](javascript:alert(1)", "vbscript:msgbox(1)"],
    "doi": ["10.1234/a)<script>", "10.1234/a b", "10.1234/a}", '10.1234/a"x', "10.1234/(a"],
    "volume": [f"<img src=x onerror={JS}>", "1<2", "3\n4", "{x}"],
    "number": [f"<script>{JS}</script>", "2 | 3"],
    "title": ["line one\nline two", "tab\there", "bell\x07", "rtl \u202e override"],
    "added": ["2999-01-01"],
}
"""Values that validation must refuse, by field of a paper."""
