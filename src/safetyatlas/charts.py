"""Bar charts as standalone SVG text, drawn at build time (no script, no external font)."""

from __future__ import annotations

from html import escape
from typing import Sequence

PALETTE = ("#3f51b5", "#e57373")
SIDES = {"Attack": "#b71c1c", "Defense": "#2e7d32"}  # as the matrix colours attacks and defenses


def _colour(names: Sequence[str], j: int) -> str:
    return SIDES.get(names[j], PALETTE[j % 2]) if j < len(names) else PALETTE[j % 2]


FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif' font-size='12'"


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[int]], names: Sequence[str] = (), title: str = "", horizontal: bool = False) -> str:
    """Grouped (or single) bars; ``series`` holds one list of values per legend entry."""
    if horizontal:
        return _horizontal(labels, series, names, title)
    n, k = len(labels), len(series)
    width = max(360, 60 + n * max(46, 18 * k + 14))
    height, top, bottom, left = 260, 36, 40, 44
    peak = max([max(s) for s in series if s] + [1])
    scale = (height - top - bottom) / peak
    parts = [_head(width, height, title)]
    for tick in _ticks(peak):
        y = height - bottom - tick * scale
        parts.append(f"<line x1='{left}' x2='{width - 8}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>")
        parts.append(f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' {FONT} fill='#555'>{tick}</text>")
    slot = (width - left - 8) / max(n, 1)
    bar = min(22.0, (slot - 8) / max(k, 1))
    for i, label in enumerate(labels):
        x0 = left + i * slot + (slot - bar * k) / 2
        for j, values in enumerate(series):
            v = values[i]
            h = v * scale
            x = x0 + j * bar
            parts.append(f"<rect x='{x:.1f}' y='{height - bottom - h:.1f}' width='{bar - 2:.1f}' height='{h:.1f}' fill='{_colour(names, j)}'><title>{escape(label)}: {v}</title></rect>")
            if v:
                parts.append(f"<text x='{x + bar / 2 - 1:.1f}' y='{height - bottom - h - 3:.1f}' text-anchor='middle' {FONT} fill='#333'>{v}</text>")
        parts.append(f"<text x='{left + i * slot + slot / 2:.1f}' y='{height - bottom + 16}' text-anchor='middle' {FONT} fill='#333'>{escape(label)}</text>")
    parts += _legend(names, left, height - 8)
    parts.append("</svg>\n")
    return "\n".join(parts)


def _horizontal(labels: Sequence[str], series: Sequence[Sequence[int]], names: Sequence[str], title: str) -> str:
    n, k = len(labels), len(series)
    left = 16 + round(6.9 * max((len(label) for label in labels), default=10))  # room for the longest label (12 px text)
    top, row = 36, 10 + 12 * k
    width, height = left + 400, top + n * row + 36
    peak = max([max(s) for s in series if s] + [1])
    scale = (width - left - 40) / peak
    parts = [_head(width, height, title)]
    for i, label in enumerate(labels):
        y0 = top + i * row
        parts.append(f"<text x='{left - 8}' y='{y0 + row / 2 + 2:.1f}' text-anchor='end' {FONT} fill='#333'>{escape(label)}</text>")
        for j, values in enumerate(series):
            v = values[i]
            y = y0 + 4 + j * 12
            parts.append(f"<rect x='{left}' y='{y:.1f}' width='{v * scale:.1f}' height='10' fill='{_colour(names, j)}'><title>{escape(label)}: {v}</title></rect>")
            parts.append(f"<text x='{left + v * scale + 4:.1f}' y='{y + 9:.1f}' {FONT} fill='#333'>{v}</text>")
    parts += _legend(names, left, height - 10)
    parts.append("</svg>\n")
    return "\n".join(parts)


def _head(width: float, height: float, title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:.0f} {height:.0f}' width='{width:.0f}' height='{height:.0f}' role='img' aria-label='{escape(title)}'>\n"
        f"<rect width='100%' height='100%' fill='#fff'/>\n<text x='12' y='20' {FONT} font-weight='bold' fill='#222'>{escape(title)}</text>"
    )


def _legend(names: Sequence[str], x: float, y: float) -> list[str]:
    out = []
    for j, name in enumerate(names):
        out.append(f"<rect x='{x + j * 110}' y='{y - 9}' width='10' height='10' fill='{_colour(names, j)}'/>")
        out.append(f"<text x='{x + j * 110 + 14}' y='{y}' {FONT} fill='#333'>{escape(name)}</text>")
    return out


def _ticks(peak: int) -> list[int]:
    step = 1
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = s
        if peak / s <= 6:
            break
    return list(range(0, peak + 1, step))
