"""The demo's training and programme plan: two modules with quizzes in English, Danish and
Norwegian (drawn from the advocacy articles the product comes from: your own voice, a profile
that shows who you are, consistency over spikes; what stays confidential and what to do with a
difficult comment), people who passed them (their points in the ledger), Lars who failed the
second once, Anna who has not started — and a filled programme plan."""

from __future__ import annotations

import random
from datetime import timedelta

from advocato.people.models import Department, Employee, Ranking

from . import training
from .models import Option, PlanObjective, ProgrammePlan, QuizQuestion, TrainingModule

VOICE = {
    "title": {
        "en": "Your own voice: sharing that people read",
        "da": "Din egen stemme: opslag, folk læser",
        "nb": "Din egen stemme: innlegg folk leser",
    },
    "body": {
        "en": """Your network follows *you*, not the company. That is why a post in your own words
reaches further than the company page ever will.

## Say it your way
A benchmark of employee advocacy found that posts employees wrote or edited themselves got
**64% more engagement** than posts shared as they were. Keep the link, change the words: one
line about why it matters to you is enough.

## Show who you are
Make sure your profile shows **your job title and the company you work for**. People trust a
post more when they can see who is behind it — and it makes it clear that you speak as an
employee.

## Steady beats loud
Campaigns come in spikes; advocacy works as a steady stream. Sharing something now and then,
every week, does more for you and for Nordlys than ten posts in one day and then silence.

![A profile with title and company](/static/advocato/icon.svg)
""",
        "da": """Dit netværk følger *dig*, ikke virksomheden. Derfor når et opslag med dine egne ord
længere ud, end virksomhedens side nogensinde gør.

## Sig det på din måde
En benchmark-undersøgelse af employee advocacy viste, at opslag, som medarbejderne selv havde
skrevet eller tilpasset, fik **64 % mere engagement** end opslag, der blev delt uændret. Behold
linket, skift ordene ud: én linje om, hvorfor det betyder noget for dig, er nok.

## Vis, hvem du er
Sørg for, at din profil viser **din titel og den virksomhed, du arbejder for**. Folk har mere
tillid til et opslag, når de kan se, hvem der står bag — og det gør det tydeligt, at du udtaler
dig som medarbejder.

## Jævnt slår højt
Kampagner kommer i spidser; employee advocacy virker som en jævn strøm. At dele noget nu og da,
hver uge, gør mere for dig og for Nordlys end ti opslag på én dag og så stilhed.

![En profil med titel og virksomhed](/static/advocato/icon.svg)
""",
        "nb": """Nettverket ditt følger *deg*, ikke selskapet. Derfor når et innlegg med dine egne
ord lenger ut enn selskapets side noen gang gjør.

## Si det på din måte
En benchmark-undersøkelse av employee advocacy fant at innlegg de ansatte selv hadde skrevet
eller tilpasset, fikk **64 % mer engasjement** enn innlegg som ble delt uendret. Behold lenken,
bytt ut ordene: én linje om hvorfor det betyr noe for deg, er nok.

## Vis hvem du er
Sørg for at profilen din viser **stillingstittelen din og selskapet du jobber i**. Folk har mer
tillit til et innlegg når de ser hvem som står bak — og det gjør det tydelig at du uttaler deg
som ansatt.

## Jevnt slår høyt
Kampanjer kommer i topper; employee advocacy virker som en jevn strøm. Å dele noe nå og da,
hver uke, gjør mer for deg og for Nordlys enn ti innlegg på én dag og så stillhet.

![En profil med tittel og selskap](/static/advocato/icon.svg)
""",
    },
    "video": "https://www.youtube.com/watch?v=K0Xf4vMV5TQ",
    "questions": [
        {
            "kind": "single",
            "text": {
                "en": "How does a post in your own words do against the suggested text as it is?",
                "da": "Hvordan klarer et opslag med dine egne ord sig mod den foreslåede tekst?",
                "nb": "Hvordan gjør et innlegg med dine egne ord det mot den foreslåtte teksten?",
            },
            "explanation": {
                "en": "In the benchmark, personal posts got **64% more engagement**. Your network "
                "wants to hear you.",
                "da": "I undersøgelsen fik personlige opslag **64 % mere engagement**. Dit netværk "
                "vil høre dig.",
                "nb": "I undersøkelsen fikk personlige innlegg **64 % mer engasjement**. "
                "Nettverket ditt vil høre deg.",
            },
            "options": [
                (
                    {"en": "About the same", "da": "Omtrent det samme", "nb": "Omtrent det samme"},
                    False,
                ),
                (
                    {
                        "en": "Clearly better: more people react and comment",
                        "da": "Klart bedre: flere reagerer og kommenterer",
                        "nb": "Klart bedre: flere reagerer og kommenterer",
                    },
                    True,
                ),
                (
                    {
                        "en": "Worse, because it strays from the message",
                        "da": "Dårligere, fordi det afviger fra budskabet",
                        "nb": "Dårligere, fordi det avviker fra budskapet",
                    },
                    False,
                ),
            ],
        },
        {
            "kind": "multiple",
            "text": {
                "en": "What should your profile show? Tick all that apply.",
                "da": "Hvad skal din profil vise? Sæt kryds ved alle, der passer.",
                "nb": "Hva bør profilen din vise? Kryss av for alle som passer.",
            },
            "explanation": {
                "en": "Title and company: people see who is speaking, and that you speak as an "
                "employee. Your address stays private.",
                "da": "Titel og virksomhed: folk kan se, hvem der taler, og at du taler som "
                "medarbejder. Din adresse forbliver privat.",
                "nb": "Tittel og selskap: folk ser hvem som snakker, og at du snakker som ansatt. "
                "Adressen din forblir privat.",
            },
            "options": [
                ({"en": "Your job title", "da": "Din titel", "nb": "Stillingstittelen din"}, True),
                (
                    {
                        "en": "The company you work for",
                        "da": "Virksomheden, du arbejder for",
                        "nb": "Selskapet du jobber i",
                    },
                    True,
                ),
                (
                    {
                        "en": "Your home address",
                        "da": "Din privatadresse",
                        "nb": "Hjemmeadressen din",
                    },
                    False,
                ),
            ],
        },
        {
            "kind": "single",
            "text": {
                "en": "Which rhythm works best for advocacy?",
                "da": "Hvilken rytme virker bedst for employee advocacy?",
                "nb": "Hvilken rytme fungerer best for employee advocacy?",
            },
            "explanation": {
                "en": "Consistency beats spikes: a steady stream keeps you and the company "
                "recognisable.",
                "da": "Jævnhed slår spidser: en jævn strøm holder dig og virksomheden "
                "genkendelige.",
                "nb": "Jevnhet slår topper: en jevn strøm gjør deg og selskapet gjenkjennelige.",
            },
            "options": [
                ({"en": "A little every week", "da": "Lidt hver uge", "nb": "Litt hver uke"}, True),
                (
                    {
                        "en": "Many posts during a campaign, then a break",
                        "da": "Mange opslag under en kampagne og så en pause",
                        "nb": "Mange innlegg under en kampanje og så en pause",
                    },
                    False,
                ),
            ],
        },
    ],
}

