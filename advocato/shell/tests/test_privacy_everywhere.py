"""One gate for names: a person who left rankings ("Leave me out") is named to nobody else.

Signs in as every role and walks every page of the URL configuration that answers a GET
(parameters filled from a small dataset in which the opted-out person has shares, clicks,
conversions, points, kudos given and received, a redemption, a challenge and an earlier
employee-of-the-month award) and every CSV/XLSX export, for each organisation visibility
setting, and looks for the opted-out person's name in what comes back; then sends every
summary e-mail to every role and looks in those.

The rule, from `people/privacy.py`: `can_name(viewer, subject)` is false for anyone but the
subject themselves when the subject is not named — whatever the organisation's setting, so
admins do not see them in results either. Admins do see everyone on the pages that run the
programme rather than report on it (the people list and a person's page, groups, the audit
log, a person's ledger for corrections, redemptions to approve and the payroll file): those
are listed in ADMINISTRATION below (with the summary e-mails' recipients picker, which the
analysts share), and only those roles may open them.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advocato.api.webhooks import events as webhook_events
from advocato.api.webhooks import services as webhooks
from advocato.api.webhooks.models import WebhookEndpoint
from advocato.conftest import make_employee
from advocato.core.models import Organisation

NAME = "Zelda Quist"
ROLES = ["admin", "curator", "analyst", "manager", "advocate"]
POLICIES = [v for v, _label in Organisation.Visibility.choices]

# Pages that administer people (not results about them), and the roles that see every name
# there: the admin's people pages, groups, audit log, a person's ledger (for corrections),
# redemptions to approve and the payroll file; and the recipients picker for summary e-mails.
ADMINISTRATION = {
    **dict.fromkeys(
        [
            "people:list",
            "people:detail",
            "people:invite",
            "people:group_edit",
            "shell:audit",
            "rewards:employee_points",
            "rewards:redemptions",
            "rewards:payroll",
            "rewards:review",  # held points to approve, with whose they are
            "enablement:acceptances",  # who accepted the policy: a compliance record
            "enablement:plan_edit",  # choosing the programme team's people
        ],
        ("admin",),
    ),
    "analytics:subscriptions": ("admin", "analyst"),
    # Questions to the comms team: answering one needs to know who asked. Only the asker,
    # curators and admins open them at all.
    **dict.fromkeys(["enablement:questions", "enablement:question"], ("admin", "curator")),
}
# Not pages: the redirect, the conversion endpoints, the language switch, an invitation
# link, uploaded files.
SKIP = {
    "links:follow",
    "links:convert",
    "links:convert_server",
    "shell:set_language",
    "people:accept",
    "media",
    # Actions (POST only) that show nobody: a GET is refused.
    "shell:forget_person",
    "enablement:accept",
    "enablement:onboarding_tick",
    "enablement:question_status",
    "sharing:own_posts",
    "enablement:training_question_delete",
    "enablement:story_withdraw",
    "enablement:chat_test",
    "enablement:chat_remove",
    "sharing:remove",
    "sharing:copy",
    "content:share_target",
    "rewards:review_decide",
    "api:revoke",
    # The REST API answers tokens, not signed-in pages: its own walk is below
    # (test_an_opted_out_person_is_named_to_no_token).
    "api:not_found",
    "api:webhook_rotate",
    "api:webhook_switch",
    "api:webhook_test",
    "api:webhook_delete",
    "api:webhook_redeliver",
}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith("advocato."):
            yield namespace + (entry.name or ""), entry


@pytest.fixture
def world(personas):
    """The opted-out person and everything that could carry her name."""
    from advocato.analytics.models import HistoryImport
    from advocato.content.models import ContentItem, FeedSource, Status
    from advocato.enablement import nudges, training
    from advocato.enablement.models import (
        ChatChannel,
        NudgeSettings,
        Option,
        PlanObjective,
        PolicyAcceptance,
        PolicyVersion,
        ProgrammePlan,
        QuizQuestion,
        TrainingModule,
    )
    from advocato.links.models import Click, Conversion, TrackedLink
    from advocato.people.models import Group, InviteImport, Ranking
    from advocato.rewards import ledger
    from advocato.rewards.models import (
        Challenge,
        EmployeeOfMonth,
        Kudos,
        PointEntry,
        Redemption,
        Reward,
    )
    from advocato.sharing.models import Share

    org = Organisation.get()
    org.time_zone = "Europe/Copenhagen"
    org.save()
    manager, anna = personas["manager"], personas["advocate"]
    anna.manager = manager
    anna.save()
    zelda = make_employee(
        "zelda@example.com", department="Sales", name=NAME, manager=manager, ranking=Ranking.OUT
    )
    now = timezone.now()
    item = ContentItem.objects.create(
        title="Wind farm opens",
        url="https://nordlys.example/wind",
        status=Status.PUBLISHED,
        published_at=now - timedelta(days=5),
    )
    shares = []
    for n, person in enumerate([zelda, anna, personas["advocate_engineering"]]):
        at = now - timedelta(days=3, hours=n)
        share = Share.objects.create(
            employee=person, item=item, network="linkedin", text="Proud", suggested_text="Proud",
            method=Share.Method.DIALOG, status=Share.Status.CONFIRMED, created_at=at,
            confirmed_at=at, confirmed_by="advocate",
        )  # fmt: skip
        TrackedLink.objects.create(share=share, code=f"walk{n}")
        for v in range(3 - n):
            click = Click.objects.create(
                link=share.link, at=at + timedelta(hours=1), kind=Click.Kind.HUMAN,
                visitor=f"v{n}{v}", token=f"t{n}{v}",
            )  # fmt: skip
        Conversion.objects.create(
            click=click, link=share.link, kind="lead", external_id=f"x{n}", source="server",
            at=at + timedelta(hours=2),
        )  # fmt: skip
        shares.append(share)
    ledger.fold(now)
    Kudos.objects.create(giver=anna, receiver=zelda, message="Thanks for the post")
    Kudos.objects.create(giver=zelda, receiver=anna, message="Great share")
    Kudos.objects.create(giver=zelda, receiver=personas["advocate_engineering"], message="Nice")
    today = org.today()
    challenge = Challenge.objects.create(
        title="June push", metric="shares", starts_on=today.replace(day=1),
        ends_on=today + timedelta(days=10), prize="Cake", winners=3,
    )  # fmt: skip
    reward = Reward.objects.create(name="Mug", price=1)
    redemption = Redemption.objects.create(employee=zelda, reward=reward, price=1)
    policy = PolicyVersion.objects.create(number=1, body_en="Share.", published_at=timezone.now())
    PolicyAcceptance.objects.create(employee=zelda, version=policy)
    policy_draft = PolicyVersion.objects.create(number=2, body_en="Share, and say so.")
    from advocato.enablement import questions

    question = questions.ask(zelda, shares[0], "A hard comment", "", "What do I say?")
    # She passed a training module (points in the ledger, a row in her manager's progress).
    module = TrainingModule.objects.create(title_en="Your own voice", body_en="Say it your way.")
    quiz_question = QuizQuestion.objects.create(module=module, text_en="Whose words?")
    right = Option.objects.create(question=quiz_question, text_en="Mine", correct=True)
    Option.objects.create(question=quiz_question, text_en="Theirs")
    training.publish(module)
    attempt = training.hand_in(zelda, module, {quiz_question.pk: [right.pk]}, training.new_token())
    PlanObjective.objects.create(goal="leads", objective_en="Leads", kpi="conversions")
    ProgrammePlan.get().ambassadors.add(zelda, anna)  # she is kept off the plan's list
    # A success story whose evidence is her share and one of her conversions.
    from advocato.enablement import digest, stories
    from advocato.enablement.models import SuccessStory

    story = SuccessStory.objects.create(
        title_en="A post that found a customer", body_en="It **worked**.", share=shares[0],
        conversion=Conversion.objects.filter(link__share=shares[0]).first(),
    )  # fmt: skip
    stories.publish(story)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    EmployeeOfMonth.objects.create(month=last_month, employee=zelda, confirmed_by=personas["admin"])
    group = Group.objects.create(name="Ambassadors")
    zelda.groups.add(group)
    source = FeedSource.objects.create(name="Blog", url="https://blog.example/feed")
    # A webhook whose log holds an event about her share (the page shows no bodies).
    webhook = WebhookEndpoint.objects.create(
        url="https://crm.example.com/hooks", events=["share.created"], description="CRM"
    )
    webhooks.emit("share.created", lambda: webhook_events.share_created(shares[0]))
    channel = ChatChannel(name="#advocacy", kind="slack")
    channel.webhook_url = "https://hooks.slack.com/services/T0/B0/secret"
    channel.save()
    # Her last share was three days ago: with a short rule she has lapsed, so the lapsed
    # page (managers, the programme team) has her to leave out.
    NudgeSettings.objects.update_or_create(pk=1, defaults={"lapsed_after_days": 2})
    year, quarter = today.year, (today.month - 1) // 3 + 1
    return {
        "zelda": zelda,
        "args": {
            "people:import_report": [
                InviteImport.objects.create(uploaded_by=personas["admin"], filename="x.csv").pk
            ],
            "analytics:history_report": [
                HistoryImport.objects.create(
                    uploaded_by=personas["admin"], filename="x.csv", kind="shares", data=b""
                ).pk
            ],
            "analytics:history_sample": ["shares"],
            "people:detail": [zelda.pk],
            "people:resend": [zelda.pk],
            "people:revoke": [zelda.pk],
            "people:set_active": [zelda.pk],
            "people:group_edit": [group.pk],
            "content:item": [item.pk],
            "content:edit": [item.pk],
            "content:transition": [item.pk],
            "content:source": [source.pk],
            "content:source_poll": [source.pk],
            "sharing:compose": [item.pk],
            "sharing:check": [item.pk],
            **{
                f"sharing:{name}": [shares[0].pk]
                for name in ("handoff", "confirm", "cancel", "refresh_figures", "enter_engagement")
            },
            "rewards:reverse": [
                PointEntry.objects.filter(employee=zelda).values_list("pk", flat=True)[:1][0]
            ],
            "sharing:item_results": [item.pk],
            "analytics:evaluation": [year, quarter],
            "analytics:evaluation_pdf": [year, quarter],
            "analytics:scorecard_of": [zelda.pk],
            "rewards:employee_points": [zelda.pk],
            "rewards:challenge": [challenge.pk],
            "rewards:challenge_edit": [challenge.pk],
            "rewards:reward_edit": [reward.pk],
            "rewards:redeem": [reward.pk],
            "rewards:decide": [redemption.pk],
            "enablement:edit": [policy_draft.number],
            "enablement:acceptances": [policy.number],
            "api:webhook": [webhook.pk],
            "api:webhook_edit": [webhook.pk],
            "enablement:ask": [shares[0].pk],
            "enablement:question": [question.pk],
            "enablement:training_module": [module.pk],
            "enablement:training_attempt": [attempt.pk],
            "enablement:training_edit": [module.pk],
            "enablement:training_question_new": [module.pk],
            "enablement:training_question_edit": [quiz_question.pk],
            "enablement:story": [story.pk],
            "enablement:story_edit": [story.pk],
            "enablement:unsubscribe": [digest.unsubscribe_token(zelda)],
            "enablement:chat_channel": [channel.pk],
            "enablement:nudges_off": [nudges.unsubscribe_token(zelda)],
        },
    }


def _urls(world) -> list[tuple[str, str]]:
    from advocato.analytics import tables

    urls = []
    for name, pattern in _walk(get_resolver()):
        if name in SKIP or name.startswith(("sharing:network_", "api:api-v1:")):
            continue
        if name == "analytics:export":
            urls += [
                (name, reverse(name, args=[table, fmt]))
                for table in tables.BUILDERS
                for fmt in ("csv", "xlsx")
            ]
            continue
        args = world["args"].get(name, [])
        if pattern.pattern.converters and not args:
            raise AssertionError(f"no parameters for {name}: add them to the dataset")
        urls.append((name, reverse(name, args=args)))
    urls.append(("sharing:networks", reverse("sharing:networks")))
    # Views of the same pages that pick other people: every leaderboard period, measure and
    # scope, the dashboard by department, the last quarter.
    board = reverse("rewards:leaderboard")
    urls += [
        ("rewards:leaderboard", f"{board}?period=all&by={by}&scope={scope}")
        for by in ("points", "shares", "clicks", "conversions")
        for scope in ("company", "department")
    ]
    urls += [("rewards:leaderboard", f"{board}?period={p}") for p in ("week", "quarter")]
    sales = world["zelda"].department_id
    urls.append(("analytics:dashboard", reverse("analytics:dashboard") + f"?department={sales}"))
    urls.append(("analytics:scorecard", reverse("analytics:scorecard") + "?period=last-month"))
    return urls


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # XLSX: a zip of XML files
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("policy", POLICIES)
def test_an_opted_out_person_is_named_to_nobody_else(client, personas, world, policy):
    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results=policy)
    urls = _urls(world)
    leaks, opened = [], 0
    for role in ROLES:
        client.force_login(personas[role].user)
        for name, url in urls:
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            if response.status_code != 200:
                continue
            opened += 1
            if NAME in _text(response) and role not in ADMINISTRATION.get(name, ()):
                leaks.append((role, url))
    assert not leaks, "\n".join(f"{role} {url}" for role, url in leaks)
    assert opened > 150  # the walk really opened the pages

    # She herself still sees her own name and figures.
    client.force_login(world["zelda"].user)
    assert NAME in _text(client.get(reverse("analytics:scorecard")))


def test_item_results_put_people_who_may_not_be_named_in_one_row(client, personas, world):
    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results="everyone")
    client.force_login(personas["curator"].user)
    html = client.get(reverse("sharing:item_results", args=world["args"]["content:item"])).content
    html = html.decode()
    assert "Anna Holm" in html and "Lars Berg" in html
    assert NAME not in html and "Others, not named" in html


def test_team_kudos_shows_only_the_managers_people_they_may_name(client, personas, world):
    from advocato.rewards.models import Kudos

    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results="managers")
    outsider = make_employee("olaf@example.com", department="Engineering", name="Olaf Udd")
    Kudos.objects.create(giver=personas["advocate"], receiver=outsider, message="Outside")
    client.force_login(personas["manager"].user)
    html = client.get(reverse("rewards:team_kudos")).content.decode()
    assert "Great share" in html  # to Anna, who reports to the manager
    assert "Olaf Udd" not in html and "Outside" not in html
    assert NAME not in html and "Thanks for the post" not in html


def test_employee_of_the_month_proposes_only_people_who_chose_to_be_named(client, personas, world):
    from advocato.people.models import Ranking
    from advocato.rewards import services

    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results="everyone")
    anna = personas["advocate"]
    month = Organisation.get().today()
    proposed = {c.employee.pk for c in services.month_candidates(month, personas["admin"])}
    assert anna.pk in proposed and world["zelda"].pk not in proposed
    anna.ranking = Ranking.OWN
    anna.save()
    proposed = {c.employee.pk for c in services.month_candidates(month, personas["admin"])}
    assert anna.pk not in proposed
    with pytest.raises(services.RewardsError):
        services.confirm_employee_of_month(month, anna, personas["admin"])
    # The earlier winner who has since left rankings is not shown by name.
    client.force_login(personas["admin"].user)
    last = (month.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    html = client.get(reverse("rewards:employee_of_month") + f"?month={last}").content.decode()
    assert NAME not in html


def test_summary_emails_name_nobody_who_left(personas, world, mailoutbox):
    from datetime import datetime

    from advocato.analytics import digest
    from advocato.analytics.models import Subscription

    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results="everyone")
    for role in ROLES:
        for frequency in (digest.WEEKLY, digest.MONTHLY):
            Subscription.objects.create(
                employee=personas[role], frequency=frequency,
                created_at=timezone.make_aware(datetime(2020, 1, 1)),
            )  # fmt: skip
    assert digest.send_digests() == 2 * len(ROLES)
    for email in mailoutbox:
        parts = [email.body] + [content for content, _type in email.alternatives]
        assert all(NAME not in part for part in parts), email.to


# The REST API: every read, for a token of every role with every scope the role may hold.
# Like ADMINISTRATION above: the admin's directory of people and the audit log name everyone.
API_ADMINISTRATION = {"/api/v1/people", "/api/v1/people/{person_id}", "/api/v1/audit"}


@pytest.mark.parametrize("policy", POLICIES)
def test_an_opted_out_person_is_named_to_no_token(client, personas, world, policy):
    from advocato.api.tests.conftest import token_for
    from advocato.api.v1 import api
    from advocato.content.models import ContentItem
    from advocato.people.models import Department, Team
    from advocato.sharing.models import Share

    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results=policy)
    zelda = world["zelda"]
    team = Team.objects.create(name="Nordics", department=Department.objects.get(name="Sales"))
    zelda.team = team
    zelda.save()
    share = Share.objects.filter(employee=zelda).get()
    values = {
        "person_id": zelda.pk, "item_id": ContentItem.objects.get().pk, "share_id": share.pk,
        "team_id": team.pk, "code": share.link.code, "department_id": team.department_id,
        "group_id": zelda.groups.get().pk,
    }  # fmt: skip
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    reads = [path for path, operations in document["paths"].items() if "get" in operations]
    extra = ["/api/v1/kpis/teams?by=team", f"/api/v1/shares?item={values['item_id']}",
             "/api/v1/kpis/contributors?order=shares", f"/api/v1/points?employee={zelda.pk}"]  # fmt: skip
    leaks, opened = [], 0
    for role in ROLES:
        secret = token_for(personas[role])
        for path in reads + extra:
            url = path.format(**values)
            answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
            assert answer.status_code < 500, (role, url)
            if answer.status_code != 200:
                continue
            opened += 1
            admin_page = role == "admin" and path in API_ADMINISTRATION
            if NAME in answer.content.decode() and not admin_page:
                leaks.append((role, url))
    assert not leaks, "\n".join(f"{role} {url}" for role, url in leaks)
    assert opened > 40

    # She herself still reads her own figures by name.
    mine = client.get(f"/api/v1/kpis/people/{zelda.pk}",
                      HTTP_AUTHORIZATION=f"Bearer {token_for(zelda)}")  # fmt: skip
    assert mine.status_code == 200 and NAME in mine.content.decode()


def test_personal_digests_name_nobody_who_left(personas, world):
    """The weekly personal digest, whose success story rests on her share, to everyone."""
    from django.core import mail as django_mail

    from advocato.enablement import digest
    from advocato.people.models import User

    User.objects.update(date_joined=timezone.now() - timedelta(days=60))
    for policy in POLICIES:
        Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results=policy)
        from advocato.enablement.models import DigestState

        DigestState.objects.all().delete()
        django_mail.outbox = []
        assert digest.send_digests() >= len(ROLES)
        for email in django_mail.outbox:
            if email.to == [world["zelda"].email]:
                continue
            alternatives = getattr(email, "alternatives", [])
            parts = [email.body] + [str(content) for content, _type in alternatives]
            assert all(NAME not in part for part in parts), (policy, email.to)
