"""A company of any size, built quickly: `grow(world, n)` adds n more of everything the busiest
pages list or count — people (reporting to the manager, in departments, teams and groups,
some only invited), published items with topics, variants and suggested texts, items waiting
for review, shares with tracked links, human clicks and previews, conversions, rewards and
requests, kudos, challenges, audit entries — then fills the rollups and folds the points, as
the worker's minute would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.people.models import Employee

_serial = itertools.count(1)


@dataclass
class World:
    admin: Employee
    curator: Employee
    analyst: Employee
    manager: Employee
    advocate: Employee
    colleague: Employee
    items: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    people: list = field(default_factory=list)


def grow(world: World, n: int) -> World:
    from allauth.account.models import EmailAddress

    from advocato.analytics import rollups
    from advocato.content.models import (
        ContentItem,
        ContentVariant,
        FeedSource,
        Status,
        StatusChange,
        SuggestedText,
        Topic,
    )
    from advocato.core.models import AuditEntry
    from advocato.lib.networks import NETWORKS
    from advocato.links.models import Click, Conversion, TrackedLink
    from advocato.people.models import Department, Employee, Group, Invitation, Team, User
    from advocato.rewards import services as rewards
    from advocato.rewards.models import Challenge, Kudos, Redemption, Reward
    from advocato.sharing.models import Share

    now = timezone.now()
    batch = next(_serial)
    tag = f"b{batch}"
    sales = world.advocate.department
    assert sales is not None  # the personas have departments
    departments = [sales] + [
        Department.objects.get_or_create(name=name)[0]
        for name in ("Engineering", "Finance", "Operations")
    ]
    teams = [Team.objects.get_or_create(name=f"Team {d.name}", department=d)[0]
             for d in departments]  # fmt: skip
    group = Group.objects.get_or_create(name="Ambassadors")[0]
    topics = [Topic.objects.get_or_create(name=name)[0] for name in ("Wind", "Solar", "Careers")]
    source = FeedSource.objects.get_or_create(
        name="Newsroom", url="https://nordlys.example/feed.xml"
    )[0]

    # People: half report to the manager; every third is only invited (no account yet).
    users = User.objects.bulk_create(
        [User(email=f"p{tag}-{i}@example.com") for i in range(n) if i % 3]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    by_email = {u.email: u for u in users}
    people = Employee.objects.bulk_create(
        [
            Employee(
                email=f"p{tag}-{i}@example.com",
                user=by_email.get(f"p{tag}-{i}@example.com"),
                name=f"Person {tag} {i:02d}",
                title="Engineer",
                department=departments[i % len(departments)],
                team=teams[i % len(teams)],
                manager=world.manager if i % 2 == 0 else None,
                language=("en", "da", "nb")[i % 3],
            )
            for i in range(n)
        ]
    )
    Employee.groups.through.objects.bulk_create(
        [Employee.groups.through(employee_id=p.pk, group_id=group.pk) for p in people[::2]]
    )
    Invitation.objects.bulk_create(
        [Invitation(employee=p, invited_by=world.admin, sent_at=now, send_count=1)
         for p in people if p.user_id is None]
    )  # fmt: skip
    world.people += people
    sharers = [p for p in people if p.user_id]

    # Content: published items (some featured, some for Sales only), and items in review.
    items = ContentItem.objects.bulk_create(
        [
            ContentItem(
                title=f"Item {tag} {i}",
                commentary="Why it matters.",
                url=f"https://nordlys.example/{tag}/{i}",
                status=Status.PUBLISHED,
                published_at=now - timedelta(hours=i + 1),
                featured=i % 5 == 0,
                target_everyone=i % 4 != 0,
                goal=("awareness", "recruitment", "leads")[i % 3],
                created_by=world.curator,
                source=source if i % 2 else None,
                source_guid=f"{tag}-{i}",
            )
            for i in range(n)
        ]
    )
    targeted = [item for i, item in enumerate(items) if i % 4 == 0]
    ContentItem.departments.through.objects.bulk_create(
        [ContentItem.departments.through(contentitem_id=i.pk, department_id=sales.pk)
         for i in targeted]
    )  # fmt: skip
    ContentItem.topics.through.objects.bulk_create(
        [ContentItem.topics.through(contentitem_id=item.pk, topic_id=t.pk)
         for i, item in enumerate(items) for t in topics[: 1 + i % 3]]
    )  # fmt: skip
    ContentVariant.objects.bulk_create(
        [ContentVariant(item=item, language="da", title=f"Emne {item.pk}", commentary="Hvorfor.")
         for item in items]
    )  # fmt: skip
    SuggestedText.objects.bulk_create(
        [SuggestedText(item=item, network=network, language="en", text=f"Read this {item.url}")
         for item in items for network in ("linkedin", "x")]
    )  # fmt: skip
    waiting = ContentItem.objects.bulk_create(
        [ContentItem(title=f"Suggestion {tag} {i}", url=f"https://nordlys.example/s/{tag}/{i}",
                     status=Status.IN_REVIEW, created_by=world.curator,
                     suggested_by=people[i], source=source if i % 2 else None,
                     source_guid=f"{tag}-s{i}")
         for i in range(n)]
    )  # fmt: skip
    StatusChange.objects.bulk_create(
        [StatusChange(item=item, from_status=Status.DRAFT, to_status=Status.IN_REVIEW,
                      by=world.curator if i % 2 else world.admin)
         for i, item in enumerate(waiting)]
    )  # fmt: skip
    world.items += items
    # The item page and the composer show one item: give it more texts and more shares too.
    first = world.items[0]
    have = set(SuggestedText.objects.filter(item=first).values_list("network", "language"))
    SuggestedText.objects.bulk_create(
        [SuggestedText(item=first, network=network, language=language, text=f"Look {first.url}")
         for network, _label in NETWORKS for language in ("en", "da", "nb")
         if (network, language) not in have][:n]
    )  # fmt: skip

    # Shares: the advocate shares every new item; each colleague with an account one of them.
    # Posted in the last days (within this week, month and the last 30 days).
    posts = [(world.advocate, item) for item in items]
    posts += [(person, items[i % len(items)]) for i, person in enumerate(sharers)]
    posts += [(person, first) for person in sharers]
    shares = Share.objects.bulk_create(
        [
            Share(
                employee=who,
                item=item,
                network=("linkedin", "x", "mastodon")[i % 3],
                text=f"My words {i}",
                suggested_text="Read this",
                edited=i % 2 == 0,
                edit_distance=0.5 if i % 2 == 0 else 0.0,
                status=Share.Status.CONFIRMED,
                confirmed_by="advocate",
                created_at=now - timedelta(minutes=30 + 7 * i),
                confirmed_at=now - timedelta(minutes=30 + 7 * i),
                audience=100 + i,
                reactions=i % 7,
                comments=i % 3,
                reshares=1,
            )
            for i, (who, item) in enumerate(posts)
        ]
    )
    links = TrackedLink.objects.bulk_create(
        [TrackedLink(share=s, code=f"{tag}x{s.pk}") for s in shares]
    )
    world.shares += shares

    # Clicks: n on the advocate's links and n on the colleagues', a few previews, conversions.
    clicks = Click.objects.bulk_create(
        [
            Click(
                link=links[i % len(links)],
                at=now - timedelta(minutes=20 + i),
                kind="preview" if i % 5 == 4 else "human",
                visitor=f"{tag}v{i}",
                token=f"{tag}t{i}",
                device="mobile",
                country="DK",
            )
            for i in range(2 * n)
        ]
    )
    Conversion.objects.bulk_create(
        [Conversion(click=c, link=c.link, kind=("lead", "application")[i % 2],
                    external_id=f"{tag}c{i}", source="server", at=c.at + timedelta(minutes=1))
         for i, c in enumerate(clicks[::3])]
    )  # fmt: skip

    # Rewards, requests, kudos, challenges.
    rewards_ = Reward.objects.bulk_create(
        [Reward(name=f"Reward {tag} {i}", price=10 + i, stock=5, kind="gift_card")
         for i in range(n)]
    )  # fmt: skip
    Redemption.objects.bulk_create(
        [Redemption(employee=world.advocate, reward=r, price=r.price) for r in rewards_]
        + [Redemption(employee=p, reward=rewards_[0], price=10) for p in sharers]
    )
    Kudos.objects.bulk_create(
        [Kudos(giver=p, receiver=world.advocate if i % 2 else world.colleague,
               message=f"Thanks {i}") for i, p in enumerate(sharers)]
    )  # fmt: skip
    today = timezone.localdate()
    challenges = Challenge.objects.bulk_create(
        [Challenge(title=f"Challenge {tag} {i}", starts_on=today - timedelta(days=3),
                   ends_on=today + timedelta(days=3), prize="Cake", created_by=world.curator)
         for i in range(n)]
    )  # fmt: skip
    Challenge.departments.through.objects.bulk_create(
        [Challenge.departments.through(challenge_id=c.pk, department_id=sales.pk)
         for c in challenges[::2]]
    )  # fmt: skip

    AuditEntry.objects.bulk_create(
        [AuditEntry(actor=world.admin.user, actor_label=world.admin.email, action="update",
                    object_type=("people.employee", "content.contentitem")[i % 2],
                    object_id=str(i), object_repr=f"Thing {i}",
                    before={"name": "old"}, after={"name": f"new {i}"})
         for i in range(n)]
    )  # fmt: skip

    # The worker's minute: rollups and points (the fold reads events ≥ 10 minutes old).
    rollups.fill()
    rewards.fold(now=now + timedelta(minutes=15))
    return world


@pytest.fixture
def world(personas):
    from advocato.core.models import Organisation

    org = Organisation.get()
    org.time_zone = "Europe/Copenhagen"
    org.individual_results = Organisation.Visibility.EVERYONE
    org.save()
    return World(
        admin=personas["admin"],
        curator=personas["curator"],
        analyst=personas["analyst"],
        manager=personas["manager"],
        advocate=personas["advocate"],
        colleague=personas["advocate_engineering"],
    )


@pytest.fixture
def dataset(world):
    """A small company with one of everything a page with a parameter needs."""
    from advocato.analytics import evaluation
    from advocato.analytics.models import HistoryImport
    from advocato.content import services as content
    from advocato.content.models import ContentItem, FeedSource, Status, SuggestedText
    from advocato.core.models import AuditEntry
    from advocato.enablement import questions, training
    from advocato.enablement.models import (
        ChatChannel,
        ChatPost,
        Option,
        PolicyVersion,
        QuizQuestion,
        TrainingModule,
    )
    from advocato.people import services as people
    from advocato.people.models import Group, Invitation
    from advocato.rewards.models import Challenge, Reward
    from advocato.sharing import services as sharing
    from advocato.sharing.models import EngagementReading, PostState, Share, Source

    from .walk import ROLES

    grow(world, 3)
    channel = ChatChannel(name="#advocacy", kind="slack")
    channel.webhook_url = "https://hooks.slack.com/services/T0/B0/secret"
    channel.save()
    ChatPost.objects.create(
        channel=channel, event="test", key="test:1", title="Advocato is connected",
        payload={"text": "x"}, status="failed", attempts=1, http_status=404, error="no_service",
    )  # fmt: skip
    personas = {role: getattr(world, role) for role in ROLES}
    item = ContentItem.objects.create(
        title="Offshore wind, explained", url="https://nordlys.example/wind", commentary="Read.",
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    SuggestedText.objects.create(
        item=item, network="linkedin", language="en", text="Wind! https://nordlys.example/wind"
    )
    shares = {
        role: sharing.start_share(who, item, "linkedin", "Wind! https://nordlys.example/wind")
        for role, who in personas.items()
    }
    posted = {}  # posted through a connected account: its own page, with the figures read
    for role, who in personas.items():
        share = sharing.start_share(who, item, "mastodon", "Wind!", method=Share.Method.API)
        Share.objects.filter(pk=share.pk).update(
            post_state=PostState.POSTED, status=Share.Status.CONFIRMED, confirmed_by="api",
            confirmed_at=timezone.now(), external_id="1", reactions=4, comments=1, reshares=0,
            permalink="https://mastodon.example/@someone/1", engagement_source=Source.API,
            engagement_at=timezone.now(),
        )  # fmt: skip
        EngagementReading.objects.create(
            share=share, source=Source.API, reactions=4, comments=1, reshares=0
        )
        posted[role] = share
    draft = ContentItem.objects.create(title="Solar in winter", created_by=world.curator)
    content.start_history(draft, world.curator)
    content.transition(draft, Status.IN_REVIEW, world.curator)
    staged = people.stage_invite_import(
        uploaded_by=world.admin,
        filename="people.csv",
        data=b"email,name\nfreja@example.com,Freja Lund\nnot-an-address,Nobody\n",
    )
    invitee = world.people[0]
    invitation = Invitation.objects.filter(employee=invitee).first() or Invitation.objects.create(
        employee=invitee, invited_by=world.admin
    )
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        title="Most clicks in spring", starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5), prize="Cake", created_by=world.curator,
    )  # fmt: skip
    # A change with long values (a pasted address, a long title): the audit log wraps them.
    AuditEntry.objects.create(
        actor=world.admin.user, actor_label=world.admin.email, action="update",
        object_type="content.ContentItem", object_id=str(item.pk), object_repr="x" * 300,
        before={"url": "https://nordlys.example/" + "a" * 400}, after={"title": "W" * 300},
    )  # fmt: skip
    quarter = evaluation.recent_quarters()[0]  # the current one
    policy = PolicyVersion.objects.create(
        number=1, body_en="Share **in your own words**.", published_at=timezone.now()
    )
    policy_draft = PolicyVersion.objects.create(number=2, body_en="Share, and say so.")
    asked = {
        role: questions.ask(
            who, shares[role], "Is this greenwashing? " * 20, "https://x.example/status/1",
            "How do I answer this politely?",
        )
        for role, who in personas.items()
    }  # fmt: skip
    questions.answer(asked["advocate"], world.curator, "Thank them and link to the study.")
    # A published module with both kinds of question, and an attempt of each role's own.
    module = TrainingModule.objects.create(
        title_en="Your own voice",
        body_en="Say it **your way**.",
        video_url="https://youtu.be/K0Xf4vMV5TQ",
    )
    question = QuizQuestion.objects.create(module=module, text_en="Which gets more engagement?",
                                       explanation_en="Your own words.")  # fmt: skip
    Option.objects.create(question=question, text_en="The text as it is")
    right = Option.objects.create(question=question, text_en="Your own words", correct=True)
    several = QuizQuestion.objects.create(
        module=module, kind="multiple", text_en="Your profile shows"
    )
    Option.objects.create(question=several, text_en="Your title", correct=True)
    Option.objects.create(question=several, text_en="Your salary")
    training.publish(module)
    attempts = {
        role: training.hand_in(who, module, {question.pk: [right.pk]}, training.new_token())
        for role, who in personas.items()
    }
    from advocato.enablement import digest, stories
    from advocato.enablement.models import SuccessStory

    story = SuccessStory.objects.create(
        title_en="Wind brought a customer", body_en="A post **worked**.", title_da="Vind",
        body_da="Et opslag *virkede*.", share=shares["advocate"], item=item,
    )  # fmt: skip
    stories.publish(story)
    unsubscribe = digest.unsubscribe_token(world.advocate)
    history_upload = HistoryImport.objects.create(
        uploaded_by=world.admin, filename="clicks.csv", kind="clicks", data=b"", total_rows=2,
        good_rows=1, problem_count=1,
        problems=[{"line": 3, "column": "share", "value": "x", "message": "No such share."}],
    )  # fmt: skip
    group, source, reward = (
        Group.objects.first(),
        FeedSource.objects.first(),
        Reward.objects.first(),
    )
    assert group is not None and source is not None and reward is not None  # grow() makes them
    webhook = _webhook_with_a_log()
    report = next(p for p in world.people if p.manager_id == world.manager.pk and p.user_id)
    scorecard_of = {"manager": report, "analyst": world.advocate, "admin": world.advocate}
    objects = {
        "people:import_report": lambda role: [(staged.pk,)],
        "people:detail": lambda role: [(invitee.pk,)],
        "people:group_edit": lambda role: [(group.pk,)],
        "people:accept": lambda role: [(people.invitation_token(invitation),)],
        "content:item": lambda role: [(item.pk,)],
        "content:edit": lambda role: [(draft.pk,)],
        "content:source": lambda role: [(source.pk,)],
        "sharing:compose": lambda role: [(item.pk,)],
        "sharing:handoff": lambda role: [(shares[role].pk,), (posted[role].pk,)],
        "sharing:item_results": lambda role: [(item.pk,)],
        "analytics:evaluation": lambda role: [quarter],
        "analytics:scorecard_of": lambda role: [(scorecard_of.get(role, personas[role]).pk,)],
        "rewards:employee_points": lambda role: [(world.advocate.pk,)],
        "rewards:challenge": lambda role: [(challenge.pk,)],
        "rewards:challenge_edit": lambda role: [(challenge.pk,)],
        "rewards:reward_edit": lambda role: [(reward.pk,)],
        "enablement:edit": lambda role: [(policy_draft.number,)],
        "enablement:acceptances": lambda role: [(policy.number,)],
        "enablement:ask": lambda role: [(shares[role].pk,)],
        "enablement:question": lambda role: [(asked[role].pk,)],
        "enablement:training_module": lambda role: [(module.pk,)],
        "enablement:training_attempt": lambda role: [(attempts[role].pk,)],
        "enablement:training_edit": lambda role: [(module.pk,)],
        "enablement:training_question_new": lambda role: [(module.pk,)],
        "enablement:training_question_edit": lambda role: [(several.pk,)],
        "enablement:story": lambda role: [(story.pk,)],
        "enablement:story_edit": lambda role: [(story.pk,)],
        "enablement:unsubscribe": lambda role: [(unsubscribe,)],
        "enablement:chat_channel": lambda role: [(channel.pk,)],
        "analytics:history_report": lambda role: [(history_upload.pk,)],
        "api:webhook": lambda role: [(webhook.pk,)],
        "api:webhook_edit": lambda role: [(webhook.pk,)],
    }
    return personas, objects


def _webhook_with_a_log():
    """A webhook endpoint with one delivered and one failed message in its log."""
    from advocato.api.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage

    endpoint = WebhookEndpoint(
        url="https://crm.example.com/hooks/advocato", description="CRM",
        events=["share.created", "conversion.created"],
    )  # fmt: skip
    endpoint.secret = "whsec_" + "A" * 44
    endpoint.save()
    for n, (status, code) in enumerate([("delivered", 204), ("failed", 500)]):
        message = WebhookMessage.objects.create(
            endpoint=endpoint, msg_id=f"msg_walk{n}", event_type="share.created", body="{}",
            status=status, attempts=1,
        )  # fmt: skip
        WebhookAttempt.objects.create(
            message=message, endpoint=endpoint, status_code=code, ok=code == 204,
            duration_ms=84, response="" if code == 204 else "Internal Server Error",
        )  # fmt: skip
    return endpoint
