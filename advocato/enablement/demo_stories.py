"""The demo company's success stories and a week of personal digests.

Three stories in Danish, Norwegian and English — as the programme's story owner would tell
them inside the company ("share the success stories internally to keep motivation up"), each
resting on evidence from the demo's own history: the share with the most clicks by someone
who chose to be named, a job application that came through a colleague's post, and the item
shared most. One advocate in Operations turned the weekly digest off. Then last week's
digests are sent the way the Monday task sends them: with `advocato demo` they land in the
demo's outbox folder (the file e-mail backend; its path is printed at start)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.core.audit import acting_as
from advocato.links.models import Click, Conversion
from advocato.people import mail
from advocato.people.models import EmailKind, Employee, Ranking
from advocato.sharing.models import Share

from . import digest
from .models import SuccessStory

STEPS = 1

CLICKS = {
    "en": (
        "{name}'s post reached further than any ad this quarter",
        "When {name} shared *“{title}”* on {network}, it was not with the suggested text: "
        "{first} wrote three lines of their own about why the work matters.\n\n"
        "The network answered. The figures below are live — they keep growing as people "
        "click.\n\n**What we learn:** your own words travel further than ours. Take the "
        "suggestion as a start, not as the post.",
    ),
    "da": (
        "{name}s opslag nåede længere end nogen annonce i kvartalet",
        "Da {name} delte *“{title}”* på {network}, var det ikke med den foreslåede tekst: "
        "{first} skrev selv tre linjer om, hvorfor arbejdet betyder noget.\n\n"
        "Netværket svarede igen. Tallene nedenfor er levende — de vokser, mens folk "
        "klikker.\n\n**Det lærer vi:** dine egne ord rækker længere end vores. Brug forslaget "
        "som en begyndelse, ikke som selve opslaget.",
    ),
    "nb": (
        "{name}s innlegg nådde lenger enn noen annonse dette kvartalet",
        "Da {name} delte *«{title}»* på {network}, var det ikke med den foreslåtte teksten: "
        "{first} skrev selv tre linjer om hvorfor arbeidet betyr noe.\n\n"
        "Nettverket svarte. Tallene under er levende — de vokser mens folk klikker.\n\n"
        "**Det lærer vi:** dine egne ord når lenger enn våre. Bruk forslaget som en start, "
        "ikke som selve innlegget.",
    ),
}
HIRE = {
    "en": (
        "A colleague's post brought us a job application",
        "A candidate applied for a position after clicking a colleague's share of "
        "*“{title}”*. Recruitment posts shared by the people who do the work are the ones "
        "candidates trust: they show who they would work with.\n\n"
        "Have we got an opening in your team? Share it — and say what you like about your job.",
    ),
    "da": (
        "En kollegas opslag gav os en jobansøgning",
        "En kandidat søgte en stilling efter at have klikket på en kollegas deling af "
        "*“{title}”*. Rekrutteringsopslag, som de ansatte selv deler, er dem, kandidater stoler "
        "på: de viser, hvem man skal arbejde sammen med.\n\n"
        "Har dit team en ledig stilling? Del den — og fortæl, hvad du godt kan lide ved dit job.",
    ),
    "nb": (
        "En kollegas innlegg ga oss en jobbsøknad",
        "En kandidat søkte en stilling etter å ha klikket på en kollegas deling av "
        "*«{title}»*. Rekrutteringsinnlegg som de ansatte selv deler, er de kandidatene stoler "
        "på: de viser hvem man skal jobbe sammen med.\n\n"
        "Har teamet ditt en ledig stilling? Del den — og fortell hva du liker med jobben din.",
    ),
}
TOGETHER = {
    "en": (
        "{sharers} colleagues told the same story — in {sharers} different ways",
        "*“{title}”* is the item shared most in the programme so far. No two posts were "
        "alike: people from sales, engineering and operations each said why it matters in "
        "their own job.\n\nThat is what makes a programme credible: many voices, one "
        "company. The figures are live.",
    ),
    "da": (
        "{sharers} kolleger fortalte den samme historie — på {sharers} forskellige måder",
        "*“{title}”* er det indhold, der er delt mest i programmet indtil nu. Ingen to opslag "
        "var ens: folk fra salg, udvikling og drift fortalte hver især, hvorfor det betyder "
        "noget i deres eget job.\n\nDet er det, der gør et program troværdigt: mange stemmer, "
        "én virksomhed. Tallene er levende.",
    ),
    "nb": (
        "{sharers} kolleger fortalte den samme historien — på {sharers} forskjellige måter",
        "*«{title}»* er innholdet som er delt mest i programmet så langt. Ingen innlegg var "
        "like: folk fra salg, utvikling og drift fortalte hver for seg hvorfor det betyr noe i "
        "sin egen jobb.\n\nDet er det som gjør et program troverdig: mange stemmer, ett "
        "selskap. Tallene er levende.",
    ),
}


def _texts(template: dict, **values) -> dict:
    fields = {}
    for code, (title, body) in template.items():
        fields[f"title_{code}"] = title.format(**values)[:200]
        fields[f"body_{code}"] = body.format(**values)
    return fields


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    curator = Employee.objects.get(email="curator@nordlys.example")
    made = []
    with acting_as(None):
        # The share with the most human clicks, by someone who chose to be named.
        best = (
            Share.objects.filter(confirmed_at__isnull=False, employee__ranking=Ranking.NAMED)
            .annotate(n=Count("link__clicks", filter=Q(link__clicks__kind=Click.Kind.HUMAN)))
            .select_related("employee", "item")
            .prefetch_related("item__variants")
            .order_by("-n", "pk")
            .first()
        )
        if best is not None:
            name = best.employee.name
            made.append(
                SuccessStory(
                    share=best, created_by=curator,
                    created_at=now - timedelta(days=22), published_at=now - timedelta(days=21),
                    **_texts(CLICKS, name=name, first=name.split()[0], title=best.version.title,
                             network=best.get_network_display()),
                )
            )  # fmt: skip
        hire = (
            Conversion.objects.filter(kind="application")
            .select_related("link__share__item")
            .order_by("-at", "-pk")
            .first()
        )
        if hire is not None:
            made.append(
                SuccessStory(
                    conversion=hire, created_by=curator,
                    created_at=now - timedelta(days=11), published_at=now - timedelta(days=10),
                    **_texts(HIRE, title=hire.link.share.item.title),
                )
            )  # fmt: skip
        most = (
            ContentItem.objects.annotate(n=Count("shares"))
            .order_by("-n", "pk")
            .values_list("pk", "title", "n")
            .first()
        )
        if most is not None:
            sharers = (
                Share.objects.filter(item_id=most[0], confirmed_at__isnull=False)
                .values("employee")
                .distinct()
                .count()
            )
            made.append(
                SuccessStory(
                    item_id=most[0], created_by=curator,
                    created_at=now - timedelta(days=4), published_at=now - timedelta(days=3),
                    **_texts(TOGETHER, title=most[1], sharers=max(sharers, 2)),
                )
            )  # fmt: skip
        SuccessStory.objects.bulk_create(made)
        # One person who turned the digest off (from her preferences page).
        quiet = (
            Employee.objects.filter(
                role="advocate", user__isnull=False, department__name="Operations"
            )
            .exclude(email__in=["anna.holm@nordlys.example", "lars.berg@nordlys.example"])
            .order_by("pk")
            .first()
        )
        if quiet is not None:
            mail.set_wanted(quiet, EmailKind.DIGEST, False)
    # Last week's digests, sent as Monday's task sends them.
    sent = digest.send_digests()
    progress.update(1)
    return {
        "success_stories": len(made),
        "digests_sent": sent,
        "digest_turned_off": quiet.email if quiet else "",
    }
