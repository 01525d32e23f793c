"""Charts, drawn on the server as SVG so one chart serves the dashboard page, the e-mail,
the PDF report (fpdf2 draws the same SVG) and anything else that can show an image.

Every chart is an accessible image: `role="img"`, a `<title>` and a `<desc>` that says the
numbers in words (the caller's summary first, then the data), joined by `aria-labelledby`.
Charts scale to the width of their container through the viewBox; the drawing is 320 units
wide so its text stays readable on a 390 px phone. Every colour and font is a presentation
attribute (not only a CSS class) so the PDF, which has no style sheet, looks like the page.

No words are written here: titles, descriptions and labels come translated from the caller;
the charts only add numbers, formatted for the active language (1.234 and 12,5 % in Danish).
Everything that goes into the SVG passes through `format_html`, so a label is never markup.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Numbers are formatted by the one rule every page uses (re-exported for the callers of charts).
from advocato.lib.formatting import format_number, format_percent

__all__ = ["format_number", "format_percent"]

WIDTH = 320
FONT = 14
SMALL = 12.5
INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#d9dee7"
BRAND = "#1f5f8b"
HIGHLIGHT = "#b45309"
GOOD = "#1d7a46"
TRACK = "#e8edf3"
BEST = "#b42318"
# Lines: colour and dash, so the series stay apart in black and white and for colour blindness.
SERIES = [(BRAND, ""), (BEST, "6 3"), (GOOD, "2 3"), ("#6b3fa0", "8 3 2 3"), (HIGHLIGHT, "4 4")]
# The heatmap's scale, from no clicks to the most.
SCALE = ["#eef4fa", "#c6dbee", "#8fb8db", "#4f8fc0", "#1f5f8b"]
SUMMARY_MAX = 60  # data points spelled out in <desc>; more are summed up by their range


# --- Numbers ---------------------------------------------------------------------------------


def _value(value: float | None, is_percent: bool) -> str:
    return format_percent(value) if is_percent else format_number(value)


def _text_width(text: str, size: float = FONT) -> float:
    """A rough width of sans-serif text (the server has no font metrics to ask)."""
    return len(text) * size * 0.58


def _shorten(text: str, room: float, size: float = FONT) -> str:
    """The label cut to fit `room` units, with an ellipsis when cut."""
    text = str(text)
    fits = max(1, int(room / (size * 0.58)))
    return text if len(text) <= fits else text[: max(1, fits - 1)].rstrip() + "…"


def _wrap(text: str, room: float, size: float = FONT) -> list[str]:
    """The text broken between words into lines of at most `room` units (a single word longer
    than a line stays whole: the viewBox scales, nothing is cut)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _ticks(top: float, *, integer: bool, count: int = 4) -> list[float]:
    """Round gridline values from 0 to at least `top` (1 when there is nothing to show)."""
    if not top or top <= 0 or not math.isfinite(top):
        top = 1.0
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.ceil(step))
    steps = math.ceil(top / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def _integers(values: Sequence[float | None]) -> bool:
    return all(v is None or float(v).is_integer() for v in values)


def _clean(values: Sequence[float | None]) -> list[float | None]:
    """Numbers as floats; None, NaN and infinity as gaps."""
    cleaned: list[float | None] = []
    for v in values:
        if v is None:
            cleaned.append(None)
            continue
        f = float(v)
        cleaned.append(f if math.isfinite(f) else None)
    return cleaned


# --- The frame every chart shares -----------------------------------------------------------


def _open(kind: str, height: float, title: str, desc: str) -> list:
    chart_id = f"chart-{uuid.uuid4().hex[:10]}"
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
            'viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet" '
            'font-family="sans-serif" font-size="{font}" fill="{ink}">',
            kind=kind,
            w=WIDTH,
            h=round(height),
            id=chart_id,
            font=FONT,
            ink=INK,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, desc),
    ]
    return parts


def _close(parts: list) -> SafeString:
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above


def _describe(desc: str, pairs: Sequence[tuple[str, str]]) -> str:
    """The caller's summary, or else the data in words: "Week 1: 3; Week 2: 5"."""
    if str(desc).strip():
        return str(desc).strip()
    shown = list(pairs)
    if len(shown) > SUMMARY_MAX:
        shown = [*shown[: SUMMARY_MAX - 1], ("…", shown[-1][1])]
    return "; ".join(f"{label}: {value}" for label, value in shown)


