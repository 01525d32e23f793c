"""Direct posting through a connected account: scheduling ("now", a time, or the best time),
posting exactly once, retrying what is worth retrying, and reading back engagement.

Exactly once — the design:

1. *Claim.* A worker moves a share from `scheduled` (or a `posting` whose lease ran out) to
   `posting` with one compare-and-set UPDATE carrying a fresh attempt token; only the worker
   whose UPDATE changed the row goes on (healthchecks' `sendalerts` idea). Two workers racing
   for a share: one wins, the other does nothing.
2. *Idempotency on the network.* Each share has its own key, fixed when it is made: Mastodon
   gets it as `Idempotency-Key`; Bluesky uses it as the record key, so a second write cannot
   create a second post.
3. *After a crash.* A share found in `posting` after its lease (the worker died between the
   network's "created" and our write) is retried only after looking on the network for the
   post first (Bluesky: the very record; Mastodon, X, LinkedIn: the account's recent posts
   carrying our tracked link). Found → recorded, not posted again.
4. *Recording.* The outcome is written only where the attempt token still matches.

Residual risk, said plainly: X and LinkedIn have no idempotency key, so if their "recent
posts" lookup does not show a post that was in fact made (their search lagging, or LinkedIn
not granting the author finder), a crash at exactly that moment can still post twice.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.core import audit
from advocato.core.models import Organisation
from advocato.lib import formatting, hooks
from advocato.links import services as links
from advocato.people import mail

from . import connections, limits, services
from .models import EngagementReading, NetworkAccount, PostState, Share, Source
from .networks.base import (
    AppProblem,
    Engagement,
    NetworkError,
    Permanent,
    Posted,
    TokenInvalid,
    Transient,
    adapter_class,
    app_config,
)

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a worker that died
MAX_ATTEMPTS = 6
DOUBLE_POST_WINDOW = timedelta(minutes=10)  # a second "post now" this soon is a double click
BACKOFF = [30, 120, 600, 1800, 3600]  # seconds before attempt 2, 3, ...
MAX_RETRY_AFTER = 6 * 3600
MANUAL_REFRESH = timedelta(minutes=1)  # an advocate's "update figures" at most this often
# Before there is enough data: (weekday 0=Monday, hour) in the company's time zone.
DEFAULT_BEST = {"linkedin": (1, 9), "x": (2, 12), "mastodon": (3, 10), "bluesky": (2, 11)}


def patient(fn):
    """Run a short database step again when SQLite says it is locked (another worker is
    writing at that instant, beyond the busy timeout). PostgreSQL waits on row locks itself."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(20):
            try:
                return fn(*args, **kwargs)
            except OperationalError as error:
                if "locked" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


class PostingError(Exception):
    """The share cannot be scheduled; the message is for the advocate."""


# --- Scheduling ----------------------------------------------------------------------------


def check_when(when: str, at: datetime | None, network: str, now=None) -> datetime:
    now = now or timezone.now()
    if when == "now":
        return now
    if when == "best":
        return best_time(network, now)
    if when == "at":
        if at is None:
            raise PostingError(_("Choose when to post."))
        if at < now - timedelta(minutes=1):
            raise PostingError(_("That time has passed. Choose a time in the future."))
        if at > now + timedelta(days=90):
            raise PostingError(_("Schedule at most 90 days ahead."))
        return max(at, now)
    raise PostingError(_("Choose when to post."))


def schedule_share(
    employee,
    item,
    network: str,
    text: str,
    suggested: str,
    when: str,
    at: datetime | None = None,
    language: str = "",
) -> Share:
    """Make the share and queue its posting. With an account that needs reconnecting, the
    share is kept (held) and goes out once the advocate reconnects."""
    account = connections.account_for(employee, network)
    if account is None or app_config(network) is None:
        raise PostingError(_("Connect your account on this network first (on your profile)."))
    post_at = check_when(when, at, network)
    if when == "best":  # the best slot, within the person's sharing hours
        post_at = limits.next_allowed(post_at, limits.zone_of(employee))
    try:
        limits.check_hours(employee, post_at)
    except limits.LimitReached as error:
        raise PostingError(str(error)) from None
    recently = Share.objects.filter(
        employee=employee, item=item, network=network, method=Share.Method.API
    ).filter(
        Q(post_state__in=[PostState.SCHEDULED, PostState.POSTING, PostState.HELD])
        | Q(post_state=PostState.POSTED, created_at__gte=timezone.now() - DOUBLE_POST_WINDOW)
    )
    if recently.exists():
        raise PostingError(_("This item is already on its way to this network."))
    try:
        return patient(_schedule)(
            employee, item, network, text, suggested, account, post_at, language
        )
    except IntegrityError:  # the same post, sent twice at the same moment
        raise PostingError(_("This item is already on its way to this network.")) from None
    except limits.LimitReached as error:
        raise PostingError(str(error)) from None


