"""The demo company's sharing: 90 days of Nordlys employees sharing the library on their
networks, the clicks on their tracked links (people, link previews, bots, the sharers
themselves) and the conversions the company's website reported.

A small core of ambassadors shares every week, about half of everyone else a few times; people
share on weekdays (Tuesday to Thursday most), in the morning and at lunch; edited, personal
posts earn clearly more clicks than the suggested text as it was.

Deterministic for a given random generator: every time is placed on the clock of the hour the
demo is built in (`cutoff`), and the other builders' times are read back as whole minutes
before it, so two builds within the same hour give the same data. Nothing lies in the future
and no raw IP address is anywhere: visitors are hashes of random strings."""

from __future__ import annotations

import base64
import hashlib
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone

from advocato.content.models import ContentItem, ContentVariant, Goal, Status, SuggestedText
from advocato.lib.networks import LIMITS, count
from advocato.links.models import Click, Conversion, TrackedLink
from advocato.people.models import Employee, Invitation, User

from .models import Share
from .services import edit_distance

STEPS = 3
DAYS = 90
ACTIVATION = 0.55  # share of registered employees who share at least once
EDIT_UPLIFT = 1.6  # human clicks per share, edited ÷ unedited
README_ADVOCATES = ["anna.holm@nordlys.example", "lars.berg@nordlys.example"]

NETWORK_WEIGHTS = {
    "linkedin": 0.55,
    "facebook": 0.15,
    "x": 0.12,
    "bluesky": 0.08,
    "instagram": 0.05,
    "mastodon": 0.05,
}
# How many people a post reaches, relative to LinkedIn's 1.0 (Instagram captions have no links).
REACH = {
    "linkedin": 1.0,
    "facebook": 0.65,
    "x": 0.45,
    "bluesky": 0.4,
    "mastodon": 0.4,
    "instagram": 0.22,
}
REFERRERS = {
    "linkedin": (0.7, ["www.linkedin.com"]),
    "facebook": (0.8, ["l.facebook.com"]),
    "x": (0.85, ["t.co"]),
    "bluesky": (0.8, ["bsky.app"]),
    "mastodon": (
        0.65,
        [
            "mastodon.social",
            "mastodon.social",
            "mastodon.social",
            "norden.social",
            "mastodon.online",
        ],
    ),
    "instagram": (0.9, ["l.instagram.com"]),
}
DEVICES = {
    "linkedin": {"mobile": 0.55, "desktop": 0.4, "tablet": 0.05},
    "instagram": {"mobile": 0.9, "desktop": 0.07, "tablet": 0.03},
    "default": {"mobile": 0.62, "desktop": 0.33, "tablet": 0.05},
}
# Link-preview fetchers: (how many when the post goes out, countries their servers are in).
PREVIEWS = {
    "linkedin": ((1, 3), ["US", "US", "IE"]),
    "facebook": ((1, 2), ["US", "IE", "SE"]),
    "x": ((1, 2), ["US"]),
    "bluesky": ((1, 1), ["US"]),
    "mastodon": ((2, 5), ["DE", "FR", "NL", "GB", "US", "SE", "FI"]),
    "instagram": ((0, 1), ["US", "IE"]),
}
BOT_COUNTRIES = ["US", "US", "DE", "NL", "IE", "SG", "FR", ""]
HOME_COUNTRY = {
    "København": "DK",
    "Aarhus": "DK",
    "Esbjerg": "DK",
    "Oslo": "NO",
    "Bergen": "NO",
    "Stavanger": "NO",
    "Malmö": "SE",
}

# When people share (their local time): Tuesday to Thursday busiest, weekends quiet; mornings
# 8–10 and lunch.
SHARE_DAYS = [0.75, 1.0, 1.0, 0.95, 0.6, 0.12, 0.15]
SHARE_HOURS = [0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.06, 0.35, 1.0, 1.0, 0.65, 0.55,
               0.85, 0.7, 0.45, 0.45, 0.35, 0.2, 0.1, 0.12, 0.15, 0.12, 0.05, 0.02]  # fmt: skip
