"""Success stories: curators write them (a text per language, an optional picture, the
evidence they rest on) and publish them; people read them on the stories page, on their home
page and in their weekly digest.

The evidence — a share, an item, a conversion — is shown with its figures read live from the
analytics (`hooks.evidence_figures`), never numbers typed into the story. Who is named follows
the privacy gate (`people.privacy`): the person behind a share or a conversion is named only
to viewers `can_name` allows, else "A colleague" — and their name is taken out of the story's
own words for those viewers too. A curator cannot publish a text that names someone who chose
not to be named."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from advocato.content.services import localise
from advocato.core.models import Organisation
from advocato.lib import hooks
from advocato.lib.text import plain_text
from advocato.people import privacy
from advocato.people.models import Employee, Ranking

from .models import SuccessStory
from .services import LANGUAGES, EnablementError, render
from .signals import story_published

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FIGURES = ("shares", "reach", "engagement", "clicks", "unique_clicks", "conversions")


@dataclass
class Evidence:
    kind: str  # "share", "item" or "conversion"
    item_id: int | None
    title: str
    figures: dict[str, int]
    network: str = ""
    when: datetime | None = None
    conversion_kind: str = ""
    person: str = ""  # the name, or "A colleague", or "" for an item


@dataclass
class ShownStory:
    """A story as one reader sees it: in their language, names as they may see them."""

    story: SuccessStory
    language: str
    title: str
    html: SafeString
    excerpt: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.story.pk


def published() -> QuerySet[SuccessStory]:
    """Published stories, newest first, with everything a page shows fetched alongside."""
    return (
        SuccessStory.objects.filter(published_at__isnull=False)
        .select_related(
            "share__employee",
            "share__item",
            "item",
            "conversion__link__share__employee",
            "conversion__link__share__item",
        )
        .prefetch_related(
            "share__item__variants", "item__variants", "conversion__link__share__item__variants"
        )
        .order_by("-published_at", "-pk")
    )


def people_in(story: SuccessStory) -> list[Employee]:
    """Who the story's evidence names: the sharer of its share and of its conversion."""
    found = []
    if story.share_id and story.share is not None:
        found.append(story.share.employee)
    if story.conversion_id and story.conversion is not None:
        found.append(story.conversion.link.share.employee)
    return found


def language_for(story: SuccessStory, language: str, default: str | None = None) -> str:
    """The language a reader gets: theirs, then the company's, the neighbouring Scandinavian
    one, English, then whatever is written (as the policy)."""
    default = default or Organisation.get().default_language
    neighbour = {"da": "nb", "nb": "da"}.get(language, "")
    for code in dict.fromkeys((language, default, neighbour, "en", *LANGUAGES)):
        if code and (story.title(code).strip() or story.body(code).strip()):
            return code
    return language


def without_names(text: str, people: Iterable[Employee]) -> str:
    """`text` with each of `people`'s full names replaced by "a colleague"."""
    for person in people:
        name = " ".join(person.name.split())
        if name:
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"
            text = re.sub(pattern, _("a colleague"), text, flags=re.IGNORECASE)
    return text


def unnamed_mentions(*texts: str) -> list[str]:
    """Names of people who chose not to be named that the texts mention (for the form)."""
    joined = " ".join(" ".join(t.split()) for t in texts).casefold()
    if not joined.strip():
        return []
    found = []
    names = Employee.objects.exclude(ranking=Ranking.NAMED).values_list("name", flat=True)
    for name in names:
        name = " ".join(name.split())
        if name and re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", joined):
            found.append(name)
    return sorted(set(found))


def _excerpt(text: str, limit: int = 220) -> str:
    plain = plain_text(str(render(text)))
    return plain if len(plain) <= limit else plain[: limit - 1].rsplit(" ", 1)[0] + "…"


def _evidence(story, language, figures, named_ids) -> list[Evidence]:
    shares, items = figures
    found = []
    if story.share_id and story.share is not None:
        share = story.share
        found.append(
            Evidence(
                "share", share.item_id, localise(share.item, share.language or language).title,
                {k: shares.get(share.pk, {}).get(k, 0) for k in FIGURES},
                network=share.get_network_display(), when=share.confirmed_at or share.created_at,
                person=share.employee.name if share.employee_id in named_ids else _("A colleague"),
            )
        )  # fmt: skip
    if story.item_id and story.item is not None:
        found.append(
            Evidence(
                "item", story.item_id, localise(story.item, language).title,
                {k: items.get(story.item_id, {}).get(k, 0) for k in FIGURES},
                when=story.item.published_at,
            )
        )  # fmt: skip
    if story.conversion_id and story.conversion is not None:
        conversion = story.conversion
        share = conversion.link.share
        found.append(
            Evidence(
                "conversion", share.item_id, localise(share.item, language).title,
                {k: shares.get(share.pk, {}).get(k, 0) for k in FIGURES},
                network=share.get_network_display(), when=conversion.at,
                conversion_kind=conversion.kind,
                person=share.employee.name if share.employee_id in named_ids else _("A colleague"),
            )
        )  # fmt: skip
    return found


