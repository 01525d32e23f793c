"""Analytics pages: the programme dashboard, content performance, best time to post, the
scorecards, targets and the measurement settings, and the exports of every table."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from advocato.core.models import Organisation
from advocato.lib import charts, formatting
from advocato.lib.networks import NETWORKS
from advocato.lib.permissions import employee_required, has_role, role_required
from advocato.people import services as people
from advocato.people.models import Employee
from advocato.sharing import services as sharing

from . import kpis, services, tables
from .adoption import adoption_funnel
from .forms import FilterForm, SettingsForm, TargetForm, recent_quarters
from .models import Settings


def _filters(request, *, people: bool = True) -> tuple[FilterForm, kpis.Filters]:
    form = FilterForm(request.GET or None, people=people)
    return form, form.filters()


def _query(request) -> str:
    return request.GET.urlencode()


def _page(request, template: str, context: dict):
    """Render an analytics page, saying when its figures were counted."""
    context.setdefault("filled_at", services.filled_at())
    context.setdefault("how", kpis.HOW)
    return render(request, template, context)


@role_required("analyst")
def dashboard(request):
    form, f = _filters(request)
    services.fill_if_stale()
    data = kpis.programme(f)
    weeks = kpis.weekly(f)
    labels = [formatting.format_day_month(w["week"]) for w in weeks]
    people = data["people"]
    funnel = [
        {"label": _("Invited"), "count": people["invited"]},
        {"label": _("Registered"), "count": people["registered"],
         "rate": kpis.ratio(people["registered"], people["invited"]),
         "rate_label": _("of invited")},
        {"label": _("Activated (shared at least once)"), "count": people["activated"],
         "rate": kpis.ratio(people["activated"], people["registered"]),
         "rate_label": _("of registered")},
        {"label": _("Shared in the period"), "count": people["sharing"],
         "rate": kpis.ratio(people["sharing"], people["registered"]),
         "rate_label": _("of registered")},
    ]  # fmt: skip
    steady = kpis.steadiness(weeks)
    spread = services.consistency_spread(f)
    context = {
        "form": form,
        "filters": f,
        "query": _query(request),
        "data": data,
        "figures": data["figures"],
        "funnel_chart": charts.funnel_svg(funnel, title=_("Adoption funnel")),
        "shares_chart": charts.bars(
            labels, [w["shares"] for w in weeks], title=_("Shares per week"),
            desc=services.series_text(labels, [w["shares"] for w in weeks]),
        ),
        "participation_chart": charts.lines(
            labels, [(_("Active participation"), [w["participation"] for w in weeks])],
            title=_("Active participation per week"), percent=True,
            desc=services.series_text(labels, [w["participation"] for w in weeks], percent=True),
        ),
        "clicks_chart": charts.lines(
            labels, [(_("Clicks"), [w["clicks"] for w in weeks]),
                     (_("Conversions"), [w["conversions"] for w in weeks])],
            title=_("Clicks and conversions per week"),
            desc=services.series_text(labels, [w["clicks"] for w in weeks]),
        ),
        "steady": steady,
        "spread": spread,
        "tables": [tables.build(name, f, request.employee,
                                {"programme": data, "weekly": weeks})
                   for name in ("kpis", "weekly", "contributors", "teams")],
    }  # fmt: skip
    teams = context["tables"][3].rows
    context["teams_chart"] = charts.hbars(
        [(row["name"], row["participation"] or 0) for row in teams],
        title=_("Active participation by department"),
        percent=True,
    )
    return _page(request, "analytics/dashboard.html", context)


@role_required("analyst", "curator")
def content(request):
    form, f = _filters(request)
    services.fill_if_stale()
    voice = kpis.voice(f)
    names = ("content", "topics", "goals", "networks", "languages", "voice")
    built = {name: tables.build(name, f, request.employee, {"voice": voice}) for name in names}
    networks = built["networks"].rows
    context = {
        "form": form,
        "filters": f,
        "query": _query(request),
        "voice": voice,
        "tables": list(built.values()),
        "networks_chart": charts.hbars(
            [(row["label"], row["clicks_per_share"] or 0) for row in networks],
            title=_("Clicks per share by network"),
        ),
        "voice_chart": charts.hbars(
            [(_("Rewritten in their own words"), voice["edited"]["clicks_per_share"] or 0),
             (_("Shared as suggested"), voice["suggested"]["clicks_per_share"] or 0)],
            title=_("Clicks per share: own words against the suggested text"),
        ),
    }  # fmt: skip
    return _page(request, "analytics/content.html", context)


@role_required("analyst", "curator")
def best_time(request):
    form, f = _filters(request)
    services.fill_if_stale()
    found = kpis.heatmap(f, f.network)
    names = tables.weekday_names()
    # The first view ranks the slots; the second, where reach is known, is for comparison.
    by_reach = request.GET.get("view") == "reach"
    cells = [[cell["per_thousand" if by_reach else "per_share"] for cell in row]
             for row in found["cells"]]  # fmt: skip
    best = found["best"]
    network_name = dict(NETWORKS).get(f.network, _("all networks"))
    if by_reach:
        title = _("Clicks per 1,000 potential reach by weekday and hour, %(network)s")
    else:
        title = _("People who clicked per share by weekday and hour, %(network)s")
    title = title % {"network": network_name}
    others = request.GET.copy()
    others.pop("view", None)
    context = {
        "base_query": others.urlencode(),
        "form": form,
        "filters": f,
        "query": _query(request),
        "found": found,
        "by_reach": by_reach,
        "chart_title": title,
        "best_text": services.best_text(best, names),
        "network_name": network_name,
        "chart": charts.heatmap(
            cells, row_labels=names, best=(best[0], best[1]) if best else None,
            title=title, desc=services.best_text(best, names), percent=False,
        ),
        "table": tables.build("heatmap", f, request.employee),
    }  # fmt: skip
    return _page(request, "analytics/best_time.html", context)


@employee_required
def scorecard(request, pk: int | None = None):
    viewer = request.employee
    subject = viewer if pk is None else get_object_or_404(Employee, pk=pk, is_active=True)
    if not services.may_see_scorecard(viewer, subject):
        raise Http404
    form, f = _filters(request, people=False)
    services.fill_if_stale()
    card = kpis.scorecard(subject, f)
    weeks = card["weeks"]
    labels = [formatting.format_day_month(w["week"]) for w in weeks]
    context = {
        "form": form,
        "filters": f,
        "subject": subject,
        "own": subject.pk == viewer.pk,
        "card": card,
        "trend_chart": charts.bars(
            labels, [w["clicks"] for w in weeks], title=_("Clicks per week"),
            desc=services.series_text(labels, [w["clicks"] for w in weeks]),
        ),
        "shares_chart": charts.bars(
            labels, [w["shares"] for w in weeks], title=_("Shares per week"),
            desc=services.series_text(labels, [w["shares"] for w in weeks]),
        ),
        "team": services.team_cards(viewer, f) if subject.pk == viewer.pk else [],
        "leaders": kpis.contributors(f, viewer, limit=5) if subject.pk == viewer.pk else None,
    }  # fmt: skip
    return _page(request, "analytics/scorecard.html", context)


@role_required("analyst", "curator")
def export(request, name: str, fmt: str):
    if name not in tables.BUILDERS or fmt not in {"csv", "xlsx"}:
        raise Http404
    if name in {"kpis", "weekly", "contributors", "teams"} and not has_role(
        request.employee, "analyst"
    ):
        raise Http404
    form, f = _filters(request)
    if request.GET and not form.is_valid():
        return HttpResponse(
            "\n".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    services.fill_if_stale()
    table = tables.build(name, f, request.employee)
    filename = f"advocato-{name}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(tables.as_csv(table, f), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            tables.as_xlsx(table, f),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required("analyst")
def targets(request):
    today = Organisation.get().today()
    quarters = recent_quarters(today, 1)
    year, quarter = quarters[0]
    chosen = request.GET.get("quarter") or request.POST.get("quarter") or ""
    if chosen:
        try:
            y, q = (int(x) for x in chosen.split("-q"))
        except ValueError:
            raise Http404 from None
        if not (1 <= q <= 4 and 2000 <= y <= 2100):
            raise Http404
        year, quarter = y, q
    kinds = services.conversion_kinds()
    form = TargetForm(request.POST or None, year=year, quarter=quarter, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        services.save_targets(year, quarter, form.cleaned_data, by=request.employee)
        messages.success(request, _("The targets for Q%(q)d %(y)d are saved.")
                         % {"q": quarter, "y": year})  # fmt: skip
        return redirect(f"{request.path}?quarter={year}-q{quarter}")
    upcoming = [(y + (q == 4), 1 if q == 4 else q + 1) for y, q in quarters]
    choices = sorted(set(upcoming) | set(recent_quarters(today, 4)), reverse=True)
    return render(request, "analytics/targets.html", {
        "form": form, "year": year, "quarter": quarter, "choices": choices,
    })  # fmt: skip


@role_required("admin")
def settings(request):
    current = Settings.get()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.after_settings_change()
        messages.success(request, _("The measurement settings are saved."))
        return redirect("analytics:settings")
    return render(
        request,
        "analytics/settings.html",
        {"form": form, "attribution_days": django_settings.ATTRIBUTION_WINDOW_DAYS},
    )


# --- Adoption: the funnel for the programme and for a manager's own reports ------------------


@role_required("manager")
def team(request):
    reports = (
        Employee.objects.filter(manager=request.employee)
        .select_related("department", "team", "user")
        .prefetch_related("invitations")
        .order_by("name")
    )
    funnel = adoption_funnel(people.in_programme().filter(manager=request.employee))
    return render(request, "analytics/team.html", {"reports": reports, "funnel": funnel})


@role_required("analyst")
def adoption(request):
    return render(
        request,
        "analytics/adoption.html",
        {
            "funnel": adoption_funnel(),
            "by_department": people.adoption_by_department(),
            "most_shared": sharing.most_shared_items(),
        },
    )
