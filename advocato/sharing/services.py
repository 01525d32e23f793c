"""Business rules for sharing: starting a share (which mints its tracked link and notes how
much the advocate made the text their own) and confirming it."""

from __future__ import annotations

import difflib
import random
import re
import time
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.content import services as content
from advocato.content.models import ContentItem
from advocato.lib import hooks, networks
from advocato.links import services as links
from advocato.people.models import Employee

from . import connections, limits, signals
from .models import NetworkAccount, OwnPostsStatement, PostState, Share, SharingProfile

WORDS = re.compile(r"\w+", re.UNICODE)
URLS = re.compile(r"https?://\S+")


def _comparable(text: str) -> list[str]:
    """Words, lower-cased, without links: what a reader perceives as the same text."""
    return WORDS.findall(URLS.sub(" ", text).lower())


def edit_distance(suggested: str, text: str) -> float:
    """0.0 = the suggested text unchanged, 1.0 = nothing of it left (by words)."""
    if not suggested.strip():
        return 1.0 if text.strip() else 0.0
    matcher = difflib.SequenceMatcher(
        None, _comparable(suggested), _comparable(text), autojunk=False
    )
    return round(1.0 - matcher.ratio(), 3)


def start_share(employee, item, network: str, text: str, suggested_text: str = "",
                method: str = Share.Method.DIALOG, language: str = "",
                at=None) -> Share:  # fmt: skip
    """Record the share and mint its tracked link. The text is stored as written; the link is
    put into it by the caller (see `text_with_link`). `language` is the language version of
    the item the advocate chose (default: the one they are shown); `at` is when a scheduled
    post goes out (its day is the one the daily limit counts it on).

    Raises `limits.LimitReached` when the person already has the day's shares on the network.
    The person's row is locked first, so two requests at once are counted one after the
    other (PostgreSQL: the row lock; SQLite: its write transactions run one at a time)."""
    args = (employee, item, network, text, suggested_text, method, language, at)
    if transaction.get_connection().in_atomic_block:
        return _start_share(*args)  # the caller's transaction; it retries as a whole
    for attempt in range(8):
        try:
            return _start_share(*args)
        except OperationalError as error:
            # SQLite says "locked" instead of waiting in some modes: the other request is
            # writing this instant. Try again shortly; PostgreSQL waits on the row lock itself.
            if "locked" not in str(error) or attempt == 7:
                raise
            time.sleep(0.02 * (attempt + 1) + random.random() * 0.02)
    raise AssertionError("unreachable")


@transaction.atomic
def _start_share(employee, item, network, text, suggested_text, method, language, at) -> Share:
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    limits.check_daily(employee, network, at)
    language = content.chosen_version(item, language, employee.language)
    distance = edit_distance(suggested_text, text)
    # Potential reach: the advocate's audience on this network now (read from a connected
    # account, or stated by them); a direct post refreshes it when it goes out.
    account = NetworkAccount.objects.filter(employee=employee, network=network).first()
    reach = {}
    if account is not None and account.audience is not None:
        reach = {"audience": account.audience, "audience_source": account.audience_source}
    share = Share.objects.create(
        employee=employee,
        item=item,
        network=network,
        scheduled_for=at,
        text=text,
        suggested_text=suggested_text,
        edited=distance > 0,
        edit_distance=distance,
        method=method,
        language=language,
        **reach,
    )
    links.mint_link(share)
    signals.share_created.send(sender=Share, share=share)
    return share


def copy_share(employee, item, network: str, language: str = "") -> Share:
    """The share behind a copied ready-made text: the advocate's latest copy of this item's
    text for this network in this language version, or a new one — so a pasted text carries
    the advocate's tracked link and its clicks count."""
    language = content.chosen_version(item, language, employee.language)
    share = (
        Share.objects.filter(
            employee=employee, item=item, network=network, method=Share.Method.COPY,
            language=language,
        )
        .select_related("link")
        .order_by("-created_at")
        .first()
    )  # fmt: skip
    if share is not None and hasattr(share, "link") and share.link.revoked_at is None:
        return share
    text = content.suggested_texts(item, language).get(network, "")
    if not text:
        text = f"{content.localise(item, language).title}\n\n{item.url}".strip()
    return start_share(employee, item, network, text, text, Share.Method.COPY, language)