def _schedule(employee, item, network, text, suggested, account, post_at, language="") -> Share:
    with transaction.atomic():
        share = services.start_share(
            employee, item, network, text, suggested, method=Share.Method.API, language=language,
            at=post_at,
        )  # fmt: skip
        share.account = account
        share.scheduled_for = post_at
        share.idempotency_key = adapter_class(network)().new_key()
        if account.needs_reconnect:
            share.post_state = PostState.HELD
            share.error = account.problem or _("Reconnect your account to post this.")
        else:
            share.post_state = PostState.SCHEDULED
        share.save()
        if share.post_state == PostState.SCHEDULED:
            transaction.on_commit(lambda: queue(share.pk, post_at))
    return share


def queue(share_id: int, at: datetime) -> None:
    from . import tasks

    if at <= timezone.now() + timedelta(seconds=1):
        tasks.post_share(share_id)
    else:
        # Huey posts it on the second; the minutely sweep is the safety net.
        tasks.post_share.schedule((share_id,), eta=at)


def release_held(account: NetworkAccount) -> int:
    """After reconnecting: the shares that waited go out (now, or at their time)."""
    now = timezone.now()
    held = list(
        Share.objects.filter(
            employee=account.employee, network=account.network, post_state=PostState.HELD
        )
    )
    for share in held:
        at = max(share.scheduled_for or now, now)
        Share.objects.filter(pk=share.pk, post_state=PostState.HELD).update(
            account=account,
            post_state=PostState.SCHEDULED,
            scheduled_for=at,
            error="",
            changed_at=now,
        )
        transaction.on_commit(functools.partial(queue, share.pk, at))
    return len(held)


def cancel(share: Share) -> bool:
    """The advocate withdraws a share not yet posted."""
    return bool(
        Share.objects.filter(
            pk=share.pk, post_state__in=[PostState.SCHEDULED, PostState.HELD]
        ).update(
            post_state=PostState.FAILED,
            status=Share.Status.FAILED,
            error=_("Cancelled by you."),
            changed_at=timezone.now(),
        )
    )


def withdraw(share: Share, *, on_network: bool) -> str:
    """The advocate removes a post we made for them: here only, or also on the network.
    "removed" (here only), "deleted" (here and on the network), "refused" (the network did
    not delete it: the share stays posted and says why) or "not-posted"."""
    if share.method != Share.Method.API or share.post_state != PostState.POSTED:
        return "not-posted"
    network = share.get_network_display()
    if on_network:
        if share.account is None:
            outcome, message = "refused", _("Connect your account again to delete the post.")
        else:
            try:
                connections.call(
                    share.account, lambda adapter, acc: adapter.delete_post(acc, share)
                )
            except NetworkError as error:
                outcome, message = "refused", error.message
            else:
                outcome, message = "deleted", ""
        if outcome == "refused":
            Share.objects.filter(pk=share.pk, post_state=PostState.POSTED).update(
                error=(_("%(network)s did not delete the post: %(reason)s")
                       % {"network": network, "reason": message})[:500],
            )  # fmt: skip
            return outcome
        message = _("Removed; the post was deleted on %(network)s.") % {"network": network}
    else:
        outcome = "removed"
        message = _("Removed here; the post is still on %(network)s.") % {"network": network}
    Share.objects.filter(pk=share.pk, post_state=PostState.POSTED).update(
        post_state=PostState.REMOVED, error=message[:500], engagement_next_at=None
    )
    return outcome


# --- Posting -------------------------------------------------------------------------------


