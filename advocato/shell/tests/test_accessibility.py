"""Every page, for every role that may open it, passes axe with no serious or critical
violation and does not scroll sideways — on a phone, and for the admin (who may open nearly
every page, and has the longest menu) and visitors who are not signed in also on a desktop
screen. The pages come from the URL configuration, not
from a list kept by hand: a view's `access` (role_required / employee_required / public) says
who may open it, and a new URL that is neither visited nor skipped below, with its reason,
fails the test."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advocato.conftest import PASSWORD

from .conftest import grow

ROLES = ["admin", "curator", "manager", "analyst", "advocate"]
ANONYMOUS = "anonymous"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Who is checked on which screen: everyone on a phone (where tables scroll and the menu folds).
SCREENS = [(role, PHONE) for role in [ANONYMOUS, *ROLES]] + [
    (ANONYMOUS, DESKTOP),
    ("admin", DESKTOP),
]

# URLs that are not pages to look at, by url name: (what a GET gives instead, why). The first
# four kinds are checked below (test_skipped_urls_are_not_pages); the last two need what a
# test cannot have here: a key from an e-mail, or two-factor switched on.
POST, JSON, DOWNLOAD, REDIRECT, FROM_EMAIL, TWO_FACTOR = (
    "post", "json", "download", "redirect", "needs an e-mailed key", "needs two-factor on"
)  # fmt: skip
SKIPPED = {
    "shell:set_language": (POST, "switches the language and goes back"),
    "shell:my_data_download": (DOWNLOAD, "everything about oneself, as a zip"),
    "shell:forget_person": (POST, "an admin's action on a person's page"),
    "enablement:accept": (POST, "the policy page's “I accept” button"),
    "enablement:new_version": (POST, "starts a new policy version"),
    "enablement:onboarding_tick": (POST, "ticks a checklist step on the home page"),
    "people:import_template": (DOWNLOAD, "the example CSV"),
    "people:resend": (POST, "an action on the person's page"),
    "people:revoke": (POST, "an action on the person's page"),
    "people:set_active": (POST, "an action on the person's page"),
    "content:transition": (POST, "approve, send back, archive: buttons on other pages"),
    "content:source_poll": (POST, "the feed page's “read now” button"),
    "links:follow": (REDIRECT, "the /l/ redirect to the item's own site"),
    "links:convert": (JSON, "the company website's snippet reports conversions"),
    "links:convert_server": (JSON, "the company's server reports conversions"),
    "sharing:check": (JSON, "the composer's live checks"),
    "sharing:confirm": (POST, "“Yes, I posted it” on the hand-off page"),
    "sharing:cancel": (POST, "cancels a scheduled post"),
    "sharing:refresh_figures": (POST, "reads a post's figures from the network"),
    "sharing:enter_engagement": (POST, "the figures form on a direct post's page"),
    "sharing:network_connect": (POST, "starts connecting a network"),
    "sharing:network_disconnect": (POST, "disconnects a network"),
    "sharing:network_audience": (POST, "states one's audience"),
    "sharing:network_reconnect": (REDIRECT, "to the network's own “allow” page"),
    "sharing:network_callback": (REDIRECT, "the network's way back after “allow”"),
    "analytics:export": (DOWNLOAD, "CSV and XLSX of a table"),
    "analytics:evaluation_pdf": (DOWNLOAD, "the quarterly evaluation as PDF"),
    "analytics:history_sample": (DOWNLOAD, "the history import's example file of one kind"),
    "rewards:reverse": (POST, "takes points back, from a person's points page"),
    "rewards:redeem": (POST, "the catalogue's “Redeem” button"),
    "rewards:decide": (POST, "approve or decline a request"),
    "rewards:payroll": (DOWNLOAD, "the payroll CSV"),
    "rewards:review_decide": (POST, "approve or decline a held click or waiting conversion"),
    "rewards:conversion_kinds": (POST, "saves the conversion types on the rules page"),
    "sharing:remove": (POST, "removes a posted share, from its page"),
    "media": (DOWNLOAD, "uploaded pictures"),
    "account_email": (REDIRECT, "e-mail addresses are managed by admins: to the profile"),
    "account_set_password": (REDIRECT, "everyone has a password: to changing it"),
    "account_confirm_login_code": (REDIRECT, "signing in by an e-mailed code is off"),
    "account_confirm_reauthentication_code": (REDIRECT, "asks for a code first"),
    "mfa_authenticate": (REDIRECT, "the second step of signing in, with two-factor on"),
    "mfa_reauthenticate": (REDIRECT, "confirming with two-factor, when it is on"),
    "account_confirm_email": (FROM_EMAIL, "addresses are confirmed by the invitation"),
    "account_reset_password_from_key": (FROM_EMAIL, "the link in a password-reset e-mail"),
    "mfa_deactivate_totp": (TWO_FACTOR, "switching two-factor off"),
    "mfa_view_recovery_codes": (TWO_FACTOR, "the recovery codes"),
    "mfa_generate_recovery_codes": (TWO_FACTOR, "new recovery codes"),
    "mfa_download_recovery_codes": (TWO_FACTOR, "the recovery codes as a file"),
}
SKIPPED_PREFIXES = {"admin/": "Django's own admin site, not Advocato's pages"}

# django-allauth's views have no `access`: who opens them.
ACCOUNT_PAGES = {
    "account_login": [ANONYMOUS],
    "account_signup": [ANONYMOUS],  # says that sign-up is by invitation
    "account_inactive": [ANONYMOUS],
    "account_reset_password": [ANONYMOUS],
    "account_reset_password_done": [ANONYMOUS],
    "account_reset_password_from_key_done": [ANONYMOUS],
    "account_email_verification_sent": [ANONYMOUS],
    "account_logout": ROLES,
    "account_change_password": ROLES,
    "account_reauthenticate": ROLES,
    "account_request_reauthentication_code": ROLES,
    "mfa_index": ROLES,
    "mfa_activate_totp": ROLES,
}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


def _who_opens(name: str, view) -> list[str]:
    access = getattr(view, "access", None)
    if access is None:
        return ACCOUNT_PAGES.get(name, [])
    if "public" in access:
        return [ANONYMOUS]
    if "everyone" in access:
        return ROLES
    return [role for role in ROLES if role in access]


def plan(arguments: dict) -> tuple[dict[str, list[str]], list[str]]:
    """{role: [paths to visit]} from the URL conf, and the routes nobody accounted for.
    `arguments[url name](role)` gives the argument tuples of a URL with parameters: one
    per variant of the page (a share posted through a dialog, a share posted directly)."""
    visits: dict[str, list[str]] = {}
    unaccounted = []
    seen = set()
    names = {name for _route, name, _view in _walk(get_resolver())}
    listed = set(SKIPPED) | set(ACCOUNT_PAGES) | set(arguments)
    unaccounted += [f"{name} (listed here, gone from the URL conf)" for name in listed - names]
    for route, name, view in _walk(get_resolver()):
        if any(route.startswith(p) for p in SKIPPED_PREFIXES) or name in SKIPPED:
            continue
        roles = _who_opens(name, view)
        if not name or not roles or name in seen:
            unaccounted.append(route)
            continue
        seen.add(name)
        for role in roles:
            if "<" in route:
                if name not in arguments:
                    unaccounted.append(route)
                    break
                paths = [reverse(name, args=args) for args in arguments[name](role)]
            else:
                paths = [reverse(name)]
            visits.setdefault(role, []).extend(paths)
    return visits, unaccounted


@pytest.fixture
def dataset(world):
    """A small company with one of everything a page with a parameter needs."""
    from advocato.analytics import evaluation
    from advocato.analytics.models import HistoryImport
    from advocato.content import services as content
    from advocato.content.models import ContentItem, FeedSource, Status, SuggestedText
    from advocato.enablement.models import PolicyVersion
    from advocato.people import services as people
    from advocato.people.models import Group, Invitation
    from advocato.rewards.models import Challenge, Reward
    from advocato.sharing import services as sharing
    from advocato.sharing.models import EngagementReading, PostState, Share, Source

    grow(world, 3)
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
    history_upload = HistoryImport.objects.create(
        uploaded_by=world.admin, filename="clicks.csv", kind="clicks", data=b"", total_rows=2,
        good_rows=1, problem_count=1,
        problems=[{"line": 3, "column": "share", "value": "x", "message": "No such share."}],
    )  # fmt: skip
    invitee = world.people[0]
    invitation = Invitation.objects.filter(employee=invitee).first() or Invitation.objects.create(
        employee=invitee, invited_by=world.admin
    )
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        title="Most clicks in spring", starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5), prize="Cake", created_by=world.curator,
    )  # fmt: skip
    quarter = evaluation.recent_quarters()[0]  # the current one
    policy = PolicyVersion.objects.create(
        number=1, body_en="Share **in your own words**.", published_at=timezone.now()
    )
    policy_draft = PolicyVersion.objects.create(number=2, body_en="Share, and say so.")
    report = next(p for p in world.people if p.manager_id == world.manager.pk and p.user_id)
    scorecard_of = {"manager": report, "analyst": world.advocate, "admin": world.advocate}
    group, source, reward = (
        Group.objects.first(),
        FeedSource.objects.first(),
        Reward.objects.first(),
    )
    assert group is not None and source is not None and reward is not None  # grow() makes them
    objects = {
        "people:import_report": lambda role: [(staged.pk,)],
        "analytics:history_report": lambda role: [(history_upload.pk,)],
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
    }
    return personas, objects


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×: "
        + " | ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        + ")"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def sign_in(page, base, employee):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", employee.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")


def test_every_url_is_visited_or_skipped(dataset):
    """The walk cannot rot: a new URL is either visited (a view with `access`, its
    parameters given objects in `dataset`) or skipped with its reason."""
    _personas, objects = dataset
    visits, unaccounted = plan(objects)
    assert unaccounted == [], (
        "URLs neither visited nor skipped (give a view's parameters an object in `dataset`, "
        "or add it to SKIPPED with the reason):\n" + "\n".join(unaccounted)
    )
    assert set(visits) == {ANONYMOUS, *ROLES}
    assert len(visits["admin"]) > 50 and len(visits["advocate"]) > 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_for_every_role_passes_axe(browser, live_server, dataset):
    from django.db import connection

    if connection.vendor != "sqlite":
        # Two minutes of CI per database for the same markup: the walk runs once, on SQLite.
        pytest.skip("the accessibility walk runs on SQLite only (the pages are the same)")
    personas, objects = dataset
    visits, _unaccounted = plan(objects)  # complete: see the test above
    base = live_server.url
    found: dict[str, list[str]] = {}
    for role, screen in SCREENS:
        context = browser.new_context(locale="en-GB", viewport=screen)
        page = context.new_page()
        if role != ANONYMOUS:
            sign_in(page, base, personas[role])
        for path in visits[role]:
            response = page.goto(base + path)
            if "/accounts/reauthenticate/?" in page.url:
                # Setting up two-factor first asks for the password again.
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").first.click()
                response = page.goto(base + path)
            where = f"{role} {path} ({screen['width']} px)"
            # The page itself, not an error or a redirect to some other page.
            if response.status != 200 or page.url.split("?")[0] != base + path:
                found[where] = [f"answered {response.status} at {page.url}"]
                continue
            # What people can unfold (the menu, "How is this counted?") is checked too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems = serious_violations(page)
            # Nothing wider than the screen (WCAG's reflow): wide tables scroll in their box.
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > screen["width"]:
                problems.append(f"{width} px wide: it scrolls sideways")
            if problems:
                found[where] = problems
        context.close()
    assert found == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


@pytest.mark.django_db
def test_skipped_urls_are_not_pages(client, dataset, settings, tmp_path):
    """What the skip list says of a URL is so: a GET is refused (actions and JSON take POST
    only), answers a file, or redirects — so no page hides in it."""
    from advocato.analytics import evaluation
    from advocato.links.models import TrackedLink

    personas, _objects = dataset
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "pixel.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    year, quarter = evaluation.recent_quarters()[0]
    minted = TrackedLink.objects.order_by("-pk").first()
    assert minted is not None
    samples = {
        "links:follow": (minted.code,),
        "analytics:export": ("kpis", "csv"),
        "analytics:evaluation_pdf": (year, quarter),
        "analytics:history_sample": ("clicks",),
        "media": ("pixel.png",),
    }
    client.force_login(personas["admin"].user)  # admins may open every page
    wrong = []
    for route, name, _view in _walk(get_resolver()):
        kind, _reason = SKIPPED.get(name, (None, ""))
        if kind not in {POST, JSON, DOWNLOAD, REDIRECT}:
            continue
        # Actions refuse a GET before they look anything up, so any id will do for them.
        parameters = re.findall(r"<(?:(\w+):)?\w+>", route)
        args = samples.get(name) or [1 if c == "int" else "mastodon" for c in parameters]
        response = client.get(reverse(name, args=args))
        given = response.get("Content-Type", "")
        if kind in {POST, JSON} and response.status_code != 405:
            wrong.append(f"{name} ({kind}): GET answered {response.status_code}")
        if kind == DOWNLOAD and (response.status_code != 200 or given.startswith("text/html")):
            wrong.append(f"{name} ({kind}): GET answered {response.status_code} {given}")
        if kind == REDIRECT and response.status_code not in {301, 302, 303}:
            wrong.append(f"{name} ({kind}): GET answered {response.status_code}")
    assert wrong == []
