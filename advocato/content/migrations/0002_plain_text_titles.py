"""Plain text where we store text: items imported from feeds (and their language variants)
that kept markup in their title or commentary before feeds were cleaned on the way in get the
same cleaning now. Rows without anything tag-like are left alone."""

import html
import re

import nh3
from django.db import migrations

BLOCK_TAG_RE = re.compile(
    r"<(?:br|hr|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|figure|figcaption"
    r"|section|article|header|footer|dd|dt))\b[^>]*>",
    re.IGNORECASE,
)
TAG_LIKE_RE = re.compile(r"<[a-zA-Z/!?]")


def _plain(value: str) -> str:
    # A frozen copy of advocato.lib.text.plain_text(value, decode=False), so this migration
    # does the same thing whatever that function becomes.
    text = value or ""
    for _round in range(3):
        if not TAG_LIKE_RE.search(text):
            break
        text = html.unescape(
            nh3.clean(BLOCK_TAG_RE.sub(" ", text), tags=set(), attributes={}, link_rel=None)
        )
    return " ".join(text.split())


def clean(apps, schema_editor):
    ContentItem = apps.get_model("content", "ContentItem")
    ContentVariant = apps.get_model("content", "ContentVariant")
    for model, rows in (
        (ContentItem, ContentItem.objects.filter(source__isnull=False)),
        (ContentVariant, ContentVariant.objects.filter(item__source__isnull=False)),
    ):
        changed = []
        for row in rows.only("pk", "title", "commentary").iterator():
            title, commentary = row.title, row.commentary
            if TAG_LIKE_RE.search(title):
                row.title = _plain(title)[:300] or title
            if TAG_LIKE_RE.search(commentary):
                row.commentary = _plain(commentary)
            if (row.title, row.commentary) != (title, commentary):
                changed.append(row)
        model.objects.bulk_update(changed, ["title", "commentary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]