# When people read and click: all waking hours, with the commute, lunch and the evening sofa.
CLICK_DAYS = [0.95, 1.0, 1.0, 1.0, 0.9, 0.65, 0.7]
CLICK_HOURS = [0.1, 0.05, 0.03, 0.02, 0.03, 0.1, 0.35, 0.7, 0.9, 0.9, 0.8, 0.8,
               1.0, 0.85, 0.7, 0.7, 0.7, 0.6, 0.55, 0.65, 0.8, 0.75, 0.5, 0.25]  # fmt: skip

# Conversions per human click, by the item's goal; what the website calls them.
CONVERSION_RATE: dict[str, float] = {Goal.LEADS: 0.05, Goal.RECRUITMENT: 0.045}
CONVERSION_KIND: dict[str, str] = {Goal.LEADS: "lead", Goal.RECRUITMENT: "application"}
EXTERNAL_PREFIX = {"lead": "crm", "application": "job", "signup": "nl"}

OPENERS = {
    "da": [
        "Stolt af mit team:",
        "Det her er jeg glad for at være en del af.",
        "Kæmpe arbejde af mine kolleger 👏",
        "Det her har vi knoklet for.",
        "Godt gået, alle sammen!",
        "Lidt nyt fra min hverdag:",
    ],
    "nb": [
        "Stolt av teamet mitt:",
        "Dette er jeg glad for å være en del av.",
        "Imponerende innsats av kollegene mine 👏",
        "Dette har vi jobbet hardt for.",
        "Bra jobba, alle sammen!",
        "Litt nytt fra hverdagen min:",
    ],
    "en": [
        "Proud of my team:",
        "Really glad to be part of this.",
        "Huge effort by my colleagues 👏",
        "This is what we've been working towards.",
        "Great work, everyone!",
        "A bit of news from my day job:",
    ],
}
CLOSERS = {
    Goal.RECRUITMENT: {
        "da": "Kender du en, der passer? Send dem min vej.",
        "nb": "Kjenner du noen som passer? Send dem til meg.",
        "en": "Know someone who'd fit? Send them my way.",
    },
    Goal.LEADS: {
        "da": "Skriv til mig, hvis I står over for det samme.",
        "nb": "Send meg en melding om dere står i det samme.",
        "en": "Message me if you're facing the same.",
    },
    "": {
        "da": "Spørg mig gerne, hvis du vil vide mere.",
        "nb": "Spør meg gjerne om du vil vite mer.",
        "en": "Happy to tell you more — just ask.",
    },
}
REWRITES = {
    "da": "{opener} {title} – læs hele historien her: {url}",
    "nb": "{opener} {title} – les hele historien her: {url}",
    "en": "{opener} {title} — the whole story is here: {url}",
}


class Hit(NamedTuple):
    """A click before it is saved (its token is made when it is)."""

    at: datetime
    kind: str
    visitor: str
    referrer: str
    device: str
    country: str


@dataclass(eq=False)
class Sharer:
    employee: Employee
    tz: ZoneInfo
    start: datetime  # the first moment they could share (on the demo's clock)
    ambassador: bool
    reach: float  # the size of their network, relative
    favourite: str = "linkedin"  # the network they use most
    visible: list = field(default_factory=list)  # items they are targeted with


@dataclass(eq=False)
class Planned:
    sharer: Sharer
    at: datetime
    network: str = ""
    item: ContentItem | None = None
    suggested: str = ""
    text: str = ""
    distance: float = 0.0
    clicks: list[Hit] = field(default_factory=list)
    conversions: list = field(default_factory=list)  # (click index, kind, value, at)
    confirmed_at: datetime | None = None
    confirmed_by: str = ""


