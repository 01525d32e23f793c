"""The demo's sharing: 90 days of a real-looking programme, whose numbers the dashboards and the
README's advocates' "my shares" pages depend on."""

import re
from datetime import timedelta

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from advocato.links.models import Click, Conversion, TrackedLink
from advocato.people.models import Employee
from advocato.sharing.models import Share
from advocato.shell.demo import build_demo, clear_demo

README_ADVOCATES = ["anna.holm@nordlys.example", "lars.berg@nordlys.example"]


def registered():
    return Employee.objects.filter(is_active=True, user__isnull=False)


def counts() -> dict:
    return {
        "shares": Share.objects.count(),
        "edited": Share.objects.filter(edited=True).count(),
        "links": TrackedLink.objects.count(),
        "conversions": Conversion.objects.count(),
        **{
            kind: Click.objects.filter(kind=kind).count()
            for kind in ("human", "preview", "bot", "self")
        },
    }


def human_clicks_per_share(shares) -> float:
    rows = shares.annotate(humans=Count("link__clicks", filter=Q(link__clicks__kind="human")))
    return sum(r.humans for r in rows) / rows.count()


@pytest.mark.django_db
@pytest.mark.parametrize("email", README_ADVOCATES)
def test_the_readme_advocates_have_a_rich_sharing_history(email):
    summary = build_demo(quiet=True)
    assert summary["shares"] == Share.objects.count() > 0
    shares = Share.objects.filter(employee__email=email, status=Share.Status.CONFIRMED)
    assert shares.count() >= 8
    assert all(s.confirmed_at and s.confirmed_at >= s.created_at for s in shares)
    now = timezone.now()
    times = sorted(shares.values_list("created_at", flat=True))
    assert now - times[0] > timedelta(days=60) and now - times[-1] < timedelta(days=14)
    clicks = Click.objects.filter(link__share__in=shares)
    assert clicks.filter(kind="human").count() >= 8
    assert clicks.filter(kind="preview").exists()
    assert Conversion.objects.filter(link__share__in=shares).count() >= 1


@pytest.mark.django_db
def test_clicks_and_conversions_happen_after_the_share_and_never_in_the_future():
    build_demo(quiet=True)
    now = timezone.now()
    assert Click.objects.filter(at__lt=F("link__share__created_at")).count() == 0
    assert Click.objects.filter(at__gt=now).count() == 0
    assert Conversion.objects.filter(at__lt=F("click__at")).count() == 0
    assert Conversion.objects.filter(at__gt=now).count() == 0
    assert Conversion.objects.exclude(link=F("click__link")).count() == 0
    assert Conversion.objects.exclude(click__kind="human").count() == 0
    assert {"human", "preview", "bot", "self"} <= set(Click.objects.values_list("kind", flat=True))
    # Visitors are hashes, never addresses; the same visitor may come back.
    visitors = list(Click.objects.values_list("visitor", flat=True))
    assert all(re.fullmatch(r"[0-9a-f]{32}", v) for v in visitors)
    humans = Click.objects.filter(kind="human")
    assert humans.values("link", "visitor").distinct().count() < humans.count()
    assert all(
        re.fullmatch(r"[A-Za-z0-9_-]{8}", c)
        for c in TrackedLink.objects.values_list("code", flat=True)
    )
    assert all(len(t) == 16 for t in Click.objects.values_list("token", flat=True))
    # Shares are of items that were published at the time, by people who had joined.
    assert Share.objects.filter(created_at__lt=F("item__published_at")).count() == 0
    assert Share.objects.exclude(item__status__in=["published", "expired"]).count() == 0
    assert Share.objects.filter(created_at__lt=F("employee__user__date_joined")).count() == 0
    assert Share.objects.filter(link__created_at=F("created_at")).count() == Share.objects.count()


@pytest.mark.django_db
def test_edited_posts_earn_clearly_more_clicks():
    build_demo(quiet=True)
    confirmed = Share.objects.filter(status=Share.Status.CONFIRMED)
    edited = confirmed.filter(edited=True)
    assert 0.35 <= edited.count() / confirmed.count() <= 0.55
    assert edited.filter(edit_distance__lte=0).count() == 0
    assert confirmed.filter(edited=False).exclude(edit_distance=0).count() == 0
    ratio = human_clicks_per_share(edited) / human_clicks_per_share(confirmed.filter(edited=False))
    assert ratio >= 1.3


@pytest.mark.django_db
def test_the_programme_looks_like_a_real_one():
    build_demo(quiet=True)
    people = registered().count()
    activated = registered().filter(shares__status="confirmed").distinct().count()
    since = timezone.now() - timedelta(days=30)
    active = registered().filter(shares__confirmed_at__gte=since).distinct().count()
    assert 0.45 <= activated / people <= 0.65
    assert 0.2 <= active / people <= 0.5
    # A small core of ambassadors shares far more than the rest.
    per_person = registered().annotate(n=Count("shares")).filter(n__gt=0)
    ambassadors = per_person.filter(groups__name="Ambassadors")
    others = per_person.exclude(groups__name="Ambassadors")
    assert sum(a.n for a in ambassadors) / ambassadors.count() > 2 * (
        sum(o.n for o in others) / others.count()
    )
    networks = dict(Share.objects.values_list("network").annotate(n=Count("pk")))
    assert max(networks, key=lambda network: networks[network]) == "linkedin"
    assert 0.45 <= networks["linkedin"] / sum(networks.values()) <= 0.65
    assert len(networks) == 6


@pytest.mark.django_db
def test_the_demo_shares_are_deterministic():
    build_demo(quiet=True)
    first = counts()
    clear_demo()
    assert Share.objects.count() == Click.objects.count() == 0
    build_demo(quiet=True)
    assert counts() == first
