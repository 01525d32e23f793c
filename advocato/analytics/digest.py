"""The programme summary by e-mail: every Monday for the week before, or on the 1st for the
month before, to each subscriber in their own language.

Each period goes out once per subscription: `last_period_sent` is claimed with a
compare-and-swap update before the mail is sent (and given back if sending fails), so two
workers, a retry or a second run on the same day never send it twice. E-mail programs strip
inline SVG, so the mail shows its figures as a table, not as charts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from advocato.core.models import Organisation
from advocato.lib import charts, formatting
from advocato.people import mail

from . import evaluation, kpis, rollups
from .models import Subscription

logger = logging.getLogger(__name__)

WEEKLY, MONTHLY = Subscription.Frequency.WEEKLY, Subscription.Frequency.MONTHLY
FIGURES = ("shares", "participation", "clicks", "unique_clicks", "conversions", "emv")


@dataclass(frozen=True)
class Period:
    frequency: str
    start: date
    end: date

    def before(self) -> Period:
        """The period before: the week before, or the whole calendar month before."""
        if self.frequency == WEEKLY:
            return Period(self.frequency, self.start - timedelta(days=7), self.start - timedelta(1))
        end = self.start - timedelta(days=1)
        return Period(self.frequency, end.replace(day=1), end)

    def filters(self) -> kpis.Filters:
        return kpis.Filters(start=self.start, end=self.end)


def period_for(frequency: str, today: date) -> Period:
    """The last whole period before `today`: Monday–Sunday of last week, or last month."""
    if frequency == WEEKLY:
        start = kpis.monday(today) - timedelta(days=7)
        return Period(frequency, start, start + timedelta(days=6))
    end = today.replace(day=1) - timedelta(days=1)
    return Period(frequency, end.replace(day=1), end)


def due_subscriptions(today: date) -> list[tuple[Subscription, Period]]:
    """Subscriptions whose last whole period has not been sent, for people who can get mail.
    A subscription added after a period's sending day starts with the next period."""
    due = []
    for frequency in (WEEKLY, MONTHLY):
        period = period_for(frequency, today)
        found = (
            Subscription.objects.filter(
                Q(last_period_sent__isnull=True) | Q(last_period_sent__lt=period.start),
                frequency=frequency,
                employee__is_active=True,
                employee__user__isnull=False,
            )
            .exclude(employee__email="")
            .select_related("employee")
            .order_by("pk")
        )
        tz = Organisation.get().zone
        for subscription in found:
            if subscription.created_at.astimezone(tz).date() > period.end + timedelta(days=1):
                continue
            due.append((subscription, period))
    return due


def figures(period: Period) -> dict:
    """The mail's figures for the period and the period before, as numbers."""
    now = kpis.programme(period.filters())
    before = kpis.programme(period.before().filters())
    previous = {fig.key: fig.value for fig in before["figures"]}
    rows = []
    for fig in now["figures"]:
        if fig.key not in FIGURES:
            continue
        rows.append({"key": fig.key, "value": fig.value, "previous": previous.get(fig.key),
                     "is_rate": fig.is_rate, "money": fig.money})  # fmt: skip
    kinds = sorted(set(now["kinds"]) | set(before["kinds"]))
    return {
        "rows": rows,
        "kinds": [(k, now["kinds"].get(k, 0), before["kinds"].get(k, 0)) for k in kinds],
        "currency": now["settings"].currency,
        "sharers": now["totals"]["sharers"],
        "registered": now["people"]["registered"],
    }


def _labels() -> dict[str, str]:
    return {
        "shares": _("Shares"),
        "participation": _("Active participation"),
        "clicks": _("Clicks"),
        "unique_clicks": _("Unique clicks"),
        "conversions": _("Conversions"),
        "emv": _("Earned media value"),
    }


def _change(value, previous) -> str:
    if value is None or not previous:
        return "–"
    change = float(value) / float(previous) - 1
    sign = "+" if change >= 0 else "−"
    return f"{sign}{charts.format_percent(abs(change), 0)}"


def _shown(found: dict) -> list[dict]:
    """The figures as text in the active language."""
    labels, currency = _labels(), found["currency"]
    lines = []
    for row in found["rows"]:
        options = {"rate": row["is_rate"], "money": row["money"], "currency": currency}
        lines.append({
            "key": row["key"], "label": labels[row["key"]],
            "value": evaluation.show(row["value"], **options),
            "previous": evaluation.show(row["previous"], **options),
            "change": _change(row["value"], row["previous"]),
        })  # fmt: skip
        if row["key"] == "conversions":
            for kind, value, previous in found["kinds"]:
                lines.append({"key": f"conversions:{kind}", "label": f"– {kind}",
                              "value": charts.format_number(value),
                              "previous": charts.format_number(previous),
                              "change": _change(value, previous), "sub": True})  # fmt: skip
    return lines


def period_name(period: Period) -> str:
    if period.frequency == MONTHLY:
        return formatting.format_month(period.start)
    year, week, _day = period.start.isocalendar()
    return _("week %(week)s, %(year)s (%(start)s – %(end)s)") % {
        "week": week,
        "year": year,
        "start": formatting.format_day(period.start, short=True),
        "end": formatting.format_day(period.end, short=True),
    }


def dashboard_url(period: Period) -> str:
    base = (settings.SITE_URL or "http://localhost:8000").rstrip("/")
    query = urlencode({"period": "custom", "start": period.start.isoformat(),
                       "end": period.end.isoformat()})  # fmt: skip
    return f"{base}{reverse('analytics:dashboard')}?{query}"


def message(subscription: Subscription, period: Period, found: dict, connection=None):
    """The e-mail for one subscriber, in their language."""
    employee = subscription.employee
    org = Organisation.get()
    return mail.compose(
        employee,
        subject=lambda values: render_to_string("analytics/email/digest_subject.txt", values),
        text_template="analytics/email/digest.txt",
        html_template="analytics/email/digest.html",
        context=lambda: {
            "organisation": org,
            "org_name": " ".join(org.name.split()),
            "period": period,
            "period_name": period_name(period),
            "weekly": period.frequency == WEEKLY,
            "lines": _shown(found),
            "sharers": found["sharers"],
            "registered": found["registered"],
            "url": dashboard_url(period),
        },
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )


def send_digests(today: date | None = None) -> int:
    """Send every summary that is due; returns how many went out. One failing address does
    not stop the others: its period is given back and tried again on the next run."""
    today = today or Organisation.get().today()
    due = due_subscriptions(today)
    if not due:
        return 0
    try:
        rollups.fill()
    except DatabaseError:  # the rollup task holds the lock: it is filling right now
        logger.info("Rollups are being filled elsewhere; the summary uses them as they are")
    cache: dict[Period, dict] = {}
    sent = 0
    connection = get_connection()
    with connection:
        for subscription, period in due:
            claimed = (
                Subscription.objects.filter(pk=subscription.pk)
                .filter(Q(last_period_sent__isnull=True) | Q(last_period_sent__lt=period.start))
                .update(last_period_sent=period.start)
            )
            if claimed != 1:  # another worker took it
                continue
            try:
                if period not in cache:
                    cache[period] = figures(period)
                message(subscription, period, cache[period], connection).send()
            except Exception:
                logger.exception("Summary e-mail to subscription %s failed", subscription.pk)
                Subscription.objects.filter(pk=subscription.pk).update(
                    last_period_sent=subscription.last_period_sent
                )
                continue
            sent += 1
    return sent
