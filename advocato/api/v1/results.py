"""Results: shares, their tracked links and figures, conversions in, KPIs, points and the
audit log.

KPIs are the dashboard's own functions (`analytics.kpis`) over the dashboard's own filter form,
so a figure here is the figure on the page for the same filters. Names follow the one gate in
`people.privacy`: a person who may not be named to the token's person appears without name or
id, and their scorecard is not found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from advocato.analytics import kpis
from advocato.analytics import services as analytics
from advocato.analytics.forms import FilterForm
from advocato.analytics.models import ShareDay
from advocato.content.models import ContentItem
from advocato.core.models import AuditEntry
from advocato.lib.permissions import has_role
from advocato.links import conversions
from advocato.links.models import TrackedLink
from advocato.links.services import link_url
from advocato.people.models import Employee, Team
from advocato.people.privacy import nameable
from advocato.rewards.models import PointEntry
from advocato.sharing.models import Share

from .base import Id, PathId, allow, page
from .problems import Problem, bad, invalid

router = Router(tags=["results"])
RESULTS_ROLES = ("curator", "analyst")  # who sees everyone's shares (the item results page)

FIGURES = ("shares", "reach", "engagement", "clicks", "unique_clicks", "referrals",
           "conversions", "previews", "bots", "self_clicks")  # fmt: skip


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


# --- Shares and links -----------------------------------------------------------------------


class Figures(Schema):
    shares: int
    reach: int
    engagement: int
    clicks: int
    unique_clicks: int
    referrals: int
    conversions: int
    previews: int
    bots: int
    self_clicks: int


class ShareOut(Schema):
    id: int
    item_id: int
    network: str
    language: str
    status: str
    method: str
    edited: bool
    employee_id: int | None = Field(description="Empty where the person may not be named")
    employee_name: str | None
    created_at: datetime
    confirmed_at: datetime | None
    permalink: str
    audience: int | None
    link: str | None
    figures: Figures


class SharePage(Schema):
    items: list[ShareOut]
    next_cursor: str | None


def _visible_shares(employee: Employee):
    rows = Share.objects.select_related("employee", "link")
    if has_role(employee, *RESULTS_ROLES):
        return rows.filter(confirmed_at__isnull=False) | rows.filter(employee=employee)
    return rows.filter(employee=employee)


def _figures(share_ids: list[Id]) -> dict[int, dict]:
    sums = (
        ShareDay.objects.filter(share_id__in=share_ids)
        .values_list("share_id")
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
    )
    return {row[0]: dict(zip(FIGURES, (v or 0 for v in row[1:]), strict=True)) for row in sums}


def _shares(request, rows: list[Share], viewer: Employee) -> list[dict]:
    figures = _figures([s.pk for s in rows])
    people = {s.employee_id for s in rows}
    allowed = Employee.objects.filter(nameable(viewer), pk__in=people)
    named = set(allowed.values_list("pk", flat=True))
    base = request.build_absolute_uri("/")
    found = []
    for s in rows:
        link = getattr(s, "link", None) if hasattr(s, "link") else None
        shown = s.employee_id in named
        found.append({
            "id": s.pk, "item_id": s.item_id, "network": s.network, "language": s.language,
            "status": s.status, "method": s.method, "edited": s.edited,
            "employee_id": s.employee_id if shown else None,
            "employee_name": s.employee.name if shown else None,
            "created_at": s.created_at, "confirmed_at": s.confirmed_at,
            "permalink": s.permalink, "audience": s.audience,
            "link": link_url(link, base) if link else None,
            "figures": figures.get(s.pk, dict.fromkeys(FIGURES, 0)),
        })  # fmt: skip
    return found


class ShareFilters(Schema):
    item: int | None = Field(None, ge=1, le=2**31 - 1)
    network: str | None = Field(None, max_length=12)
    mine: bool = False
    ordering: Literal["created_at", "-created_at", "id", "-id"] = "-created_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


@router.get("/shares", response=SharePage, summary="List shares and their figures")
def list_shares(request, filters: Query[ShareFilters]):
    """Everyone sees their own shares; curators, analysts and admins see every posted share,
    with the sharer named only where privacy allows."""
    viewer = allow(request, "read:analytics")
    rows = _visible_shares(viewer)
    if filters.item:
        rows = rows.filter(item_id=filters.item)
    if filters.network:
        rows = rows.filter(network=filters.network)
    if filters.mine:
        rows = rows.filter(employee=viewer)
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"created_at": "created_at", "id": "id"},
    )  # fmt: skip
    return {"items": _shares(request, found, viewer), "next_cursor": after}


@router.get("/shares/{int:share_id}", response=ShareOut, summary="One share and its figures")
def get_share(request, share_id: PathId):
    viewer = allow(request, "read:analytics")
    share = get_object_or_404(_visible_shares(viewer).distinct(), pk=share_id)
    return _shares(request, [share], viewer)[0]


class LinkOut(Schema):
    code: str
    url: str
    share_id: int
    item_id: int
    created_at: datetime
    revoked: bool
    figures: Figures


class LinkPage(Schema):
    items: list[LinkOut]
    next_cursor: str | None


class LinkFilters(Schema):
    item: int | None = Field(None, ge=1, le=2**31 - 1)
    ordering: Literal["created_at", "-created_at", "id", "-id"] = "-created_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


def _links(request, rows: list[TrackedLink]) -> list[dict]:
    figures = _figures([link.share_id for link in rows])
    base = request.build_absolute_uri("/")
    return [
        {"code": link.code, "url": link_url(link, base), "share_id": link.share_id,
         "item_id": link.share.item_id, "created_at": link.created_at,
         "revoked": link.revoked_at is not None,
         "figures": figures.get(link.share_id, dict.fromkeys(FIGURES, 0))}
        for link in rows
    ]  # fmt: skip


def _visible_links(viewer: Employee):
    rows = TrackedLink.objects.select_related("share")
    if has_role(viewer, *RESULTS_ROLES):
        return rows
    return rows.filter(share__employee=viewer)


@router.get("/links", response=LinkPage, summary="List tracked links and their figures")
def list_links(request, filters: Query[LinkFilters]):
    viewer = allow(request, "read:analytics")
    rows = _visible_links(viewer)
    if filters.item:
        rows = rows.filter(share__item_id=filters.item)
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"created_at": "created_at", "id": "id"},
    )  # fmt: skip
    return {"items": _links(request, found), "next_cursor": after}


@router.get("/links/{code}", response=LinkOut, summary="One tracked link and its figures")
def get_link(request, code: str):
    viewer = allow(request, "read:analytics")
    return _links(request, [get_object_or_404(_visible_links(viewer), code=code[:16])])[0]


# --- Conversions ----------------------------------------------------------------------------


class ConversionIn(Schema):
    token: str = Field(..., description="The attribution token from the landing page")
    type: str = Field(..., description="A conversion type the company accepts")
    value: float | None = None
    currency: str = ""
    id: str = Field("", description="Your own reference; the same id is counted once")
    occurred_at: str | None = Field(None, description="ISO 8601 with offset")


class ConversionOut(Schema):
    id: int
    counted: bool


@router.post("/conversions", response={200: ConversionOut, 201: ConversionOut},
             summary="Report a conversion")  # fmt: skip
def report_conversion(request, payload: ConversionIn):
    """The same service as the signed server endpoint (`links.conversions`): attributed to the
    click's share, counted once, `occurred_at` within the attribution window. 201 when new,
    200 when it was counted before."""
    allow(request, "write:conversions", "admin")
    data = payload.dict()
    if data["value"] is None:
        data.pop("value")
    if data["occurred_at"] is None:
        data.pop("occurred_at")
    try:
        recorded = conversions.record_conversion(data, "server")
    except conversions.ConversionError as exc:
        if exc.field:
            raise bad(exc.field, str(exc)) from exc
        raise Problem(exc.status if exc.status in (400, 404, 422) else 400, str(exc)) from exc
    status = 201 if recorded.created else 200
    return Status(status, {"id": recorded.conversion.pk, "counted": recorded.created})


# --- KPIs -----------------------------------------------------------------------------------


class KpiFilters(Schema):
    period: str | None = Field(
        None, max_length=20,
        description="30d (default), week, last-week, month, last-month, 2026-q2, or custom",
    )  # fmt: skip
    start: date | None = Field(None, description="With period=custom")
    end: date | None = Field(None, description="With period=custom")
    department: int | None = Field(None, ge=1, le=2**31 - 1)
    team: int | None = Field(None, ge=1, le=2**31 - 1)
    group: int | None = Field(None, ge=1, le=2**31 - 1)
    network: str | None = Field(None, max_length=12)
    topic: int | None = Field(None, ge=1, le=2**31 - 1)
    goal: str | None = Field(None, max_length=24)
    language: str | None = Field(None, max_length=5)


def filters_from(given: KpiFilters, *, people: bool = True) -> kpis.Filters:
    """The dashboard's filter form over the same parameters; its errors name the field."""
    values = {k: (v.isoformat() if isinstance(v, date) else str(v))
              for k, v in given.dict().items() if v is not None}  # fmt: skip
    if not people:
        for name in ("department", "team", "group"):
            values.pop(name, None)
    form = FilterForm(values or None, people=people)
    if form.is_bound and not form.is_valid():
        raise invalid(form.errors)
    return form.filters()