def figures_for(stories: list[SuccessStory]) -> tuple[dict[int, dict], dict[int, dict]]:
    """The live figures of every story's evidence (two queries for any number of stories)."""
    share_ids, item_ids = set(), set()
    for story in stories:
        if story.share_id:
            share_ids.add(story.share_id)
        if story.item_id:
            item_ids.add(story.item_id)
        if story.conversion_id and story.conversion is not None:
            share_ids.add(story.conversion.link.share_id)
    if not share_ids and not item_ids:
        return {}, {}
    return hooks.evidence_figures(share_ids, item_ids)


def show(
    story: SuccessStory,
    language: str,
    named_ids: set[int],
    figures: tuple[dict[int, dict], dict[int, dict]],
    default_language: str | None = None,
) -> ShownStory:
    """One story for a reader who may name the people in `named_ids`."""
    code = language_for(story, language, default_language)
    hidden = [p for p in people_in(story) if p.pk not in named_ids]
    title = without_names(story.title(code), hidden)
    body = without_names(story.body(code), hidden)
    return ShownStory(
        story=story,
        language=code,
        title=title,
        html=render(body),
        excerpt=_excerpt(body),
        evidence=_evidence(story, language, figures, named_ids),
    )


def shown_to(viewer: Employee, stories: Iterable[SuccessStory], language: str) -> list[ShownStory]:
    """Stories as `viewer` sees them, in a fixed number of queries however many there are."""
    stories = list(stories)
    people = {p.pk for story in stories for p in people_in(story)}
    named = set(
        Employee.objects.filter(privacy.nameable(viewer), pk__in=people).values_list(
            "pk", flat=True
        )
        if people
        else []
    )
    figures = figures_for(stories)
    default = Organisation.get().default_language
    return [show(story, language, named, figures, default) for story in stories]


def newest(viewer: Employee, language: str, count: int = 2) -> list[ShownStory]:
    return shown_to(viewer, published()[:count], language)


# --- Writing and publishing ---------------------------------------------------------------------


def check_publishable(story: SuccessStory) -> None:
    if not any(story.title(code).strip() and story.body(code).strip() for code in LANGUAGES):
        raise EnablementError(_("Write a title and a story in at least one language first."))
    texts = [story.title(code) for code in LANGUAGES] + [story.body(code) for code in LANGUAGES]
    if names := unnamed_mentions(*texts):
        raise EnablementError(
            _("%(names)s chose not to be named: take the name out of the story.")
            % {"names": ", ".join(names)}
        )


def publish(story: SuccessStory) -> SuccessStory:
    """Publish a story: it appears on the stories page, home pages and the next digests, and
    whoever listens to `story_published` (the chat channels) hears of it once committed."""
    if story.is_published:
        raise EnablementError(_("This story is already published."))
    check_publishable(story)
    with transaction.atomic():
        story.published_at = timezone.now()
        story.save(update_fields=["published_at"])
        transaction.on_commit(
            lambda: story_published.send(sender=SuccessStory, story=story), robust=True
        )
    return story


def withdraw(story: SuccessStory) -> SuccessStory:
    """Take a published story down (it goes back to the drafts)."""
    if not story.is_published:
        raise EnablementError(_("This story is not published."))
    story.published_at = None
    story.save(update_fields=["published_at"])
    return story


def evidence_labels(viewer: Employee, shares: list, language: str) -> dict[int, str]:
    """Labels of shares to pick as evidence, naming sharers only as `viewer` may see them."""
    named = set(
        Employee.objects.filter(
            privacy.nameable(viewer), pk__in={s.employee_id for s in shares}
        ).values_list("pk", flat=True)
    )
    labels = {}
    for share in shares:
        who = share.employee.name if share.employee_id in named else _("A colleague")
        when = timezone.localtime(share.confirmed_at or share.created_at).date().isoformat()
        title = localise(share.item, share.language or language).title
        labels[share.pk] = f"{title} · {share.get_network_display()} · {when} · {who}"
    return labels
