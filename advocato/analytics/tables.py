"""Every table the analytics pages show, defined once: the page renders it and the CSV and
XLSX exports write it, from the same rows — so an export always equals the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocato.content.models import Goal
from advocato.lib.networks import NETWORKS
from advocato.lib.validators import spreadsheet_safe
from advocato.people.models import Employee, Language

from . import kpis


def weekday_names() -> list[str]:
    return [
        _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
        _("Saturday"), _("Sunday"),
    ]  # fmt: skip


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # int, number, percent, money, text, date


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""


def _figures(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    data = known.get("programme") or kpis.programme(f)
    rows = []
    for fig in data["figures"]:
        kind = "percent" if fig.is_rate else "money" if fig.money else "int"
        rows.append({"kpi": fig.label, "value": fig.value, "previous": fig.previous,
                     "target": fig.target, "kind": kind})  # fmt: skip
    conversions = next(fig for fig in data["figures"] if fig.key == "conversions")
    before = conversions.extra["kinds_before"]
    for kind, count in data["kinds"].items():
        target = data["kind_targets"].get(f"conversions:{kind}", (None, ""))[0]
        rows.append({"kpi": _("Conversions: %(kind)s") % {"kind": kind}, "value": count,
                     "previous": before.get(kind, 0),
                     "target": target, "kind": "int"})  # fmt: skip
    return Table("kpis", _("Programme figures"), [
        Column("kpi", _("KPI"), "text"), Column("value", _("This period"), "auto"),
        Column("previous", _("Period before"), "auto"), Column("target", _("Target"), "auto"),
    ], rows)  # fmt: skip


def _weekly(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    rows = known.get("weekly") or kpis.weekly(f)
    return Table("weekly", _("Week by week"), [
        Column("week", _("Week of"), "date"), Column("shares", _("Shares")),
        Column("sharers", _("People sharing")),
        Column("participation", _("Active participation"), "percent"),
        Column("clicks", _("Clicks")), Column("conversions", _("Conversions")),
    ], rows)  # fmt: skip


def _contributors(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    found = kpis.contributors(f, viewer, limit=25)
    note = ""
    if found["hidden"]:
        note = ngettext(
            "%(n)d more person is ranked but not named, by their own choice or the "
            "company's privacy setting.",
            "%(n)d more people are ranked but not named, by their own choice or the "
            "company's privacy setting.",
            found["hidden"],
        ) % {"n": found["hidden"]}
    return Table("contributors", _("Top contributors"), [
        Column("rank", _("Rank")), Column("name", _("Name"), "text"),
        Column("shares", _("Shares")), Column("reach", _("Potential reach")),
        Column("clicks", _("Clicks")), Column("conversions", _("Conversions")),
        Column("consistency", _("Consistency"), "percent"),
    ], found["rows"], note)  # fmt: skip


def _teams(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    return Table("teams", _("Departments side by side"), [
        Column("name", _("Department"), "text"), Column("registered", _("Registered")),
        Column("sharers", _("People sharing")),
        Column("participation", _("Active participation"), "percent"),
        Column("shares", _("Shares")), Column("reach", _("Potential reach")),
        Column("clicks", _("Clicks")), Column("clicks_per_person", _("Clicks per person"),
                                              "number"),
        Column("conversions", _("Conversions")),
    ], kpis.teams(f))  # fmt: skip


def _content(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    return Table("content", _("Content"), [
        Column("title", _("Title"), "text"), Column("shares", _("Shares")),
        Column("reach", _("Potential reach")), Column("clicks", _("Clicks")),
        Column("clicks_per_share", _("Clicks per share"), "number"),
        Column("ctr", _("Click-through"), "percent1"), Column("conversions", _("Conversions")),
    ], kpis.content(f), _("Shares posted in the period, with every click they have earned so "
                          "far. Best first by clicks per share."))  # fmt: skip


LABELS: dict[str, Callable[[], Mapping[str, object]]] = {
    "network": lambda: dict(NETWORKS),
    "language": lambda: dict(Language.choices),
    "goal": lambda: dict(Goal.choices),
}


def _breakdown(by: str, title: str, heading: str):
    def build(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
        rows = kpis.breakdown(f, by)
        names = LABELS[by]() if by in LABELS else {}
        for row in rows:
            row["label"] = str(names.get(row["label"], row["label"]))
        return Table(by + "s", title, [
            Column("label", heading, "text"), Column("shares", _("Shares")),
            Column("reach", _("Potential reach")), Column("clicks", _("Clicks")),
            Column("clicks_per_share", _("Clicks per share"), "number"),
            Column("ctr", _("Click-through"), "percent1"),
            Column("engagement_rate", _("Engagement rate"), "percent1"),
            Column("conversions", _("Conversions")),
        ], rows)  # fmt: skip

    return build


def _voice(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    found = known.get("voice") or kpis.voice(f)
    rows = [
        {"texts": _("Rewritten in their own words"), **found["edited"]},
        {"texts": _("Shared as suggested"), **found["suggested"]},
    ]
    return Table("voice", _("Personal voice"), [
        Column("texts", _("Texts"), "text"), Column("shares", _("Shares")),
        Column("clicks", _("Clicks")), Column("clicks_per_share", _("Clicks per share"), "number"),
        Column("engaged_shares", _("Shares with engagement figures")),
        Column("engagement_per_share", _("Engagement per share"), "number"),
    ], rows)  # fmt: skip


def _heatmap(f: kpis.Filters, viewer: Employee, known: dict) -> Table:
    found = kpis.heatmap(f, f.network)
    rows = []
    for weekday, name in enumerate(weekday_names()):
        for hour in range(24):
            cell = found["cells"][weekday][hour]
            if cell["shares"]:
                rows.append({"weekday": name, "hour": f"{hour:02d}:00", **cell})
    return Table("heatmap", _("Best time to post"), [
        Column("weekday", _("Weekday"), "text"), Column("hour", _("Hour"), "text"),
        Column("shares", _("Shares")), Column("unique_clicks", _("Unique clicks")),
        Column("per_share", _("People who clicked per share"), "number"),
        Column("reach", _("Potential reach")), Column("clicks", _("Clicks")),
        Column("per_thousand", _("Clicks per 1,000 reach"), "number"),
    ], rows)  # fmt: skip


BUILDERS = {
    "kpis": _figures,
    "weekly": _weekly,
    "contributors": _contributors,
    "teams": _teams,
    "content": _content,
    "topics": _breakdown("topic", _("By topic"), _("Topic")),
    "goals": _breakdown("goal", _("By goal"), _("Goal")),
    "networks": _breakdown("network", _("By network"), _("Network")),
    "languages": _breakdown("language", _("By language"), _("Language")),
    "voice": _voice,
    "heatmap": _heatmap,
}


def build(name: str, f: kpis.Filters, viewer: Employee, known: dict | None = None) -> Table:
    """The table `name`; `known` holds figures the page has already worked out
    ("programme", "weekly", "voice"), so they are not asked for twice."""
    return BUILDERS[name](f, viewer, known or {})


def plain(value, kind: str):
    """A cell's value for a file: numbers stay numbers (rates as fractions, rounded)."""
    if value is None:
        return ""
    if kind in {"percent", "percent1", "number"} or isinstance(value, float):
        return round(float(value), 4)
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int) else str(value)


def _matrix(table: Table) -> list[list]:
    header = [c.label for c in table.columns]
    body = []
    for row in table.rows:
        body.append(
            [plain(row.get(c.key), row.get("kind", c.kind) if c.kind == "auto" else c.kind)
             for c in table.columns]
        )  # fmt: skip
    return [header, *body]


def as_csv(table: Table, f: kpis.Filters) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Period"), f.start.isoformat(), f.end.isoformat()])
    for line in _matrix(table):
        writer.writerow([spreadsheet_safe(v) for v in line])
    return out.getvalue()


def as_xlsx(table: Table, f: kpis.Filters) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append([_("Period"), f.start, f.end])
    for line in _matrix(table):
        sheet.append([spreadsheet_safe(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
