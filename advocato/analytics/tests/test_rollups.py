"""The rollups always equal a recount from the raw events, whatever order the events arrive in.

Property-based: hypothesis plays random histories of inserts, late clicks, spool replays, ids
that turn up after a later id was read, shares confirmed later, new engagement figures and fills
in between, then checks the stored rows twice: with `rollups.compare()`, and with a tiny hand
recount here of human clicks per local day from the clicks the test itself wrote."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocato.analytics import rollups, services
from advocato.analytics.models import ConversionDay, FillState, Settings, ShareDay
from advocato.conftest import make_employee
from advocato.links.models import Click, Conversion
from advocato.sharing.models import Share

from .conftest import CPH, click, convert, local, make_item, make_share, utc

ON_POSTGRES = connection.vendor == "postgresql"
SPRING = utc(2026, 3, 27)  # DST starts Sunday 29 March 02:00 local
AUTUMN = utc(2026, 10, 23)  # DST ends Sunday 25 October 03:00 local
WINDOW_MINUTES = 6 * 24 * 60
KINDS = [Click.Kind.HUMAN, Click.Kind.HUMAN, Click.Kind.BOT, Click.Kind.PREVIEW, Click.Kind.SELF]


def human_clicks_by_day() -> dict[date, int]:
    stored = ShareDay.objects.values_list("day").annotate(n=Sum("clicks")).order_by()
    return {day: n for day, n in stored if n}


def snapshot() -> dict:
    """Every stored row with its dimensions, by (share, day)."""
    fields = [f.attname for f in ShareDay._meta.concrete_fields if f.attname != "id"]
    rows = {(r["share_id"], r["day"]): r for r in ShareDay.objects.values(*fields)}
    for row_id, kind, count in ConversionDay.objects.values_list("row__share_id", "kind", "count"):
        rows.setdefault(("kinds", row_id), {})[kind] = count
    return rows


@pytest.fixture
def world(org):
    """Four shares over the DST changes: posted, started (dialog), started (direct post, its
    time comes when the network answers) and one with engagement, on own and other domains."""
    settings_ = Settings.get()
    settings_.own_domains = "nordlys.example"
    settings_.save()
    anna = make_employee("anna@example.com", department="Sales")
    lars = make_employee("lars@example.com", department="Engineering")
    ours = make_item("Ours", "https://www.nordlys.example/a")
    theirs = make_item("Theirs", "https://news.example/b")
    return [
        make_share(anna, ours, local(2026, 3, 28, 22, 30), audience=100),
        make_share(lars, theirs, utc(2026, 3, 28, 23, 30), status=Share.Status.STARTED),
        make_share(
            anna,
            theirs,
            utc(2026, 3, 28, 22, 30),
            method=Share.Method.API,
            status=Share.Status.STARTED,
            audience=40,
        ),
        make_share(lars, ours, local(2026, 10, 25, 2, 30, fold=1), audience=300, reactions=4),
    ]


moments = st.builds(
    lambda base, minutes: base + timedelta(minutes=minutes),
    st.sampled_from([SPRING, AUTUMN]),
    st.integers(0, WINDOW_MINUTES),
)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("click"),
            st.integers(0, 3),
            moments,
            st.sampled_from(KINDS),
            st.integers(0, 3),
            st.booleans(),
        ),
        st.tuples(
            st.just("late"),
            st.integers(0, 3),
            st.integers(1, 5),
            st.sampled_from(KINDS),
            st.integers(0, 3),
        ),
        st.tuples(st.just("replay"), st.integers(0, 50)),
        st.tuples(st.just("hole"), st.integers(0, 3), moments),
        st.tuples(st.just("hole"), st.integers(0, 3), moments),
        st.tuples(st.just("fill"), st.sampled_from([1, 3, 50_000])),  # batch size
        st.tuples(st.just("fill"), st.sampled_from([1, 3, 50_000])),
        st.tuples(st.just("confirm"), st.sampled_from([1, 2]), st.integers(0, 30)),
        st.tuples(
            st.just("engage"),
            st.integers(0, 3),
            st.none() | st.integers(0, 50),
            st.none() | st.integers(0, 5000),
        ),
        st.tuples(
            st.just("convert"),
            st.integers(0, 50),
            st.sampled_from(["lead", "signup"]),
            st.integers(0, 48),
        ),
    ),
    min_size=6,
    max_size=30,
)


class History:
    """Plays operations against the database and keeps its own list of what was written."""

    def __init__(self, share_ids: list[int]):
        self.shares = list(Share.objects.filter(pk__in=share_ids).select_related("link"))
        self.shares.sort(key=lambda s: share_ids.index(s.pk))
        self.ids = itertools.count(1)  # click ids are given explicitly, so holes can be made
        self.holes: list[int] = []
        self.clicks: list[Click] = []  # every click row that was really written
        self.conversions: list[Conversion] = []

    def add_click(self, share, at, kind=Click.Kind.HUMAN, visitor=0, pk=None) -> None:
        pk = pk or next(self.ids)
        self.clicks.append(
            Click.objects.create(
                id=pk, link=share.link, at=at, kind=kind, visitor=f"v{visitor}", token=f"tok{pk}"
            )
        )

    def play(self, op) -> None:
        name, *args = op
        if name == "click":
            index, at, kind, visitor, leave_hole = args
            if leave_hole:  # an earlier transaction that has not committed yet
                self.holes.append(next(self.ids))
            self.add_click(self.shares[index], at, kind, visitor)
        elif name == "late":  # written now, happened days before the latest click
            index, days, kind, visitor = args
            latest = max((c.at for c in self.clicks), default=SPRING + timedelta(days=3))
            self.add_click(self.shares[index], latest - timedelta(days=days), kind, visitor)
        elif name == "replay" and self.clicks:  # the spool sends a click it already wrote
            old = self.clicks[args[0] % len(self.clicks)]
            again = Click(
                id=next(self.ids),
                link_id=old.link_id,
                at=old.at,
                kind=old.kind,
                visitor=old.visitor,
                token=old.token,
            )
            Click.objects.bulk_create([again], ignore_conflicts=True)  # burns the id
        elif name == "hole" and self.holes:  # the late transaction commits
            index, at = args
            self.add_click(self.shares[index], at, pk=self.holes.pop(0))
        elif name == "fill":
            rollups.fill(batch=args[0])
        elif name == "confirm":
            index, hours = args
            share = self.shares[index]
            share.status = Share.Status.CONFIRMED
            share.confirmed_at = share.created_at + timedelta(hours=hours)
            share.save()
        elif name == "engage":
            index, reactions, audience = args
            share = self.shares[index]
            share.reactions, share.audience = reactions, audience
            share.save()
        elif name == "convert" and self.clicks:
            index, kind, hours = args
            source = self.clicks[index % len(self.clicks)]
            self.conversions.append(convert(source, kind, source.at + timedelta(hours=hours)))

    def hand_count(self) -> dict[date, int]:
        """Human clicks per local day, from this test's own list, with zoneinfo."""
        days = Counter(c.at.astimezone(CPH).date() for c in self.clicks if c.kind == "human")
        return dict(days)

    def hand_unique(self) -> dict[tuple[int, date], int]:
        seen = defaultdict(set)
        for c in self.clicks:
            if c.kind == "human":
                seen[(c.link_id, c.at.astimezone(CPH).date())].add(c.visitor)
        return {key: len(v) for key, v in seen.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # nothing written into the work tree; failures print their example
)
@given(ops=operations)
def test_rollups_equal_a_recount_after_any_history(world, ops):
    with transaction.atomic():
        history = History([s.pk for s in world])
        for op in ops:
            history.play(op)
        rollups.fill()

        assert rollups.compare() == []
        assert human_clicks_by_day() == history.hand_count()
        assert Click.objects.count() == len(history.clicks)  # replays were refused
        stored_unique = {
            (link_of, day): n
            for link_of, day, n in ShareDay.objects.filter(unique_clicks__gt=0).values_list(
                "share__link", "day", "unique_clicks"
            )
        }
        assert stored_unique == history.hand_unique()
        conversions = ConversionDay.objects.aggregate(n=Sum("count"))["n"] or 0
        assert conversions == len(history.conversions)
        transaction.set_rollback(True)  # the next example starts from the same four shares


