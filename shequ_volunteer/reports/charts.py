"""Server-rendered SVG charts (pure): readable on a 360 px phone, no JavaScript, print well.

Labels are escaped here; the SVG is put into the page as markup.
"""
from __future__ import annotations

from html import escape

BAR_COLOURS = ("#0b4fa8", "#9aa9c4")  # this period, last year


def bar_chart(title: str, rows: list[tuple[str, float, float]], unit: str) -> str:
    """Horizontal bars, one pair per row: (label, this period, same period last year)."""
    height_per_row, label_width, width = 44, 110, 340
    longest = max([max(now, before) for _label, now, before in rows] + [1])
    scale = (width - label_width - 50) / longest
    parts = [f'<svg class="chart" viewBox="0 0 {width} {len(rows) * height_per_row + 34}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}</text>']
    for index, (label, now, before) in enumerate(rows):
        top = 28 + index * height_per_row
        parts.append(f'<text x="0" y="{top + 17}" font-size="14">{escape(label[:8])}</text>')
        for offset, (value, colour) in enumerate(zip((now, before), BAR_COLOURS, strict=True)):
            y = top + offset * 18
            length = max(value * scale, 1)
            parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="15" fill="{colour}"/>')
            parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 12}" font-size="12">'
                         f'{_fmt(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, points: list[tuple[str, float]], unit: str) -> str:
    """One line over the months of the period."""
    width, height, left, bottom = 340, 170, 34, 30
    top = 26
    longest = max([value for _label, value in points] + [1])
    step = (width - left - 10) / max(len(points) - 1, 1)
    scale = (height - top - bottom) / longest
    coords = [(left + i * step, height - bottom - value * scale) for i, (_label, value) in enumerate(points)]
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}（{escape(unit)}）</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#888"/>']
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b4fa8" stroke-width="3"/>')
    for (x, y), (label, value) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b4fa8"/>')
        parts.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="11" text-anchor="middle">{_fmt(value)}</text>')
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