RULES = {
    "title": {
        "en": "What stays inside, and difficult comments",
        "da": "Hvad der bliver internt, og svære kommentarer",
        "nb": "Hva som blir internt, og vanskelige kommentarer",
    },
    "body": {
        "en": """Sharing is welcome — and a few things are not ours to share yet.

## Confidential until published
Customers' names and prices, tenders we are working on, and anything not yet announced stay
inside. When in doubt, share what is already on nordlys.example.

## When a post draws a difficult comment
Once a post is out, it lives its own life; you cannot control every answer. You **never have
to answer** a hostile comment. Forward it to the communications team from the share's page:
they help you decide whether and how to answer — and you answer in your own words.

## You are the author
Nobody approves your posts. You decide what to write, within the social media policy.
""",
        "da": """Det er velkomment at dele — og nogle ting er ikke vores at dele endnu.

## Fortroligt, til det er offentliggjort
Kunders navne og priser, udbud vi arbejder på, og alt, der ikke er annonceret endnu, bliver
internt. Er du i tvivl, så del det, der allerede står på nordlys.example.

## Når et opslag får en svær kommentar
Når et opslag først er ude, lever det sit eget liv; du kan ikke styre alle svar. Du skal
**aldrig svare** på en fjendtlig kommentar. Send den videre til kommunikationsteamet fra
delingens side: de hjælper dig med at beslutte, om og hvordan du svarer — og du svarer med
dine egne ord.

## Du er afsenderen
Ingen godkender dine opslag. Du bestemmer, hvad du skriver, inden for social media-politikken.
""",
        "nb": """Det er velkomment å dele — og noen ting er ikke våre å dele ennå.

## Fortrolig til det er publisert
Kunders navn og priser, anbud vi jobber med, og alt som ikke er kunngjort ennå, blir internt.
Er du i tvil, del det som allerede står på nordlys.example.

## Når et innlegg får en vanskelig kommentar
Når et innlegg først er ute, lever det sitt eget liv; du kan ikke styre alle svar. Du må
**aldri svare** på en fiendtlig kommentar. Send den videre til kommunikasjonsteamet fra
delingens side: de hjelper deg å avgjøre om og hvordan du svarer — og du svarer med dine egne
ord.

## Du er avsenderen
Ingen godkjenner innleggene dine. Du bestemmer hva du skriver, innenfor retningslinjene for
sosiale medier.
""",
    },
    "video": "",
    "questions": [
        {
            "kind": "multiple",
            "text": {
                "en": "Which of these stay inside until they are published? Tick all.",
                "da": "Hvilke af disse bliver internt, til de er offentliggjort? Sæt kryds ved "
                "alle.",
                "nb": "Hvilke av disse blir internt til de er publisert? Kryss av for alle.",
            },
            "explanation": {
                "en": "Prices and tenders are confidential; a press release is already public.",
                "da": "Priser og udbud er fortrolige; en pressemeddelelse er allerede offentlig.",
                "nb": "Priser og anbud er fortrolige; en pressemelding er allerede offentlig.",
            },
            "options": [
                (
                    {"en": "A customer's price", "da": "En kundes pris", "nb": "En kundes pris"},
                    True,
                ),
                (
                    {
                        "en": "A tender we are working on",
                        "da": "Et udbud, vi arbejder på",
                        "nb": "Et anbud vi jobber med",
                    },
                    True,
                ),
                (
                    {
                        "en": "Yesterday's press release",
                        "da": "Gårsdagens pressemeddelelse",
                        "nb": "Gårsdagens pressemelding",
                    },
                    False,
                ),
            ],
        },
        {
            "kind": "single",
            "text": {
                "en": "Someone writes a hostile comment under your post. What do you do?",
                "da": "Nogen skriver en fjendtlig kommentar under dit opslag. Hvad gør du?",
                "nb": "Noen skriver en fiendtlig kommentar under innlegget ditt. Hva gjør du?",
            },
            "explanation": {
                "en": "You never have to answer. Forward it from the share's page and take the "
                "communications team's advice.",
                "da": "Du skal aldrig svare. Send den videre fra delingens side, og få råd hos "
                "kommunikationsteamet.",
                "nb": "Du må aldri svare. Send den videre fra delingens side og få råd fra "
                "kommunikasjonsteamet.",
            },
            "options": [
                (
                    {
                        "en": "Answer at once, firmly",
                        "da": "Svar med det samme og bestemt",
                        "nb": "Svar med en gang, bestemt",
                    },
                    False,
                ),
                (
                    {
                        "en": "Forward it to the communications team and take their advice",
                        "da": "Send den videre til kommunikationsteamet og få deres råd",
                        "nb": "Send den videre til kommunikasjonsteamet og få rådene deres",
                    },
                    True,
                ),
                (
                    {
                        "en": "Delete your post",
                        "da": "Slet dit opslag",
                        "nb": "Slett innlegget ditt",
                    },
                    False,
                ),
            ],
        },
        {
            "kind": "single",
            "text": {
                "en": "Who decides what your post says?",
                "da": "Hvem bestemmer, hvad dit opslag siger?",
                "nb": "Hvem bestemmer hva innlegget ditt sier?",
            },
            "explanation": {
                "en": "You do, within the policy: advocacy works on the employees' terms.",
                "da": "Det gør du, inden for politikken: employee advocacy virker på "
                "medarbejdernes præmisser.",
                "nb": "Det gjør du, innenfor retningslinjene: employee advocacy virker på de "
                "ansattes premisser.",
            },
            "options": [
                ({"en": "You do", "da": "Det gør du", "nb": "Det gjør du"}, True),
                (
                    {
                        "en": "The communications team approves each post",
                        "da": "Kommunikationsteamet godkender hvert opslag",
                        "nb": "Kommunikasjonsteamet godkjenner hvert innlegg",
                    },
                    False,
                ),
            ],
        },
    ],
}

