"""The demo company's content: ~150 items across topics, goals and the three languages, a
review queue with items waiting, employee suggestions, and three feeds whose documents the
demo ships (served as static files, so no internet is needed)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from advocato.core.models import Organisation
from advocato.core.translated import columns_for
from advocato.people.models import Department, Employee, Group, Location

from . import services
from .feeds import parse_feed
from .models import (
    ContentItem,
    ContentVariant,
    FeedSource,
    Goal,
    Status,
    StatusChange,
    SuggestedText,
    Topic,
)

FEEDS_DIR = Path(__file__).parent / "static" / "advocato" / "demo-feeds"
ITEMS = 150
STEPS = 3

# Each topic in the three languages: advocates filter and read them in their own.
TOPIC_NAMES = {
    "Wind": {"en": "Wind", "da": "Vindkraft", "nb": "Vindkraft"},
    "Solar": {"en": "Solar", "da": "Solenergi", "nb": "Solenergi"},
    "Careers": {"en": "Careers", "da": "Karriere", "nb": "Karriere"},
    "Life at Nordlys": {
        "en": "Life at Nordlys",
        "da": "Livet hos Nordlys",
        "nb": "Livet i Nordlys",
    },
    "Customers": {"en": "Customers", "da": "Kunder", "nb": "Kunder"},
    "Sustainability": {"en": "Sustainability", "da": "Bæredygtighed", "nb": "Bærekraft"},
    "Events": {"en": "Events", "da": "Arrangementer", "nb": "Arrangementer"},
    "Innovation": {"en": "Innovation", "da": "Innovation", "nb": "Innovasjon"},
}

# (topic, goal, {language: (title, commentary, linkedin text)}); {place} and {n} vary per item.
STORIES = [
    (
        "Wind",
        Goal.AWARENESS,
        {
            "en": (
                "Our {n} MW wind farm at {place} is delivering power",
                "A milestone for the whole team — tell your network what it took.",
                "Proud to see the {n} MW wind farm at {place} delivering clean power. Years of work by colleagues across Nordlys.",
            ),
            "da": (
                "Vores vindmøllepark på {n} MW ved {place} leverer nu strøm",
                "En milepæl for hele holdet – fortæl dit netværk, hvad der skulle til.",
                "Stolt over at se vores {n} MW vindmøllepark ved {place} levere grøn strøm. Mange års arbejde af kolleger i hele Nordlys.",
            ),
            "nb": (
                "Vindparken vår på {n} MW ved {place} leverer nå strøm",
                "En milepæl for hele laget – fortell nettverket ditt hva som skulle til.",
                "Stolt av å se vindparken vår på {n} MW ved {place} levere ren strøm. Mange års arbeid av kolleger i hele Nordlys.",
            ),
        },
    ),
    (
        "Solar",
        Goal.AWARENESS,
        {
            "en": (
                "{n} hectares of solar panels — and room for sheep",
                "Our new solar park combines power and biodiversity.",
                "{n} hectares of solar near {place}, with sheep grazing between the rows. Clean power and biodiversity can go together.",
            ),
            "da": (
                "{n} hektar solceller – og plads til får",
                "Vores nye solcellepark forener strøm og biodiversitet.",
                "{n} hektar solceller ved {place}, med får mellem rækkerne. Grøn strøm og biodiversitet kan sagtens gå hånd i hånd.",
            ),
            "nb": (
                "{n} hektar solceller – og plass til sauer",
                "Den nye solparken vår forener strøm og naturmangfold.",
                "{n} hektar solceller ved {place}, med sauer som beiter mellom radene. Ren strøm og naturmangfold går fint sammen.",
            ),
        },
    ),
    (
        "Careers",
        Goal.RECRUITMENT,
        {
            "en": (
                "We are hiring {n} service technicians in {place}",
                "Know someone who loves heights and the sea? Share this with them.",
                "We're hiring {n} service technicians in {place}. If you know someone who'd love working at sea, send this their way.",
            ),
            "da": (
                "Vi søger {n} serviceteknikere i {place}",
                "Kender du nogen, der elsker højder og havet? Del det med dem.",
                "Vi søger {n} serviceteknikere i {place}. Kender du nogen, der drømmer om at arbejde på havet, så send dem opslaget.",
            ),
            "nb": (
                "Vi søker {n} serviceteknikere i {place}",
                "Kjenner du noen som elsker høyder og havet? Del det med dem.",
                "Vi søker {n} serviceteknikere i {place}. Kjenner du noen som drømmer om å jobbe på havet, send dem annonsen.",
            ),
        },
    ),
    (
        "Life at Nordlys",
        Goal.EMPLOYER_BRANDING,
        {
            "en": (
                "A day with our grid team in {place}",
                "Real people, real work: the best employer branding is you.",
                "Spent the day with our grid team in {place}. The people behind the power are the best part of this job.",
            ),
            "da": (
                "En dag med vores netteam i {place}",
                "Rigtige mennesker, rigtigt arbejde: den bedste employer branding er dig.",
                "En dag med vores netteam i {place}. Menneskene bag strømmen er det bedste ved mit job.",
            ),
            "nb": (
                "En dag med nettlaget vårt i {place}",
                "Ekte folk, ekte arbeid: den beste employer brandingen er deg.",
                "En dag med nettlaget vårt i {place}. Folkene bak strømmen er det beste med jobben min.",
            ),
        },
    ),
    (
        "Customers",
        Goal.LEADS,
        {
            "en": (
                "How {place} municipality saves {n}% on energy",
                "A customer story sales can open doors with.",
                "{place} municipality cut its energy costs by {n}% with a green power agreement. Happy to tell more about how.",
            ),
            "da": (
                "Sådan sparer {place} Kommune {n} % på energien",
                "En kundehistorie, salg kan åbne døre med.",
                "{place} Kommune har sænket energiudgifterne med {n} % med en grøn strømaftale. Spørg mig gerne, hvordan.",
            ),
            "nb": (
                "Slik sparer {place} kommune {n} % på energien",
                "En kundehistorie salg kan åpne dører med.",
                "{place} kommune har kuttet energikostnadene med {n} % med en grønn strømavtale. Spør meg gjerne hvordan.",
            ),
        },
    ),
    (
        "Sustainability",
        Goal.THOUGHT_LEADERSHIP,
        {
            "en": (
                "{n} tonnes of CO₂ avoided: our sustainability report",
                "The numbers behind our promise — shared honestly.",
                "Our sustainability report is out: {n} tonnes of CO₂ avoided this year. Honest numbers, including what we still need to fix.",
            ),
            "da": (
                "{n} tons CO₂ undgået: vores bæredygtighedsrapport",
                "Tallene bag vores løfte – fortalt ærligt.",
                "Vores bæredygtighedsrapport er ude: {n} tons CO₂ undgået i år. Ærlige tal, også om det, vi stadig skal blive bedre til.",
            ),
            "nb": (
                "{n} tonn CO₂ unngått: bærekraftsrapporten vår",
                "Tallene bak løftet vårt – fortalt ærlig.",
                "Bærekraftsrapporten vår er ute: {n} tonn CO₂ unngått i år. Ærlige tall, også om det vi fortsatt må bli bedre på.",
            ),
        },
    ),
    (
        "Events",
        Goal.AWARENESS,
        {
            "en": (
                "Meet us at the energy summit in {place}",
                "Colleagues attending: share that you're there.",
                "See you at the energy summit in {place}! Come by our stand and talk wind, solar and grids.",
            ),
            "da": (
                "Mød os på energitopmødet i {place}",
                "Deltager du? Del, at du er der.",
                "Vi ses på energitopmødet i {place}! Kig forbi vores stand og snak vind, sol og net.",
            ),
            "nb": (
                "Møt oss på energitoppmøtet i {place}",
                "Deltar du? Del at du er der.",
                "Vi ses på energitoppmøtet i {place}! Kom innom standen vår og snakk vind, sol og nett.",
            ),
        },
    ),
    (
        "Innovation",
        Goal.THOUGHT_LEADERSHIP,
        {
            "en": (
                "Batteries at {place}: storing {n} MWh for windless days",
                "Our engineers on why storage is the next big step.",
                "Storing {n} MWh at {place} for the days the wind drops. Storage is the next big step in the energy transition.",
            ),
            "da": (
                "Batterier ved {place}: {n} MWh gemt til vindstille dage",
                "Vores ingeniører om, hvorfor lagring er det næste store skridt.",
                "{n} MWh lagret ved {place} til de dage, hvor vinden løjer af. Lagring er næste store skridt i omstillingen.",
            ),
            "nb": (
                "Batterier ved {place}: {n} MWh lagret til vindstille dager",
                "Ingeniørene våre om hvorfor lagring er neste store steg.",
                "{n} MWh lagret ved {place} til dagene vinden stilner. Lagring er neste store steg i omstillingen.",
            ),
        },
    ),
]
# Numbers that make sense for each kind of story (MW, hectares, people, %, tonnes, …).
NUMBERS = {
    "Wind": [24, 48, 120, 240],
    "Solar": [12, 24, 65],
    "Careers": [4, 6, 12],
    "Life at Nordlys": [1],
    "Customers": [12, 18, 24, 31],
    "Sustainability": [18000, 42000, 65000],
    "Events": [1],
    "Innovation": [24, 48, 120],
}
PLACES = [
    "Esbjerg",
    "Holstebro",
    "Utsira",
    "Stavanger",
    "Aarhus",
    "Bergen",
    "Malmö",
    "Ringkøbing",
    "Haugesund",
    "Skagen",
]
SUGGESTIONS = [
    (
        "anna.holm@nordlys.example",
        "Kundebesøg i Aarhus: fra skepsis til grøn aftale",
        "Vi var hos et produktionsfirma i Aarhus i dag. De var skeptiske – nu har de en grøn aftale.",
        Status.PUBLISHED,
    ),
    (
        "lars.berg@nordlys.example",
        "Bilder fra toppen av turbin 14 på Utsira",
        "Utsikten fra 110 meter var verdt hver eneste trappetrinn.",
        Status.PUBLISHED,
    ),
    (
        "anna.holm@nordlys.example",
        "My blog: five things I learned selling green power",
        "",
        Status.IN_REVIEW,
    ),
    (
        "lars.berg@nordlys.example",
        "Traineene våre besøkte Bergen-kontoret",
        "Fire nye traineer fikk se nettplanleggingen på nært hold.",
        Status.IN_REVIEW,
    ),
]


def build(rng: random.Random, progress) -> dict:
    now = timezone.now()
    base = (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")
    people = {e.email: e for e in Employee.objects.filter(email__in=[
        "curator@nordlys.example", "admin@nordlys.example", "anna.holm@nordlys.example",
        "lars.berg@nordlys.example",
    ])}  # fmt: skip
    curator, admin = people["curator@nordlys.example"], people["admin@nordlys.example"]
    default = Organisation.get().default_language
    topics = {
        name: Topic.objects.create(**columns_for("name", TOPIC_NAMES[name], default))
        for name in sorted({s[0] for s in STORIES})
    }
    departments = {d.name: d for d in Department.objects.all()}
    groups = {g.name: g for g in Group.objects.all()}
    locations = {loc.name: loc for loc in Location.objects.all()}

    statuses = (
        [Status.PUBLISHED] * 118 + [Status.IN_REVIEW] * 8 + [Status.DRAFT] * 8
        + [Status.SCHEDULED] * 5 + [Status.EXPIRED] * 6 + [Status.ARCHIVED] * 5
    )  # fmt: skip
    rng.shuffle(statuses)
    items, variants, texts, history, targeting = [], [], [], [], []
    for index in range(ITEMS):
        topic, goal, versions = STORIES[index % len(STORIES)]
        language = rng.choices(["da", "nb", "en"], weights=[0.45, 0.3, 0.25])[0]
        values = {"place": rng.choice(PLACES), "n": rng.choice(NUMBERS[topic])}
        title, commentary, _post = (part.format(**values) for part in versions[language])
        status = statuses[index]
        created = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 23))
        item = ContentItem(
            title=title, commentary=commentary, language=language, goal=goal,
            url=f"https://nordlys.example/stories/{index + 1}",
            canonical_url=f"https://nordlys.example/stories/{index + 1}",
            image_url=f"/static/advocato/demo-images/{slugify(topic)}.svg" if index % 4 else "",
            site_name="Nordlys Energi", status=status, featured=status == Status.PUBLISHED and index % 19 == 0,
            created_by=curator, created_at=created,
            published_at=created + timedelta(hours=2) if status in {Status.PUBLISHED, Status.EXPIRED} else None,
            publish_at=now + timedelta(days=rng.randint(1, 10)) if status == Status.SCHEDULED else None,
            expire_at=created + timedelta(days=7) if status == Status.EXPIRED else None,
            reshare_on_company_channels=False,
        )  # fmt: skip
        items.append((item, topic, versions, values, rng.random()))
    ContentItem.objects.bulk_create([i[0] for i in items], batch_size=500)
    progress.update(1)

    through_topics = ContentItem.topics.through
    topic_links = []
    for item, topic, versions, values, dice in items:
        topic_links.append(through_topics(contentitem_id=item.pk, topic_id=topics[topic].pk))
        others = [code for code in versions if code != item.language]
        translated = dice < 0.6 or item.featured  # featured items speak every language
        for code in others if translated else []:
            title, commentary, _post = (part.format(**values) for part in versions[code])
            variants.append(
                ContentVariant(item=item, language=code, title=title, commentary=commentary)
            )
        for code in [item.language, *(others if translated else [])]:
            post = versions[code][2].format(**values) + f" {item.url}"
            texts.append(SuggestedText(item=item, network="linkedin", language=code, text=post))
            texts.append(SuggestedText(item=item, network="x", language=code, text=post[:220]))
        history.append(
            StatusChange(item=item, to_status=Status.DRAFT, by=curator, at=item.created_at)
        )
        if item.status not in {Status.DRAFT}:
            history.append(
                StatusChange(
                    item=item,
                    from_status=Status.DRAFT,
                    to_status=Status.IN_REVIEW,
                    by=curator,
                    at=item.created_at,
                )
            )
        if item.status in {Status.PUBLISHED, Status.SCHEDULED, Status.EXPIRED, Status.ARCHIVED}:
            to = Status.SCHEDULED if item.status == Status.SCHEDULED else Status.PUBLISHED
            history.append(
                StatusChange(
                    item=item,
                    from_status=Status.IN_REVIEW,
                    to_status=to,
                    by=admin,
                    at=item.created_at + timedelta(hours=2),
                )
            )
        if dice > 0.75:
            targeting.append(item)
    through_topics.objects.bulk_create(topic_links)
    ContentVariant.objects.bulk_create(variants, batch_size=500)
    SuggestedText.objects.bulk_create(texts, batch_size=500)
    StatusChange.objects.bulk_create(history, batch_size=500)
    # A quarter of the items go to a narrower audience, as curators do.
    for item in targeting:
        item.target_everyone = False
        item.save(update_fields=["target_everyone"])
        if item.goal == Goal.LEADS:
            item.departments.set([departments["Sales"], departments["Customer Service"]])
        elif item.goal == Goal.RECRUITMENT:
            item.groups.set([groups["Employer Branding Crew"], groups["Ambassadors"]])
        elif item.language == "nb":
            item.locations.set([locations["Oslo"], locations["Bergen"], locations["Stavanger"]])
        else:
            item.departments.set([departments["Engineering"], departments["Operations"]])
    progress.update(1)

    for email, title, story, status in SUGGESTIONS:
        author = people[email]
        item = services.suggest(author, title=title, story=story,
                                url="https://nordlys.example/blog/anna-five-things" if not story else "")  # fmt: skip
        if status == Status.PUBLISHED:
            # A curator writes the ready-made text first: suggestions are approved with one.
            SuggestedText.objects.create(
                item=item, network="linkedin", language=item.language,
                text=f"{title} {item.url}".strip() if item.url else title,
            )  # fmt: skip
            services.approve(item, curator)
            item.refresh_from_db()
            item.reshare_on_company_channels = True
            item.save(update_fields=["reshare_on_company_channels"])

    feeds = [
        ("Nordlys – Nyheder", "nordlys-nyheder.xml", True, ["Wind"], Goal.AWARENESS),
        ("Nordlys – Karriere", "nordlys-karriere.atom", False, ["Careers"], Goal.RECRUITMENT),
        (
            "Nordlys Engineering Blog",
            "nordlys-blog.xml",
            True,
            ["Innovation"],
            Goal.THOUGHT_LEADERSHIP,
        ),
    ]
    for name, filename, auto, topic_names, goal in feeds:
        source = FeedSource.objects.create(
            name=name, url=f"{base}/static/advocato/demo-feeds/{filename}", auto_publish=auto,
            goal=goal, created_by=curator,
        )  # fmt: skip
        source.topics.set([topics[t] for t in topic_names])
        document = (FEEDS_DIR / filename).read_bytes()
        services.import_entries(source, parse_feed(document, source.url))
        FeedSource.objects.filter(pk=source.pk).update(last_polled_at=now, last_success_at=now)
    progress.update(1)
    return {"content_items": ContentItem.objects.count()}
