"""The demo company's recognition: point rules with one change a month ago (so the ledger shows
two rule versions), 90 days of points folded from the shares, clicks and conversions the
sharing demo made, one correction, badges, a recruitment challenge that has been running for
ten days and a settled one before it,
a rewards catalogue with requests waiting for the admin, a kudos wall and last-but-one
month's employee of the month (last month's waits for the admin to confirm).

Deterministic for a given random generator; times are placed on the clock of the hour the
demo is built in, like the sharing demo's."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from advocato.core.models import Organisation
from advocato.core.translated import columns_for
from advocato.lib.periods import add_months, local_day, month_start
from advocato.people.models import Employee

from . import ledger, services
from .models import Challenge, Kudos, PointEntry, Reward, RuleVersion

STEPS = 4
RUNNING_FOR_DAYS = 10  # the running challenge started this many days before today

REWARDS = [
    # {language: (name, description)}, kind, price, stock, value (DKK)
    (
        {
            "en": ("Gift card, 250 DKK", "For a shop of your choice."),
            "da": ("Gavekort på 250 kr.", "Til en butik efter eget valg."),
            "nb": ("Gavekort på 250 danske kroner", "Til en butikk du velger selv."),
        },
        "gift_card", 400, 25, Decimal("250"),
    ),
    (
        {
            "en": ("Extra day off", "Agree the day with your manager."),
            "da": ("En ekstra fridag", "Aftal dagen med din leder."),
            "nb": ("En ekstra fridag", "Avtal dagen med lederen din."),
        },
        "time_off", 1500, 5, None,
    ),
    (
        {
            "en": ("Plant 10 trees", "We donate in your name to a reforestation project."),
            "da": ("Plant 10 træer", "Vi donerer i dit navn til et projekt, der planter skov."),
            "nb": ("Plant 10 trær", "Vi gir et bidrag i ditt navn til et prosjekt som planter skog."),
        },
        "donation", 250, None, None,
    ),
    (
        {
            "en": ("Nordlys hoodie", "Organic cotton, in the colour of the northern lights."),
            "da": ("Nordlys-hættetrøje", "Økologisk bomuld i nordlysets farver."),
            "nb": ("Nordlys-hettegenser", "Økologisk bomull i nordlysets farger."),
        },
        "other", 300, 3, Decimal("180"),
    ),
    (
        {
            "en": ("Lunch with the CEO", "Bring your ideas."),
            "da": ("Frokost med direktøren", "Tag dine idéer med."),
            "nb": ("Lunsj med konsernsjefen", "Ta med deg ideene dine."),
        },
        "other", 800, 2, None,
    ),
]  # fmt: skip
CHALLENGES = {
    "running": {
        "title": {
            "en": "Four weeks of recruitment clicks",
            "da": "Fire ugers rekrutteringsklik",
            "nb": "Fire uker med rekrutteringsklikk",
        },
        "description": {
            "en": "Share our open positions in your own words. Every person who clicks "
            "counts; your own clicks and bots do not.",
            "da": "Del vores ledige stillinger med dine egne ord. Hver person, der klikker, "
            "tæller – dine egne klik og robotter gør ikke.",
            "nb": "Del de ledige stillingene våre med dine egne ord. Hver person som klikker, "
            "teller – dine egne klikk og roboter gjør det ikke.",
        },
        "prize": {
            "en": "Dinner for two at Noma's neighbour",
            "da": "Middag for to hos Nomas nabo",
            "nb": "Middag for to hos naboen til Noma",
        },
    },
    "settled": {
        "title": {
            "en": "Spread the word on leads",
            "da": "Flest nye kundeemner",
            "nb": "Flest nye kundeemner",
        },
        "description": {
            "en": "Most conversions from leads content.",
            "da": "Flest konverteringer fra indhold, der skal skaffe nye kunder.",
            "nb": "Flest konverteringer fra innhold som skal skaffe nye kunder.",
        },
        "prize": {
            "en": "A bottle of aquavit",
            "da": "En flaske akvavit",
            "nb": "En flaske akevitt",
        },
    },
}
CITATION = {
    "en": "Shared every single week",
    "da": "Delte noget hver eneste uge",
    "nb": "Delte noe hver eneste uke",
}


def _texts(texts: dict[str, dict[str, str]], default: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for field, by_language in texts.items():
        values.update(columns_for(field, by_language, default))
    return values


KUDOS = {
    "da": [
        "Tak for at dele vores jobopslag – to af dine kontakter har søgt!",
        "Dit opslag om vindparken var det bedste, jeg har set i år.",
        "Du fik virkelig folk til at klikke. Godt gået!",
        "Tak fordi du altid skriver med din egen stemme.",
    ],
    "nb": [
        "Takk for at du delte stillingsannonsen – flott innsats!",
        "Innlegget ditt om solparken var kjempebra.",
        "Du er et forbilde for hele teamet på LinkedIn.",
    ],
    "en": [
        "Thanks for sharing the engineering jobs — we got three great applications!",
        "Your post about the new wind farm was brilliant.",
        "Love how you put the story in your own words every time.",
        "You brought in our best lead this quarter. Thank you!",
    ],
}


def build(rng: random.Random, progress) -> dict:
    now = timezone.now()
    cutoff = now.replace(minute=0, second=0, microsecond=0)
    tz = Organisation.get().zone
    admin = Employee.objects.get(email="admin@nordlys.example")
    curator = Employee.objects.get(email="curator@nordlys.example")
    anna = Employee.objects.get(email="anna.holm@nordlys.example")

    # Rules: the defaults, then a change a month ago — applications matter more now.
    ledger.default_rules()
    RuleVersion.objects.create(
        effective_from=cutoff - timedelta(days=30),
        created_by=admin,
        conversion_by_kind={"lead": 25, "application": 40, "signup": 10},
        note="Recruitment push: applications earn more",
    )
    progress.update(1)

    # 90 days of points, exactly as the worker folds them.
    entries = ledger.fold(now=cutoff)
    wrong = (
        PointEntry.objects.filter(kind=PointEntry.Kind.SHARE, points__gt=0)
        .order_by("at", "id")
        .first()
    )
    if wrong is not None:
        ledger.reverse_entry(wrong, admin, "Post was deleted the same day")
    progress.update(1)

    # Challenges: four weeks of recruitment clicks that started ten days ago (running, on any
    # day of the year, with clicks in it already) and the four weeks before it (settled).
    today = local_day(cutoff, tz)
    this_month = month_start(today)
    starts_on = today - timedelta(days=RUNNING_FOR_DAYS)
    default = Organisation.get().default_language
    running = Challenge.objects.create(
        **_texts(CHALLENGES["running"], default),
        metric="clicks",
        goal="recruitment",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=27),
        winners=3,
        created_by=curator,
        created_at=cutoff - timedelta(days=RUNNING_FOR_DAYS + 3),
    )
    Challenge.objects.create(
        **_texts(CHALLENGES["settled"], default),
        metric="conversions",
        goal="leads",
        starts_on=starts_on - timedelta(days=28),
        ends_on=starts_on - timedelta(days=1),
        winners=1,
        created_by=curator,
        created_at=cutoff - timedelta(days=RUNNING_FOR_DAYS + 31),
    )
    services.settle_challenges(now=cutoff)

    # The catalogue and requests: some waiting, one approved, one declined.
    rewards = [
        Reward.objects.create(
            **_texts(
                {
                    "name": {code: pair[0] for code, pair in texts.items()},
                    "description": {code: pair[1] for code, pair in texts.items()},
                },
                default,
            ),
            kind=kind,
            price=price,
            stock=stock,
            value=value,
            currency="DKK" if value else "",
            created_at=cutoff - timedelta(days=60),
        )
        for texts, kind, price, stock, value in REWARDS
    ]
    totals = dict(
        PointEntry.objects.values_list("employee_id").annotate(s=Sum("points")).order_by()
    )
    rich = sorted(
        (e for e, s in totals.items() if s >= 400 and e != anna.pk), key=lambda e: -totals[e]
    )
    requests = []
    for employee_id in [anna.pk, *rich[:7]]:
        employee = Employee.objects.get(pk=employee_id)
        affordable = [
            r
            for r in Reward.objects.filter(pk__in=[r.pk for r in rewards]).order_by("pk")
            if r.price <= services.wallet_balance(employee) and r.stock != 0
        ]
        if affordable:
            requests.append(services.redeem(employee, rng.choice(affordable)))
    if len(requests) >= 4:
        services.decide(requests[-1], admin, approve=True)
        services.decide(requests[-2], admin, approve=False, comment="Out of hoodies in that size")
    progress.update(1)

    # Kudos between colleagues who share, and from managers.
    sharers = list(Employee.objects.filter(pk__in=totals, user__isnull=False).order_by("pk"))
    kudos = []
    for n in range(30):
        receiver = rng.choice(sharers)
        giver = receiver.manager if receiver.manager and n % 3 == 0 else rng.choice(sharers)
        if giver is None or giver.pk == receiver.pk:
            continue
        texts = KUDOS.get(giver.language, KUDOS["en"])
        kudos.append(
            Kudos(
                giver=giver,
                receiver=receiver,
                message=rng.choice(texts),
                created_at=cutoff - timedelta(minutes=rng.randint(60, 60 * 24 * 60)),
            )
        )
    Kudos.objects.bulk_create(kudos)
    if anna.manager_id:
        Kudos.objects.create(
            giver_id=anna.manager_id,
            receiver=anna,
            message="Three applications from your post this week — thank you, Anna!",
            created_at=cutoff - timedelta(days=2),
        )

    # Employee of the month: the month before last confirmed, last month waits for the admin.
    before_last = add_months(this_month, -2)
    candidates = services.month_candidates(before_last, limit=1)
    if candidates:
        chosen = services.confirm_employee_of_month(
            before_last,
            candidates[0].employee,
            admin,
            CITATION[default],
            {code: text for code, text in CITATION.items() if code != default},
        )
        chosen.confirmed_at = cutoff - timedelta(days=today.day + 25)
        chosen.save(update_fields=["confirmed_at"])
    progress.update(1)
    return {
        "ledger_entries": entries,
        "redemptions": len(requests),
        "kudos": Kudos.objects.count(),
        "challenges": Challenge.objects.filter(pk=running.pk).count() + 1,
    }
