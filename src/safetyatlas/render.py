"""Page contexts -> Markdown strings through Jinja. Pure: a template folder in, strings out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import jinja2

from .escape import html_text, markdown_text
from .textnorm import counted
from .planner import Page


def front_matter_text(text: object) -> str:
    """A value the theme prints as HTML (``title:``), inside double quotes in YAML front matter."""
    return json.dumps(html_text(text), ensure_ascii=False)[1:-1]


def environment(template_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown: record text goes through |md (escape.markdown_text)
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one build, one set of templates: no stat() per include
    )
    env.filters["md"] = markdown_text
    env.filters["counted"] = counted
    env.filters["fm"] = front_matter_text
    return env


def render_pages(env: jinja2.Environment, pages: Iterable[Page]) -> dict[str, str]:
    """Output path -> Markdown text, each template compiled once."""
    cache: dict[str, jinja2.Template] = {}
    out: dict[str, str] = {}
    for page in pages:
        template = cache.get(page.template) or cache.setdefault(page.template, env.get_template(page.template))
        out[page.path] = template.render(page.context)
    return out