@patient
def claim(share_id: int, now=None) -> str | None:
    """Compare-and-set: only one worker gets the share. Returns the attempt token."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    changed = (
        Share.objects.filter(pk=share_id)
        .filter(
            Q(post_state=PostState.SCHEDULED, scheduled_for__lte=now)
            | Q(
                post_state=PostState.POSTING,
                posting_started_at__lt=now - LEASE,
                attempts__lt=MAX_ATTEMPTS,
            )
        )
        .update(
            post_state=PostState.POSTING,
            attempt_token=token,
            posting_started_at=now,
            attempts=F("attempts") + 1,
            changed_at=now,
        )
    )
    return token if changed == 1 else None


@patient
def _prepare(share_id: int):
    """The claimed share, the post's text with the tracked link, the link, and the item's
    title and summary in the language version that was shared (for the link card)."""
    share = Share.objects.select_related("item", "link", "account", "employee").get(pk=share_id)
    text, link = post_text(share)
    return share, text, link, share.version


def post_text(share: Share) -> tuple[str, str]:
    link = links.link_url(share.link)
    return services.text_with_link(share.item, share.text, link), link


def post_share(share_id: int) -> str:
    """Post one share if it is due and nobody else is posting it. Returns what happened."""
    token = claim(share_id)
    if token is None:
        return "not-claimed"
    share, text, link, localised = _prepare(share_id)
    # What we write on the share for the advocate is in their language and on their clock.
    person = share.employee
    with (
        mail.in_their_language(person),
        timezone.override(ZoneInfo(person.time_zone or "UTC")),
    ):
        delay = limits.posting_delay(share)
        if delay is not None:
            return _move(share, token, *delay)
        return _post(share, token, text, link, localised)


@patient
def _move(share: Share, token: str, at: datetime, reason: str) -> str:
    """Outside the sharing hours or over the day's limit: the share waits for its next allowed
    time (the attempt does not count as one), and its page says why."""
    changed = Share.objects.filter(
        pk=share.pk, attempt_token=token, post_state=PostState.POSTING
    ).update(
        post_state=PostState.SCHEDULED,
        scheduled_for=at,
        attempts=F("attempts") - 1,
        error=reason[:500],
        changed_at=timezone.now(),
    )
    if changed:
        transaction.on_commit(lambda: queue_later(share.pk, at))
    return "moved"


def _post(share: Share, token: str, text: str, link: str, localised) -> str:
    account = share.account
    if account is None:
        _finish(share, token, PostState.HELD, _("Connect your account again to post this."))
        return "held"

    def publish(adapter, acc) -> Posted:
        # Any earlier attempt may have reached the network: look before posting again.
        if share.attempts > 1:
            try:
                found = adapter.find_post(acc, link=link, key=share.idempotency_key)
            except Permanent:
                # The network does not let us look (LinkedIn grants its author finder to few
                # apps): post, accepting the residual risk described above.
                found = None
            if found is not None:
                return found
        return adapter.post(
            acc,
            text=text,
            link=link,
            title=localised.title,
            description=localised.commentary or share.item.site_name,
            key=share.idempotency_key,
        )

    try:
        posted = connections.call(account, publish)
    except TokenInvalid as error:
        _finish(share, token, PostState.HELD, error.message)
        return "held"
    except Transient as error:
        return _retry_later(share, token, error)
    except Permanent as error:
        if isinstance(error, AppProblem):
            connections.note_app_problem(share.network, error)
        _finish(share, token, PostState.FAILED, error.message)
        return "failed"
    _record_posted(share, token, posted, account)
    connections.clear_app_problem(share.network, "version")  # the network took our version
    return "posted"


@patient
def _record_posted(share: Share, token: str, posted: Posted, account: NetworkAccount) -> None:
    now = timezone.now()
    with transaction.atomic():
        services.confirm(
            Share.objects.filter(pk=share.pk, attempt_token=token, post_state=PostState.POSTING),
            by=services.BY_API,
            post_state=PostState.POSTED,
            external_id=posted.external_id[:200],
            permalink=posted.permalink[:500],
            error="",
            audience=account.audience,
            audience_source=account.audience_source if account.audience is not None else "",
            engagement_next_at=now + timedelta(hours=1),
        )


@patient
def _finish(share: Share, token: str, state: str, message: str) -> None:
    values = {"post_state": state, "error": message[:500], "changed_at": timezone.now()}
    if state == PostState.FAILED:
        values["status"] = Share.Status.FAILED
    Share.objects.filter(pk=share.pk, attempt_token=token, post_state=PostState.POSTING).update(
        **values
    )


@patient
def _retry_later(share: Share, token: str, error: Transient) -> str:
    if share.attempts >= MAX_ATTEMPTS:
        message = _("%(reason)s We tried %(n)d times and gave up.") % {
            "reason": error.message,
            "n": share.attempts,
        }
        _finish(share, token, PostState.FAILED, message)
        return "failed"
    wait: float = BACKOFF[min(share.attempts - 1, len(BACKOFF) - 1)]
    if error.retry_after is not None:
        wait = min(max(error.retry_after, 1), MAX_RETRY_AFTER)
    now = timezone.now()
    at = now + timedelta(seconds=wait)
    changed = Share.objects.filter(
        pk=share.pk, attempt_token=token, post_state=PostState.POSTING
    ).update(
        post_state=PostState.SCHEDULED,
        scheduled_for=at,
        changed_at=now,
        error=_("%(reason)s Trying again at %(time)s.")
        % {"reason": error.message, "time": formatting.format_time(at)},
    )
    if changed:
        transaction.on_commit(lambda: queue_later(share.pk, at))
    return "retry"


def queue_later(share_id: int, at: datetime) -> None:
    from . import tasks

    tasks.post_share.schedule((share_id,), eta=at)


def due_share_ids(now=None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        Share.objects.filter(
            Q(post_state=PostState.SCHEDULED, scheduled_for__lte=now)
            | Q(post_state=PostState.POSTING, posting_started_at__lt=now - LEASE)
        )
        .order_by("scheduled_for")
        .values_list("pk", flat=True)[:limit]
    )


@patient
def give_up_stuck(now=None) -> int:
    """Shares whose worker died on every one of their attempts are not tried for ever."""
    now = now or timezone.now()
    return Share.objects.filter(
        post_state=PostState.POSTING,
        posting_started_at__lt=now - LEASE,
        attempts__gte=MAX_ATTEMPTS,
    ).update(
        post_state=PostState.FAILED,
        changed_at=now,
        error=_("Posting was interrupted %(n)d times; we gave up. Try again from the feed.")
        % {"n": MAX_ATTEMPTS},
    )


def post_due(now=None) -> dict[str, int]:
    """The worker's sweep: every share that is due (or whose worker died) is tried once."""
    give_up_stuck(now)
    outcomes: dict[str, int] = defaultdict(int)
    for share_id in due_share_ids(now):
        outcomes[post_share(share_id)] += 1
    return dict(outcomes)