PURPOSE = {
    "en": "Nordlys' customers, future colleagues and partners meet us on social media before "
    "they meet us anywhere else. Our people's networks are many times larger than our company "
    "pages. We help everyone who wants to take part to share what they are proud of, in their "
    "own words — voluntarily, and with results they can see.",
    "da": "Nordlys' kunder, kommende kolleger og samarbejdspartnere møder os på sociale medier, "
    "før de møder os andre steder. Vores medarbejderes netværk er mange gange større end vores "
    "virksomhedssider. Vi hjælper alle, der har lyst, med at dele det, de er stolte af, med "
    "deres egne ord — frivilligt og med resultater, de kan se.",
    "nb": "Nordlys' kunder, fremtidige kolleger og samarbeidspartnere møter oss i sosiale medier "
    "før de møter oss noe annet sted. De ansattes nettverk er mange ganger større enn "
    "selskapssidene våre. Vi hjelper alle som vil være med, å dele det de er stolte av, med sine "
    "egne ord — frivillig og med resultater de kan se.",
}
OBJECTIVES = [
    ("leads", "conversions:lead", {
        "en": "Qualified leads from customer-facing staff sharing our case stories",
        "da": "Kvalificerede leads fra kundevendte medarbejdere, der deler vores cases",
        "nb": "Kvalifiserte leads fra kundevendte ansatte som deler casene våre"}),
    ("recruitment", "conversions:application", {
        "en": "Applications for engineering jobs through colleagues' networks",
        "da": "Ansøgninger til ingeniørstillinger gennem kollegers netværk",
        "nb": "Søknader til ingeniørstillinger gjennom kollegers nettverk"}),
    ("employer_branding", "participation", {
        "en": "A third of our people share something every quarter",
        "da": "En tredjedel af medarbejderne deler noget hvert kvartal",
        "nb": "En tredjedel av de ansatte deler noe hvert kvartal"}),
    ("awareness", "reach", {
        "en": "Reach people who never see our company pages",
        "da": "Nå folk, der aldrig ser vores virksomhedssider",
        "nb": "Nå folk som aldri ser selskapssidene våre"}),
]  # fmt: skip


