"""Healthy limits: how many shares a person makes per day on a network, and the hours in
which Advocato posts for them. One owner for both rules: the composer and the worker that
posts scheduled shares ask here.

Decisions, said once:

* *Whose clock.* Days and hours are the person's own (the time zone on their profile, else
  the company's): "no posts at night" protects the person, and their night is where they are.
* *What counts toward the daily limit.* Every share a person starts on the network that day,
  except those that failed or were cancelled; a scheduled post counts on the day it goes out.
* *What the hours cover.* Posts Advocato makes for a person (post now, at a time, at the best
  time). A post the person makes through the network's own share dialog is theirs to time.
* *The worker.* A scheduled share that comes due outside the hours (the admin changed them,
  a retry fell at night, a held post was released late) or over the day's limit is *moved* to
  the next allowed time, with the reason written on the share: the advocate asked for it to
  be posted, so it still goes out — only later, and the share's page says why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocato.core.models import Organisation
from advocato.lib.networks import NETWORKS
from advocato.people.models import Employee

from .models import PostState, Share, SharingLimits


class LimitReached(Exception):
    """Sharing more would break a limit; the message is for the advocate."""


def zone_of(employee: Employee) -> ZoneInfo:
    try:
        return ZoneInfo(employee.time_zone or Organisation.get().time_zone or "UTC")
    except (ValueError, KeyError):
        return Organisation.get().zone


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The first moment of `hour` o'clock on `day` in `zone`, as UTC. An hour the clocks skip
    (02:00 on the spring day in Europe) becomes the first moment that exists after it."""
    if hour >= 24:
        day, hour = day + timedelta(days=1), 0
    local = datetime.combine(day, time(hour), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC"))


def day_bounds(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the person's calendar day holding `at` (23 or 25 hours on DST days)."""
    day = at.astimezone(zone).date()
    return _at(day, 0, zone), _at(day + timedelta(days=1), 0, zone)


# --- Sharing hours -----------------------------------------------------------------------------


def hours_text(rules: SharingLimits) -> str:
    values = {"start": f"{rules.earliest_hour:02d}:00", "end": f"{rules.latest_hour:02d}:00"}
    if rules.weekends:
        return _("between %(start)s and %(end)s") % values
    return _("between %(start)s and %(end)s on weekdays") % values


def within_hours(at: datetime, zone: ZoneInfo, rules: SharingLimits | None = None) -> bool:
    rules = rules or SharingLimits.get()
    if not rules.keep_hours:
        return True
    local = at.astimezone(zone)
    if not rules.weekends and local.weekday() >= 5:
        return False
    start, end = (
        _at(local.date(), rules.earliest_hour, zone),
        _at(local.date(), rules.latest_hour, zone),
    )
    return start <= at < end


def next_allowed(at: datetime, zone: ZoneInfo, rules: SharingLimits | None = None) -> datetime:
    """The earliest moment at or after `at` within the sharing hours."""
    rules = rules or SharingLimits.get()
    if not rules.keep_hours:
        return at
    day = at.astimezone(zone).date()
    for offset in range(8):
        current = day + timedelta(days=offset)
        if not rules.weekends and current.weekday() >= 5:
            continue
        start = _at(current, rules.earliest_hour, zone)
        end = _at(current, rules.latest_hour, zone)
        if at < end:
            return max(at, start)
    raise AssertionError("a week always has an allowed hour")  # pragma: no cover


def local_text(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{formats.date_format(local, 'l j F')} {local:%H:%M}"


def check_hours(employee: Employee, at: datetime) -> None:
    """The composer's rule for posts Advocato makes: refuse a time outside the hours, naming
    the hours and the next time that would do."""
    rules = SharingLimits.get()
    zone = zone_of(employee)
    if within_hours(at, zone, rules):
        return
    values = {
        "hours": hours_text(rules),
        "zone": str(zone),
        "next": local_text(next_allowed(at, zone, rules), zone),
    }
    raise LimitReached(
        _(
            "Advocato posts for you only %(hours)s (your time, %(zone)s). The next allowed "
            "time is %(next)s — schedule it then, or post it yourself through the network."
        )
        % values
    )


# --- Shares per day ---------------------------------------------------------------------------


def counted(employee: Employee, network: str, start: datetime, end: datetime):
    """The person's shares on the network that count toward the day [start, end)."""
    shares = Share.objects.filter(employee=employee, network=network).exclude(
        status=Share.Status.FAILED
    )
    direct = Q(method=Share.Method.API)
    return shares.filter(
        (direct & Q(scheduled_for__gte=start, scheduled_for__lt=end))
        | (~direct & Q(created_at__gte=start, created_at__lt=end))
    )


def check_daily(employee: Employee, network: str, at: datetime | None = None) -> None:
    """Refuse a share that would be one too many on its day. Callers that create the share
    hold a lock on the person first (see `services.start_share`), so two requests at once
    cannot both pass."""
    rules = SharingLimits.get()
    if not rules.per_day:
        return
    at = at or timezone.now()
    zone = zone_of(employee)
    start, end = day_bounds(at, zone)
    if counted(employee, network, start, end).count() >= rules.per_day:
        values = {"n": rules.per_day, "network": dict(NETWORKS).get(network, network)}
        raise LimitReached(
            ngettext(
                "The company's healthy limit is %(n)d share a day on %(network)s, and you "
                "have reached it for that day. Choose another day — your audience will "
                "still be there.",
                "The company's healthy limit is %(n)d shares a day on %(network)s, and you "
                "have reached it for that day. Choose another day — your audience will "
                "still be there.",
                rules.per_day,
            )
            % values
        )


# --- The worker ---------------------------------------------------------------------------------


def posting_delay(share: Share, now: datetime | None = None) -> tuple[datetime, str] | None:
    """For a scheduled share the worker is about to post: (when it may go out instead, why)
    if posting it now would break a limit, else None."""
    now = now or timezone.now()
    rules = SharingLimits.get()
    zone = zone_of(share.employee)
    if not within_hours(now, zone, rules):
        at = next_allowed(now, zone, rules)
        reason = _("Moved to %(time)s: the company's sharing hours are %(hours)s (your time).") % {
            "time": local_text(at, zone),
            "hours": hours_text(rules),
        }
        return at, reason
    if rules.per_day:
        start, end = day_bounds(now, zone)
        out = (
            Share.objects.filter(employee=share.employee, network=share.network)
            .exclude(pk=share.pk)
            .filter(
                Q(method=Share.Method.API, post_state__in=[PostState.POSTED, PostState.POSTING,
                                                             PostState.REMOVED],
                  confirmed_at__gte=start, confirmed_at__lt=end)
                | Q(method=Share.Method.API, post_state=PostState.POSTING,
                    posting_started_at__gte=start, posting_started_at__lt=end)
                | (~Q(method=Share.Method.API) & Q(created_at__gte=start, created_at__lt=end)
                   & ~Q(status=Share.Status.FAILED))
            )
            .count()
        )  # fmt: skip
        if out >= rules.per_day:
            at = next_allowed(end, zone, rules)
            reason = ngettext(
                "Moved to %(time)s: you reached the company's healthy limit of %(n)d share "
                "a day on %(network)s.",
                "Moved to %(time)s: you reached the company's healthy limit of %(n)d shares "
                "a day on %(network)s.",
                rules.per_day,
            ) % {
                "time": local_text(at, zone),
                "n": rules.per_day,
                "network": share.get_network_display(),
            }
            return at, reason
    return None
