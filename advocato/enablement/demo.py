"""The demo company's enablement: a social media policy in three languages whose second
version came out five days ago (most people accepted the first, fewer the new one — Anna has
not yet, so she meets the re-acceptance), sharing not waiting for it, and onboarding half
way for many."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from advocato.core.audit import acting_as
from advocato.people.models import Employee
from advocato.sharing.models import NetworkAccount, Share

from . import demo_training
from .models import ChecklistTick, EnablementSettings, PolicyAcceptance, PolicyVersion

STEPS = 2

POLICY = {
    "en": """You are welcome to share Nordlys content on your own profiles — in your own words.

## What we ask
- **Say that you work here.** Add #NordlysEnergi or mention it in your profile.
- **Use your own voice.** Change the suggested text; your network wants to hear you.
- **Keep confidential things confidential**: customers, prices, tenders and anything not yet
  published.
- **Be kind**, also when someone disagrees. You never have to answer a hostile comment —
  forward it to the communications team from the share's page.

## What you can count on
- Sharing is voluntary. Nobody is measured on their private life.
- Your results are yours: see *My data* for everything we keep.
""",
    "da": """Du er velkommen til at dele Nordlys-indhold på dine egne profiler — med dine egne ord.

## Det beder vi om
- **Sig, at du arbejder her.** Tilføj #NordlysEnergi eller nævn det i din profil.
- **Brug din egen stemme.** Ret i den foreslåede tekst; dit netværk vil høre dig.
- **Hold fortroligt fortroligt**: kunder, priser, udbud og alt, der ikke er offentliggjort.
- **Vær venlig**, også når nogen er uenige. Du skal aldrig svare på en fjendtlig kommentar —
  send den videre til kommunikationsteamet fra delingens side.

## Det kan du regne med
- Det er frivilligt at dele. Ingen bliver målt på deres privatliv.
- Dine resultater er dine: se *Mine data* for alt, vi gemmer.
""",
    "nb": """Du er velkommen til å dele Nordlys-innhold på dine egne profiler — med dine egne ord.

## Dette ber vi om
- **Si at du jobber her.** Legg til #NordlysEnergi eller nevn det i profilen din.
- **Bruk din egen stemme.** Endre den foreslåtte teksten; nettverket ditt vil høre deg.
- **Hold fortrolig informasjon fortrolig**: kunder, priser, anbud og alt som ikke er publisert.
- **Vær vennlig**, også når noen er uenige. Du må aldri svare på en fiendtlig kommentar —
  send den videre til kommunikasjonsteamet fra delingens side.

## Dette kan du regne med
- Det er frivillig å dele. Ingen blir målt på privatlivet sitt.
- Resultatene dine er dine: se *Mine data* for alt vi lagrer.
""",
}
NEW_IN_V2 = {
    "en": "\n## New in version 2\n- **AI-written posts**: say so when a tool wrote most of it.\n",
    "da": "\n## Nyt i version 2\n- **AI-skrevne opslag**: sig det, når et værktøj har skrevet det meste.\n",
    "nb": "\n## Nytt i versjon 2\n- **KI-skrevne innlegg**: si det når et verktøy har skrevet det meste.\n",
}


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    admin = Employee.objects.get(email="admin@nordlys.example")
    anna = Employee.objects.get(email="anna.holm@nordlys.example")
    with acting_as(None):
        EnablementSettings.get()
        first = PolicyVersion.objects.create(
            number=1, title="Social media policy", created_by=admin,
            created_at=now - timedelta(days=75), published_at=now - timedelta(days=70),
            **{f"body_{code}": text for code, text in POLICY.items()},
        )  # fmt: skip
        second = PolicyVersion.objects.create(
            number=2, title="Social media policy", created_by=admin,
            summary="New: say when a tool wrote most of a post.",
            created_at=now - timedelta(days=6), published_at=now - timedelta(days=5),
            **{f"body_{code}": POLICY[code] + NEW_IN_V2[code] for code in POLICY},
        )  # fmt: skip
        registered = list(
            Employee.objects.filter(user__isnull=False, is_active=True).order_by("pk")
        )
        acceptances = []
        ticks = []
        for person in registered:
            if rng.random() < 0.85:
                at = now - timedelta(days=70) + timedelta(minutes=rng.randint(30, 60 * 24 * 40))
                acceptances.append(PolicyAcceptance(employee=person, version=first, accepted_at=at))
                if person.pk != anna.pk and rng.random() < 0.45:
                    at = now - timedelta(minutes=rng.randint(30, 60 * 24 * 5))
                    acceptances.append(
                        PolicyAcceptance(employee=person, version=second, accepted_at=at)
                    )
            if rng.random() < 0.5:
                ticks.append(ChecklistTick(employee=person, step="profile_check",
                                           at=now - timedelta(days=rng.randint(1, 60))))  # fmt: skip
        if not any(a.employee_id == anna.pk and a.version_id == first.pk for a in acceptances):
            acceptances.append(
                PolicyAcceptance(employee=anna, version=first, accepted_at=now - timedelta(days=60))
            )
        PolicyAcceptance.objects.bulk_create(acceptances)
        ChecklistTick.objects.bulk_create(ticks, ignore_conflicts=True)
    progress.update(1)
    with acting_as(None):
        trained = demo_training.build(rng, now)
    progress.update(1)
    return {
        **trained,
        "policy_versions": 2,
        "policy_acceptances": len(acceptances),
        "sharers": Share.objects.values("employee").distinct().count(),
        "connected": NetworkAccount.objects.count(),
    }