BY_ADVOCATE, BY_CLICK, BY_API = "advocate", "click", "api"


def confirm(shares: QuerySet[Share], by: str, **posted) -> int:
    """Mark shares confirmed: the one place that does. Returns how many changed.

    `by` says what proves the share is out there: the advocate saying they posted it through a
    share dialog (never a direct post: that one only the network can confirm), its first human
    click, or the network's answer to our post (`posted` then carries the post's fields, and
    the answer is the final word even over an earlier click)."""
    if by != BY_API:
        shares = shares.filter(confirmed_at=None)
    if by == BY_ADVOCATE:
        shares = shares.exclude(method=Share.Method.API)
    found = list(shares.values_list("pk", "link__code", "confirmed_at"))
    if not found:
        return 0
    now = timezone.now()
    changed = shares.update(
        status=Share.Status.CONFIRMED, confirmed_at=now, confirmed_by=by, **posted
    )
    for _pk, code, _at in found:
        if code:
            links.forget(code)
    # Out there from now on: told once per share (the network's later answer to a post a
    # click already confirmed is no news).
    if news := {pk for pk, _code, at in found if at is None}:
        signals.share_posted.send(sender=Share, share_ids=news)
    return changed


# --- The composer's checks -------------------------------------------------------------------

# Counts as long as a real tracked link: the networks count links differently (X: always 23).
SAMPLE_LINK = "https://advocacy.example.com/l/AbCdEfGh"


@dataclass(frozen=True)
class Check:
    code: str
    level: str  # "error" blocks sharing; "warning" invites a change
    message: str


def item_urls(item) -> list[str]:
    return [u for u in dict.fromkeys([item.url, item.canonical_url]) if u]


def has_link(item, text: str) -> bool:
    return any(url in text for url in item_urls(item))


def text_with_link(item, text: str, link: str) -> str:
    """The post as published: the item's address replaced by the tracked link (longest first,
    so a canonical address inside the full one is not half-replaced)."""
    for url in sorted(item_urls(item), key=len, reverse=True):
        text = text.replace(url, link)
    return text


def similar_colleagues(employee, item, network: str, text: str, threshold: float = 0.9) -> int:
    """How many colleagues already posted (nearly) this text for this item on this network."""
    mine = _comparable(text)
    count = 0
    seen: set[int] = set()
    for other in (
        Share.objects.filter(item=item, network=network, confirmed_at__isnull=False)
        .exclude(employee=employee)
        .only("employee_id", "text")[:500]
    ):
        if other.employee_id in seen:
            continue
        matcher = difflib.SequenceMatcher(None, mine, _comparable(other.text), autojunk=False)
        if matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold:
            seen.add(other.employee_id)
            count += 1
    return count


# --- Own versus company content ----------------------------------------------------------------

BALANCE_DAYS = 30


@dataclass(frozen=True)
class Balance:
    """The guideline's balance for one person over the last 30 days, from the posts we know
    of: their shares of the company's content, and the own posts they told us about (None:
    we know of none, so no ratio is given)."""

    company: int
    own: int | None
    stated_at: object
    guideline: int  # company content at most this percentage; 0 = no guideline

    @property
    def company_percent(self) -> int | None:
        if self.own is None or self.company + self.own == 0:
            return None
        return round(100 * self.company / (self.company + self.own))

    @property
    def over(self) -> bool:
        percent = self.company_percent
        return bool(self.guideline) and percent is not None and percent > self.guideline


