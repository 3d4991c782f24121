"""The escaping boundary: any record text, rendered by the site's own Markdown set-up, is text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from safetyatlas.escape import html_text, markdown_text
from safetyatlas.render import front_matter_text

from conftest import ROOT


def _site_markdown() -> markdown.Markdown:
    """Python-Markdown with exactly the extensions and settings of the real mkdocs.yml."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            configs[name] = {k: ([str(ROOT / "docs")] if k == "base_path" else v) for k, v in options.items()}
    return markdown.Markdown(extensions=names, extension_configs=configs)


MD = _site_markdown()


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", []))


def rendered(markdown_source: str) -> _Shape:
    MD.reset()
    shape = _Shape()
    shape.feed(MD.convert(markdown_source))
    return shape


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "<!-- blank the page",
    "Foo { onmouseover=alert(1) }",
    "Foo {: onclick=alert(1) }",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<https://evil.example>",
    "![x](https://evil.example/p.png)",
    '--8<-- "index.md"',
    '!!! danger "x"',
    "??? note",
    "::: x",
    "# heading",
    "> quote",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "```js",
    "~~~",
    "| a | b |",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;svg onload=alert(1)&#62;",
    '"><script>alert(1)</script>',
    "<svg onload=alert(1)>",
    "a *b* _c_ `d` **e**",
    "line one\n\n<script>alert(1)</script>\nline three",
    "    indented code",
    "===",
    "---",
    "Tramèr & Carlini: 100% <safe>?",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_exactly_its_text(text):
    shape = rendered(markdown_text(text))
    assert [t for t, _ in shape.tags] == ["p"], shape.tags
    assert "".join(shape.text) == folded(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_text_in_a_heading_and_a_list_item(text):
    for source, outer in ((f"# {markdown_text(text)}", "h1"), (f"- [{markdown_text(text)}](../x/)", "li")):
        shape = rendered(source)
        tags = [t for t, _ in shape.tags]
        assert tags[0] in (outer, "ul") and "script" not in tags and "img" not in tags, (source, shape.tags)
        assert all(not k.startswith("on") for _, attrs in shape.tags for k, _ in attrs)
        assert folded(text) in "".join(shape.text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=60))
def test_any_text_renders_as_its_text(text):
    shape = rendered(markdown_text(text))
    if not folded(text):
        assert shape.tags == []
        return
    assert [t for t, _ in shape.tags] == ["p"], (text, shape.tags)
    assert "".join(shape.text) == folded(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_front_matter_text_is_html_text_in_a_yaml_string(text):
    value = yaml.safe_load(f'title: "{front_matter_text(text)}"')["title"]
    assert "<" not in value and ">" not in value
    assert html.unescape(value) == folded(text)
    assert html_text(text) == value
