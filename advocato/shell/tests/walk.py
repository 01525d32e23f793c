"""The page walk shared by the browser tests (axe, widths): every URL of the URL
configuration, who may open it (from a view's `access`), and what is skipped with its reason.
The objects a page with a parameter needs come from the `dataset` fixture (conftest.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advocato.conftest import PASSWORD

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
    "manifest": (DOWNLOAD, "the web app manifest (application/manifest+json), not a page"),
    "service_worker": (DOWNLOAD, "the service worker's script"),
    "content:share_target": (POST, "the phone's share sheet posts here"),
    "shell:set_language": (POST, "switches the language and goes back"),
    "shell:my_data_download": (DOWNLOAD, "everything about oneself, as a zip"),
    "analytics:history_sample": (DOWNLOAD, "the history import's example file of one kind"),
    "shell:forget_person": (POST, "an admin's action on a person's page"),
    "enablement:accept": (POST, "the policy page's “I accept” button"),
    "enablement:new_version": (POST, "starts a new policy version"),
    "enablement:onboarding_tick": (POST, "ticks a checklist step on the home page"),
    "enablement:question_status": (POST, "closes or reopens a question, on its page"),
    "sharing:own_posts": (POST, "the balance's “posts of your own” form on My shares"),
    "enablement:training_question_delete": (POST, "a question's “Delete” button on its module"),
    "enablement:story_withdraw": (POST, "takes a success story down, from the stories list"),
    "enablement:chat_test": (POST, "a chat channel's “Send a test message” button"),
    "enablement:chat_remove": (POST, "removes a chat channel, from its page"),
    "enablement:nudges_off": (FROM_EMAIL, "the way out in a re-activation e-mail"),
    "rewards:review_decide": (POST, "approve or decline a held click or waiting conversion"),
    "rewards:conversion_kinds": (POST, "saves the conversion types on the rules page"),
    "sharing:remove": (POST, "removes a posted share, from its page"),
    "people:import_template": (DOWNLOAD, "the example CSV"),
    "people:search": (DOWNLOAD, "the people picker's search, JSON (people/picker.py)"),
    "people:resend": (POST, "an action on the person's page"),
    "people:revoke": (POST, "an action on the person's page"),
    "people:set_active": (POST, "an action on the person's page"),
    "content:transition": (POST, "approve, send back, archive: buttons on other pages"),
    "content:review_approve": (POST, "the review queue's “Approve ticked” button"),
    "content:source_poll": (POST, "the feed page's “read now” button"),
    "links:follow": (REDIRECT, "the /l/ redirect to the item's own site"),
    "links:convert": (JSON, "the company website's snippet reports conversions"),
    "links:convert_server": (JSON, "the company's server reports conversions"),
    "sharing:check": (JSON, "the composer's live checks"),
    "sharing:copy": (POST, "an item's “Copy text with your link” buttons"),
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
    "rewards:reverse": (POST, "takes points back, from a person's points page"),
    "rewards:redeem": (POST, "the catalogue's “Redeem” button"),
    "rewards:decide": (POST, "approve or decline a request"),
    "rewards:payroll": (DOWNLOAD, "the payroll CSV"),
    "media": (DOWNLOAD, "uploaded pictures"),
    "api:webhook_rotate": (POST, "“Make a new secret” on the endpoint's page"),
    "api:webhook_switch": (POST, "“Disable”/“Enable” on the endpoint's page"),
    "api:webhook_test": (POST, "“Send a test message” on the endpoint's page"),
    "api:webhook_delete": (POST, "“Delete” on the endpoint's page"),
    "api:webhook_redeliver": (POST, "“Send again” in the endpoint's delivery log"),
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
    "api:revoke": (POST, "the tokens page's “Revoke” button"),
    "api:not_found": ("api", "anything else under /api/: a problem+json 404 for API clients"),
}
SKIPPED_PREFIXES = {
    "admin/": "Django's own admin site, not Advocato's pages",
    # JSON for tokens, checked against its OpenAPI document by schemathesis
    # (advocato/api/tests/test_fuzz.py); the docs page is the packaged Swagger UI.
    "api/v1/": "the REST API and its Swagger UI",
}

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


def sign_in(page, base, employee):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", employee.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")