def content_balance(employee, now=None) -> Balance:
    from datetime import timedelta

    from .models import OwnPostsStatement, SharingLimits

    now = now or timezone.now()
    since = now - timedelta(days=BALANCE_DAYS)
    company = (
        Share.objects.filter(employee=employee, confirmed_at__isnull=False)
        .filter(shared_since(since))
        .count()
    )
    statement = OwnPostsStatement.objects.filter(employee=employee, stated_at__gte=since).first()
    return Balance(
        company=company,
        own=statement.count if statement else None,
        stated_at=statement.stated_at if statement else None,
        guideline=SharingLimits.get().company_share,
    )


def state_own_posts(employee, count: int):
    from .models import OwnPostsStatement

    return OwnPostsStatement.objects.create(employee=employee, count=count)


def check_post(employee, item, network: str, text: str) -> list[Check]:

    from .models import Guidelines

    waiting = hooks.may_share(employee)  # answered by enablement (the policy)
    if waiting:
        return [Check("policy", "error", waiting)]
    if not text.strip():
        return [Check("empty", "error", _("Write something first."))]
    rules = Guidelines.get()
    checks: list[Check] = []
    limit, url_length = connections.text_limits(employee, network)
    counted = networks.check(
        network, text_with_link(item, text, SAMPLE_LINK), limit=limit, url_length=url_length
    )
    if counted["over"]:
        message = _(
            "%(count)d of %(limit)d characters as %(network)s counts them: %(over)d too many."
        )
        values = {
            "count": counted["count"],
            "limit": counted["limit"],
            "network": dict(networks.NETWORKS)[network],
            "over": -counted["remaining"],
        }
        checks.append(Check("length", "error", message % values))
    lowered = text.lower()
    for phrase in rules.phrases:
        if phrase.lower() in lowered:
            message = _("“%(phrase)s” is not allowed by the company's guidelines.")
            checks.append(Check("banned", "error", message % {"phrase": phrase}))
    tag = rules.disclosure_tag
    if rules.require_disclosure and tag and tag.lower() not in lowered:
        message = _("Add %(tag)s, so readers know you work here.")
        checks.append(Check("disclosure", "error", message % {"tag": tag}))
    # Facebook takes the link separately and Instagram captions cannot link.
    if item.url and network not in {"instagram", "facebook"} and not has_link(item, text):
        message = _(
            "Keep the link to the page (%(url)s) in your post; it becomes your own tracked link."
        )
        checks.append(Check("link", "error", message % {"url": item.url}))
    try:
        limits.check_daily(employee, network)
    except limits.LimitReached as reached:
        # A warning: a post scheduled for another day is still welcome.
        checks.append(Check("limit", "warning", str(reached)))
    similar = similar_colleagues(employee, item, network, text)
    if similar >= rules.similar_colleagues:
        message = _(
            "%(n)d colleagues already posted nearly the same text here. Identical posts look "
            "like spam — add a line of your own."
        )
        checks.append(Check("similar", "warning", message % {"n": similar}))
    return checks


def share_url(network: str, text: str, link: str, mastodon_instance: str = "") -> str:
    """The network's own share dialog, filled in. Instagram has none (copy the text)."""
    from urllib.parse import quote

    if network == "linkedin":
        return "https://www.linkedin.com/feed/?shareActive=true&text=" + quote(text)
    if network == "x":
        return "https://x.com/intent/post?text=" + quote(text)
    if network == "facebook":
        return "https://www.facebook.com/sharer/sharer.php?u=" + quote(link, safe="")
    if network == "bluesky":
        return "https://bsky.app/intent/compose?text=" + quote(text)
    if network == "mastodon" and mastodon_instance:
        return f"https://{mastodon_instance}/share?text=" + quote(text)
    return ""