# --- Best time -----------------------------------------------------------------------------


def best_slot(network: str, now=None) -> tuple[int, int, bool]:
    """(weekday, hour, from our data?) with the best click-through for this network in the
    company's time zone over the last 180 days — the analytics' best-time heatmap, read from
    its rollups — or the network's usual good slot while there is too little data."""
    found = hooks.best_slot_from_data(network, now=now)  # answered by analytics
    if found is None:
        weekday, hour = DEFAULT_BEST.get(network, (1, 9))
        return weekday, hour, False
    return found[0], found[1], True


def best_time_for(employee, network: str, now=None) -> datetime:
    """The best time, moved into the person's sharing hours where they apply."""
    return limits.next_allowed(best_time(network, now), limits.zone_of(employee))


def best_time(network: str, now=None) -> datetime:
    """The next occurrence of the best slot, at least a few minutes from now."""
    now = now or timezone.now()
    weekday, hour, _ours = best_slot(network, now)
    zone = Organisation.get().zone
    local = now.astimezone(zone)
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    candidate += timedelta(days=(weekday - local.weekday()) % 7)
    if candidate <= local + timedelta(minutes=5):
        candidate += timedelta(days=7)
    # Rebuild in the zone so a daylight-saving change in between keeps the wall-clock hour.
    return datetime(candidate.year, candidate.month, candidate.day, hour, tzinfo=zone)


# --- Engagement ----------------------------------------------------------------------------


def next_engagement_check(posted_at: datetime, now: datetime) -> datetime | None:
    """Often in the first days, then rarely, then not at all."""
    age = now - posted_at
    if age < timedelta(days=2):
        return now + timedelta(hours=2)
    if age < timedelta(days=7):
        return now + timedelta(hours=12)
    if age < timedelta(days=30):
        return now + timedelta(days=3)
    if age < timedelta(days=90):
        return now + timedelta(days=14)
    return None


def save_engagement(share: Share, figures: Engagement, source: str, now=None) -> None:
    now = now or timezone.now()
    values = {
        name: getattr(figures, name)
        for name in ("reactions", "comments", "reshares", "impressions", "members_reached")
    }
    with transaction.atomic():
        EngagementReading.objects.create(share=share, at=now, source=source, **values)
        update = {k: v for k, v in values.items() if v is not None}
        Share.objects.filter(pk=share.pk).update(
            **update, engagement_source=source, engagement_at=now, changed_at=now
        )
    for key, value in update.items():
        setattr(share, key, value)


