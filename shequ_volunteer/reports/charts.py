"""Server-rendered SVG charts (pure): readable on a 360 px phone, no JavaScript, print well.

Labels are escaped here; the SVG is put into the page as markup.
"""
from __future__ import annotations

from html import escape

BAR_COLOURS = ("#0b4fa8", "#9aa9c4")  # this period, last year
BAR_LEGEND = ("本期", "上年同期")
# Drawn in a 340-unit-wide box that a 360 px phone shows at about 310 px: 20 units stay at least 18 px on screen
# (the site's smallest text), whatever the chart is about.
WIDTH, FONT, TITLE_FONT = 340, 20, 20
MOST_LABELS = 6  # month labels along a line chart: six of 20-unit text fit its width without touching


def bar_chart(title: str, rows: list[tuple[str, float, float]]) -> str:
    """Horizontal bars, one pair per row: (label, this period, same period last year). Each label has a line of
    its own above its bars, so a team's whole name fits (16 characters across the width)."""
    label_room, bar_height, gap = 26, 22, 4
    height_per_row = label_room + 2 * bar_height + gap + 10
    top_of_rows = 62  # the title, then the legend
    longest = max([max(now, before) for _label, now, before in rows] + [1])
    scale = (WIDTH - 80) / longest  # room after the longest bar for its value
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {top_of_rows + len(rows) * height_per_row}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="20" font-size="{TITLE_FONT}" font-weight="bold">{escape(title)}</text>']
    x = 0
    for colour, words in zip(BAR_COLOURS, BAR_LEGEND, strict=True):
        parts.append(f'<rect x="{x}" y="34" width="18" height="18" fill="{colour}"/>'
                     f'<text x="{x + 24}" y="50" font-size="{FONT}">{words}</text>')
        x += 24 + FONT * len(words) + 20
    for index, (label, now, before) in enumerate(rows):
        top = top_of_rows + index * height_per_row
        parts.append(f'<text x="0" y="{top + 20}" font-size="{FONT}">{escape(label[:16])}</text>')
        for offset, (value, colour) in enumerate(zip((now, before), BAR_COLOURS, strict=True)):
            y = top + label_room + offset * (bar_height + gap)
            length = max(value * scale, 1)
            parts.append(f'<rect x="0" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>')
            parts.append(f'<text x="{length + 6:.1f}" y="{y + bar_height - 4}" font-size="{FONT}">'
                         f'{_fmt(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, points: list[tuple[str, float]], unit: str) -> str:
    """One line over the months of the period; with many months, every other (or third) month is labelled, and
    the last point and the highest carry their values (the figures table gives every month's)."""
    height, left, bottom, top = 200, 14, 34, 56
    longest = max([value for _label, value in points] + [1])
    step = (WIDTH - 2 * left) / max(len(points) - 1, 1)
    scale = (height - top - bottom) / longest
    coords = [(left + i * step, height - bottom - value * scale) for i, (_label, value) in enumerate(points)]
    every = -(-len(points) // MOST_LABELS)
    highest = max(range(len(points)), key=lambda i: points[i][1]) if points else -1
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}（{escape(unit)}）" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="20" font-size="{TITLE_FONT}" font-weight="bold">{escape(title)}（{escape(unit)}）</text>',
             f'<line x1="0" y1="{height - bottom}" x2="{WIDTH}" y2="{height - bottom}" stroke="#888"/>']
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b4fa8" stroke-width="3"/>')
    for index, ((x, y), (label, value)) in enumerate(zip(coords, points, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#0b4fa8"/>')
        anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
        if index == len(points) - 1 or index == highest and len(points) - 1 - highest >= every:
            parts.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" font-size="{FONT}" text-anchor="{anchor}">'
                         f'{_fmt(value)}</text>')
        if index % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="{FONT}" text-anchor="{anchor}">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
