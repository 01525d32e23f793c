"""In a real browser, an advocate reading Danish and then Norwegian meets the company's own
words — topics, rewards, challenges — in that language wherever the company translated them,
and no English one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# English: {language: translation}
TEXTS = {
    "topic": ("Sustainability", {"da": "Bæredygtighed", "nb": "Bærekraft"}),
    "reward": ("Extra day off", {"da": "En ekstra fridag", "nb": "En ekstra fridag med lønn"}),
    "about": ("Agree the day with your manager.",
              {"da": "Aftal dagen med din leder.", "nb": "Avtal dagen med lederen din."}),
    "title": ("Four weeks of recruitment clicks",
              {"da": "Fire ugers rekrutteringsklik", "nb": "Fire uker med rekrutteringsklikk"}),
    "prize": ("A bottle of aquavit", {"da": "En flaske akvavit", "nb": "En flaske akevitt"}),
}  # fmt: skip


def test_an_advocate_reads_company_words_in_danish_and_norwegian(browser, live_server, advocate):
    from advocato.content.models import ContentItem, Status, Topic
    from advocato.rewards.models import Challenge, Reward

    def columns(field, key):
        english, translations = TEXTS[key]
        return {field: english, **{f"{field}_{code}": t for code, t in translations.items()}}

    topic = Topic.objects.create(**columns("name", "topic"))
    item = ContentItem.objects.create(
        title="Havvind ved Esbjerg", url="https://nordlys.example/esbjerg", language="da",
        status=Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    item.topics.set([topic])
    Reward.objects.create(price=100, **columns("name", "reward"), **columns("description", "about"))
    today = timezone.localdate()
    Challenge.objects.create(
        starts_on=today - timedelta(days=2), ends_on=today + timedelta(days=20),
        **columns("title", "title"), **columns("prize", "prize"),
    )  # fmt: skip

    base = live_server.url
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")
    for language in ("da", "nb"):
        advocate.ui_language = language
        advocate.save(update_fields=["ui_language"])
        seen = ""
        for name in ("content:feed", "rewards:catalogue", "rewards:challenges"):
            path = reverse(name)
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == language
            seen += page.locator("main").inner_text() + "\n"
            seen += " ".join(page.locator("main select option").all_inner_texts()) + "\n"
        for english, translations in TEXTS.values():
            assert translations[language] in seen, (language, translations[language])
            assert english not in seen, (language, english)
    context.close()
