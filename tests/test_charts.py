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


def test_long_threat_names_are_not_clipped():
    long = "Agent memory and knowledge poisoning"
    svg = ET.fromstring(bar_chart([long, "IP"], [[5, 1], [2, 3]], names=("Attack", "Defense"), title="t", horizontal=True))
    label = next(t for t in svg.iter(f"{SVG}text") if t.text == long)
    x = float(label.get("x"))  # right-aligned: the text runs leftwards from x
    assert label.get("text-anchor") == "end" and x - 6.5 * len(long) >= 0  # ~6.5 px a character at 12 px


def test_attack_and_defense_bars_use_the_sites_attack_and_defense_colours():
    svg = ET.fromstring(bar_chart(["a"], [[1], [1]], names=("Attack", "Defense"), horizontal=True))
    fills = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert fills == ["#b71c1c", "#2e7d32"]