class Period(Schema):
    start: date
    end: date


class Figure(Schema):
    key: str
    label: str
    value: float | None
    previous: float | None
    target: float | None
    change: float | None
    is_rate: bool
    money: bool


class ProgrammeOut(Schema):
    period: Period
    figures: list[Figure]
    people: dict[str, int]
    conversions_by_type: dict[str, int]
    currency: str


def _programme(f: kpis.Filters) -> dict:
    analytics.fill_if_stale()
    data = kpis.programme(f)
    return {
        "period": {"start": f.start, "end": f.end},
        "figures": [
            {"key": x.key, "label": x.label, "value": _number(x.value),
             "previous": _number(x.previous), "target": _number(x.target),
             "change": x.change, "is_rate": x.is_rate, "money": x.money}
            for x in data["figures"]
        ],
        "people": data["people"],
        "conversions_by_type": data["kinds"],
        "currency": data["settings"].currency,
    }  # fmt: skip


@router.get("/kpis/programme", response=ProgrammeOut, summary="The programme's KPIs")
def programme_kpis(request, filters: Query[KpiFilters]):
    """The programme dashboard's figures, with its filters."""
    allow(request, "read:analytics", "analyst")
    return _programme(filters_from(filters))


@router.get("/kpis/teams/{int:team_id}", response=ProgrammeOut, summary="A team's KPIs")
def team_kpis(request, team_id: PathId, filters: Query[KpiFilters]):
    """The dashboard's figures for one team (the dashboard filtered by that team)."""
    allow(request, "read:analytics", "analyst")
    team = get_object_or_404(Team, pk=team_id)
    f = filters_from(filters)
    return _programme(replace(f, team=team.pk, department=None))


