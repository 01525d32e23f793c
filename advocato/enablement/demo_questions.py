"""The demo's questions to the comms team: Anna's question about a sceptical comment waits in
the queue; Lars's was answered by the curator within a few hours (he sees the answer on his
share); an older one was answered and closed — so the team's time to first answer shows."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from advocato.core.audit import acting_as
from advocato.people.models import Employee
from advocato.sharing.models import Share

from .models import Question

STEPS = 1

ASKED = [
    # (who, days ago, hours to the first answer or None, closed, comment, link, question, answer)
    (
        "anna.holm@nordlys.example", 0.2, None, False,
        "Vindmøller er da bare subsidieret pynt. Hvem betaler regningen?",
        "https://www.linkedin.com/feed/update/urn:li:activity:7270000000000000001/",
        "Hvordan svarer jeg høfligt på det her uden at starte en diskussion?", "",
    ),
    (
        "lars.berg@nordlys.example", 2, 3, False,
        "Are you hiring outside Denmark, or is this only for locals?",
        "https://x.com/someone/status/1860000000000000001",
        "I don't know our hiring policy for this role. What can I say?",
        "Thanks for asking! Yes — the role is open to EU applicants and we help with relocation. "
        "Link to the job page and mention that relocation support is in the ad.",
    ),
    (
        "lars.berg@nordlys.example", 20, 26, True,
        "Your turbines kill birds. How do you live with that?",
        "",
        "Should I answer this at all?",
        "You never have to. If you want to, thank them and link to our bird-safety study "
        "(nordlys.example/birds); keep it short and kind.",
    ),
]  # fmt: skip


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    curator = Employee.objects.get(email="curator@nordlys.example")
    made = 0
    with acting_as(None):
        for email, days, hours, closed, comment, link, question, answer in ASKED:
            person = Employee.objects.get(email=email)
            share = (
                Share.objects.filter(employee=person, confirmed_at__isnull=False)
                .order_by("-confirmed_at")
                .first()
            )
            if share is None:
                continue
            asked = now - timedelta(days=days)
            answered = asked + timedelta(hours=hours) if hours is not None else None
            status = Question.Status.NEW
            if answered is not None:
                status = Question.Status.CLOSED if closed else Question.Status.ANSWERED
            Question.objects.create(
                share=share, asker=person, comment=comment, comment_link=link,
                question=question, asked_at=asked, answer=answer, status=status,
                answered_by=curator if answered else None, answered_at=answered,
                first_answered_at=answered,
            )  # fmt: skip
            made += 1
    progress.update(1)
    return {"questions": made}
