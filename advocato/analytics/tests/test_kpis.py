"""Every KPI of ARCHITECTURE.md against small hand-built data whose answer is worked out by hand
here (the arithmetic is written out beside each assertion), never by calling the same code.

The company is in Europe/Copenhagen (CET = UTC+1 in winter, CEST = UTC+2 in summer; DST starts
2026-03-29 and ends 2026-10-25)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from advocato.analytics import kpis, rollups
from advocato.analytics.models import Settings, ShareDay, Target
from advocato.conftest import make_employee
from advocato.content.models import Topic
from advocato.core.models import Organisation
from advocato.links.models import Click
from advocato.people.models import Employee, Invitation, Ranking, User
from advocato.sharing.models import Share

from .conftest import click, convert, local, make_item, make_share, utc

MARCH_WEEK = kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 8))  # Mon 2 – Sun 8 March


def figures(f: kpis.Filters) -> dict[str, kpis.Figure]:
    return {figure.key: figure for figure in kpis.programme(f)["figures"]}


def day_totals(day: date) -> dict:
    return kpis.totals(kpis.Filters(start=day, end=day).rows())


def person(email, *, joined=None, created=None, **extra) -> Employee:
    """A registered employee, invited (`created`) and registered (`joined`) at given moments."""
    employee = make_employee(email, **extra)
    if created:
        Employee.objects.filter(pk=employee.pk).update(created_at=created)
    if joined:
        User.objects.filter(pk=employee.user_id).update(date_joined=joined)
    employee.refresh_from_db()
    return employee


# --- People: adoption, activation, participation ------------------------------------------


def test_adoption_activation_and_participation(org, item):
    january = local(2026, 1, 2, 9)
    anna = person("anna@example.com", created=january, joined=january)
    bo = person("bo@example.com", created=january, joined=january)
    person("cai@example.com", created=january, joined=january)  # registered, never shares
    dina = Employee.objects.create(email="dina@example.com", name="Dina", created_at=january)
    Invitation.objects.create(employee=dina)  # invited, not registered yet
    eik = Employee.objects.create(email="eik@example.com", name="Eik", created_at=january)
    Invitation.objects.create(employee=eik, revoked_at=january)  # withdrawn: not in programme
    gone = person("gone@example.com", created=january, joined=january)
    Employee.objects.filter(pk=gone.pk).update(is_active=False)  # left: not counted
    late = person("late@example.com", created=local(2026, 3, 5), joined=local(2026, 3, 5))
    make_share(anna, item, local(2026, 2, 10, 9))  # shares in February
    make_share(bo, item, local(2026, 1, 20, 9))  # shared in January only
    make_share(bo, item, local(2026, 2, 11, 9), status=Share.Status.STARTED)  # never posted
    make_share(late, item, local(2026, 3, 6, 9))  # after the period
    rollups.fill()

    got = figures(kpis.Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)))

    # invited = anna, bo, cai, dina (eik's invitation was withdrawn, gone left, late came in
    # March); registered = anna, bo, cai.
    assert got["adoption"].value == pytest.approx(3 / 4)
    assert got["adoption"].extra == {"part": 3, "whole": 4}
    # ≥ 1 share ever by the end of February: anna (Feb 10) and bo (Jan 20).
    assert got["activation"].value == pytest.approx(2 / 3)
    # A posted share in February: anna only (bo's February share was never posted).
    assert got["participation"].value == pytest.approx(1 / 3)
    # The period before (Jan 4 – Jan 31): bo shared on Jan 20; 3 registered.
    assert got["participation"].previous == pytest.approx(1 / 3)
    assert got["activation"].previous == pytest.approx(1 / 3)  # only bo had shared by Jan 31


def test_participation_counts_only_registered_people_and_never_exceeds_one(org, item):
    january = local(2026, 1, 2, 9)
    stays = person("stays@example.com", created=january, joined=january)
    leaves = person("leaves@example.com", created=january, joined=january)
    make_share(stays, item, local(2026, 2, 10, 9))
    make_share(leaves, item, local(2026, 2, 11, 9))
    Employee.objects.filter(pk=leaves.pk).update(is_active=False)  # left the company since
    rollups.fill()

    got = figures(kpis.Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)))

    # registered (active, in the programme) = stays; of them, stays shared: 1 ÷ 1, not 2 ÷ 1.
    assert got["participation"].extra == {"part": 1, "whole": 1}
    assert got["participation"].value == pytest.approx(1.0)


# --- Reach and engagement --------------------------------------------------------------------


def test_potential_reach_and_engagement_rate_over_shares_with_figures(org, item, advocate):
    make_share(
        advocate, item, local(2026, 3, 2, 9), audience=1000, reactions=30, comments=10, reshares=0
    )
    make_share(advocate, item, local(2026, 3, 3, 9), audience=500)  # no engagement reported
    make_share(advocate, item, local(2026, 3, 4, 9), audience=200, reactions=5, reshares=5)
    make_share(advocate, item, local(2026, 3, 5, 9), audience=9999, status=Share.Status.STARTED)
    make_share(advocate, item, local(2026, 3, 9, 9), audience=7777, reactions=1)  # next week
    rollups.fill()

    got = figures(MARCH_WEEK)

    assert got["shares"].value == 3  # the started share was never posted; one is next week
    assert got["reach"].value == 1700  # 1000 + 500 + 200
    # (30 + 10 + 0) + (5 + 0 + 5) = 50 engagement over the reach of the two shares that
    # report engagement, 1000 + 200 = 1200; the 500 without figures is not in the base.
    assert got["engagement_rate"].value == pytest.approx(50 / 1200)
    assert got["engagement_rate"].extra == {"engagement": 50, "engaged_shares": 2}


def test_engagement_rate_leaves_out_shares_whose_reach_is_unknown(org, item, advocate):
    make_share(advocate, item, local(2026, 3, 2, 9), audience=1000, reactions=50)
    make_share(advocate, item, local(2026, 3, 3, 9), audience=None, reactions=30)
    rollups.fill()

    # Only the first share has both figures: 50 ÷ 1000. Counting the second's 30 over no
    # reach at all would claim 80 ÷ 1000 = 8 %.
    assert figures(MARCH_WEEK)["engagement_rate"].value == pytest.approx(50 / 1000)


# --- Clicks ------------------------------------------------------------------------------------


def test_clicks_are_human_only_and_unique_clicks_are_visitors_per_link_per_day(org, item, advocate):
    first = make_share(advocate, item, local(2026, 3, 2, 9))
    second = make_share(advocate, item, local(2026, 3, 2, 9))
    click(first, local(2026, 3, 2, 10), visitor="v1")
    click(first, local(2026, 3, 2, 11), visitor="v1")  # same visitor, same day
    click(first, local(2026, 3, 2, 12), visitor="v2")
    click(first, local(2026, 3, 3, 10), visitor="v1")  # same visitor, next day
    click(second, local(2026, 3, 2, 10), visitor="v1")  # same visitor, other link
    click(first, local(2026, 3, 2, 13), kind=Click.Kind.BOT, visitor="b")
    click(first, local(2026, 3, 2, 13), kind=Click.Kind.PREVIEW, visitor="p")
    click(first, local(2026, 3, 2, 13), kind=Click.Kind.SELF, visitor="s")
    rollups.fill()

    got = figures(MARCH_WEEK)
    sums = kpis.totals(MARCH_WEEK.rows())

    # 4 human clicks on the first link (3 on Monday + 1 on Tuesday) + 1 on the second; the
    # bot, the preview and the sharer's own click are not counted.
    assert got["clicks"].value == 5
    # first link: Monday {v1, v2} = 2, Tuesday {v1} = 1; second link: Monday {v1} = 1.
    assert got["unique_clicks"].value == 4
    assert (sums["bots"], sums["previews"], sums["self_clicks"]) == (1, 1, 1)
    assert day_totals(date(2026, 3, 2))["unique_clicks"] == 3  # v1, v2 on first; v1 on second


def test_referrals_are_clicks_landing_on_own_domains_subdomains_included(org, advocate):
    settings = Settings.get()
    settings.own_domains = "nordlys.example\n  .Group.Example \n"
    settings.save()
    urls = [
        "https://nordlys.example/nyheder",  # own
        "https://careers.nordlys.example/job/42",  # own: a subdomain
        "https://WWW.group.example/om-os",  # own: entered with a dot and capitals
        "https://nordlys.example.evil.test/",  # not own: only looks like it
        "https://notnordlys.example/",  # not own: another domain ending the same way
    ]
    for n, url in enumerate(urls):
        share = make_share(advocate, make_item(f"Item {n}", url), local(2026, 3, 2, 9))
        click(share, local(2026, 3, 2, 10))
        click(share, local(2026, 3, 2, 11), kind=Click.Kind.BOT)
    rollups.fill()

    got = figures(MARCH_WEEK)

    assert got["clicks"].value == 5  # one human click on each item
    assert got["referrals"].value == 3  # the first three items; bots never count


def test_conversions_by_kind_counted_on_the_day_they_happened(org, item, advocate):
    share = make_share(advocate, item, local(2026, 3, 2, 9))
    early = click(share, local(2026, 3, 2, 10))  # the click is in the week before
    convert(early, "lead", local(2026, 3, 10, 9))
    convert(early, "signup", local(2026, 3, 11, 9))
    convert(early, "lead", local(2026, 3, 12, 9))
    # 23:30 UTC on Sunday 15 March is 00:30 on Monday 16 March in Copenhagen: next week.
    convert(early, "application", utc(2026, 3, 15, 23, 30))
    rollups.fill()

    week = kpis.Filters(start=date(2026, 3, 9), end=date(2026, 3, 15))
    got = figures(week)

    assert got["conversions"].value == 3  # lead Tue + signup Wed + lead Thu
    assert got["conversions"].extra["kinds"] == {"lead": 2, "signup": 1}
    assert got["clicks"].value == 0  # the click that brought them was on 2 March
    assert got["conversions"].previous == 0  # nothing converted in the week of 2 March
    following = kpis.Filters(start=date(2026, 3, 16), end=date(2026, 3, 22))
    assert kpis.conversions_by_kind(following.rows()) == {"application": 1}


def test_earned_media_value_uses_the_configured_cpc_and_cpm(org, item, advocate):
    settings = Settings.get()
    settings.cpc, settings.cpm = Decimal("2.50"), Decimal("40.00")
    settings.save()
    one = make_share(advocate, item, local(2026, 3, 2, 9), audience=1500)
    two = make_share(advocate, item, local(2026, 3, 4, 9), audience=500)
    click(one, local(2026, 3, 2, 10), visitor="a")
    click(one, local(2026, 3, 2, 11), visitor="b")
    click(two, local(2026, 3, 4, 10), visitor="a")
    click(two, local(2026, 3, 4, 10), kind=Click.Kind.BOT)
    rollups.fill()

    # 3 clicks × 2.50 + (1500 + 500) ÷ 1000 × 40.00 = 7.50 + 80.00
    assert figures(MARCH_WEEK)["emv"].value == Decimal("87.50")


# --- Consistency, voice, best time -------------------------------------------------------------


def test_consistency_counts_a_partial_week_as_a_week_of_the_period(org, item):
    steady = make_employee("steady@example.com", department="Sales")
    spiky = make_employee("spiky@example.com", department="Sales")
    early = make_employee("early@example.com", department="Sales")
    make_share(steady, item, local(2026, 3, 5, 9))  # Thu, in the partial first week
    make_share(steady, item, local(2026, 3, 20, 9))  # Fri, third week
    make_share(spiky, item, local(2026, 3, 10, 9))
    make_share(spiky, item, local(2026, 3, 11, 9))  # two shares, one week
    make_share(spiky, item, local(2026, 3, 23, 9))  # after the period
    make_share(early, item, local(2026, 3, 2, 9))  # Mon of the first week, before the period
    rollups.fill()

    # Wed 4 March – Sun 22 March overlaps three weeks: 2–8 (from Wed), 9–15 and 16–22.
    f = kpis.Filters(start=date(2026, 3, 4), end=date(2026, 3, 22))
    got = kpis.consistency(f)

    assert got[steady.pk] == pytest.approx(2 / 3)  # weeks of 2 and 16 March
    assert got[spiky.pk] == pytest.approx(1 / 3)  # the week of 9 March only
    assert early.pk not in got  # shared on 2 March, before the period began


def test_personal_voice_uplift_compares_clicks_per_share(org, item, advocate):
    edited_a = make_share(advocate, item, local(2026, 3, 2, 9), edited=True, reactions=10)
    edited_b = make_share(advocate, item, local(2026, 3, 3, 9), edited=True, reactions=20)
    plain_a = make_share(advocate, item, local(2026, 3, 4, 9), reactions=5)
    make_share(advocate, item, local(2026, 3, 5, 9))  # plain, no clicks, no figures
    old = make_share(advocate, item, local(2026, 2, 20, 9), edited=True)  # posted before
    for hour in (10, 11, 12):
        click(edited_a, local(2026, 3, 2, hour))
    click(edited_b, local(2026, 3, 12, 10))  # after the period: still the share's click
    click(plain_a, local(2026, 3, 4, 10))
    for hour in (10, 11, 12, 13):
        click(old, local(2026, 3, 3, hour))  # clicks in the period on a share posted before
    rollups.fill()

    got = kpis.voice(MARCH_WEEK)

    # edited: (3 + 1) clicks ÷ 2 shares = 2.0; as suggested: (1 + 0) ÷ 2 = 0.5; 2.0 ÷ 0.5 − 1
    assert got["edited"]["clicks_per_share"] == pytest.approx(2.0)
    assert got["suggested"]["clicks_per_share"] == pytest.approx(0.5)
    assert got["uplift"] == pytest.approx(3.0)
    # engagement per share reporting it: (10 + 20) ÷ 2 = 15 against 5 ÷ 1 = 5; 15 ÷ 5 − 1
    assert got["engagement_uplift"] == pytest.approx(2.0)


def test_best_time_cell_is_the_local_weekday_and_hour_of_posting(org, item, advocate):
    # Tuesday 08:30 in Copenhagen: 07:30 UTC in winter, 06:30 UTC in summer.
    tuesdays = [
        (local(2026, 3, 3, 8, 30), 3),
        (utc(2026, 3, 10, 7, 5), 1),  # 08:05 local
        (local(2026, 7, 7, 8, 59), 2),
    ]
    for at, clicks in tuesdays:
        share = make_share(advocate, item, at, audience=100)
        for n in range(clicks):
            click(share, at + timedelta(minutes=n + 1), visitor=f"v{n}")
    # The first Tuesday's share: one person twice the same day counts once.
    click(Share.objects.get(created_at=local(2026, 3, 3, 8, 30)), local(2026, 3, 3, 11))
    for day in (4, 11, 18):  # three Wednesdays at 14:00, one click between them, no reach
        make_share(advocate, item, local(2026, 3, day, 14))
    click(Share.objects.get(created_at=local(2026, 3, 4, 14)), local(2026, 3, 4, 15))
    rollups.fill()

    got = kpis.heatmap(kpis.Filters(start=date(2026, 2, 1), end=date(2026, 7, 31)))

    cell = got["cells"][1][8]  # Tuesday, 08:00–08:59
    # 3 + 1 + 2 people (the repeat visitor once); 7 clicks; reach 300
    assert (cell["shares"], cell["unique_clicks"], cell["clicks"], cell["reach"]) == (3, 6, 7, 300)
    assert cell["per_share"] == pytest.approx(2.0)
    assert cell["per_thousand"] == pytest.approx(7 * 1000 / 300)
    assert got["cells"][1][7]["shares"] == 0  # not the UTC hour of the winter posts
    wednesday = got["cells"][2][14]
    assert wednesday["per_share"] == pytest.approx(1 / 3)
    assert wednesday["per_thousand"] is None  # no reach known: no second view
    assert got["total_shares"] == 6
    assert got["best"] is None  # 6 shares: too few for the data to name a best slot


def test_a_dialog_only_company_gets_the_same_best_time_on_the_page_and_in_the_composer(
    org, item, advocate, login, analyst
):
    """No share has a potential reach (share dialogs): people who clicked per share decide."""
    from advocato.analytics import services
    from advocato.sharing import posting

    weeks = 8
    for week in range(weeks):
        thursday = local(2026, 9, 3, 14) + timedelta(weeks=week)  # Thursdays 14:00
        monday = local(2026, 8, 31, 10) + timedelta(weeks=week)  # Mondays 10:00
        for at, people in ((thursday, 2), (monday, 1), (monday + timedelta(minutes=5), 1)):
            share = make_share(advocate, item, at)
            for n in range(people):
                click(share, at + timedelta(hours=1), visitor=f"w{week}-{n}")
    extra = local(2026, 8, 30, 20)  # Sundays at 20:00: four shares, no clicks
    for n in range(4):
        make_share(advocate, item, extra - timedelta(weeks=n))
    rollups.fill()
    today = date(2026, 10, 31)
    found = kpis.heatmap(kpis.Filters(start=today - timedelta(days=179), end=today), "linkedin")
    assert found["total_shares"] == 3 * weeks + 4
    assert found["best"] == (3, 14, pytest.approx(2.0), weeks)
    page = login(analyst).get(
        "/analytics/best-time/",
        {"period": "custom", "start": "2026-05-05", "end": "2026-10-31", "network": "linkedin"},
    )
    assert "Thursday 14:00–14:59" in page.content.decode()
    now = local(2026, 10, 31, 12)
    assert services.best_slot("linkedin", now=now) == (3, 14)
    assert posting.best_slot("linkedin", now) == (3, 14, True)


# --- Over time: previous period and targets --------------------------------------------------


def test_previous_period_is_the_same_length_just_before(org, item, advocate):
    share = make_share(advocate, item, local(2026, 3, 2, 9), audience=100)
    for day in (2, 3, 8, 8):
        click(share, local(2026, 3, day, 10), visitor=f"v{day}")
    click(share, local(2026, 3, 9, 10))
    click(share, local(2026, 3, 15, 10))
    click(share, local(2026, 3, 1, 10))  # the Sunday before the previous week
    rollups.fill()

    week = kpis.Filters(start=date(2026, 3, 9), end=date(2026, 3, 15))
    got = figures(week)

    assert week.previous() == kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 8))
    assert got["clicks"].value == 2  # Mon 9 and Sun 15
    assert got["clicks"].previous == 4  # Mon 2, Tue 3 and twice on Sun 8
    assert got["clicks"].change == pytest.approx(2 / 4 - 1)
    assert got["reach"].previous == 100  # the share was posted in the week before
    assert got["reach"].value == 0


def test_quarterly_target_is_pro_rated_for_a_shorter_period(org, advocate):
    Target.objects.create(year=2026, quarter=1, kpi="clicks", value=Decimal("900"))
    Target.objects.create(year=2026, quarter=1, kpi="adoption", value=Decimal("80"))
    Target.objects.create(
        year=2026, quarter=1, kpi="conversions", conversion_kind="lead", value=Decimal("45")
    )

    january = kpis.Filters(start=date(2026, 1, 1), end=date(2026, 1, 31))
    got = kpis.targets_for(january)

    # Q1 2026 has 31 + 28 + 31 = 90 days; January is 31 of them: 900 × 31 ÷ 90 = 310.
    assert got["clicks"][0] == Decimal("310")
    assert got["conversions:lead"][0] == Decimal("16")  # 45 × 31 ÷ 90 = 15.5 → 16
    assert got["adoption"][0] == Decimal("0.8")  # a rate is not scaled: 80 % stays 80 %
    quarter = kpis.Filters(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert kpis.targets_for(quarter)["clicks"][0] == Decimal("900")
    assert figures(january)["clicks"].target == Decimal("310")


def test_pro_rated_target_says_how_it_was_scaled_in_plain_numbers(org):
    Target.objects.create(year=2026, quarter=1, kpi="clicks", value=Decimal("900"))
    Target.objects.create(year=2026, quarter=2, kpi="clicks", value=Decimal("1250.50"))

    january = kpis.targets_for(kpis.Filters(start=date(2026, 1, 1), end=date(2026, 1, 31)))
    april = kpis.targets_for(kpis.Filters(start=date(2026, 4, 1), end=date(2026, 4, 30)))

    assert january["clicks"][1] == "34% of the Q1 target of 900"  # 31 ÷ 90 days = 34.4 %
    assert april["clicks"][1] == "33% of the Q2 target of 1250.5"  # 30 ÷ 91 days = 33.0 %


# --- Filters ---------------------------------------------------------------------------------


def test_filters_by_department_network_topic_goal_and_language(org):
    january = local(2026, 1, 2, 9)
    sales = person(
        "sofie@example.com", created=january, joined=january, department="Sales", language="da"
    )
    engineering = person(
        "erik@example.com", created=january, joined=january, department="Engineering", language="en"
    )
    # Each speaker shares items in their own language, so "language" means the same whether
    # it is read from the person or from the item.
    energy_da = make_item("Vind", goal="leads", language="da", topics=["Energy"])
    hiring_da = make_item(
        "Job",
        "https://nordlys.example/job",
        goal="recruitment",
        language="da",
        topics=["Hiring", "Energy"],
    )
    hiring_en = make_item(
        "Jobs", "https://nordlys.example/jobs", goal="recruitment", language="en", topics=["Hiring"]
    )
    counts = [
        (sales, energy_da, "linkedin", 1),
        (sales, hiring_da, "x", 2),
        (engineering, hiring_en, "linkedin", 4),
        (engineering, hiring_en, "mastodon", 8),
    ]
    for employee, item, network, n_clicks in counts:
        share = make_share(employee, item, local(2026, 3, 2, 9), network=network)
        for n in range(n_clicks):
            click(share, local(2026, 3, 2, 10 + n), visitor=f"v{n}")
    rollups.fill()

    def clicks(**kw):
        f = kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 8), **kw)
        return figures(f)["clicks"].value

    assert clicks() == 15  # 1 + 2 + 4 + 8
    assert clicks(department=sales.department_id) == 3  # 1 + 2
    assert clicks(network="linkedin") == 5  # 1 + 4
    assert clicks(topic=Topic.objects.get(name="Energy").pk) == 3  # Vind 1 + Job 2
    assert clicks(topic=Topic.objects.get(name="Hiring").pk) == 14  # 2 + 4 + 8
    assert clicks(goal="recruitment") == 14  # 2 + 4 + 8
    assert clicks(goal="leads") == 1
    assert clicks(language="da") == 3  # 1 + 2
    assert clicks(language="en") == 12  # 4 + 8
    assert clicks(department=engineering.department_id, network="mastodon") == 8
    by_network = {row["key"]: row["clicks"] for row in kpis.breakdown(MARCH_WEEK, "network")}
    assert by_network == {"linkedin": 5, "x": 2, "mastodon": 8}
    by_topic = {row["label"]: row["shares"] for row in kpis.breakdown(MARCH_WEEK, "topic")}
    assert by_topic == {"Energy": 2, "Hiring": 3}  # Job is in both topics
    f = kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 8), department=sales.department_id)
    assert figures(f)["participation"].value == pytest.approx(1 / 1)  # sofie, of 1 registered


# --- Time zone and DST -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # 00:30 CET on the spring change day = 23:30 UTC the day before.
        (local(2026, 3, 29, 0, 30), date(2026, 3, 29)),
        # 23:30 CEST on the (23-hour) spring change day = 21:30 UTC.
        (local(2026, 3, 29, 23, 30), date(2026, 3, 29)),
        # 00:30 CEST on the autumn change day = 22:30 UTC the day before.
        (local(2026, 10, 25, 0, 30), date(2026, 10, 25)),
        # 23:30 CET on the (25-hour) autumn change day = 22:30 UTC.
        (local(2026, 10, 25, 23, 30), date(2026, 10, 25)),
        # 23:30 UTC on a winter Wednesday is 00:30 on Thursday in Copenhagen.
        (utc(2026, 1, 14, 23, 30), date(2026, 1, 15)),
    ],
)
def test_click_lands_on_its_local_day(org, item, advocate, moment, day):
    share = make_share(advocate, item, local(2026, 1, 1, 9))
    click(share, moment)
    rollups.fill()

    assert day_totals(day)["clicks"] == 1
    assert day_totals(day - timedelta(days=1))["clicks"] == 0
    assert day_totals(day + timedelta(days=1))["clicks"] == 0
    assert rollups.compare() == []


def test_share_posted_at_0230_on_the_autumn_change_day(org, item, advocate):
    first = make_share(advocate, item, local(2026, 10, 25, 2, 30), audience=10)  # 00:30 UTC
    second = make_share(advocate, item, local(2026, 10, 25, 2, 30, fold=1), audience=20)
    # (Moments on the repeated hour never compare equal across zones: compare timestamps.)
    assert [s.created_at.timestamp() for s in (first, second)] == [
        utc(2026, 10, 25, 0, 30).timestamp(),
        utc(2026, 10, 25, 1, 30).timestamp(),
    ]
    rollups.fill()

    rows = ShareDay.objects.filter(share__in=[first, second])
    assert {(r.posted_on, r.posted_weekday, r.posted_hour) for r in rows} == {
        (date(2026, 10, 25), 6, 2)  # Sunday, 02:00–02:59 (both of them)
    }
    cell = kpis.heatmap(kpis.Filters(start=date(2026, 10, 25), end=date(2026, 10, 25)))["cells"]
    assert (cell[6][2]["shares"], cell[6][2]["reach"]) == (2, 30)
    assert day_totals(date(2026, 10, 24))["shares"] == 0


def test_changing_the_company_time_zone_moves_the_days(org, item, advocate):
    share = make_share(advocate, item, utc(2026, 1, 14, 12))
    click(share, utc(2026, 1, 14, 23, 30))  # Copenhagen: 00:30 on the 15th
    rollups.fill()
    assert day_totals(date(2026, 1, 15))["clicks"] == 1

    org.time_zone = "America/New_York"  # 18:30 on the 14th there
    org.save()
    rollups.fill()

    assert day_totals(date(2026, 1, 14))["clicks"] == 1
    assert day_totals(date(2026, 1, 15))["clicks"] == 0
    assert rollups.compare() == []


def test_half_hour_time_zone_splits_a_utc_hour_between_two_days(org, item, advocate):
    org.time_zone = "Asia/Kolkata"  # UTC+05:30: 18:00–19:00 UTC is 23:30–00:30 local
    org.save()
    share = make_share(advocate, item, utc(2026, 1, 14, 12))
    click(share, utc(2026, 1, 14, 18, 15))  # 23:45 on the 14th
    click(share, utc(2026, 1, 14, 18, 45))  # 00:15 on the 15th
    rollups.fill()

    assert day_totals(date(2026, 1, 14))["clicks"] == 1
    assert day_totals(date(2026, 1, 15))["clicks"] == 1
    assert rollups.compare() == []


# --- Privacy: who sees whom in the top contributors ----------------------------------------


@pytest.fixture
def ranking(org, item):
    """Six sharers with 6, 5, 4, 3, 2 and 1 clicks, two of them reporting to a manager."""
    boss = make_employee("boss@example.com", role="manager", name="Boss")
    analyst = make_employee("ana@example.com", role="analyst", name="Analyst")
    people = {
        "out": make_employee("out@example.com", name="Out", ranking=Ranking.OUT),
        "named": make_employee("named@example.com", name="Named"),
        "report": make_employee("report@example.com", name="Report", manager=boss),
        "own": make_employee("own@example.com", name="Own", ranking=Ranking.OWN),
        "shy_report": make_employee(
            "shy@example.com", name="Shy", manager=boss, ranking=Ranking.OWN
        ),
        "viewer": make_employee("viewer@example.com", name="Viewer"),
    }
    for clicks, employee in zip((6, 5, 4, 3, 2, 1), people.values(), strict=True):
        share = make_share(employee, item, local(2026, 3, 2, 9))
        for n in range(clicks):
            click(share, local(2026, 3, 2, 10), visitor=f"v{n}")
    rollups.fill()
    people.update(boss=boss, analyst=analyst)
    return people


def seen(people, viewer, policy):
    Organisation.objects.filter(pk=1).update(individual_results=policy)
    found = kpis.contributors(MARCH_WEEK, people[viewer])
    return [(row["rank"], row["name"]) for row in found["rows"]], found["hidden"], found["total"]


def test_everyone_policy_names_those_who_chose_to_be_named(ranking):
    # Ranked for others (Out left rankings): Named 5, Report 4, Own 3, Shy 2, Viewer 1 click.
    assert seen(ranking, "viewer", "everyone") == (
        [(1, "Named"), (2, "Report"), (5, "Viewer")],
        2,  # Own and Shy chose to show their rank only to themselves
        5,
    )
    assert seen(ranking, "own", "everyone") == (
        [(1, "Named"), (2, "Report"), (3, "Own"), (5, "Viewer")],
        1,  # Shy
        5,
    )


def test_someone_who_left_rankings_is_not_ranked_not_even_in_their_own_view(ranking):
    # Out has the most clicks (6) but asked to be left out: absent from everybody's ranking,
    # their own too (issue 16: they saw themselves "=2 of 27").
    assert seen(ranking, "out", "everyone") == (
        [(1, "Named"), (2, "Report"), (5, "Viewer")],
        2,  # Own and Shy
        5,
    )
    for viewer in ("viewer", "named", "boss", "analyst"):
        rows, _hidden, total = seen(ranking, viewer, "everyone")
        assert "Out" not in [name for _rank, name in rows]
        assert total == 5


def test_managers_policy_shows_names_to_the_programme_team_and_own_managers(ranking):
    # An advocate sees only themselves.
    assert seen(ranking, "viewer", "managers") == ([(5, "Viewer")], 4, 5)
    # The manager sees the named person who reports to them, not the one who chose "own",
    # and nobody outside their reporting line.
    assert seen(ranking, "boss", "managers") == ([(2, "Report")], 4, 5)
    # The programme team sees everyone who chose to be named.
    assert seen(ranking, "analyst", "managers") == (
        [(1, "Named"), (2, "Report"), (5, "Viewer")],
        2,
        5,
    )


def test_self_policy_shows_people_only_themselves(ranking):
    assert seen(ranking, "analyst", "self") == ([], 5, 5)
    assert seen(ranking, "named", "self") == ([(1, "Named")], 4, 5)
    # Who left rankings is ranked for nobody, herself included (issue 16: no "=2 of 27").
    assert seen(ranking, "out", "self") == ([], 5, 5)


# --- Teams, scorecard and content ------------------------------------------------------------


def test_teams_scorecard_and_content(org, item):
    january = local(2026, 1, 5, 9)  # everyone invited and registered before March
    sales_a = person("sa@example.com", department="Sales", created=january, joined=january)
    person("sb@example.com", department="Sales", created=january, joined=january)  # no shares
    eng = person("en@example.com", department="Engineering", created=january, joined=january)
    # Joined after the period: not counted in March's headcount.
    person(
        "late@example.com", department="Sales", created=local(2026, 4, 1), joined=local(2026, 4, 2)
    )
    other = make_item("Andet", "https://nordlys.example/andet")
    a1 = make_share(sales_a, item, local(2026, 3, 2, 9), audience=100, edited=True)
    a2 = make_share(sales_a, other, local(2026, 3, 9, 9), audience=50)
    e1 = make_share(eng, item, local(2026, 3, 3, 9), audience=300)
    for at in (local(2026, 3, 2, 10), local(2026, 3, 3, 10)):
        click(a1, at)
    click(a2, local(2026, 3, 9, 10))
    click(e1, local(2026, 3, 3, 10))
    rollups.fill()

    teams = {row["name"]: row for row in kpis.teams(MARCH_WEEK)}
    assert (teams["Sales"]["registered"], teams["Sales"]["sharers"]) == (2, 1)
    assert teams["Sales"]["participation"] == pytest.approx(1 / 2)
    assert teams["Sales"]["clicks_per_person"] == pytest.approx(2 / 2)  # 2 clicks, 2 people
    assert teams["Engineering"]["reach"] == 300

    card = kpis.scorecard(sales_a, kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 15)))
    assert card["totals"]["clicks"] == 3  # 2 on the first share, 1 on the second
    assert card["totals"]["reach"] == 150
    assert card["consistency"] == pytest.approx(2 / 2)  # both weeks
    assert card["voice"]["uplift"] == pytest.approx(2 / 1 - 1)  # 2 per edited, 1 per plain

    content = kpis.content(kpis.Filters(start=date(2026, 3, 2), end=date(2026, 3, 15)))
    # item: 2 shares, 3 clicks, reach 400; other: 1 share, 1 click, reach 50.
    assert [(r["title"], r["shares"], r["clicks"], r["reach"]) for r in content] == [
        ("Vindmøllepark åbner", 2, 3, 400),  # 1.5 clicks per share
        ("Andet", 1, 1, 50),  # 1.0
    ]