class TeamRow(Schema):
    id: int | None
    name: str
    registered: int
    sharers: int
    participation: float | None
    shares: int
    reach: int
    clicks: int
    conversions: int
    clicks_per_person: float | None


@router.get("/kpis/teams", response=list[TeamRow], summary="Departments or teams side by side")
def teams_kpis(
    request, filters: Query[KpiFilters], by: Literal["department", "team"] = "department"
):
    """The dashboard's table of departments (or teams)."""
    allow(request, "read:analytics", "analyst")
    f = filters_from(filters)
    analytics.fill_if_stale()
    return [{k: row[k] for k in TeamRow.model_fields} for row in kpis.teams(f, by=by)]


class Contributor(Schema):
    rank: int
    employee_id: int
    name: str
    shares: int
    clicks: int
    conversions: int
    reach: int
    consistency: float


class ContributorsOut(Schema):
    rows: list[Contributor]
    hidden: int = Field(description="People ranked who may not be named to you")
    total: int


@router.get("/kpis/contributors", response=ContributorsOut, summary="Top contributors")
def contributors(request, filters: Query[KpiFilters],
                 order: Literal["clicks", "shares", "conversions"] = "clicks",
                 limit: int = Query(10, ge=1, le=100)):  # fmt: skip
    """The dashboard's top contributors: named only where each person's choice and the
    company's setting allow; the others are counted in `hidden`."""
    viewer = allow(request, "read:analytics", "analyst")
    f = filters_from(filters)
    analytics.fill_if_stale()
    found = kpis.contributors(f, viewer, limit=limit, order=order)
    return {
        "rows": [{k: row[k] for k in Contributor.model_fields} for row in found["rows"]],
        "hidden": found["hidden"],
        "total": found["total"],
    }


class PersonKpis(Schema):
    employee_id: int
    name: str
    period: Period
    totals: Figures
    previous: Figures
    conversions_by_type: dict[str, int]
    consistency: float
    engagement_rate: float | None
    emv: float


