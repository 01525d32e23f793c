import pytest
from django.utils import timezone

from advocato.content.models import ContentItem, Status
from advocato.sharing import services as sharing


@pytest.fixture
def item(db):
    return ContentItem.objects.create(
        title="Vindmøllepark åbner",
        url="https://nordlys.example/nyheder/vind?lang=da#top",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        language="da",
        commentary="Del det med dit netværk.",
        image_url="https://nordlys.example/media/vind.jpg",
    )


@pytest.fixture
def share(advocate, item):
    return sharing.start_share(advocate, item, "linkedin", "Stolt i dag!", "Stolt i dag!")