def _module(spec: dict, position: int, points: int, by: Employee, at) -> TrainingModule:
    module = TrainingModule.objects.create(
        position=position, points=points, pass_mark=80, minutes=8, created_by=by,
        created_at=at, video_url=spec["video"],
        **{f"title_{c}": t for c, t in spec["title"].items()},
        **{f"body_{c}": t for c, t in spec["body"].items()},
    )  # fmt: skip
    for n, q in enumerate(spec["questions"], start=1):
        question = QuizQuestion.objects.create(
            module=module, kind=q["kind"], position=n,
            **{f"text_{c}": t for c, t in q["text"].items()},
            **{f"explanation_{c}": t for c, t in q["explanation"].items()},
        )  # fmt: skip
        for m, (texts, correct) in enumerate(q["options"], start=1):
            Option.objects.create(
                question=question, correct=correct, position=m,
                **{f"text_{c}": t for c, t in texts.items()},
            )  # fmt: skip
    training.publish(module)
    TrainingModule.objects.filter(pk=module.pk).update(published_at=at)
    module.refresh_from_db()
    return module


def _answers(module: TrainingModule, right: bool) -> dict[int, list[int]]:
    found = {}
    for question in module.questions.prefetch_related("options"):
        options = list(question.options.all())
        wanted = [o.pk for o in options if o.correct == right]
        found[question.pk] = wanted[:1] if not right else wanted
    return found