# --- Plain scenarios -----------------------------------------------------------------------------


def test_the_same_click_token_is_refused(world):
    first = click(world[0], utc(2026, 3, 28, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        Click.objects.create(
            link=first.link, at=first.at, kind="human", visitor="v", token=first.token
        )
    replay = Click(link=first.link, at=first.at, kind="human", visitor="v", token=first.token)
    Click.objects.bulk_create([replay], ignore_conflicts=True)
    rollups.fill()

    assert Click.objects.count() == 1
    assert human_clicks_by_day() == {date(2026, 3, 28): 1}


@pytest.mark.parametrize("dies_in", ["recount", "shares"])
def test_a_fill_that_dies_half_way_counts_nothing_twice_when_run_again(world, monkeypatch, dies_in):
    for n in range(6):  # six human clicks on 30 March, local
        click(world[0], local(2026, 3, 30, 9 + n), visitor=f"v{n}")
    real_recount, calls = rollups.recount, []

    def recount_then_die(keys, tz=None, posted=None):
        calls.append(keys)
        written = real_recount(keys, tz, posted)
        if len(calls) == 2:  # the second batch of clicks: rows written, then the crash
            raise RuntimeError("worker killed")
        return written

    def die(*args, **kwargs):
        raise RuntimeError("worker killed")

    if dies_in == "recount":
        monkeypatch.setattr(rollups, "recount", recount_then_die)
    else:
        monkeypatch.setattr(rollups, "_fill_shares", die)
    with pytest.raises(RuntimeError):
        rollups.fill(batch=2)
    monkeypatch.undo()

    rollups.fill(batch=2)
    rollups.fill()

    assert human_clicks_by_day() == {date(2026, 3, 30): 6}  # 6 clicks, each counted once
    assert rollups.compare() == []


def test_an_id_missing_when_read_is_counted_when_it_turns_up(world):
    def add(pk, hour):
        Click.objects.create(
            id=pk,
            link=world[0].link,
            at=local(2026, 3, 30, hour),
            kind="human",
            visitor=f"v{pk}",
            token=f"gap{pk}",
        )

    add(10, 9)
    rollups.fill()
    assert sorted(int(k) for k in FillState.objects.get(source="clicks").gaps) == list(range(1, 10))

    add(9, 10)  # committed after id 10 was read
    add(11, 11)
    rollups.fill()

    assert human_clicks_by_day() == {date(2026, 3, 30): 3}  # ids 9, 10 and 11
    state = FillState.objects.get(source="clicks")
    assert (state.last_id, "9" in state.gaps) == (11, False)
    assert rollups.compare() == []


def test_rebuild_gives_the_same_rows_as_incremental_fills(world):
    the_click = click(world[0], local(2026, 3, 29, 0, 30))
    rollups.fill()
    click(world[1], local(2026, 3, 29, 23, 30), visitor="w")
    click(world[3], local(2026, 10, 25, 2, 45, fold=1))
    convert(the_click, "lead", local(2026, 3, 31, 8))
    rollups.fill()
    click(world[0], local(2026, 3, 28, 12), kind=Click.Kind.PREVIEW)  # late
    world[2].status, world[2].confirmed_at = Share.Status.CONFIRMED, utc(2026, 3, 30, 6)
    world[2].save()
    world[3].comments = 7
    world[3].save()
    rollups.fill()
    incremental = snapshot()

    rollups.rebuild()

    assert snapshot() == incremental
    assert rollups.compare() == []
    assert len(incremental) >= 6  # the scenario did reach several rows


def test_new_own_domains_are_counted_again_after_the_settings_change(
    world, django_capture_on_commit_callbacks
):
    the_click = click(world[1], local(2026, 3, 30, 9))  # an item on news.example
    rollups.fill()
    assert ShareDay.objects.get(share=world[1]).referrals == 0
    settings_ = Settings.get()
    settings_.own_domains = "nordlys.example\nnews.example"
    settings_.save()
    assert rollups.compare() != []  # a plain fill does not look at the settings …

    with django_capture_on_commit_callbacks(execute=True):
        services.after_settings_change()  # … the settings page queues a rebuild

    assert ShareDay.objects.get(share=world[1], day=the_click.at.date()).referrals == 1
    assert rollups.compare() == []


@pytest.mark.django_db(transaction=True)
def test_fill_runs_outside_a_transaction_as_the_worker_calls_it(world):
    click(world[0], local(2026, 3, 30, 9))

    rollups.fill()

    assert human_clicks_by_day() == {date(2026, 3, 30): 1}


def test_datetime_helpers_agree_with_zoneinfo():
    spring_start, spring_end = rollups.day_bounds(date(2026, 3, 29), CPH)
    autumn_start, autumn_end = rollups.day_bounds(date(2026, 10, 25), CPH)
    assert (spring_start, spring_end) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))  # 23 h
    assert (autumn_start, autumn_end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))  # 25 h
    clock = rollups.LocalClock(CPH)
    assert clock.at(utc(2026, 3, 29, 1, 30)) == (date(2026, 3, 29), 6, 3)  # 03:30 CEST
    assert clock.at(utc(2026, 10, 25, 1, 30)) == (date(2026, 10, 25), 6, 2)  # 02:30 CET
    assert isinstance(clock.day(datetime.now(CPH)), date)