def _y_axis(parts: list, ticks: list[float], left: float, right: float, y_of, is_percent: bool):
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                left,
                _r(y),
                right,
                _r(y),
                GRID,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}" '
                'class="chart-axis">{}</text>',
                left - 4,
                _r(y + 3.5),
                SMALL,
                MUTED,
                _value(tick, is_percent),
            )
        )


def _x_labels(parts: list, labels: Sequence[str], xs: Sequence[float], slot: float, y: float):
    """Labels under the x axis, every n-th one when there are too many to fit."""
    if not labels:
        return
    longest = max(_text_width(str(label), SMALL) for label in labels)
    room = max(slot, 1.0)
    step = max(1, math.ceil((min(longest, 80) + 6) / room))
    for index, (label, x) in enumerate(zip(labels, xs, strict=False)):
        if index % step:
            continue
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}" '
                'class="chart-axis">{}</text>',
                _r(x),
                _r(y),
                SMALL,
                MUTED,
                _shorten(label, max(room * step - 4, 24), SMALL),
            )
        )


def _r(value: float) -> str:
    """Coordinates with one decimal: small SVG, no float noise."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- The charts ------------------------------------------------------------------------------


def bars(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    desc: str = "",
    percent: bool = False,
    highlight: int | None = None,
) -> SafeString:
    """Vertical bars, e.g. shares per week. Values sit on the bars where there is room;
    `highlight` is the index of a bar drawn in a second colour (this week, the best one)."""
    labels = [str(label) for label in labels]
    data = _clean(values)[: len(labels)]
    data += [None] * (len(labels) - len(data))
    height, left, right, top, bottom = 220.0, 46.0, WIDTH - 6.0, 16.0, 186.0
    ticks = _ticks(max((v for v in data if v is not None), default=0), integer=not percent)
    peak = ticks[-1]

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, v) / peak

    pairs = [(lb, _value(v, percent)) for lb, v in zip(labels, data, strict=True)]
    described = _describe(desc, pairs)
    parts = _open("bars", height, title, described)
    _y_axis(parts, ticks, left, right, y_of, percent)
    slot = (right - left) / max(1, len(labels))
    width = max(1.0, slot * 0.72)
    xs = []
    for index, (label, v) in enumerate(zip(labels, data, strict=True)):
        x = left + slot * index + (slot - width) / 2
        xs.append(x + width / 2)
        if v is None:
            continue
        is_highlight = index == highlight
        colour = HIGHLIGHT if is_highlight else BRAND
        y = y_of(v)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="chart-col{}">'
                "<title>{}: {}</title></rect>",
                _r(x),
                _r(y),
                _r(width),
                _r(max(bottom - y, 0)),
                colour,
                " chart-highlight" if is_highlight else "",
                label,
                _value(v, percent),
            )
        )
        text = _value(v, percent)
        if (v and _text_width(text, SMALL) <= slot - 1) or is_highlight:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="{}" '
                    'class="chart-value"{}>{}</text>',
                    _r(x + width / 2),
                    _r(y - 3),
                    SMALL,
                    mark_safe(' font-weight="bold"') if is_highlight else "",
                    text,
                )
            )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            left,
            bottom,
            right,
            bottom,
            MUTED,
        )
    )
    _x_labels(parts, labels, xs, slot, bottom + 19)
    return _close(parts)


def lines(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    desc: str = "",
    percent: bool = False,
) -> SafeString:
    """One or more lines over the same x labels, with a legend; None leaves a gap."""
    labels = [str(label) for label in labels]
    count = len(labels)
    cleaned = [(str(name), (_clean(vals) + [None] * count)[:count]) for name, vals in series]
    # The legend: a sample of each line and its name, wrapping onto more rows when needed.
    legend, x, row = [], 46.0, 0
    for name, _vals in cleaned:
        need = 28 + _text_width(name, SMALL) + 14
        if x + need > WIDTH and x > 46:
            x, row = 46.0, row + 1
        legend.append((x, 10 + row * 16, name))
        x += need
    top = 22.0 + row * 16 + 14 if cleaned else 16.0
    bottom = top + 170.0
    height, left, right = bottom + 34, 46.0, WIDTH - 10.0
    everything = [v for _n, vals in cleaned for v in vals if v is not None]
    ticks = _ticks(max(everything, default=0), integer=not percent and _integers(everything))
    peak = ticks[-1]

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, v) / peak

    summary = [
        (f"{name} – {label}", _value(v, percent))
        for name, vals in cleaned
        for label, v in zip(labels, vals, strict=True)
        if v is not None
    ]
    parts = _open("lines", height, title, _describe(desc, summary))
    for index, (lx, ly, name) in enumerate(legend):
        colour, dash = SERIES[index % len(SERIES)]
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>'
                '<text x="{}" y="{}" font-size="{}" class="chart-legend">{}</text>',
                _r(lx),
                ly,
                _r(lx + 22),
                ly,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
                _r(lx + 27),
                ly + 4,
                SMALL,
                name,
            )
        )
    _y_axis(parts, ticks, left, right, y_of, percent)
    slot = (right - left) / max(1, count)
    xs = [left + (right - left) * (i / (count - 1) if count > 1 else 0.5) for i in range(count)]
    for index, (_name, vals) in enumerate(cleaned):
        colour, dash = SERIES[index % len(SERIES)]
        segment: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = []
        for x_pos, v in zip(xs, vals, strict=True):
            if v is None:
                if segment:
                    runs.append(segment)
                segment = []
            else:
                segment.append((x_pos, y_of(v)))
        if segment:
            runs.append(segment)
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                        'stroke-linejoin="round" class="chart-line chart-line-{}"{}/>',
                        " ".join(f"{_r(px)},{_r(py)}" for px, py in run),
                        colour,
                        index,
                        format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    )
                )
        # Points where there are few (and always a lone point, which has no line to show it).
        for run in runs:
            if len(run) == 1 or count <= 26:
                for px, py in run:
                    parts.append(
                        format_html(
                            '<circle cx="{}" cy="{}" r="2.8" fill="{}"/>', _r(px), _r(py), colour
                        )
                    )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            left,
            bottom,
            right,
            bottom,
            MUTED,
        )
    )
    _x_labels(parts, labels, xs, slot, bottom + 19)
    return _close(parts)


def hbars(
    rows: list[tuple[str, float]],
    *,
    title: str,
    desc: str = "",
    percent: bool = False,
    target: float | None = None,
    target_label: str = "",
) -> SafeString:
    """Horizontal bars for comparisons (teams, networks): the name above each bar, the value
    at its end, so long names fit a phone. `target` draws a dashed marker line across."""
    names = [str(name) for name, _v in rows]
    data = _clean([v for _n, v in rows])
    target = _clean([target])[0]
    label_room, row_height = 18.0, 36.0
    top = 24.0 if target is not None else 4.0
    left, right = 2.0, WIDTH - 70.0
    height = top + len(rows) * row_height + 6
    peak = max([v for v in data if v is not None] + [target or 0, 0])
    peak = peak or 1.0

    def x_of(v: float) -> float:
        return left + (right - left) * max(0.0, v) / peak

    described = _describe(desc, [(n, _value(v, percent)) for n, v in zip(names, data, strict=True)])
    if target is not None:
        described = f"{described}; {target_label} {_value(target, percent)}".strip("; ")
    parts = _open("hbars", max(height, 30), title, described)
    y = top
    for name, v in zip(names, data, strict=True):
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-label">{}</text>',
                left,
                _r(y + 12),
                _shorten(name, WIDTH - 4),
            )
        )
        bar_y = y + label_room
        width = x_of(v) - left if v is not None else 0
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="12" fill="{}" class="chart-track"/>',
                left,
                _r(bar_y),
                _r(right - left),
                TRACK,
            )
        )
        if width > 0:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="12" fill="{}" class="chart-hbar">'
                    "<title>{}: {}</title></rect>",
                    left,
                    _r(bar_y),
                    _r(max(width, 1.5)),
                    BRAND,
                    name,
                    _value(v, percent),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" class="chart-value">{}</text>',
                _r(right + 6),
                _r(bar_y + 10.5),
                SMALL,
                _value(v, percent),
            )
        )
        y += row_height
    if target is not None:
        tx = x_of(target)
        label = f"{target_label} {_value(target, percent)}".strip()
        anchor = "end" if tx > right - _text_width(label, SMALL) / 2 else "middle"
        anchor = "start" if tx < left + _text_width(label, SMALL) / 2 else anchor
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="2" '
                'stroke-dasharray="4 3" class="chart-target"/>'
                '<text x="{x}" y="{ty}" text-anchor="{a}" font-size="{s}" fill="{c}" '
                'class="chart-target-label">{label}</text>',
                x=_r(tx),
                y1=_r(top - 4),
                y2=_r(max(height - 4, top)),
                c=BEST,
                ty=14,
                a=anchor,
                s=SMALL,
                label=label,
            )
        )
    return _close(parts)


def _shade(value: float, peak: float) -> str:
    if peak <= 0:
        return SCALE[0]
    step = min(len(SCALE) - 1, int(max(0.0, value) / peak * (len(SCALE) - 1) + 0.5))
    return SCALE[step]


def heatmap(
    cells: list[list[float | None]],
    *,
    row_labels: list[str],
    title: str,
    desc: str = "",
    best: tuple[int, int] | None = None,
    percent: bool = True,
) -> SafeString:
    """Weekday × hour: one row per day, 24 columns, darker for more; an empty (hatched) cell
    has no data; `best` (row, hour) is outlined. Hours are labelled every third."""
    row_count = max(len(cells), len(row_labels))
    grid = [(_clean(row) + [None] * 24)[:24] for row in cells]
    grid += [[None] * 24 for _ in range(row_count - len(grid))]
    names = [str(label) for label in row_labels] + [""] * (row_count - len(row_labels))
    longest = max((_text_width(name, SMALL) for name in names), default=0)
    left, top, cell_h = min(80.0, max(24.0, longest + 8)), 4.0, 18.0
    cell_w = (WIDTH - left - 4) / 24
    grid_bottom = top + row_count * cell_h
    height = grid_bottom + 18 + 34
    known = [v for row in grid for v in row if v is not None]
    peak = max(known, default=0.0)

    if best is not None and not (0 <= best[0] < row_count and 0 <= best[1] < 24):
        best = None
    summary = []
    if best is not None:
        weekday, hour = best
        summary.append((f"{names[weekday]} {hour:02d}:00", _value(grid[weekday][hour], percent)))
    if known:
        summary.append(("↓", _value(min(known), percent)))
        summary.append(("↑", _value(peak, percent)))
    parts = _open("heatmap", height, title, _describe(desc, summary))
    for r, (name, row) in enumerate(zip(names, grid, strict=True)):
        y = top + r * cell_h
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" class="chart-axis">{}</text>',
                left - 4,
                _r(y + cell_h / 2 + 4),
                SMALL,
                _shorten(name, left - 6, SMALL),
            )
        )
        for hour, v in enumerate(row):
            x = left + hour * cell_w
            if v is None:
                parts.append(
                    format_html(
                        '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#ffffff" '
                        'stroke="{g}" stroke-width="0.6" class="chart-empty"/>'
                        '<line x1="{x}" y1="{y2}" x2="{x2}" y2="{y}" stroke="{g}" '
                        'stroke-width="0.8"/>',
                        x=_r(x + 0.5),
                        y=_r(y + 0.5),
                        w=_r(cell_w - 1),
                        h=_r(cell_h - 1),
                        g=GRID,
                        x2=_r(x + cell_w - 0.5),
                        y2=_r(y + cell_h - 0.5),
                    )
                )
            else:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="chart-cell">'
                        "<title>{} {}:00: {}</title></rect>",
                        _r(x + 0.5),
                        _r(y + 0.5),
                        _r(cell_w - 1),
                        _r(cell_h - 1),
                        _shade(v, peak),
                        name,
                        f"{hour:02d}",
                        _value(v, percent),
                    )
                )
    for hour in range(0, 24, 3):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}" '
                'class="chart-axis">{}</text>',
                _r(left + hour * cell_w + cell_w / 2),
                _r(grid_bottom + 13),
                SMALL,
                MUTED,
                hour,
            )
        )
    if best is not None:
        weekday, hour = best
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" '
                'stroke-width="2.5" class="chart-best"/>',
                _r(left + hour * cell_w - 0.5),
                _r(top + weekday * cell_h - 0.5),
                _r(cell_w + 1),
                _r(cell_h + 1),
                BEST,
            )
        )
    # The legend: the colour steps from the lowest to the highest value.
    legend_y = grid_bottom + 26
    if known:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" class="chart-legend">'
                "{}</text>",
                _r(left - 4),
                _r(legend_y + 10),
                SMALL,
                _value(0 if peak > 0 else peak, percent),
            )
        )
        for index, colour in enumerate(SCALE):
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="22" height="12" fill="{}" stroke="{}" '
                    'stroke-width="0.5"/>',
                    _r(left + index * 24),
                    _r(legend_y),
                    colour,
                    GRID,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" class="chart-legend">{}</text>',
                _r(left + len(SCALE) * 24 + 4),
                _r(legend_y + 10),
                SMALL,
                _value(peak, percent),
            )
        )
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="12" height="12" fill="#ffffff" stroke="{}" '
            'stroke-width="0.6"/><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
            'stroke-width="0.8"/><text x="{}" y="{}" font-size="{}" class="chart-legend">–</text>',
            _r(WIDTH - 40),
            _r(legend_y),
            GRID,
            _r(WIDTH - 40),
            _r(legend_y + 12),
            _r(WIDTH - 28),
            _r(legend_y),
            GRID,
            _r(WIDTH - 24),
            _r(legend_y + 10),
            SMALL,
        )
    )
    return _close(parts)


def gauge_row(
    value: float | None,
    target: float | None,
    *,
    title: str,
    percent: bool = False,
) -> SafeString:
    """Progress to a target: a track, the value's bar, a marker at the target, and
    "value / target · share of target" beside it. Green once the target is reached."""
    value, target = _clean([value, target])
    left, right = 2.0, WIDTH - 2.0
    shown = _value(value, percent)
    reached = value is not None and target is not None and target > 0 and value >= target
    if target is not None:
        share = value / target if value is not None and target > 0 else None
        shown = f"{shown} / {_value(target, percent)}"
        if share is not None:
            shown = f"{shown} · {format_percent(share, 0)}"
    # The title is never cut ("Active participati…" said nothing): when it and the figures do
    # not fit on one line, the figures go below it, and a long title wraps.
    if _text_width(title) + _text_width(shown) + 12 <= WIDTH:
        title_lines, value_y = [title], 14.0
    else:
        title_lines = _wrap(title, WIDTH - 4)
        value_y = 14.0 + 18 * len(title_lines)
    bar_y = value_y + 8
    height = bar_y + 18
    peak = max(value or 0, (target or 0) * 1.25, 0) or 1.0

    def x_of(v: float) -> float:
        return left + (right - left) * max(0.0, v) / peak

    parts = _open("gauge", height, title, f"{title}: {shown}")
    for number, line in enumerate(title_lines):
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-label">{}</text>', left, 14 + 18 * number, line
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-weight="bold" '
            'class="chart-value">{}</text>',
            right,
            _r(value_y),
            shown,
        )
    )
    parts.append(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="12" fill="{}" class="chart-track"/>',
            left,
            bar_y,
            _r(right - left),
            TRACK,
        )
    )
    if value:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="12" fill="{}" class="chart-progress{}"/>',
                left,
                bar_y,
                _r(max(1.5, x_of(value) - left)),
                GOOD if reached else BRAND,
                " chart-reached" if reached else "",
            )
        )
    if target is not None:
        tx = _r(x_of(target))
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="2" '
                'class="chart-target"/>',
                x=tx,
                y1=bar_y - 3,
                y2=bar_y + 15,
                c=INK,
            )
        )
    return _close(parts)


# --- The adoption funnel --------------------------------------------------------------------


def funnel_svg(steps: list[dict], *, title: str, width: int = 440) -> SafeString:
    """Horizontal bars, one per funnel step, each as long as its count relative to the first."""
    bar_height, gap, label_width = 28, 14, 0
    top = max((s["count"] for s in steps), default=0) or 1
    height = len(steps) * (bar_height + gap + 18)
    parts = [
        format_html(
            '<svg class="chart chart-funnel" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
            width,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
    ]
    y = 0
    for index, step in enumerate(steps):
        bar = max(2, round((width - label_width) * step["count"] / top)) if step["count"] else 2
        rate = step.get("rate")
        suffix = (
            f" · {format_percent(rate, 0)} {step.get('rate_label', '')}" if rate is not None else ""
        )
        parts.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}: {}{}</text>',
                y + 13,
                step["label"],
                step["count"],
                suffix,
            )
        )
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" rx="4" class="chart-bar chart-bar-{}"/>',
                y + 18,
                bar,
                bar_height,
                index,
            )
        )
        y += bar_height + gap + 18
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above
