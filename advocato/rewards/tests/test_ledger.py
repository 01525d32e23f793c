"""The fold: what earns and what does not, caps on the company's days, rule changes mid-period,
replays, rows committed late, corrections, streaks and badges."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum

from advocato.content.models import ContentItem, Status
from advocato.rewards import ledger, services
from advocato.rewards.conftest import grant, make_click, make_conversion, make_item, make_share
from advocato.rewards.models import BadgeAward, DailyScore, FoldState, PointEntry

pytestmark = pytest.mark.django_db


def points(**filters) -> dict[str, tuple[int, str]]:
    return {
        e.source: (e.points, e.reason) for e in PointEntry.objects.filter(**filters).order_by("id")
    }


def test_self_bot_and_preview_clicks_earn_nothing(advocate, org):
    share = make_share(advocate, make_item())
    human = make_click(share)
    own = make_click(share, kind="self")
    make_click(share, kind="bot")
    make_click(share, kind="preview")
    again = make_click(share, visitor=human.visitor)
    services.fold()
    assert points(kind="click") == {
        f"click:{human.pk}": (1, ""),
        f"click:{own.pk}": (0, "self"),
        f"click:{again.pk}": (0, "repeat"),
    }


def test_featured_items_multiply_and_an_override_sets_the_points(advocate, org):
    featured = make_share(advocate, make_item(featured=True))
    special = make_share(advocate, make_item(points_override=42, featured=True))
    make_click(featured)
    services.fold()
    assert points(kind="share") == {
        f"share:{featured.pk}": (20, "featured"),
        f"share:{special.pk}": (42, "override"),
    }
    assert PointEntry.objects.get(kind="click").points == 2


def test_sharing_the_same_item_again_on_a_network_earns_nothing(advocate, org):
    item = make_item()
    first = make_share(advocate, item, "linkedin")
    again = make_share(advocate, item, "linkedin")
    other = make_share(advocate, item, "x")
    services.fold()
    assert points(kind="share") == {
        f"share:{first.pk}": (10, ""),
        f"share:{again.pk}": (0, "duplicate"),
        f"share:{other.pk}": (10, ""),
    }


def test_click_cap_counts_the_companys_day_across_dst(advocate, org):
    """Copenhagen: 28 March 2026 ends at 23:00 UTC; 29 March (clocks forward) at 22:00 UTC."""
    ledger.change_rules(None, {"click_cap": 2}, now=datetime(2026, 1, 1, tzinfo=UTC))
    share = make_share(advocate, make_item(), at=datetime(2026, 3, 28, 8, tzinfo=UTC))
    times = [
        datetime(2026, 3, 28, 21, 0, tzinfo=UTC),  # 22:00 local, 28th
        datetime(2026, 3, 28, 22, 30, tzinfo=UTC),  # 23:30 local, 28th
        datetime(2026, 3, 28, 22, 50, tzinfo=UTC),  # 23:50 local, 28th: over the cap
        datetime(2026, 3, 28, 23, 10, tzinfo=UTC),  # 00:10 local, 29th
        datetime(2026, 3, 29, 21, 30, tzinfo=UTC),  # 23:30 local (CEST), 29th
        datetime(2026, 3, 29, 21, 45, tzinfo=UTC),  # 23:45 local, 29th: over the cap
        datetime(2026, 3, 29, 22, 5, tzinfo=UTC),  # 00:05 local, 30th
    ]
    clicks = [make_click(share, at=t) for t in times]
    services.fold()
    earned = [PointEntry.objects.get(source=f"click:{c.pk}").points for c in clicks]
    assert earned == [1, 1, 0, 1, 1, 0, 1]
    assert PointEntry.objects.get(source=f"click:{clicks[2].pk}").reason == "cap"
    days = dict(DailyScore.objects.values_list("day").annotate(c=Sum("clicks")).order_by())
    assert {str(d): c for d, c in days.items()} == {"2026-03-28": 3, "2026-03-29": 3,
                                                    "2026-03-30": 1}  # fmt: skip


def test_rule_change_mid_period_applies_from_then_on(advocate, org):
    share = make_share(advocate, make_item(), at=datetime(2026, 5, 1, 9, tzinfo=UTC))
    early = make_click(share, at=datetime(2026, 5, 3, 9, tzinfo=UTC))
    services.fold()
    ledger.change_rules(None, {"click_points": 5}, now=datetime(2026, 5, 10, tzinfo=UTC))
    # A click from before the change, written late (e.g. spooled), keeps the old price.
    late = make_click(share, at=datetime(2026, 5, 9, 23, tzinfo=UTC))
    after = make_click(share, at=datetime(2026, 5, 12, 9, tzinfo=UTC))
    services.fold()
    assert points(kind="click") == {
        f"click:{early.pk}": (1, ""),
        f"click:{late.pk}": (1, ""),
        f"click:{after.pk}": (5, ""),
    }
    old, new = PointEntry.objects.get(click=early).rules, PointEntry.objects.get(click=after).rules
    assert new is not None and old != new and new.click_points == 5


def test_replays_and_overlapping_runs_count_once(advocate, org):
    share = make_share(advocate, make_item())
    click = make_click(share)
    make_conversion(click)
    assert services.fold() == 3
    assert services.fold() == 0
    FoldState.objects.all().delete()  # the fold forgot how far it was
    assert services.fold() == 0
    call_command("rewards", "--fold", "--verify")
    assert services.wallet_balance(advocate) == 10 + 1 + 25


def test_a_click_committed_late_with_a_lower_id_is_not_skipped(advocate, org):
    """PostgreSQL hands out ids before commit: a lower id can become visible after a higher
    one was read. The fold re-reads from a mark old enough that this cannot be missed."""
    from advocato.links.models import Click

    share = make_share(advocate, make_item())
    t0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
    first = make_click(share, at=t0)
    services.fold(now=t0)
    services.fold(now=t0 + timedelta(minutes=20))

    def click(pk, visitor):
        return Click.objects.create(
            id=pk, link=share.link, at=t0, kind="human", visitor=visitor, token=visitor
        )

    higher = click(first.pk + 10, "higher")
    services.fold(now=t0 + timedelta(minutes=21))  # reads id first+10
    slow = click(first.pk + 5, "slow")  # its transaction began earlier, commits now
    services.fold(now=t0 + timedelta(minutes=25))
    sources = set(PointEntry.objects.filter(kind="click").values_list("source", flat=True))
    assert sources == {f"click:{c.pk}" for c in (first, higher, slow)}
    assert services.fold(now=t0 + timedelta(minutes=45)) == 0


def test_corrections_are_new_rows_and_fix_the_period_they_counted_in(advocate, admin, org):
    share = make_share(advocate, make_item(), at=datetime(2026, 4, 2, 9, tzinfo=UTC))
    services.fold()
    entry = PointEntry.objects.get(share=share)
    reversal = services.reverse_entry(entry, admin, "Post was deleted")
    entry.refresh_from_db()
    assert entry.points == 10  # untouched
    assert reversal.points == -10 and reversal.at == entry.at and reversal.by == admin
    score = DailyScore.objects.get(employee=advocate)
    assert (score.points, score.shares) == (0, 0)
    with pytest.raises(services.LedgerError):
        services.reverse_entry(entry, admin, "again")
    with pytest.raises(services.LedgerError):
        services.reverse_entry(reversal, admin, "undo the undo")
    assert services.verify() == []


def test_published_suggestion_earns_once(advocate, curator, org):
    from advocato.content import services as content

    item = content.suggest(advocate, title="Our new site", url="https://nordlys.example/x")
    services.fold()
    assert not PointEntry.objects.filter(kind="suggestion").exists()
    ContentItem.objects.filter(pk=item.pk).update(status=Status.IN_REVIEW)
    item.refresh_from_db()
    item.texts.create(network="linkedin", language="en", text="Our new site!")  # to approve it
    content.approve(item, curator)
    services.fold()
    services.fold()
    assert points(kind="suggestion") == {f"suggestion:{item.pk}": (15, "")}
    assert BadgeAward.objects.filter(employee=advocate, badge="suggestion").exists()


def test_weekly_streak_and_its_badges(advocate, org):
    mondays = [datetime(2026, 9, 7, 9, tzinfo=UTC) + timedelta(weeks=w) for w in range(4)]
    for monday in mondays:
        make_share(advocate, make_item(), at=monday)
    services.fold(now=mondays[-1] + timedelta(days=8))
    streaks = PointEntry.objects.filter(kind="streak").order_by("at")
    assert [e.points for e in streaks] == [10, 10, 10]  # weeks 2, 3 and 4 of the streak
    last = streaks.last()
    assert last is not None and last.note == "4"  # weeks in a row
    badges = set(BadgeAward.objects.filter(employee=advocate).values_list("badge", flat=True))
    assert {"first_share", "streak_4"} <= badges
    services.fold(now=mondays[-1] + timedelta(days=9))
    assert PointEntry.objects.filter(kind="streak").count() == 3
    assert BadgeAward.objects.filter(employee=advocate, badge="first_share").count() == 1


def test_first_conversion_badge_and_conversion_points_by_type(advocate, org):
    share = make_share(advocate, make_item(goal="recruitment"))
    make_conversion(make_click(share), kind="application")
    make_conversion(make_click(share), kind="newsletter")
    services.fold()
    assert sorted(PointEntry.objects.filter(kind="conversion").values_list("points", flat=True)) \
        == [10, 25]  # fmt: skip
    assert BadgeAward.objects.filter(employee=advocate, badge="first_conversion").exists()


def test_verify_finds_a_sum_out_of_step_and_rebuild_fixes_it(advocate, org):
    grant(advocate, 50)
    make_share(advocate, make_item())
    services.fold()
    DailyScore.objects.update(points=999)
    assert services.verify()
    services.rebuild_scores()
    assert services.verify() == []


def test_imported_history_earns_nothing(advocate, org):
    """History from another platform (`advocato import-history`) was not earned under our
    rules: the share, its clicks and its conversions pay no points; our own share still does."""
    from advocato.links.models import Click, Conversion
    from advocato.sharing.models import Share

    imported = make_share(advocate, make_item("Old news"))
    Share.objects.filter(pk=imported.pk).update(confirmed_by="import")
    make_conversion(make_click(imported), at=datetime.now(UTC) - timedelta(hours=2))
    ours = make_share(advocate, make_item("New news"))
    # A click imported onto one of our own links (by its code) earns nothing either.
    Click.objects.create(
        link=ours.link, kind="human", visitor="v-imp", token="imp.abcdefghijklmnopqrst",
        at=datetime.now(UTC) - timedelta(hours=3),
    )  # fmt: skip
    click = make_click(ours)
    Conversion.objects.create(
        click=click, link=ours.link, kind="lead", external_id="import:1", source="import",
        at=datetime.now(UTC) - timedelta(hours=2),
    )  # fmt: skip
    services.fold()
    sources = set(PointEntry.objects.values_list("source", flat=True))
    assert sources == {f"share:{ours.pk}", f"click:{click.pk}"}