@router.get("/kpis/people/{int:person_id}", response=PersonKpis, summary="A person's KPIs")
def person_kpis(request, person_id: PathId, filters: Query[KpiFilters]):
    """The person's scorecard. Everyone may read their own; others only where the scorecard
    page would open for them (privacy first), else 404."""
    viewer = allow(request, "read:analytics")
    subject = get_object_or_404(Employee, pk=person_id, is_active=True)
    if not analytics.may_see_scorecard(viewer, subject):
        raise Problem(404, _("Not found, or not yours to see."))
    f = filters_from(filters, people=False)
    analytics.fill_if_stale()
    card = kpis.scorecard(subject, f)
    return {
        "employee_id": subject.pk, "name": subject.name,
        "period": {"start": f.start, "end": f.end},
        "totals": {k: card["totals"][k] for k in FIGURES},
        "previous": {k: card["previous"][k] for k in FIGURES},
        "conversions_by_type": card["kinds"], "consistency": card["consistency"],
        "engagement_rate": card["engagement_rate"], "emv": float(card["emv"]),
    }  # fmt: skip


class ItemKpis(Schema):
    item_id: int
    title: str
    period: Period
    shares: int
    reach: int
    clicks: int
    ctr: float | None
    clicks_per_share: float | None
    conversions: int


@router.get("/kpis/items/{int:item_id}", response=ItemKpis, summary="A content item's KPIs")
def item_kpis(request, item_id: PathId, filters: Query[KpiFilters]):
    """The content page's row for the item: everything the shares posted in the period have
    earned (`kpis.content`'s definitions)."""
    allow(request, "read:analytics", *RESULTS_ROLES)
    item = get_object_or_404(ContentItem, pk=item_id)
    f = filters_from(filters)
    analytics.fill_if_stale()
    sums = kpis.totals(f.rows(posted=True).filter(item_id=item.pk))
    return {
        "item_id": item.pk, "title": item.title, "period": {"start": f.start, "end": f.end},
        "shares": sums["shares"], "reach": sums["reach"], "clicks": sums["clicks"],
        "ctr": kpis.ratio(sums["clicks"], sums["reach"]),
        "clicks_per_share": kpis.ratio(sums["clicks"], sums["shares"]),
        "conversions": sums["conversions"],
    }  # fmt: skip


# --- Points -----------------------------------------------------------------------------------


class PointOut(Schema):
    id: int
    employee_id: int
    kind: str
    points: int
    at: datetime
    reason: str
    note: str


class PointPage(Schema):
    items: list[PointOut]
    next_cursor: str | None


class PointFilters(Schema):
    employee: int | None = Field(None, ge=1, le=2**31 - 1, description="Default: yourself")
    ordering: Literal["at", "-at", "id", "-id"] = "-at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


@router.get("/points", response=PointPage, summary="A points ledger")
def list_points(request, filters: Query[PointFilters]):
    """Your own ledger; an admin may read anyone's (the person's points page)."""
    viewer = allow(request, "read:points")
    subject = filters.employee or viewer.pk
    if subject != viewer.pk and not has_role(viewer):
        raise Problem(403, _("Only admins read other people's points."))
    rows = PointEntry.objects.filter(employee_id=subject)
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"at": "at", "id": "id"},
    )  # fmt: skip
    return {
        "items": [
            {"id": e.pk, "employee_id": e.employee_id, "kind": e.kind, "points": e.points,
             "at": e.at, "reason": e.reason, "note": e.note}
            for e in found
        ],
        "next_cursor": after,
    }  # fmt: skip


# --- The audit log ------------------------------------------------------------------------------


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None


class AuditPage(Schema):
    items: list[AuditOut]
    next_cursor: str | None


class AuditFilters(Schema):
    type: str | None = Field(None, max_length=100, description="e.g. people.Employee")
    action: Literal["create", "update", "delete"] | None = None
    since: datetime | None = None
    ordering: Literal["at", "-at"] = "-at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


@router.get("/audit", response=AuditPage, summary="The audit log (admins)")
def audit_log(request, filters: Query[AuditFilters]):
    allow(request, "read:audit", "admin")
    rows = AuditEntry.objects.all()
    if filters.type:
        rows = rows.filter(object_type__iexact=filters.type)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.since:
        rows = rows.filter(at__gte=filters.since)
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"at": "at"},
    )  # fmt: skip
    return {
        "items": [
            {"id": e.pk, "at": e.at, "actor": e.actor_label, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id,
             "object_repr": e.object_repr,
             "before": e.before if isinstance(e.before, dict) else None,
             "after": e.after if isinstance(e.after, dict) else None}
            for e in found
        ],
        "next_cursor": after,
    }  # fmt: skip
