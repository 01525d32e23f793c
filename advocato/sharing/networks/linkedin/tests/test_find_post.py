"""After a crash, our post is found again: LinkedIn keeps its commentary as "little text"
(links as written; posts made before links were kept whole have \\_ in them)."""

from types import SimpleNamespace

import pytest

from advocato.sharing.networks.base import AppConfig
from advocato.sharing.networks.linkedin.adapter import LinkedInAdapter, escape_little_text


@pytest.mark.parametrize("escaped", [False, True])
def test_a_posted_link_with_an_underscore_is_found(monkeypatch, escaped):
    link = "https://advocato.example/l/ab_c-d9Z"
    commentary = escape_little_text(f"Se her (nu) {link}")
    assert f" {link}" in commentary and "\\(nu\\)" in commentary
    if escaped:
        commentary = commentary.replace("ab_c", "ab\\_c")
    element = {"id": "urn:li:share:7", "commentary": commentary}
    adapter = LinkedInAdapter(AppConfig("linkedin", "id", "secret", ""))
    monkeypatch.setattr(adapter, "call", lambda *a, **k: None)
    monkeypatch.setattr(adapter, "body", lambda response: {"elements": [element]})
    account = SimpleNamespace(external_id="abc", access_token="t")
    found = adapter.find_post(account, link=link, key="")
    assert found is not None and found.external_id == "urn:li:share:7"


def test_the_fake_cuts_unescaped_commentary_like_linkedin():
    from advocato.sharing.networks.linkedin.fake import little_text

    assert little_text("We are hiring (apply today)") == ("We are hiring ", "We are hiring ")
    assert little_text("We are hiring \\(apply today\\)")[1] == "We are hiring (apply today)"
    assert little_text("See https://x.example/a_(b)~c #Jobs")[1] == (
        "See https://x.example/a_(b)~c #Jobs"
    )
    assert little_text("snake_case")[0] == "snake"
