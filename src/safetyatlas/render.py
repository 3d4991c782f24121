"""Page contexts -> Markdown strings through Jinja. Pure: a template folder in, strings out."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Iterable

import jinja2

from .pages import Page

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


@functools.lru_cache(maxsize=1 << 17)  # titles and names recur on many pages
def md_escape(text: object) -> str:
    """Escape text so Markdown shows it literally (titles with brackets, asterisks, pipes)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def yaml_string(text: object) -> str:
    """Inside double quotes in YAML front matter."""
    return json.dumps(str(text), ensure_ascii=False)[1:-1]


def environment(template_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown; escaping is explicit with |md
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one build, one set of templates: no stat() per include
    )
    env.filters["md"] = md_escape
    env.filters["yamlstr"] = yaml_string
    return env


def render_pages(env: jinja2.Environment, pages: Iterable[Page]) -> dict[str, str]:
    """Output path -> Markdown text, each template compiled once."""
    cache: dict[str, jinja2.Template] = {}
    out: dict[str, str] = {}
    for page in pages:
        template = cache.get(page.template) or cache.setdefault(page.template, env.get_template(page.template))
        out[page.path] = template.render(page.context)
    return out
