"""The quarterly evaluation: the quarter's figures against its targets, what worked and what did
not, and the team's written conclusions and plan — as a page and as a PDF drawn from the same
data and the same SVG charts (charts.py)."""

from __future__ import annotations

import contextlib
import html
import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.core.audit import acting_as
from advocato.core.models import Organisation
from advocato.lib import charts, formatting
from advocato.lib.networks import NETWORKS
from advocato.lib.validators import no_control_characters_but_line_breaks
from advocato.people.models import Employee

from . import forms, kpis, services
from .models import Evaluation, Settings

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
TOP = 5  # content items shown as best and as weakest
MIN_SHARES = 2  # an item needs this many shares to be judged on clicks per share
TEXT_MAX = 10_000


# --- Which quarters ---------------------------------------------------------------------------


def check_quarter(year: int, quarter: int, *, today: date | None = None) -> None:
    """A quarter that has begun (nothing to evaluate in the future), from 2000 on."""
    today = today or Organisation.get().today()
    if not 1 <= quarter <= 4 or not FIRST_YEAR <= year <= today.year:
        raise ValueError(f"no such quarter: {year} Q{quarter}")
    if kpis.quarter_bounds(year, quarter)[0] > today:
        raise ValueError(f"{year} Q{quarter} has not begun")


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def recent_quarters(today: date | None = None, count: int = 5) -> list[tuple[int, int]]:
    """The current quarter and the `count - 1` before it, newest first."""
    return forms.recent_quarters(today or Organisation.get().today(), count)


