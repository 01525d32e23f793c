"""Charts drawn on the server as SVG, so one chart serves the page, the e-mail and the PDF.
Each chart carries a text alternative; pages show the same numbers in a table as well."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


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
        suffix = f" · {rate:.0%} {step.get('rate_label', '')}" if rate is not None else ""
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
