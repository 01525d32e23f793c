"""Address vetting when saved: `lib.fetch.vet_url` refuses internal addresses and odd
encodings with the reason in words, and the content forms that take an address the server
will fetch (a feed, a new item from a link) save nothing when it refuses."""

import socket

import pytest
from django.urls import reverse

from advocato.content.models import ContentItem, FeedSource
from advocato.lib import fetch
from advocato.lib.fetch import FetchError, vet_url

PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def dns(monkeypatch, settings):
    """No real DNS in tests, and no allowed networks unless a test sets them."""
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_ALLOWED_HOSTS = []
    records = {
        "news.example": [PUBLIC],
        "localhost": ["127.0.0.1", "::1"],
        "intranet.example": ["10.1.2.3"],
        "metadata.google.internal": ["169.254.169.254"],
        "rebind.example": [PUBLIC, "192.168.1.10"],
    }

    def fake_resolve(host: str, port: int) -> list[str]:
        if host not in records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return records[host]

    monkeypatch.setattr(fetch, "resolve", fake_resolve)
    return records


REFUSED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://localhost:8000/feed", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://10.0.0.5/", "private"),
    ("http://intranet.example/rss", "private"),
    ("http://rebind.example/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://metadata.google.internal/", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://169.254.10.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://100.64.0.1/", "shared"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:a9fe:a9fe]/", "metadata"),
    ("http://[64:ff9b::a00:1]/", "private"),
    ("http://2130706433/", "unusual form"),
    ("http://0177.0.0.1/", "unusual form"),
    ("http://0x7f.0.0.1/", "unusual form"),
    ("http://0x7f000001/", "unusual form"),
    ("http://127.1/", "unusual form"),
    ("http://127.0.0.1./", "unusual form"),
    ("http://news.example@127.0.0.1/", "user name"),
    ("http://user:pw@news.example/", "user name"),
    ("http://127.0.0.1\\@news.example/", "user name"),
    ("ftp://news.example/feed", "http://"),
    ("http://nowhere.example/", "could not be found"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_internal_addresses_and_odd_encodings_are_refused_with_the_reason(url, reason):
    with pytest.raises(FetchError) as refused:
        vet_url(url)
    assert reason in refused.value.message


def test_a_public_address_passes():
    vet_url("https://news.example/feed.xml")
    vet_url("http://news.example./")  # a trailing dot on a name is fine
    vet_url(f"https://{PUBLIC}/")


def test_exact_host_and_port_pairs_may_be_allowed_and_nothing_beside_them(settings):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:8123"]
    vet_url("http://127.0.0.1:8123/static/feed.xml")
    with pytest.raises(FetchError, match="loopback"):
        vet_url("http://127.0.0.1:8124/")
    with pytest.raises(FetchError, match="loopback"):
        vet_url("http://127.0.0.1/")
    settings.FETCH_ALLOWED_HOSTS = ["169.254.169.254:80"]
    with pytest.raises(FetchError, match="metadata"):
        vet_url("http://169.254.169.254/")


def feed_data(url):
    return {"name": "Blog", "url": url, "goal": "awareness", "target_everyone": "on",
            "is_active": "on"}  # fmt: skip


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:6379/", "loopback"),
        ("http://10.0.0.5/rss", "private"),
        ("http://169.254.169.254/latest/", "metadata"),
        ("http://0x7f.1/", "unusual form"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
    ],
)
def test_add_a_feed_refuses_an_internal_address_and_saves_nothing(login, curator, url, reason):
    response = login(curator).post(reverse("content:sources"), feed_data(url))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not FeedSource.objects.exists()


def test_editing_a_feed_cannot_point_it_inside(login, curator):
    source = FeedSource.objects.create(name="Blog", url="https://news.example/rss")
    response = login(curator).post(
        reverse("content:source", args=[source.pk]), feed_data("http://localhost/")
    )
    assert "loopback" in response.content.decode()
    source.refresh_from_db()
    assert source.url == "https://news.example/rss"


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://127.0.0.1:8000/admin", "loopback"), ("http://0x7f.1/", "unusual form"),
     ("http://metadata.google.internal/computeMetadata/v1/", "metadata")],
)  # fmt: skip
def test_new_item_from_a_link_refuses_an_internal_address(login, curator, url, reason):
    response = login(curator).get(reverse("content:new"), {"url": url})
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ContentItem.objects.exists()