def quarter_name(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


# --- Formatting (page, PDF and e-mail say a figure the same way) ------------------------------


def show(value, *, rate: bool = False, money: bool = False, currency: str = "") -> str:
    if value is None:
        return "–"
    if rate:
        return charts.format_percent(float(value))
    if money:
        return formatting.format_money(value, currency)
    return formatting.format_number(value)


# --- The report -------------------------------------------------------------------------------


def report(year: int, quarter: int, *, today: date | None = None) -> dict:
    """Everything the evaluation says about a quarter. Raises ValueError for a bad quarter."""
    today = today or Organisation.get().today()
    check_quarter(year, quarter, today=today)
    # Fold in what is waiting when that is quick; the worker fills every minute otherwise.
    services.fill_if_stale()
    start, end = kpis.quarter_bounds(year, quarter)
    f = kpis.Filters(start=start, end=end)
    so_far = kpis.Filters(start=start, end=min(end, today))
    settings = Settings.get()
    data = kpis.programme(f)
    before = kpis.programme(kpis.Filters(*kpis.quarter_bounds(*previous_quarter(year, quarter))))
    previous = {fig.key: fig.value for fig in before["figures"]}
    rows = []
    for fig in data["figures"]:
        rows.append(
            _kpi_row(
                fig.key,
                fig.label,
                fig.value,
                previous.get(fig.key),
                fig.target,
                rate=fig.is_rate,
                money=fig.money,
                how=fig.how,
                currency=settings.currency,
            )
        )
    for key, (target, _note) in sorted(data["kind_targets"].items()):
        kind = key.removeprefix("conversions:")
        rows.append(
            _kpi_row(
                key,
                f"{_('Conversions')}: {kind}",
                data["kinds"].get(kind, 0),
                before["kinds"].get(kind, 0),
                target,
            )
        )
    weeks = kpis.weekly(so_far) if start <= today else []
    items = [row for row in kpis.content(f, limit=100_000) if row["shares"] >= MIN_SHARES]
    top = items[:TOP]
    bottom = list(reversed(items[TOP:]))[:TOP]
    names = dict(NETWORKS)
    networks = kpis.breakdown(f, "network")
    for row in networks:
        row["label"] = names.get(row["key"], row["key"])
    best_time = kpis.heatmap(f)
    evaluation = Evaluation.objects.filter(year=year, quarter=quarter).first()
    with_target = [row for row in rows if row["target"] is not None]
    return {
        "year": year,
        "quarter": quarter,
        "name": quarter_name(year, quarter),
        "start": start,
        "end": end,
        "in_progress": end >= today,
        "organisation": Organisation.get(),
        "settings": settings,
        "rows": rows,
        "targets_set": len(with_target),
        "targets_reached": sum(1 for row in with_target if row["reached"]),
        "weeks": weeks,
        "steadiness": kpis.steadiness(weeks),
        "top": top,
        "bottom": bottom,
        "judged_items": len(items),
        "networks": networks,
        "teams": kpis.teams(f),
        "voice": kpis.voice(f),
        "best_time": best_time,
        "evaluation": evaluation,
    }


def quarter_figures(year: int, quarter: int) -> list[dict]:
    """The quarter's KPIs so far against their targets (the answer to
    `hooks.quarter_figures`, for the programme plan). Raises nothing: a bad quarter gives []."""
    try:
        check_quarter(year, quarter)
    except ValueError:
        return []
    # The whole quarter, as the evaluation reads it: the figures so far against the quarter's
    # own target (not one scaled to the days gone).
    data = kpis.programme(kpis.Filters(*kpis.quarter_bounds(year, quarter)))
    currency = Settings.get().currency
    rows = [
        _kpi_row(fig.key, fig.label, fig.value, None, fig.target, rate=fig.is_rate,
                 money=fig.money, how=fig.how, currency=currency)
        for fig in data["figures"]
    ]  # fmt: skip
    for key, (target, _note) in sorted(data["kind_targets"].items()):
        kind = key.removeprefix("conversions:")
        rows.append(
            _kpi_row(key, f"{_('Conversions')}: {kind}", data["kinds"].get(kind, 0), None, target)
        )
    return rows


def _kpi_row(
    key, label, value, previous, target, *, rate=False, money=False, how="", currency=""
) -> dict:
    of_target = float(value) / float(target) if value is not None and target else None
    return {
        "key": key,
        "label": label,
        "value": value,
        "previous": previous,
        "target": target,
        "of_target": of_target,
        "reached": of_target is not None and of_target >= 1,
        "is_rate": rate,
        "how": how,
        "value_text": show(value, rate=rate, money=money, currency=currency),
        "previous_text": show(previous, rate=rate, money=money, currency=currency),
        "target_text": show(target, rate=rate, money=money, currency=currency),
        "of_target_text": charts.format_percent(of_target, 0) if of_target is not None else "–",
    }


def weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def best_time_text(best) -> str:
    """The best slot in words — the same sentence as on the best-time page."""
    from .services import best_text
    from .tables import weekday_names as full_names

    return best_text(best, full_names())


def voice_text(voice: dict) -> str:
    uplift = voice["uplift"]
    if uplift is None:
        return _("Not enough shares of both kinds to compare own words with the suggested text.")
    if uplift >= 0:
        return _(
            "Shares in the sharers' own words got %(uplift)s more clicks per share than "
            "shares of the suggested text."
        ) % {"uplift": charts.format_percent(uplift, 0)}
    return _(
        "Shares in the sharers' own words got %(uplift)s fewer clicks per share than "
        "shares of the suggested text."
    ) % {"uplift": charts.format_percent(-uplift, 0)}


def steadiness_text(steady: dict) -> str:
    if not steady.get("weeks"):
        return _("No weeks to judge yet.")
    text = _(
        "People shared in %(with)s of %(weeks)s weeks, %(mean)s shares in an average week."
    ) % {
        "with": steady["weeks_with_shares"],
        "weeks": steady["weeks"],
        "mean": charts.format_number(steady["mean"], 1),
    }
    if steady.get("peak_to_median"):
        text += " " + _("The busiest week had %(ratio)s× the shares of the median week.") % {
            "ratio": charts.format_number(steady["peak_to_median"], 1)
        }
    return text


def report_charts(data: dict) -> dict:
    """The report's charts, the same SVG for the page and the PDF."""
    weeks = data["weeks"]
    labels = [formatting.format_day_month(w["week"]) for w in weeks]
    rate_row = {row["key"]: row for row in data["rows"]}
    participation_target = rate_row.get("participation", {}).get("target")
    found = data["best_time"]
    best = found["best"]
    cells = [[cell["per_share"] for cell in row] for row in found["cells"]]
    return {
        "gauges": [
            charts.gauge_row(
                float(row["value"]) if row["value"] is not None else None,
                float(row["target"]),
                title=row["label"],
                percent=row["is_rate"],
            )
            for row in data["rows"]
            if row["target"] is not None
        ],
        "shares": charts.bars(labels, [w["shares"] for w in weeks], title=_("Shares per week")),
        "participation": charts.lines(
            labels,
            [(_("Active participation"), [w["participation"] for w in weeks])],
            title=_("Active participation per week"),
            percent=True,
        ),
        "clicks": charts.lines(
            labels,
            [
                (_("Clicks"), [w["clicks"] for w in weeks]),
                (_("Conversions"), [w["conversions"] for w in weeks]),
            ],
            title=_("Clicks and conversions per week"),
        ),
        "networks": charts.hbars(
            [(row["label"], row["clicks_per_share"] or 0) for row in data["networks"]],
            title=_("Clicks per share by network"),
        ),
        "teams": charts.hbars(
            [(row["name"], row["participation"] or 0) for row in data["teams"]],
            title=_("Active participation by department"),
            percent=True,
            target=float(participation_target) if participation_target is not None else None,
            target_label=_("Target"),
        ),
        "best_time": charts.heatmap(
            cells,
            row_labels=weekday_names(),
            title=_("People who clicked per share by weekday and hour"),
            desc=best_time_text(best),
            best=(best[0], best[1]) if best else None,
            percent=False,
        ),
    }


# --- The written evaluation -------------------------------------------------------------------


def check_text(value: str) -> str:
    """Several paragraphs are fine; other control characters (pasted from odd places, or
    written to break exports) are refused."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    no_control_characters_but_line_breaks(value)
    if len(value) > TEXT_MAX:
        raise ValidationError(
            _("Please keep this under %(n)s characters.") % {"n": TEXT_MAX}, code="max_length"
        )
    return value.strip()


def save_evaluation(
    year: int, quarter: int, conclusions: str, next_plan: str, by: Employee
) -> Evaluation:
    """Keep the team's conclusions and next quarter's plan with the quarter. Raises
    ValidationError (nothing saved) for text with control characters, ValueError for a bad
    quarter."""
    check_quarter(year, quarter)
    conclusions, next_plan = check_text(conclusions), check_text(next_plan)
    with transaction.atomic(), acting_as(by.user if by else None):
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
            year=year, quarter=quarter, defaults={"updated_by": by}
        )
        evaluation.conclusions, evaluation.next_plan = conclusions, next_plan
        evaluation.updated_by = by
        evaluation.save()
    return evaluation


# --- The PDF ----------------------------------------------------------------------------------

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
]
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# Core PDF fonts know latin-1 only; without a TrueType font these become their ASCII cousins.
ASCII = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "×": "x",
        "÷": "/",
        "…": "...",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "→": "->",
        "↑": "^",
        "↓": "v",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = (folder / name for name in FONT_FILES)
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).translate(ASCII)
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass
class _Words:
    page: str
    generated: str


def pdf(data: dict, *, charts_svg: dict | None = None, embed_font: bool = True) -> bytes:
    """The evaluation as a PDF (A4), in the active language. A TrueType font is embedded when
    the system has one (every letter prints); else the PDF's core fonts write latin-1."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    found_fonts = _font_files() if embed_font else None
    charts_svg = charts_svg if charts_svg is not None else report_charts(data)
    org_name = " ".join(data["organisation"].name.split())
    words = _Words(
        page=_("Page %(page)s of %(pages)s"),
        generated=_("Generated %(date)s")
        % {"date": formatting.format_moment(timezone.now(), short=False)},
    )

    family = "advocato" if found_fonts else "helvetica"

    def clean(text: str) -> str:
        text = unicodedata.normalize("NFC", str(text))
        return text if found_fonts else latin1(text)

    class Report(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.set_text_color(91, 100, 117)
            left = f"{org_name} · {data['name']} · {words.generated}"
            self.cell(0, 6, clean(left), align="L")
            self.set_x(self.l_margin)
            pages = words.page % {"page": self.page_no(), "pages": "{nb}"}
            self.cell(0, 6, clean(pages), align="R")

    doc = Report(format="A4", unit="mm")
    doc.set_title(clean(f"{org_name} – {data['name']}"))
    doc.set_author(clean(org_name))
    doc.set_creator("Advocato")
    doc.set_lang(_language())
    doc.set_auto_page_break(auto=True, margin=18)
    doc.set_margins(16, 16, 16)
    if found_fonts:
        doc.add_font("advocato", "", str(found_fonts[0]))
        doc.add_font("advocato", "B", str(found_fonts[1]))
    doc.alias_nb_pages()
    width = doc.w - doc.l_margin - doc.r_margin

    def heading(text: str, size: float = 15) -> None:
        if doc.get_y() > doc.h - 50:
            doc.add_page()
        doc.ln(3)
        doc.set_font(family, "B", size)
        doc.set_text_color(31, 95, 139)
        doc.multi_cell(width, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_text_color(29, 35, 48)
        doc.ln(1)

    def paragraph(text: str, size: float = 10, style: str = "") -> None:
        doc.set_font(family, style, size)
        doc.multi_cell(width, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.ln(1.5)

    def chart(svg: str, share: float = 0.56) -> None:
        """A chart centred, `share` of the text width: about 11 pt text, as on a page."""
        picture = _svg_for_pdf(str(svg), family if found_fonts else "", clean)
        w = width * share
        if doc.get_y() + 6 + w * _svg_ratio(picture) > doc.h - doc.b_margin:
            doc.add_page()
        caption = _TITLE.search(str(svg))
        if caption:  # the chart's title, which the page shows above it too
            doc.set_font(family, "B", 9)
            doc.set_x(doc.l_margin + (width - w) / 2)
            doc.multi_cell(
                w, 5, clean(html.unescape(caption.group(1))), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        with _quiet_svg():
            doc.image(io.BytesIO(picture.encode()), x=doc.l_margin + (width - w) / 2, w=w)
        doc.ln(2)

    def gauges(svgs: list) -> None:
        """Progress bars two to a row."""
        w, gap = (width - 8) / 2, 8
        for index in range(0, len(svgs), 2):
            pictures = [
                _svg_for_pdf(str(svg), family if found_fonts else "", clean)
                for svg in svgs[index : index + 2]
            ]
            h = max(w * _svg_ratio(p) for p in pictures)
            if doc.get_y() + h > doc.h - doc.b_margin:
                doc.add_page()
            y = doc.get_y()
            for column, picture in enumerate(pictures):
                with _quiet_svg():
                    doc.image(
                        io.BytesIO(picture.encode()), x=doc.l_margin + column * (w + gap), y=y, w=w
                    )
            doc.set_y(y + h + 2)

    def table(head: list[str], body: list[list[str]], widths: tuple, numeric: set[int]) -> None:
        doc.set_font(family, "", 9)
        aligns = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(head)))
        with doc.table(
            col_widths=widths,
            text_align=aligns,
            line_height=5,
            first_row_as_headings=True,
            padding=1.2,
            headings_style=_headings(family),
        ) as grid:
            for line in [head, *body]:
                out = grid.row()
                for cell in line:
                    out.cell(clean(cell))
        doc.ln(2)

    # Title page.
    doc.add_page()
    doc.set_y(70)
    doc.set_font(family, "B", 26)
    doc.set_text_color(31, 95, 139)
    doc.multi_cell(width, 12, clean(org_name), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(4)
    doc.set_font(family, "B", 20)
    doc.set_text_color(29, 35, 48)
    doc.multi_cell(
        width, 10, clean(_("Programme evaluation")), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.multi_cell(width, 10, clean(data["name"]), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(4)
    doc.set_font(family, "", 12)
    period = formatting.format_period(data["start"], data["end"])
    doc.multi_cell(width, 7, clean(period), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if data["in_progress"]:
        doc.multi_cell(
            width,
            7,
            clean(_("The quarter is still running: figures so far.")),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    if data["targets_set"]:
        doc.ln(6)
        doc.multi_cell(
            width, 7, clean(targets_text(data)), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    # Figures against targets.
    doc.add_page()
    heading(_("Key figures against the targets"))
    table(
        [_("Figure"), _("Result"), _("Target"), _("Of target"), _("Previous quarter")],
        [
            [
                row["label"],
                row["value_text"],
                row["target_text"],
                row["of_target_text"],
                row["previous_text"],
            ]
            for row in data["rows"]
        ],
        (34, 18, 16, 14, 18),
        {1, 2, 3, 4},
    )
    if charts_svg["gauges"]:
        heading(_("Progress to the targets"), 12)
        gauges(charts_svg["gauges"])
    else:
        paragraph(_("No targets were set for this quarter."), 9)

    heading(_("Week by week"))
    if data["weeks"]:
        chart(charts_svg["shares"])
        chart(charts_svg["participation"])
        chart(charts_svg["clicks"])
        paragraph(steadiness_text(data["steadiness"]))
    else:
        paragraph(_("No weeks to show yet."))

    # What worked and what did not.
    heading(_("What worked and what did not"))
    item_head = [_("Content"), _("Shares"), _("Clicks"), _("Clicks per share")]

    def items(rows):
        return [
            [
                row["title"],
                show(row["shares"]),
                show(row["clicks"]),
                charts.format_number(row["clicks_per_share"] or 0, 1),
            ]
            for row in rows
        ]

    heading(_("Best content (clicks per share)"), 12)
    if data["top"]:
        table(item_head, items(data["top"]), (60, 14, 14, 16), {1, 2, 3})
    else:
        paragraph(no_content_text())
    if data["bottom"]:
        heading(_("Weakest content (clicks per share)"), 12)
        table(item_head, items(data["bottom"]), (60, 14, 14, 16), {1, 2, 3})

    heading(_("Networks"), 12)
    if data["networks"]:
        chart(charts_svg["networks"])
        table(
            [_("Network"), _("Shares"), _("Clicks"), _("Click-through"), _("Conversions")],
            [
                [
                    row["label"],
                    show(row["shares"]),
                    show(row["clicks"]),
                    show(row["ctr"], rate=True),
                    show(row["conversions"]),
                ]
                for row in data["networks"]
            ],
            (30, 16, 16, 18, 18),
            {1, 2, 3, 4},
        )
    else:
        paragraph(_("No shares in this quarter."))

    heading(_("Departments"), 12)
    if data["teams"]:
        chart(charts_svg["teams"])
        table(
            [_("Department"), _("Registered"), _("Sharing"), _("Participation"), _("Clicks")],
            [
                [
                    row["name"],
                    show(row["registered"]),
                    show(row["sharers"]),
                    show(row["participation"], rate=True),
                    show(row["clicks"]),
                ]
                for row in data["teams"]
            ],
            (34, 16, 16, 18, 14),
            {1, 2, 3, 4},
        )
    heading(_("Own words or the suggested text?"), 12)
    paragraph(voice_text(data["voice"]))
    heading(_("Best time to post"), 12)
    chart(charts_svg["best_time"], 0.62)
    paragraph(best_time_text(data["best_time"]["best"]))

    # The team's own words.
    heading(_("Our conclusions"))
    evaluation = data["evaluation"]
    paragraph(
        evaluation.conclusions if evaluation and evaluation.conclusions else _("Not written yet.")
    )
    heading(_("Our plan for next quarter"))
    paragraph(
        evaluation.next_plan if evaluation and evaluation.next_plan else _("Not written yet.")
    )
    if evaluation and evaluation.updated_by:
        paragraph(
            _("Last changed by %(name)s, %(date)s.")
            % {
                "name": evaluation.updated_by.name or evaluation.updated_by.email,
                "date": formatting.format_moment(evaluation.updated_at, short=False),
            },
            8,
        )
    return bytes(doc.output())


def targets_text(data: dict) -> str:
    return _("%(reached)s of %(set)s targets reached.") % {
        "reached": data["targets_reached"],
        "set": data["targets_set"],
    }


def no_content_text() -> str:
    return _("No content item was shared at least %(n)s times in this quarter.") % {"n": MIN_SHARES}


def filename(year: int, quarter: int) -> str:
    return f"advocato-{year}-Q{quarter}.pdf"


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "en"


def _headings(family: str):
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", fill_color=(232, 237, 243))


_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)
_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _svg_for_pdf(svg: str, family: str, clean) -> str:
    """The page's SVG, adjusted for fpdf2: our embedded font (or latin-1 text without one),
    and no <title>/<desc> (a PDF has its own text; fpdf2 would warn about each)."""
    svg = re.sub(r"<title\b[^>]*>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r"<desc\b[^>]*>.*?</desc>", "", svg, flags=re.S)
    if family:
        svg = svg.replace('font-family="sans-serif"', f'font-family="{family}"', 1)
    return _TEXT.sub(lambda m: m.group(1) + clean(m.group(2)) + m.group(3), svg)


def _svg_ratio(svg: str) -> float:
    match = _VIEWBOX.search(svg)
    return float(match.group(2)) / float(match.group(1)) if match else 0.5


@contextlib.contextmanager
def _quiet_svg() -> Iterator[None]:
    """fpdf2 logs a warning for every SVG element it skips (each bar's hover <title>)."""
    svg_logger = logging.getLogger("fpdf.svg")
    level = svg_logger.level
    svg_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        svg_logger.setLevel(level)