def shared_since(since) -> Q:
    """Shares made since `since`, by the share's own time — when the post went out: the
    network's answer for a direct post, otherwise the moment the advocate took the text to
    the network (the click or the "yes, I posted it" that confirms it may come days later).
    The same moment the analytics rollups count a share on (`rollups.posted_at`)."""
    direct = Q(method=Share.Method.API)
    return (direct & Q(confirmed_at__gte=since)) | (~direct & Q(created_at__gte=since))


def sharers_since(since=None):
    """Ids of employees with a confirmed share made since `since` (None: ever), for the
    adoption funnel."""
    shares = Share.objects.filter(confirmed_at__isnull=False)
    if since is not None:
        shares = shares.filter(shared_since(since))
    return shares.values("employee_id")


def shared_item_ids(employee) -> set[int]:
    return set(
        Share.objects.filter(employee=employee, confirmed_at__isnull=False).values_list(
            "item_id", flat=True
        )
    )


def most_shared_items(limit: int = 10) -> list:
    """The items shared most (confirmed shares), for analysts' way into per-item results."""
    from django.db.models import Count, Q

    return list(
        ContentItem.objects.annotate(
            share_count=Count("shares", filter=Q(shares__confirmed_at__isnull=False))
        )
        .filter(share_count__gt=0)
        .order_by("-share_count", "title")[:limit]
    )


# --- A person's own data ------------------------------------------------------------------------


def personal_data(employee) -> dict[str, list[dict]]:
    """What the sharing app keeps about a person: their shares with their figures, and their
    connected accounts (never the tokens)."""
    shares = (
        Share.objects.filter(employee=employee)
        .select_related("item", "link")
        .annotate(
            people_clicks=Count(
                "link__clicks", filter=Q(link__clicks__kind="human"), distinct=True
            ),
            conversions=Count("link__conversions", distinct=True),
        )
        .order_by("created_at", "pk")
    )
    rows = [
        {
            "shared": s.created_at,
            "item": s.item.title,
            "network": s.network,
            "text": s.text,
            "edited": s.edited,
            "method": s.method,
            "status": s.status,
            "confirmed": s.confirmed_at,
            "post_address": s.permalink,
            "tracked_link": s.link.code if hasattr(s, "link") else "",
            "clicks_by_people": s.people_clicks,
            "conversions": s.conversions,
            "potential_reach": s.audience,
            "reactions": s.reactions,
            "comments": s.comments,
            "reshares": s.reshares,
        }
        for s in shares
    ]
    accounts = [
        {
            "network": a.network,
            "handle": a.handle,
            "server": a.instance,
            "profile": a.profile_url,
            "status": a.status,
            "audience": a.audience,
            "connected": a.connected_at,
            "expires": a.expires_at,
        }
        for a in NetworkAccount.objects.filter(employee=employee).order_by("network")
    ]
    profile = SharingProfile.objects.filter(employee=employee).first()
    if profile is not None and profile.mastodon_instance:
        accounts.append({"network": "mastodon", "server": profile.mastodon_instance})
    own = [
        {"at": s.stated_at, "own_posts": s.count}
        for s in OwnPostsStatement.objects.filter(employee=employee).order_by("stated_at")
    ]
    return {"shares": rows, "connected_accounts": accounts, "own_posts": own}


def forget_person(employee) -> None:
    """Disconnect every network (tokens and app passwords gone; nothing waits to be posted)
    and remove what the person wrote and where they posted it. The shares stay, with their
    figures, so the programme's totals do not change."""
    for network in NetworkAccount.objects.filter(employee=employee).values_list(
        "network", flat=True
    ):
        connections.disconnect(employee, network)
    waiting = [PostState.SCHEDULED, PostState.HELD]
    Share.objects.filter(employee=employee, post_state__in=waiting).update(
        post_state=PostState.FAILED
    )  # fmt: skip
    Share.objects.filter(employee=employee).update(
        text="", permalink="", external_id="", error="", account=None
    )
    SharingProfile.objects.filter(employee=employee).delete()
    OwnPostsStatement.objects.filter(employee=employee).delete()
