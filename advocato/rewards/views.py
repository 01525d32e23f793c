"""Rewards pages: my points (with the why of every entry), leaderboards, challenges, the
rewards catalogue, kudos; for admins the point rules, corrections, the catalogue, the
redemptions queue, the payroll report and the employee of the month. Thin: the rules are in
`services`."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.core.models import Organisation
from advocato.lib.periods import PERIODS, add_months, month_start, parse_month
from advocato.lib.permissions import employee_required, has_role, role_required
from advocato.links import conversions
from advocato.people import privacy
from advocato.people.models import Department, Employee, Group, Ranking, Team

from . import leaderboards, services
from .badges import BY_CODE
from .forms import (
    ChallengeForm,
    ConversionKindsForm,
    EmployeeOfMonthForm,
    KudosForm,
    ReverseForm,
    RewardForm,
    RulesForm,
)
from .models import (
    BadgeAward,
    Challenge,
    EmployeeOfMonth,
    Metric,
    PointEntry,
    Redemption,
    Reward,
    RuleVersion,
)

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _today():
    """Today on the company's clock."""
    return Organisation.get().today()


def _month(value: str) -> date:
    """A "YYYY-MM" parameter; last month when missing. Anything else — not a month, or
    outside 2000 … 2100 — is a bad request (400), never another month in its place."""
    if not value:
        return add_months(month_start(_today()), -1)
    first = parse_month(value)
    if first is None:
        raise BadRequest(_("Give the month as YYYY-MM, between 2000 and 2100."))
    return first


