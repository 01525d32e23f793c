"""Slack and Teams channels, against local fakes over real HTTP that check each payload as
the services do: adding a channel (vetted, secret kept encrypted and shown masked, audited),
what is announced, delivery with retries, and names in the weekly top."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from advocato.core.models import AuditEntry, Organisation
from advocato.enablement.chat import events, payloads
from advocato.enablement.chat import services as chat
from advocato.enablement.chat.fakes import (
    FakeSlack,
    FakeTeams,
    slack_blocks_valid,
    teams_problem,
)
from advocato.enablement.models import ChatChannel, ChatPost
from advocato.enablement.signals import story_published
from advocato.lib import fetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def slack(settings):
    fake = FakeSlack()
    fake.start()
    settings.FETCH_ALLOWED_HOSTS = [*settings.FETCH_ALLOWED_HOSTS, urlsplit(fake.url).netloc]
    yield fake
    fake.stop()


@pytest.fixture
def teams(settings, slack):
    fake = FakeTeams()
    fake.start()
    settings.FETCH_ALLOWED_HOSTS = [*settings.FETCH_ALLOWED_HOSTS, urlsplit(fake.url).netloc]
    yield fake
    fake.stop()


@pytest.fixture
def channels(slack, teams, admin):
    return (
        chat.add_channel(name="#advocacy", kind="slack", webhook_url=slack.new_webhook(), by=admin),
        chat.add_channel(name="Nordlys – News", kind="teams", webhook_url=teams.new_webhook()),
    )


def deliver_all(now=None) -> list[str]:
    return [chat.deliver(pk, now)[0] for pk in chat.due(now)]


MESSAGE = payloads.Message(
    title="New to share: <Wind> & sun",
    text="Sun <and> wind & more. " * 200,
    url="https://nordlys.example/feed/1/",
    link_label="Share it",
    facts=[("Prize", "A day off")] * 12,
    lines=["1. Anna – 40 points"],
)


# --- The payloads and the fakes ---------------------------------------------------------------


def test_our_payloads_pass_the_services_checks():
    body = payloads.slack(MESSAGE)
    assert slack_blocks_valid(body["blocks"])
    assert body["text"].startswith("New to share")
    assert body["blocks"][0]["text"]["text"] == "New to share: <Wind> & sun"  # plain text
    assert "Sun &lt;and&gt; wind &amp; more" in json.dumps(body["blocks"][1])  # mrkdwn escaped
    assert len(body["blocks"][1]["text"]["text"]) <= 3000
    assert len(body["blocks"][2]["fields"]) == 10
    card = payloads.teams(MESSAGE)
    assert teams_problem(card) == ""
    content = card["attachments"][0]["content"]
    assert content["version"] == "1.4"
    assert [e["type"] for e in content["body"]] == [
        "TextBlock",
        "TextBlock",
        "TextBlock",
        "FactSet",
    ]
    assert content["actions"][0] == {
        "type": "Action.OpenUrl", "title": "Share it", "url": "https://nordlys.example/feed/1/"
    }  # fmt: skip


def _post(url: str, body) -> fetch.PostResult:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return fetch.post(url, data, headers={"Content-Type": "application/json"})


def test_fake_slack_answers_as_slack(slack):
    hook = slack.new_webhook()
    assert _post(hook, {"text": "hi"}).status == 200
    assert (_post(hook, {}).status, _post(hook, {}).body) == (400, b"no_text")
    bad = {"text": "x", "blocks": [{"type": "carousel"}]}
    assert (_post(hook, bad).status, _post(hook, bad).body) == (400, b"invalid_blocks")
    long_header = {
        "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    }
    assert _post(hook, long_header).body == b"invalid_blocks"
    assert _post(hook, b"not json").body == b"invalid_payload"
    assert (_post(hook + "x", {"text": "hi"}).status, _post(hook + "x", {}).body) == (
        404,
        b"no_service",
    )
    slack.switches.rate_limit, slack.switches.retry_after = 1, 9
    answer = _post(hook, {"text": "hi"})
    assert (answer.status, answer.headers["retry-after"]) == (429, "9")
    assert [r.payload for r in slack.accepted] == [{"text": "hi"}]


def test_fake_teams_checks_the_card(teams):
    hook = teams.new_webhook()
    good = payloads.teams(payloads.Message(title="Hello"))
    assert _post(hook, good).status == 202
    no_url = json.loads(json.dumps(good))
    del no_url["attachments"][0]["contentUrl"]
    answer = _post(hook, no_url)
    assert answer.status == 400
    assert json.loads(answer.body)["error"]["code"] == "TriggerInputSchemaMismatch"
    assert "contentUrl" in json.loads(answer.body)["error"]["message"]
    for broken in (
        {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "Paragraph", "text": "x"}]},
        {"type": "AdaptiveCard", "version": "7", "body": [{"type": "TextBlock", "text": "x"}]},
        {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock"}]},
        {"type": "MessageCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "x"}]},
    ):
        card = json.loads(json.dumps(good))
        card["attachments"][0]["content"] = broken
        assert _post(hook, card).status == 400, broken
    assert _post(hook.replace("sig=", "sig=x"), good).status == 401
    assert len(teams.accepted) == 1


# --- Adding channels ----------------------------------------------------------------------------


def test_admin_adds_a_channel_secret_kept_encrypted_and_masked(login, admin, slack):
    hook = slack.new_webhook()
    client = login(admin)
    response = client.post(
        "/chat/new/",
        {"name": "#advocacy", "kind": "slack", "webhook_url": hook, "post_featured": "on",
         "post_weekly_top": "on"},
    )  # fmt: skip
    channel = ChatChannel.objects.get()
    assert response.status_code == 302
    assert channel.webhook_url == hook
    assert hook not in channel.webhook_url_enc
    assert (channel.post_featured, channel.post_stories, channel.post_weekly_top) == (
        True,
        False,
        True,
    )
    secret = urlsplit(hook).path.rsplit("/", 1)[1]
    for page in ("/chat/", f"/chat/{channel.pk}/"):
        text = client.get(page).content.decode()
        assert channel.webhook_hint in text
        assert secret not in text
    entry = AuditEntry.objects.get(action="create", object_repr__contains="#advocacy")
    assert entry.actor == admin.user
    assert secret not in json.dumps([entry.before, entry.after], default=str)
    assert "webhook_url_enc" not in json.dumps(entry.after)


@pytest.mark.parametrize(
    "address, reason",
    [
        ("http://127.0.0.1:9/services/x", "loopback"),
        ("https://169.254.169.254/latest", "metadata"),
        ("https://10.1.2.3/hook", "private"),
        ("ftp://hooks.slack.com/x", "http"),
    ],
)
def test_webhook_addresses_are_vetted_like_feeds(login, admin, address, reason):
    response = login(admin).post(
        "/chat/new/", {"name": "#x", "kind": "slack", "webhook_url": address}
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not ChatChannel.objects.exists()


def test_plain_http_only_for_an_allowed_address(slack, settings):
    hook = slack.new_webhook()
    assert chat.check_webhook(hook) == hook
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with pytest.raises(chat.ChatError, match="https"):
        chat.check_webhook(hook)


def test_only_admins_manage_channels(login, curator, manager, channels):
    for person in (curator, manager):
        client = login(person)
        for url in ("/chat/", "/chat/new/", f"/chat/{channels[0].pk}/", "/nudges/"):
            assert client.get(url).status_code in (302, 403)
        assert client.post(f"/chat/{channels[0].pk}/remove/").status_code in (302, 403)
    assert ChatChannel.objects.count() == 2


def test_test_message_arrives_and_shows_delivered(
    login, admin, channels, slack, teams, django_capture_on_commit_callbacks
):
    client = login(admin)
    for channel, fake in zip(channels, (slack, teams), strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/chat/{channel.pk}/test/")
        assert response.status_code == 302
        assert len(fake.accepted) == 1
        page = client.get(f"/chat/{channel.pk}/").content.decode()
        assert "Delivered" in page
    assert "Advocato is connected to #advocacy" in json.dumps(slack.accepted[0].payload)
    assert "Delivered" in client.get("/chat/").content.decode()


def test_removing_a_channel_is_audited(login, admin, channels):
    client = login(admin)
    assert client.post(f"/chat/{channels[0].pk}/remove/").status_code == 302
    assert list(ChatChannel.objects.values_list("name", flat=True)) == ["Nordlys – News"]
    assert AuditEntry.objects.filter(action="delete").exists()


# --- What is announced --------------------------------------------------------------------------


def _item(title="Wind farm opens", featured=True, **extra):
    from advocato.content.models import ContentItem, Status

    return ContentItem.objects.create(
        title=title, commentary="Our biggest yet.", url="https://nordlys.example/wind",
        status=Status.IN_REVIEW, featured=featured, **extra,
    )  # fmt: skip


def test_featured_item_published_is_posted_to_both_services(
    channels, slack, teams, admin, django_capture_on_commit_callbacks
):
    from advocato.content import services as content

    with django_capture_on_commit_callbacks(execute=True):
        item = _item()
        content.transition(item, "published", admin)
        content.transition(_item("Quiet news", featured=False), "published", admin)
    assert len(slack.accepted) == len(teams.accepted) == 1
    slack_text = json.dumps(slack.accepted[0].payload, ensure_ascii=False)
    assert "New to share: Wind farm opens" in slack_text
    assert f"/feed/{item.pk}/" in slack_text
    card = teams.accepted[0].payload["attachments"][0]["content"]
    assert card["body"][0]["text"] == "New to share: Wind farm opens"
    # The same news again (a second signal) is not posted twice.
    events.featured_item(item)
    assert ChatPost.objects.filter(key=f"item:{item.pk}").count() == 2


def test_item_for_one_department_is_not_announced_company_wide(channels, admin):
    item = _item(target_everyone=False)
    assert events.featured_item(item) == []


def test_channel_gets_only_what_it_chose(channels):
    slack_channel, teams_channel = channels
    teams_channel.post_featured = False
    teams_channel.save()
    made = events.featured_item(_item())
    assert [p.channel for p in made] == [slack_channel]


def test_success_story_signal_posts_title_and_link(channels, slack, teams):
    story = SimpleNamespace(
        pk=7,
        title_in=lambda language: {"en": "How Anna found a customer"}.get(language, "?"),
        summary="One post, one meeting, one contract.",
        get_absolute_url=lambda: "/stories/7/",
    )
    story_published.send(sender=type(story), story=story)
    assert deliver_all() == ["delivered", "delivered"]
    text = json.dumps(slack.accepted[0].payload)
    assert "Success story: How Anna found a customer" in text
    assert "http" in text and "/stories/7/" in text
    card = teams.accepted[0].payload["attachments"][0]["content"]
    assert card["actions"][0]["url"].endswith("/stories/7/")


def test_messages_are_in_the_company_language(channels, slack):
    org = Organisation.get()
    org.default_language = "da"
    org.save()
    chat.send_test(channels[0])
    deliver_all()
    assert "Advocato er forbundet" in json.dumps(slack.accepted[0].payload, ensure_ascii=False)


def test_challenge_starting_is_announced_once(channels, slack, admin):
    from advocato.rewards.models import Challenge

    today = Organisation.get().today()
    Challenge.objects.create(
        title="Most clicks in June", prize="Lunch with the CEO", starts_on=today,
        ends_on=today + timedelta(days=13),
    )  # fmt: skip
    Challenge.objects.create(
        title="Old", prize="x", starts_on=today - timedelta(days=9), ends_on=today
    )
    made = events.announce_scheduled()
    assert made == 2  # the new one, to both channels
    assert events.announce_scheduled() == 0
    deliver_all()
    text = json.dumps(slack.accepted[0].payload, ensure_ascii=False)
    assert "A challenge starts: Most clicks in June" in text
    assert "Lunch with the CEO" in text and "Everyone" in text


# --- The weekly top and privacy (abuse test) ----------------------------------------------------


def _points(person, day: date, points: int) -> None:
    from advocato.rewards.models import DailyScore

    DailyScore.objects.create(employee=person, day=day, points=points)


MONDAY_MORNING = datetime(2026, 6, 15, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize("visibility", ["everyone", "managers"])
def test_weekly_top_names_only_people_who_allow_it(channels, slack, visibility):
    from advocato.conftest import make_employee
    from advocato.people.models import Ranking

    org = Organisation.get()
    org.individual_results = visibility
    org.time_zone = "Europe/Copenhagen"
    org.save()
    ChatChannel.objects.update(post_weekly_top=True)
    last_week = date(2026, 6, 9)
    named = make_employee("nina@nordlys.example", name="Nina Named")
    own = make_employee("olga@nordlys.example", name="Olga Ownrank", ranking=Ranking.OWN)
    out = make_employee("otto@nordlys.example", name="Otto Outside", ranking=Ranking.OUT)
    for person, points in ((named, 30), (own, 50), (out, 90)):
        _points(person, last_week, points)
    _points(named, date(2026, 6, 15), 500)  # this week: not in last week's top

    assert events.weekly_top(MONDAY_MORNING - timedelta(days=1)) == []  # Sunday: not yet
    made = events.weekly_top(MONDAY_MORNING)
    assert len(made) == 2
    deliver_all()
    text = json.dumps([r.payload for r in slack.accepted], ensure_ascii=False)
    assert "Otto" not in text  # left rankings: not in it at all
    assert "Olga" not in text  # only her own rank: never named in a channel
    assert "1. A colleague – 50 points" in text
    if visibility == "everyone":
        assert "2. Nina Named – 30 points" in text
    else:  # results are shown to managers only: a channel names nobody
        assert "Nina" not in text and "2. A colleague – 30 points" in text
    assert events.weekly_top(MONDAY_MORNING + timedelta(hours=3)) == []  # once a week


# --- Delivery: retries, backoff, once -----------------------------------------------------------


def test_rate_limit_honours_retry_after(channels, slack):
    slack.switches.rate_limit, slack.switches.retry_after = 1, 42
    (post,) = list(chat.send_test(channels[0]).channel.posts.all())
    now = timezone.now()
    assert chat.deliver(post.pk, now) == ("retry", now + timedelta(seconds=42))
    post.refresh_from_db()
    assert (post.status, post.http_status, post.attempts) == ("waiting", 429, 1)
    assert chat.due(now + timedelta(seconds=41)) == []
    assert chat.deliver(post.pk, now + timedelta(seconds=42))[0] == "delivered"
    assert len(slack.accepted) == 1


def test_server_errors_back_off_then_give_up(channels, teams):
    teams.switches.fail = 99
    post = chat.send_test(channels[1])
    now = timezone.now()
    waits = []
    for _attempt in range(chat.MAX_ATTEMPTS):
        _outcome, next_at = chat.deliver(post.pk, now)
        if next_at:
            waits.append(int((next_at - now).total_seconds()))
            now = next_at
    assert waits == chat.RETRY_DELAYS
    post.refresh_from_db()
    assert (post.status, post.attempts, post.http_status) == ("failed", 6, 502)
    assert "Gave up after 6 attempts" in post.error and "BadGateway" in post.error


def test_client_errors_are_not_retried(channels, slack):
    slack.remove_webhook(channels[0].webhook_url)
    post = chat.send_test(channels[0])
    assert chat.deliver(post.pk)[0] == "failed"
    post.refresh_from_db()
    assert (post.status, post.attempts, post.http_status) == ("failed", 1, 404)
    assert "no_service" in post.error


def test_unreachable_receiver_is_retried(channels, slack):
    slack.stop()
    post = chat.send_test(channels[0])
    outcome, next_at = chat.deliver(post.pk)
    assert outcome == "retry" and next_at is not None


def test_a_post_is_claimed_by_one_worker(channels, slack):
    post = chat.send_test(channels[0])
    now = timezone.now()
    assert chat._claim(post.pk, now) is not None  # another worker holds it
    assert chat.deliver(post.pk, now) == ("skipped", None)
    # That worker died: after its lease, the post is taken over and delivered once.
    later = now + chat.LEASE + timedelta(seconds=1)
    assert chat.due(later) == [post.pk]
    assert chat.deliver(post.pk, later)[0] == "delivered"
    assert chat.deliver(post.pk, later)[0] == "skipped"
    assert len(slack.accepted) == 1


def test_the_worker_task_delivers(channels, slack, teams):
    from advocato.enablement.chat import tasks

    chat.send_test(channels[0])
    tasks.deliver_due_posts.call_local()
    assert len(slack.accepted) == 1