def build(rng: random.Random, now) -> dict:
    admin = Employee.objects.get(email="admin@nordlys.example")
    curator = Employee.objects.get(email="curator@nordlys.example")
    analyst = Employee.objects.get(email="analyst@nordlys.example")
    manager = Employee.objects.get(email="manager@nordlys.example")
    anna = Employee.objects.get(email="anna.holm@nordlys.example")
    lars = Employee.objects.get(email="lars.berg@nordlys.example")
    voice = _module(VOICE, 1, 20, curator, now - timedelta(days=45))
    rules = _module(RULES, 2, 15, curator, now - timedelta(days=30))
    registered = list(
        Employee.objects.filter(user__isnull=False, is_active=True)
        .exclude(pk__in=[anna.pk, lars.pk]).order_by("pk")
    )  # fmt: skip
    attempts = 0
    for person in registered:
        for module, share, days in ((voice, 0.5, 44), (rules, 0.3, 29)):
            if rng.random() >= share:
                continue
            at = now - timedelta(minutes=rng.randint(60, 60 * 24 * days))
            if rng.random() < 0.25:  # failed first, passed a little later
                training.hand_in(person, module, _answers(module, False), training.new_token(), at)
                at += timedelta(minutes=rng.randint(10, 60 * 48))
                attempts += 1
            training.hand_in(person, module, _answers(module, True), training.new_token(), at)
            attempts += 1
    # Lars passed the first module and failed the second once; Anna has not started.
    training.hand_in(lars, voice, _answers(voice, True), training.new_token(),
                     now - timedelta(days=12))  # fmt: skip
    training.hand_in(lars, rules, _answers(rules, False), training.new_token(),
                     now - timedelta(days=2))  # fmt: skip
    attempts += 2

    plan = ProgrammePlan.get()
    plan.decision_maker = manager
    plan.data_owner = analyst
    plan.story_owner = curator
    plan.rhythm = ProgrammePlan.Rhythm.QUARTERLY
    plan.meetings = "Every Monday 9:00 (15 minutes); a review on the first Thursday of the month."
    plan.updated_by = admin
    for code, text in PURPOSE.items():
        setattr(plan, f"purpose_{code}", text)
    plan.save()
    ambassadors = Employee.objects.filter(
        user__isnull=False, is_active=True, ranking=Ranking.NAMED, role="advocate"
    ).order_by("pk")[:6]
    plan.ambassadors.set([*ambassadors, lars])
    plan.departments.set(Department.objects.order_by("name")[:5])
    for goal, kpi, texts in OBJECTIVES:
        PlanObjective.objects.update_or_create(
            goal=goal, defaults={"kpi": kpi, **{f"objective_{c}": t for c, t in texts.items()}}
        )
    return {"training_modules": 2, "quiz_attempts": attempts}