def _page(request, queryset, per_page: int = 25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _ledger_context(request, employee) -> dict:
    entries = PointEntry.objects.filter(employee=employee).select_related(
        "share__item", "item", "rules", "reverses", "redemption__reward", "by"
    )
    return {
        "subject": employee,
        "balance": services.wallet_balance(employee),
        "page": _page(request, entries),
        "badges": [(a, BY_CODE.get(a.badge)) for a in BadgeAward.objects.filter(employee=employee)],
        "rules": services.current_rules(),
    }


@employee_required
def my_points(request):
    return render(request, "rewards/points.html", _ledger_context(request, request.employee))


@role_required("admin")
def employee_points(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    context = _ledger_context(request, employee)
    context["reverse_form"] = ReverseForm()
    return render(request, "rewards/points.html", context)


@role_required("admin")
@require_POST
def reverse_entry(request, pk: int):
    entry = get_object_or_404(PointEntry, pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the points are taken back."))
    else:
        try:
            services.reverse_entry(entry, request.employee, form.cleaned_data["reason"])
        except services.LedgerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The points are taken back; the ledger shows why."))
    return redirect("rewards:employee_points", pk=entry.employee_id)


@role_required("admin")
def rules(request):
    current = services.current_rules()
    form = RulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        change = form.rule_values()
        services.change_rules(request.employee, change["values"], change["note"])
        messages.success(
            request, _("New rules saved. They apply from now on; earlier points stay.")
        )
        return redirect("rewards:rules")
    return render(request, "rewards/rules.html", _rules_context(form, _kinds_form()))


def _kinds_form(data=None) -> ConversionKindsForm:
    return ConversionKindsForm(
        data, initial={"kinds": "\n".join(conversions.allowed_kinds())}, prefix="types"
    )


def _rules_context(form, kinds_form) -> dict:
    return {
        "form": form,
        "kinds_form": kinds_form,
        "current": services.current_rules(),
        "versions": RuleVersion.objects.all()[:20],
    }


@role_required("admin")
@require_POST
def conversion_kinds(request):
    form = _kinds_form(request.POST)
    if form.is_valid():
        conversions.set_kinds(form.cleaned_data["kinds"])  # audited (ConversionKind)
        messages.success(request, _("Saved. Conversions of other types are refused from now on."))
        return redirect("rewards:rules")
    current = services.current_rules()
    return render(request, "rewards/rules.html", _rules_context(RulesForm(instance=current), form))


@role_required("admin")
def review(request):
    """Held clicks and conversions waiting for confirmation, with the reason for each."""
    return render(request, "rewards/review.html", {"page": _page(request, services.review_queue())})


@role_required("admin")
@require_POST
def review_decide(request, pk: int):
    entry = get_object_or_404(PointEntry, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.resolve(entry, request.employee, approve, request.POST.get("note", ""))
    except services.LedgerError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Approved: the points are paid.") if approve else _("Declined.")
        )
    return redirect("rewards:review")


# --- Leaderboards ----------------------------------------------------------------------------


def _choice(value: str, allowed, default: str) -> str:
    return value if value in allowed else default


@employee_required
def leaderboard(request):
    employee = request.employee
    kind = _choice(request.GET.get("period", ""), [p for p, _l in PERIODS], "month")
    metric = _choice(request.GET.get("by", ""), Metric.values, Metric.POINTS)
    scope = _choice(request.GET.get("scope", ""), leaderboards.SCOPES, "company")
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = _today()
    if not EARLIEST <= anchor <= LATEST:
        anchor = _today()
    scopes: dict[str, tuple[type[Department | Team | Group], int | None]] = {
        "department": (Department, employee.department_id),
        "team": (Team, employee.team_id),
        "group": (Group, None),
    }
    scope_id = None
    if scope != "company":
        model, default = scopes[scope]
        try:
            scope_id = int(request.GET.get("id") or default or 0) or None
        except ValueError:
            scope_id = None
        if scope_id is not None and not 0 < scope_id < 2**31:
            scope_id = None
        if scope_id is None or not model.objects.filter(pk=scope_id).exists():
            scope, scope_id = "company", None
    board = leaderboards.board(employee, anchor, kind, metric, scope, scope_id)
    params = {"period": kind, "by": metric, "scope": scope, "id": scope_id or ""}
    return render(
        request,
        "rewards/leaderboard.html",
        {
            "board": board,
            "periods": PERIODS,
            "metrics": Metric.choices,
            "kind": kind,
            "metric": metric,
            "metric_label": Metric(metric).label,
            "scope": scope,
            "scope_id": scope_id,
            "params": params,
            "departments": Department.objects.all(),
            "teams": Team.objects.select_related("department"),
            "groups": Group.objects.all(),
            "previous": board.period.previous(),
            "next": board.period.next()
            if board.period.last and board.period.last < Organisation.get().today()
            else None,
            "employee_of_month": _latest_employee_of_month(employee),
            "ranking_choice": employee.get_ranking_display(),
            "left_rankings": employee.ranking == Ranking.OUT,
        },
    )


def _latest_employee_of_month(viewer):
    chosen = EmployeeOfMonth.objects.select_related("employee").first()
    if chosen and privacy.can_name(viewer, chosen.employee):
        return chosen
    return None


# --- Challenges ------------------------------------------------------------------------------


@employee_required
def challenges(request):
    employee = request.employee
    mine = [
        c
        for c in Challenge.objects.prefetch_related("departments", "teams", "groups")
        if has_role(employee, "curator", "manager") or services.in_audience(c, employee)
    ]
    return render(
        request,
        "rewards/challenges.html",
        {
            "open": [c for c in mine if c.status == Challenge.Status.OPEN],
            "settled": [c for c in mine if c.status == Challenge.Status.SETTLED][:10],
            "can_create": has_role(employee, "curator", "manager"),
            "today": _today(),
        },
    )


@role_required("curator", "manager")
def challenge_new(request):
    form = ChallengeForm(request.POST or None, initial=_next_month())
    if request.method == "POST" and form.is_valid():
        challenge = form.save(commit=False)
        challenge.created_by = request.employee
        challenge.save()
        form.save_m2m()
        messages.success(request, _("The challenge is on. Participants see it on Challenges."))
        return redirect("rewards:challenge", pk=challenge.pk)
    return render(request, "rewards/challenge_form.html", {"form": form})


@role_required("curator", "manager")
def challenge_edit(request, pk: int):
    challenge = get_object_or_404(Challenge, pk=pk)
    if challenge.status != Challenge.Status.OPEN:
        messages.error(request, _("A settled challenge cannot be changed."))
        return redirect("rewards:challenge", pk=pk)
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("rewards:challenge", pk=pk)
    return render(request, "rewards/challenge_form.html", {"form": form, "challenge": challenge})


def _next_month() -> dict:
    first = add_months(month_start(_today()), 1)
    return {"starts_on": first, "ends_on": add_months(first, 1) - timedelta(days=1)}


@employee_required
def challenge(request, pk: int):
    employee = request.employee
    challenge = get_object_or_404(Challenge, pk=pk)
    joined = services.in_audience(challenge, employee)
    if not (joined or has_role(employee, "curator", "manager")):
        raise Http404(_("This challenge is not for your part of the company."))
    rows = services.challenge_standings(challenge, employee)
    visible = set(Employee.objects.filter(privacy.nameable(employee)).values_list("pk", flat=True))
    me = None
    for place, row in enumerate(rows, 1):
        row.rank = place
        row.me = row.employee_id == employee.pk
        row.named = row.employee_id in visible
        if row.me:
            me = row
    winners = list(challenge.results.select_related("employee"))
    return render(
        request,
        "rewards/challenge.html",
        {
            "challenge": challenge,
            "rows": [r for r in rows if r.named][:50],
            "me": me,
            "joined": joined,
            "participants": len(rows),
            "winners": [w for w in winners if privacy.can_name(employee, w.employee)],
            "can_edit": has_role(employee, "curator", "manager")
            and challenge.status == Challenge.Status.OPEN,
            "hidden_winners": len(
                [w for w in winners if not privacy.can_name(employee, w.employee)]
            ),
            "today": _today(),
        },
    )


# --- Rewards catalogue and redemptions -------------------------------------------------------


@employee_required
def catalogue(request):
    employee = request.employee
    return render(
        request,
        "rewards/catalogue.html",
        {
            "offers": services.offers(employee),
            "balance": services.wallet_balance(employee),
            "redemptions": Redemption.objects.filter(employee=employee).select_related("reward")[
                :20
            ],
        },
    )


@employee_required
@require_POST
def redeem(request, pk: int):
    reward = get_object_or_404(Reward, pk=pk, is_active=True)
    try:
        services.redeem(request.employee, reward)
    except services.RewardsError as error:
        messages.error(request, str(error))
        return redirect("rewards:catalogue")
    messages.success(
        request,
        _("Requested: %(reward)s. The points are set aside; an admin approves it soon.")
        % {"reward": reward.local_name},
    )
    return redirect("rewards:catalogue")


@role_required("admin")
def manage_rewards(request):
    return render(
        request,
        "rewards/manage.html",
        {
            "rewards": Reward.objects.all(),
            "pending": Redemption.objects.filter(status=Redemption.Status.PENDING).count(),
        },
    )


@role_required("admin")
def reward_edit(request, pk: int | None = None):
    reward = get_object_or_404(Reward, pk=pk) if pk else None
    form = RewardForm(request.POST or None, instance=reward)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("rewards:manage")
    return render(request, "rewards/reward_form.html", {"form": form, "reward": reward})


@role_required("admin")
def redemptions(request):
    status = _choice(request.GET.get("status", ""), Redemption.Status.values, "pending")
    queryset = Redemption.objects.filter(status=status).select_related(
        "employee", "reward", "decided_by"
    )
    first = add_months(month_start(_today()), -1)
    page = _page(request, queryset)
    if status == Redemption.Status.PENDING:
        # The evidence beside each request: what earned the points it would spend.
        for redemption in page:
            redemption.evidence = services.evidence(redemption.employee)
    return render(
        request,
        "rewards/redemptions.html",
        {
            "page": page,
            "evidence_days": services.EVIDENCE_DAYS,
            "status": status,
            "statuses": Redemption.Status.choices,
            "params": f"status={status}",
            "last_month": first.strftime("%Y-%m"),
        },
    )


@role_required("admin")
@require_POST
def decide(request, pk: int):
    redemption = get_object_or_404(Redemption, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide(redemption, request.employee, approve, request.POST.get("comment", ""))
    except services.RewardsError as error:
        messages.error(request, str(error))
    else:
        if approve:
            messages.success(request, _("Approved."))
        else:
            messages.success(request, _("Declined; the points are given back."))
    return redirect("rewards:redemptions")


@role_required("admin")
def payroll(request):
    first = _month(request.GET.get("month", ""))
    last = add_months(first, 1) - timedelta(days=1)
    response = HttpResponse(
        services.payroll_csv(first, last), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rewards-{first:%Y-%m}.csv"'
    return response


# --- Kudos and the employee of the month ----------------------------------------------------


@employee_required
def kudos(request):
    employee = request.employee
    form = KudosForm(request.POST or None, giver=employee)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_kudos(
                employee, form.cleaned_data["receiver"], form.cleaned_data["message"]
            )
        except services.RewardsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Kudos sent. Thank you for noticing!"))
            return redirect("rewards:kudos")
    return render(
        request,
        "rewards/kudos.html",
        {
            "form": form,
            "page": _page(request, services.kudos_wall(employee)),
            "is_manager": has_role(employee, "manager"),
        },
    )


@role_required("manager")
def team_kudos(request):
    return render(
        request,
        "rewards/team_kudos.html",
        {"page": _page(request, services.team_kudos(request.employee))},
    )


@role_required("admin")
def employee_of_month(request):
    first = _month(request.GET.get("month", ""))
    candidates = services.month_candidates(first, request.employee)
    chosen = EmployeeOfMonth.objects.filter(month=first).select_related("employee").first()
    form = EmployeeOfMonthForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_employee_of_month(
                first, form.cleaned_data["employee"], request.employee,
                form.cleaned_data["citation"], form.translations("citation"),
            )  # fmt: skip
        except services.RewardsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Confirmed. They get the badge and the news."))
            return redirect(f"{request.path}?month={first:%Y-%m}")
    return render(
        request,
        "rewards/employee_of_month.html",
        {
            "form": form,
            "month": first,
            "candidates": candidates,
            "chosen": chosen,
            "previous": add_months(first, -1),
            "next": add_months(first, 1) if add_months(first, 1) <= month_start(_today()) else None,
            "history": EmployeeOfMonth.objects.select_related("employee")[:12],
        },
    )