def refresh_engagement(share: Share, now=None) -> bool:
    now = now or timezone.now()
    account = share.account
    adapter = adapter_class(share.network)(app_config(share.network))
    if (
        account is None
        or not share.external_id
        or not adapter.reads_engagement()
        or connections.app_problem(share.network, "reads")
    ):
        # Nothing to read with, or the company's app may not read: the advocate enters them.
        Share.objects.filter(pk=share.pk).update(engagement_next_at=None, changed_at=now)
        return False
    try:
        figures = connections.call(account, lambda adapter, acc: adapter.engagement(acc, share))
    except TokenInvalid:
        # Tracking resumes when the advocate reconnects; the profile shows the prompt.
        Share.objects.filter(pk=share.pk).update(
            engagement_next_at=now + timedelta(days=1), changed_at=now
        )
        return False
    except NetworkError as error:
        logger.info("Engagement for share %s: %s", share.pk, error.message)
        retry_at = now + timedelta(hours=6)
        if isinstance(error, AppProblem):
            # The app may not read (X's Free level): asking every six hours will not change
            # that. Said once to the admin; the advocate can enter the figures.
            connections.note_app_problem(share.network, error)
            retry_at = None if error.kind == "reads" else retry_at
        Share.objects.filter(pk=share.pk).update(engagement_next_at=retry_at, changed_at=now)
        return False
    save_engagement(share, figures, Source.API, now)
    Share.objects.filter(pk=share.pk).update(
        engagement_next_at=next_engagement_check(share.confirmed_at or now, now), changed_at=now
    )
    return True


def refresh_due_engagement(now=None, limit: int = 200) -> int:
    now = now or timezone.now()
    done = 0
    for share in Share.objects.filter(
        post_state=PostState.POSTED, engagement_next_at__lte=now
    ).select_related("account")[:limit]:
        done += refresh_engagement(share, now)
    return done


# --- Figures from people: the advocate, or an analyst's import -------------------------------

CSV_COLUMNS = ("reactions", "comments", "reshares", "impressions")
CSV_MAX_BYTES = 2 * 1024 * 1024


def parse_engagement_csv(raw: bytes) -> tuple[list[tuple[Share, Engagement]], list[str]]:
    """Check the whole file first: (rows to import, problems by line). Nothing is written."""
    import csv
    import io

    if len(raw) > CSV_MAX_BYTES:
        return [], [_("The file is larger than 2 MB.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "link" not in header or not any(c in header for c in CSV_COLUMNS):
        return [], [
            _(
                "The first line must name the columns: link, reactions, comments, "
                "reshares, impressions."
            )
        ]
    reader.fieldnames = header
    rows: list[tuple[Share, Engagement]] = []
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        code = (row.get("link") or "").strip().rstrip("/").rsplit("/", 1)[-1]
        share = Share.objects.filter(link__code=code).first() if code else None
        if share is None:
            problems.append(
                _("Line %(line)d: no share has the link “%(code)s”.")
                % {"line": line, "code": code[:40]}
            )
            continue
        figures = Engagement()
        for column in CSV_COLUMNS:
            value = (row.get(column) or "").strip()
            if not value:
                continue
            if not (value.isascii() and value.isdigit()) or int(value) > 10**9:
                problems.append(
                    _("Line %(line)d: %(column)s must be a whole number ≥ 0.")
                    % {"line": line, "column": column}
                )
                break
            setattr(figures, column, int(value))
        else:
            rows.append((share, figures))
    if not rows and not problems:
        problems.append(_("The file has no rows."))
    return rows, problems


def import_engagement(rows: list[tuple[Share, Engagement]]) -> int:
    """Save imported figures; each share's new figures go into the audit log."""
    from dataclasses import asdict

    now = timezone.now()
    with transaction.atomic():
        for share, figures in rows:
            before = {"reactions": share.reactions, "comments": share.comments,
                      "reshares": share.reshares, "impressions": share.impressions}  # fmt: skip
            save_engagement(share, figures, Source.IMPORT, now)
            after = {k: v for k, v in asdict(figures).items() if v is not None}
            audit.record("update", share, before=before, after=after)
    return len(rows)
