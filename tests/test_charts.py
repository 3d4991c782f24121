"""SVG charts: well-formed, one bar per value, labels that do not collide."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from safetyatlas.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_vertical_chart_is_valid_svg_with_a_bar_per_value():
    svg = ET.fromstring(bar_chart([str(y) for y in range(2017, 2027)], [[1, 3, 3, 5, 9, 30, 128, 303, 78, 1]], title="Papers per year"))
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 10
    assert max(float(b.get("height")) for b in bars) > 100
    labels = [t for t in svg.iter(f"{SVG}text") if t.text and len(t.text) == 4 and t.text.startswith("20")]
    xs = sorted(float(t.get("x")) for t in labels)
    assert min(b - a for a, b in zip(xs, xs[1:])) >= 40  # four-digit years need room


def test_grouped_horizontal_chart_has_legend_and_escapes_text():
    svg_text = bar_chart(["A & B", "C"], [[3, 1], [2, 0]], names=("Attack", "Defense"), title="x < y", horizontal=True)
    svg = ET.fromstring(svg_text)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Attack" in texts and "Defense" in texts and "A & B" in texts and "x < y" in texts
