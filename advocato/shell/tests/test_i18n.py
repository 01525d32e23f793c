"""English, Danish and Norwegian: complete catalogues, the browser's language by default, and a
per-user choice that follows the employee."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

import advocato

LOCALE = Path(advocato.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["da", "nb"])
def test_every_string_is_translated(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == []
    assert len(catalogue) > 200


@pytest.mark.parametrize("language", ["da", "nb"])
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f")
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in catalogue.translated_entries():
        if not entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr)]
        else:  # the singular form against the singular, every other form against the plural
            pairs = [
                (entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())
            ]
        wrong += [
            entry.msgid
            for english, text in pairs
            if sorted(pattern.findall(text)) != sorted(pattern.findall(english))
        ]
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "lang", "text"), [("da-DK,da;q=0.9", "da", "Log ind"),
                                                      ("nb-NO,nb;q=0.9", "nb", "Logg inn"),
                                                      ("en-GB", "en", "Sign in")])  # fmt: skip
def test_sign_in_page_follows_the_browser(client, accept, lang, text):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


@pytest.mark.django_db
def test_an_employee_choice_wins_over_the_browser_and_is_kept(client, advocate):
    client.force_login(advocate.user)
    client.post(reverse("shell:set_language"), {"language": "nb", "next": "/"})
    advocate.refresh_from_db()
    assert advocate.ui_language == "nb"
    client.cookies.clear()
    client.force_login(advocate.user)  # another browser, asking for Danish
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<html lang="nb">' in html
    # Choosing "follow the browser" again:
    client.post(reverse("shell:set_language"), {"language": "", "next": "/"})
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<html lang="da">' in html


@pytest.mark.django_db
def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client, advocate):
    client.force_login(advocate.user)
    response = client.post(
        reverse("shell:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    advocate.refresh_from_db()
    assert advocate.ui_language == ""


@pytest.mark.django_db
def test_the_invitation_email_is_in_the_invitees_language(
    admin, django_capture_on_commit_callbacks
):
    from django.core import mail

    from advocato.people import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invite_employee(
            invited_by=admin, email="d@example.com", name="Dorte", language="da"
        )
    assert mail.outbox[0].body.startswith("Hej Dorte,")
    assert "Advocato" in mail.outbox[0].subject


def test_the_catalogues_hold_every_string_the_code_uses(tmp_path):
    """A string added to a template or to Python after the last `make messages` is in no
    catalogue and would show in English: extract afresh into a copy and compare."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed (apt-get install gettext): catalogue check skipped")
    package = Path(advocato.__file__).parent
    copy = tmp_path / "advocato"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "da", "--no-obsolete",
         "--ignore", "*/tests/*", "--ignore", "settings_test.py", "--ignore", "*/fake.py"],
        cwd=copy, check=True, capture_output=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "advocato.settings_test",
             "PYTHONPATH": str(package.parent)},
    )  # fmt: skip
    fresh = polib.pofile(str(copy / "locale" / "da" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALE / "da/LC_MESSAGES/django.po"))}
    new = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert new == [], "run `make messages` and translate these"