def build(rng: random.Random, progress) -> dict:
    now = timezone.now()
    # The demo's clock: the hour it is built in. Clicks up to then, nothing after.
    cutoff = now.replace(minute=0, second=0, microsecond=0)

    def on_clock(when: datetime) -> datetime:
        """Another builder's time, as whole minutes before the demo's clock (they made their
        times as whole minutes before their own `now`, a moment before ours)."""
        return cutoff - timedelta(minutes=int((now - when).total_seconds() // 60))

    sharers = _sharers(rng, now, cutoff, on_clock)
    items = _items(on_clock, cutoff)
    groups: dict[int, set] = defaultdict(set)
    for employee_id, group_id in Employee.groups.through.objects.values_list(
        "employee_id", "group_id"
    ):
        groups[employee_id].add(group_id)
    for sharer in sharers:
        sharer.visible = [
            i for i in items if _targets(i, sharer.employee, groups[sharer.employee.pk])
        ]
    texts = {(t.item_id, t.network, t.language): t.text for t in SuggestedText.objects.all()}
    titles = {(v.item_id, v.language): v.title for v in ContentVariant.objects.all()}

    shares = _plan_shares(rng, sharers, cutoff)
    used: set = set()
    kept = []
    for share in shares:
        if _choose_item(rng, share, used):
            _write_text(rng, share, texts, titles)
            kept.append(share)
    shares = kept
    progress.update(1)

    for share in shares:
        _clicks(rng, share, cutoff)
    _show_the_uplift(rng, shares)
    for share in shares:
        _confirm(rng, share)
    _conversions(rng, shares, cutoff)
    progress.update(1)

    n_clicks, n_conversions = _save(rng, shares)
    progress.update(1)
    return {"shares": len(shares), "clicks": n_clicks, "conversions": n_conversions}


# --- Who shares ------------------------------------------------------------------------------


def _sharers(rng: random.Random, now, cutoff, on_clock) -> list[Sharer]:
    registered = list(
        Employee.objects.filter(is_active=True, user__isnull=False)
        .select_related("user", "location", "department")
        .order_by("pk")
    )
    ambassadors = set(
        Employee.groups.through.objects.filter(group__name="Ambassadors").values_list(
            "employee_id", flat=True
        )
    )
    # The README's advocates show a full 90 days of sharing: they joined before it began.
    for employee in registered:
        assert employee.user is not None  # registered: they have a login
        if employee.email in README_ADVOCATES and on_clock(
            employee.user.date_joined
        ) > cutoff - timedelta(days=DAYS + 5):
            _joined_earlier(employee, now - timedelta(days=DAYS + 14, minutes=517))

    first = cutoff - timedelta(days=DAYS)
    candidates = []
    for employee in registered:
        assert employee.user is not None  # registered: they have a login
        start = max(first, on_clock(employee.user.date_joined) + timedelta(hours=2))
        if start >= cutoff - timedelta(hours=1):
            continue
        candidates.append(
            Sharer(
                employee=employee,
                tz=ZoneInfo(employee.time_zone or "Europe/Copenhagen"),
                start=start,
                ambassador=employee.pk in ambassadors,
                reach=rng.lognormvariate(0, 0.45) * (1.4 if employee.pk in ambassadors else 1.0),
            )
        )
    wanted = round(ACTIVATION * len(registered))
    chosen = [s for s in candidates if s.ambassador or s.employee.email in README_ADVOCATES]
    others = [s for s in candidates if s not in chosen]

    # Who else gets going: more likely the longer they have been in, and in customer-facing work.
    def keenness(sharer: Sharer) -> float:
        days = (cutoff - sharer.start).total_seconds() / 86400
        department = sharer.employee.department.name if sharer.employee.department else ""
        weight = min(1.0, days / 30) ** 0.7 * (
            1.5
            if department in {"Sales", "Marketing & Communications", "People & Culture"}
            else 1.0
        )
        return rng.random() ** (1 / max(weight, 0.01))

    ranked = sorted(others, key=keenness, reverse=True)
    chosen += ranked[: max(0, wanted - len(chosen))]
    return sorted(chosen, key=lambda s: s.employee.pk)


def _joined_earlier(employee: Employee, joined: datetime) -> None:
    assert employee.user is not None and employee.user_id is not None  # registered
    created = joined - timedelta(days=3)
    User.objects.filter(pk=employee.user_id).update(date_joined=joined)
    Employee.objects.filter(pk=employee.pk).update(created_at=created)
    Invitation.objects.filter(employee=employee).update(
        created_at=created, sent_at=created, accepted_at=joined
    )
    employee.user.date_joined = joined
    employee.created_at = created


# --- What they share -------------------------------------------------------------------------


@dataclass(eq=False)
class Shareable:
    item: ContentItem
    since: datetime  # published (on the demo's clock)
    until: datetime  # expired, or the end of the demo
    languages: set
    departments: set
    teams: set
    groups: set
    locations: set


def _items(on_clock, cutoff) -> list[Shareable]:
    items = (
        ContentItem.objects.filter(
            status__in=[Status.PUBLISHED, Status.EXPIRED], published_at__isnull=False
        )
        .prefetch_related("variants", "departments", "teams", "groups", "locations")
        .order_by("pk")
    )
    result = []
    for item in items:
        until = on_clock(item.expire_at) if item.expire_at else cutoff
        result.append(
            Shareable(
                item=item,
                since=on_clock(item.published_at),
                until=min(until, cutoff),
                languages={item.language, *(v.language for v in item.variants.all())},
                departments={d.pk for d in item.departments.all()},
                teams={t.pk for t in item.teams.all()},
                groups={g.pk for g in item.groups.all()},
                locations={loc.pk for loc in item.locations.all()},
            )
        )
    return result


def _targets(shareable: Shareable, employee: Employee, groups: set) -> bool:
    """Does the item reach the employee (as `content.services.targeting_q`, in memory)?"""
    item = shareable.item
    if item.target_everyone:
        return True
    dimensions = [
        (shareable.departments, {employee.department_id}),
        (shareable.teams, {employee.team_id}),
        (shareable.groups, groups),
        (shareable.locations, {employee.location_id}),
    ]
    if not item.roles and not any(chosen for chosen, _mine in dimensions):
        return False
    if item.roles and f",{employee.role}," not in item.roles:
        return False
    return all(not chosen or chosen & mine for chosen, mine in dimensions)


def _plan_shares(rng: random.Random, sharers: list[Sharer], cutoff) -> list[Planned]:
    end = cutoff - timedelta(minutes=15)
    planned = []
    for sharer in sharers:
        days = (end - sharer.start).total_seconds() / 86400
        if sharer.ambassador or sharer.employee.email in README_ADVOCATES:
            # Weekly, spread over their time in the programme: one share in each stretch.
            rate = rng.uniform(0.8, 1.5)
            n = max(1, round(days / 7 * rate))
            if sharer.employee.email in README_ADVOCATES:
                n = max(n, 11)
            stretch = (end - sharer.start) / n
            times = [
                _share_time(
                    rng, sharer, sharer.start + stretch * i, sharer.start + stretch * (i + 1)
                )
                for i in range(n)
            ]
        else:
            # A few times; most started keen and then shared less.
            n = rng.choices([1, 2, 3, 4, 5, 6, 8], weights=[30, 24, 17, 11, 8, 6, 4])[0]
            if days < 14:
                n = min(n, 2)
            times = [_share_time(rng, sharer, sharer.start, end, skew=1.8) for _ in range(n)]
        for at in times:
            planned.append(Planned(sharer=sharer, at=at))
            if rng.random() < 0.08:  # the same post on a second network, a few minutes later
                again = at + timedelta(minutes=rng.randint(2, 12))
                if again < end:
                    planned.append(Planned(sharer=sharer, at=again, network="second"))
    _favourites(sharers, planned)
    planned.sort(key=lambda s: (s.at, s.sharer.employee.pk))
    return planned


def _favourites(sharers: list[Sharer], planned: list[Planned]) -> None:
    """Everyone has a network they use most. Handed out so that the programme as a whole ends
    up near the networks' weights, however few people share a lot (the keenest mostly get
    LinkedIn)."""
    shares: defaultdict[int, int] = defaultdict(int)
    for share in planned:
        shares[share.sharer.employee.pk] += 1
    given, total = defaultdict[str, float](float), 0
    for sharer in sorted(sharers, key=lambda s: (-shares[s.employee.pk], s.employee.pk)):
        total += shares[sharer.employee.pk]
        sharer.favourite = max(NETWORK_WEIGHTS, key=lambda n: NETWORK_WEIGHTS[n] * total - given[n])
        given[sharer.favourite] += shares[sharer.employee.pk]


def _share_time(
    rng: random.Random, sharer: Sharer, start: datetime, end: datetime, skew: float = 1.0
) -> datetime:
    span = (end - start).total_seconds()
    at = start
    for _try in range(200):
        at = start + timedelta(seconds=span * rng.random() ** skew)
        local = at.astimezone(sharer.tz)
        if rng.random() < SHARE_DAYS[local.weekday()] * SHARE_HOURS[local.hour]:
            break
    return at


def _choose_item(rng: random.Random, share: Planned, used: set) -> bool:
    """Pick the network and an item that was published at the time, preferring recent and
    featured ones, the sharer's language and their line of work."""
    sharer = share.sharer
    employee = sharer.employee
    if share.network == "second":
        previous = [
            k
            for k in used
            if k[0] == employee.pk and timedelta(0) <= share.at - k[3] <= timedelta(minutes=15)
        ]
        if not previous:
            return False
        _pk, item_id, first_network, _at = max(previous, key=lambda k: k[3])
        taken = {k[:3] for k in used}
        networks = {
            n: w
            for n, w in NETWORK_WEIGHTS.items()
            if n != first_network and (employee.pk, item_id, n) not in taken
        }
        share.network = _pick(rng, networks)
        share.item = next(s.item for s in sharer.visible if s.item.pk == item_id)
        used.add((employee.pk, item_id, share.network, share.at))
        return True
    share.network = sharer.favourite if rng.random() < 0.65 else _pick(rng, NETWORK_WEIGHTS)
    department = employee.department.name if employee.department else ""
    taken = {k[:3] for k in used if k[0] == employee.pk}
    weights = {}
    for shareable in sharer.visible:
        if not shareable.since + timedelta(minutes=90) <= share.at < shareable.until:
            continue
        if (employee.pk, shareable.item.pk, share.network) in taken:
            continue
        item = shareable.item
        age = (share.at - shareable.since).total_seconds() / 86400
        weight = math.exp(-age / 10) + 0.03
        weight *= 3.0 if item.featured else 1.0
        weight *= 2.0 if employee.language in shareable.languages else 0.5
        if (department == "Sales" and item.goal == Goal.LEADS) or (
            department == "People & Culture" and item.goal == Goal.RECRUITMENT
        ):
            weight *= 2.5
        weights[shareable] = weight
    if not weights:
        return False
    chosen = _pick(rng, weights)
    share.item = chosen.item
    used.add((employee.pk, chosen.item.pk, share.network, share.at))
    return True


def _write_text(rng: random.Random, share: Planned, texts: dict, titles: dict) -> None:
    """The suggested text for the network in the sharer's language (else the title and the
    link); about 45 % make it their own."""
    item, network = share.item, share.network
    assert item is not None  # chosen before the text is written
    language = share.sharer.employee.language
    language = language if language in OPENERS else "en"
    title = item.title if item.language == language else titles.get((item.pk, language), item.title)
    share.suggested = texts.get((item.pk, network, language)) or f"{title}\n\n{item.url}"
    share.text = share.suggested
    keen = share.sharer.ambassador or share.sharer.employee.email in README_ADVOCATES
    if rng.random() < (0.55 if keen else 0.35):
        opener = rng.choice(OPENERS[language])
        closer = CLOSERS.get(item.goal, CLOSERS[""])[language]
        style = rng.random()
        if style < 0.5:
            text = f"{opener}\n\n{share.suggested}"
        elif style < 0.8:
            text = f"{opener}\n\n{share.suggested}\n\n{closer}"
        else:
            text = REWRITES[language].format(opener=opener, title=title, url=item.url)
        if count(network, text) > LIMITS[network]:
            text = REWRITES[language].format(opener=opener, title=title, url=item.url)
        if count(network, text) > LIMITS[network]:
            text = f"{opener} {item.url}"
        share.text = text
    share.distance = edit_distance(share.suggested, share.text)


# --- What happens next -----------------------------------------------------------------------


def _clicks(rng: random.Random, share: Planned, cutoff) -> None:
    sharer, network = share.sharer, share.network
    assert share.item is not None  # chosen before it is clicked
    edited = share.distance > 0
    reach = 5.5 * REACH[network] * sharer.reach * (1.3 if share.item.featured else 1.0)
    expected = reach * (EDIT_UPLIFT if edited else 1.0) * rng.lognormvariate(-0.45, 0.95)
    if sharer.employee.email in README_ADVOCATES:
        expected = max(expected, 4.0)
    home = HOME_COUNTRY.get(sharer.employee.location.name if sharer.employee.location else "", "DK")
    countries = {
        home: 0.68,
        **{c: 0.08 for c in ("DK", "NO", "SE") if c != home},
        "DE": 0.06,
        "GB": 0.05,
        "US": 0.05,
    }
    referrer_share, referrers = REFERRERS[network]
    devices = DEVICES.get(network, DEVICES["default"])
    clicks = share.clicks
    seen: dict = defaultdict(list)  # day → visitors of this link that day (a hash per day)

    for _n in range(_poisson(rng, expected)):
        at = _click_time(rng, share.at, sharer.tz)
        day = at.astimezone(sharer.tz).date()
        visitor = rng.choice(seen[day]) if seen[day] and rng.random() < 0.12 else _hash(rng)
        seen[day].append(visitor)
        referrer = rng.choice(referrers) if rng.random() < referrer_share else ""
        device, country = _pick(rng, devices), _pick(rng, countries)
        clicks.append(Hit(at, Click.Kind.HUMAN, visitor, referrer, device, country))
    # Link previews: the network fetches the card when the post goes out; later, someone
    # pastes the link into a chat.
    (low, high), fetchers = PREVIEWS[network]
    for _n in range(rng.randint(low, high)):
        at = share.at + timedelta(seconds=rng.randint(3, 1800 if network == "mastodon" else 240))
        clicks.append(Hit(at, Click.Kind.PREVIEW, _hash(rng), "", "other", rng.choice(fetchers)))
    if rng.random() < 0.25:
        at = _click_time(rng, share.at, sharer.tz)
        country = rng.choice(["US", "IE", home])
        clicks.append(Hit(at, Click.Kind.PREVIEW, _hash(rng), "", "other", country))
    for _n in range(_poisson(rng, max(0.3, 0.06 * expected))):
        at = share.at + timedelta(minutes=rng.uniform(1, 60 * 24 * 10))
        clicks.append(Hit(at, Click.Kind.BOT, _hash(rng), "", "other", rng.choice(BOT_COUNTRIES)))
    if rng.random() < 0.2:  # the sharer checks their own post
        at = share.at + timedelta(minutes=rng.uniform(1, 40))
        device = rng.choice(["mobile", "desktop"])
        clicks.append(Hit(at, Click.Kind.SELF, _hash(rng), referrers[0], device, home))
    # Only what has happened by now.
    share.clicks = sorted((c for c in clicks if c.at <= cutoff), key=lambda c: c.at)


def _click_time(rng: random.Random, shared: datetime, tz: ZoneInfo) -> datetime:
    """Mostly in the first 48 hours, fading; some days later; at hours people are awake."""
    at = shared
    for _try in range(100):
        roll = rng.random()
        if roll < 0.72:
            hours = min(rng.expovariate(1 / 7), 48)
        elif roll < 0.92:
            hours = rng.uniform(24, 96)
        else:
            hours = rng.uniform(96, 21 * 24)
        at = shared + timedelta(hours=hours, minutes=2)
        local = at.astimezone(tz)
        if rng.random() < CLICK_DAYS[local.weekday()] * CLICK_HOURS[local.hour]:
            break
    return at


def _show_the_uplift(rng: random.Random, shares: list[Planned]) -> None:
    """Edited posts earn about 1.6× the human clicks of unedited ones: the lesson the demo
    teaches. The clicks are drawn with that uplift; here the dice's noise is taken out by
    dropping a few clicks at random from the group that came out ahead of it."""

    def per_share(group: list[Planned]) -> float:
        humans = sum(1 for s in group for c in s.clicks if c.kind == Click.Kind.HUMAN)
        return humans / max(1, len(group))

    edited = [s for s in shares if s.distance > 0]
    plain = [s for s in shares if s.distance == 0]
    if not edited or not plain or not per_share(plain):
        return
    ratio = per_share(edited) / per_share(plain)
    group, keep = (
        (edited, EDIT_UPLIFT / ratio) if ratio > EDIT_UPLIFT else (plain, ratio / EDIT_UPLIFT)
    )
    for share in group:
        share.clicks = [
            c for c in share.clicks if c.kind != Click.Kind.HUMAN or rng.random() < keep
        ]


def _confirm(rng: random.Random, share: Planned) -> None:
    """Confirmed by the advocate a few minutes later, or by the first human click."""
    first_human = next((c.at for c in share.clicks if c.kind == Click.Kind.HUMAN), None)
    share.confirmed_at = share.at + timedelta(seconds=rng.randint(40, 360))
    share.confirmed_by = "advocate"
    if first_human is not None and (first_human < share.confirmed_at or rng.random() < 0.12):
        share.confirmed_at, share.confirmed_by = first_human, "click"


def _conversions(rng: random.Random, shares: list[Planned], cutoff) -> None:
    """~3 % of human clicks lead to an application, a lead or a signup on the website, mostly in
    the same visit, some on a later one within the attribution window."""
    for share in shares:
        assert share.item is not None  # every planned share has its item by now
        goal = share.item.goal
        kind = CONVERSION_KIND.get(goal, "signup")
        rate = CONVERSION_RATE.get(goal, 0.03)
        for index, click in enumerate(share.clicks):
            if click.kind != Click.Kind.HUMAN or rng.random() >= rate:
                continue
            delay = (
                timedelta(minutes=rng.uniform(2, 40))
                if rng.random() < 0.65
                else timedelta(days=rng.uniform(1, 29))
            )
            if click.at + delay <= cutoff:
                share.conversions.append((index, kind, _value(rng, kind), click.at + delay))
    # The README's advocates show at least one conversion on their page.
    for email in README_ADVOCATES:
        mine = [s for s in shares if s.sharer.employee.email == email]
        if any(s.conversions for s in mine):
            continue
        for share in sorted(mine, key=lambda s: -len(s.clicks)):
            humans = [
                i
                for i, c in enumerate(share.clicks)
                if c.kind == Click.Kind.HUMAN and c.at <= cutoff - timedelta(hours=1)
            ]
            if humans:
                assert share.item is not None
                index = humans[0]
                kind = CONVERSION_KIND.get(share.item.goal, "signup")
                at = share.clicks[index].at + timedelta(minutes=rng.uniform(3, 50))
                share.conversions.append((index, kind, _value(rng, kind), at))
                break


def _value(rng: random.Random, kind: str) -> Decimal | None:
    if kind == "lead" and rng.random() < 0.6:
        return Decimal(rng.randrange(5000, 50001, 500))
    return None


# --- Saving ----------------------------------------------------------------------------------


def _save(rng: random.Random, shares: list[Planned]) -> tuple[int, int]:
    rows = [
        Share(
            employee=s.sharer.employee, item=s.item, network=s.network, text=s.text,
            suggested_text=s.suggested, edited=s.distance > 0, edit_distance=s.distance,
            method=Share.Method.COPY if s.network == "instagram" else Share.Method.DIALOG,
            status=Share.Status.CONFIRMED, created_at=s.at, confirmed_at=s.confirmed_at,
            confirmed_by=s.confirmed_by,
        )
        for s in shares
    ]  # fmt: skip
    for plan, row in zip(shares, rows, strict=True):
        _audience_and_engagement(plan, row)
    Share.objects.bulk_create(rows, batch_size=500)
    codes, tokens = set[str](), set[str]()
    links = [
        TrackedLink(share=row, code=_unique(rng, codes, 48), created_at=row.created_at)
        for row in rows
    ]
    TrackedLink.objects.bulk_create(links, batch_size=500)

    clicks, owners = [], []
    for share, link in zip(shares, links, strict=True):
        for hit in share.clicks:
            clicks.append(
                Click(link=link, at=hit.at, kind=hit.kind, visitor=hit.visitor,
                      token=_unique(rng, tokens, 96), referrer_domain=hit.referrer,
                      device=hit.device, country=hit.country)
            )  # fmt: skip
        owners.append(len(clicks) - len(share.clicks))
    Click.objects.bulk_create(clicks, batch_size=1000)

    # The demo company reports conversions from its server (signed), so they pay points.
    conversions, numbers = [], defaultdict[str, int](int)
    for share, link, first in zip(shares, links, owners, strict=True):
        for index, kind, value, at in share.conversions:
            numbers[kind] += 1
            conversions.append(
                Conversion(click=clicks[first + index], link=link, kind=kind, value=value,
                           currency="DKK" if value is not None else "",
                           external_id=f"{EXTERNAL_PREFIX[kind]}-{10000 + numbers[kind]}",
                           source="server", at=at)
            )  # fmt: skip
    Conversion.objects.bulk_create(conversions, batch_size=1000)
    return len(clicks), len(conversions)


# Typical audience (followers/connections) of an employee per network, before their own reach.
AUDIENCE = {"linkedin": 420, "facebook": 310, "x": 230, "bluesky": 110, "mastodon": 140,
            "instagram": 330}  # fmt: skip
# Networks whose numbers the advocates in the demo wrote down from the post (no API yet).
STATED = {"linkedin", "x", "bluesky", "mastodon"}


def _audience_and_engagement(plan: Planned, row: Share) -> None:
    """Potential reach (the audience when they shared) and, for some posts, the reactions,
    comments and reshares the advocate read off the post a few days later. A generator of its
    own per share, so the rest of the demo stays as it was."""
    rng = random.Random(f"reach:{plan.sharer.employee.pk}:{plan.network}:{plan.at.isoformat()}")
    base = AUDIENCE[plan.network] * plan.sharer.reach
    row.audience = max(12, round(base * rng.uniform(0.95, 1.05)))
    row.audience_source = "advocate"
    read_at = (plan.confirmed_at or plan.at) + timedelta(days=3)
    cutoff = timezone.now().replace(minute=0, second=0, microsecond=0)
    if plan.network not in STATED or rng.random() > 0.5 or read_at > cutoff:
        return
    humans = sum(1 for hit in plan.clicks if hit.kind == "human")
    row.reactions = _poisson(rng, row.audience * 0.018 + humans * 0.6)
    row.comments = _poisson(rng, row.reactions * 0.14)
    row.reshares = _poisson(rng, row.reactions * 0.07)
    if plan.network == "linkedin":
        row.impressions = round(row.audience * rng.uniform(0.9, 2.2))
    row.engagement_source = "advocate"
    row.engagement_at = read_at


# --- Helpers ---------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, n, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        n += 1
        product *= rng.random()
    return n


def _hash(rng: random.Random) -> str:
    """A visitor as the redirect stores one: a 32-hex keyed hash (here of a random string)."""
    return hashlib.sha256(f"visitor:{rng.getrandbits(64)}".encode()).hexdigest()[:32]


def _unique(rng: random.Random, seen: set, bits: int) -> str:
    """A URL-safe random string like `secrets.token_urlsafe`, from the demo's generator:
    48 bits → an 8-character link code, 96 bits → a 16-character click token."""
    while True:
        value = (
            base64.urlsafe_b64encode(rng.getrandbits(bits).to_bytes(bits // 8, "big"))
            .decode()
            .rstrip("=")
        )
        if value not in seen:
            seen.add(value)
            return value
