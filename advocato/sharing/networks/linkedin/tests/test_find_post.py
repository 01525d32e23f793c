"""After a crash, our post is found again even though LinkedIn keeps its commentary as
"little text" (a link code with _ in it is stored as \\_)."""

from types import SimpleNamespace

from advocato.sharing.networks.base import AppConfig
from advocato.sharing.networks.linkedin.adapter import LinkedInAdapter, escape_little_text


def test_a_posted_link_with_an_underscore_is_found(monkeypatch):
    link = "https://advocato.example/l/ab_c-d9Z"
    element = {"id": "urn:li:share:7", "commentary": escape_little_text(f"Se her {link}")}
    assert "\\_" in element["commentary"]
    adapter = LinkedInAdapter(AppConfig("linkedin", "id", "secret", ""))
    monkeypatch.setattr(adapter, "call", lambda *a, **k: None)
    monkeypatch.setattr(adapter, "body", lambda response: {"elements": [element]})
    account = SimpleNamespace(external_id="abc", access_token="t")
    found = adapter.find_post(account, link=link, key="")
    assert found is not None and found.external_id == "urn:li:share:7"
