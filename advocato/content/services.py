"""Business rules for content: the review workflow, scheduling, targeting and language
fallback (who sees what, in which words), employee suggestions, and importing feed entries.

Status moves only through `transition()`, which checks who may make the move and writes the
item's history. Feed entries are imported in one transaction per poll: all or nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.lib import hooks
from advocato.lib.fetch import FetchError, fetch
from advocato.people.models import Employee

from . import signals
from .feeds import FeedError, ParsedFeed, canonicalise_url, parse_feed
from .models import (
    ContentItem,
    ContentVariant,
    FeedSource,
    Status,
    StatusChange,
    SuggestedText,
    Targeting,
)

logger = logging.getLogger(__name__)
CURATORS = {"curator", "admin"}
FEED_MAX_BYTES = 10_000_000


class ContentError(Exception):
    """A rule said no; the message is for the person who asked."""


# --- The review workflow -------------------------------------------------------------------

# (from, to) → who may: "curator" (curators and admins), "reviewer" (a curator or admin other
# than the one who submitted it; admins may review their own), "system" (the scheduler).
MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.IN_REVIEW): "curator",
    (Status.IN_REVIEW, Status.DRAFT): "reviewer",  # sent back, with a comment
    (Status.IN_REVIEW, Status.PUBLISHED): "reviewer",
    (Status.IN_REVIEW, Status.SCHEDULED): "reviewer",
    (Status.SCHEDULED, Status.PUBLISHED): "system",
    (Status.SCHEDULED, Status.EXPIRED): "system",  # its whole window passed while waiting
    (Status.PUBLISHED, Status.IN_REVIEW): "curator",  # changed after approval
    (Status.SCHEDULED, Status.DRAFT): "curator",  # unschedule
    (Status.PUBLISHED, Status.EXPIRED): "system",
    (Status.PUBLISHED, Status.ARCHIVED): "curator",
    (Status.EXPIRED, Status.ARCHIVED): "curator",
    (Status.DRAFT, Status.ARCHIVED): "curator",
    (Status.ARCHIVED, Status.DRAFT): "curator",
}


def submissions() -> Prefetch:
    """Prefetch for a list of items: their submissions for review, newest first (`submitter`
    reads them instead of asking the database once per item)."""
    return Prefetch(
        "history",
        queryset=StatusChange.objects.filter(to_status=Status.IN_REVIEW).select_related("by"),
        to_attr="submissions",
    )


def submitter(item: ContentItem) -> Employee | None:
    if hasattr(item, "submissions"):
        change = item.submissions[0] if item.submissions else None
    else:
        change = item.history.filter(to_status=Status.IN_REVIEW).select_related("by").first()
    return change.by if change else item.created_by


def check_transition(item: ContentItem, to: str, by: Employee | None) -> None:
    who = MOVES.get((item.status, to))
    if who is None:
        raise ContentError(
            _("An item that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(item.status).label, "to": Status(to).label}
        )
    if who == "system":
        if by is not None:
            raise ContentError(_("This happens by itself at the scheduled time."))
        return
    if by is None or by.role not in CURATORS:
        raise ContentError(_("Only curators and admins may do this."))
    if who == "reviewer" and by.role != "admin" and submitter(item) == by:
        raise ContentError(_("Someone other than the person who submitted it must review it."))


@transaction.atomic
def transition(item: ContentItem, to: str, by: Employee | None, comment: str = "") -> ContentItem:
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    check_transition(item, to, by)
    if (item.status, to) == (Status.IN_REVIEW, Status.DRAFT) and not comment.strip():
        raise ContentError(_("Say what should change, so the author knows what to do."))
    now = timezone.now()
    if to in {Status.PUBLISHED, Status.SCHEDULED} and item.status == Status.IN_REVIEW:
        to = Status.SCHEDULED if item.publish_at and item.publish_at > now else Status.PUBLISHED
    if to == Status.PUBLISHED and item.expire_at and item.expire_at <= now:
        raise ContentError(_("The expiry date has passed; change it before publishing."))
    # A colleague's suggestion comes with a headline only: it is published once a curator has
    # written what advocates share, not at the first click on "Approve".
    if (
        to in {Status.PUBLISHED, Status.SCHEDULED}
        and item.suggested_by_id
        and not SuggestedText.objects.filter(item=item).exists()
    ):
        raise ContentError(
            _("Write a ready-made text for at least one network before approving a suggestion.")
        )
    StatusChange.objects.create(
        item=item, from_status=item.status, to_status=to, by=by, comment=comment.strip()
    )
    item.status = to
    if to == Status.PUBLISHED:
        item.published_at = item.publish_at if item.publish_at and item.publish_at <= now else now
    item.save(update_fields=["status", "published_at", "updated_at"])
    if to == Status.PUBLISHED:
        signals.content_published.send(sender=ContentItem, item=item)
    return item


def approve(item: ContentItem, by: Employee, comment: str = "") -> ContentItem:
    return transition(item, Status.PUBLISHED, by, comment)


def approve_many(pks, by: Employee) -> tuple[list[ContentItem], list[tuple[int, str]]]:
    """Approve several items in review, each checked on its own (who may, texts, dates) and
    each in its own transaction, so one refusal does not undo the others. The status changes
    are written to the history and, for curators and admins, to the audit log as any other.
    Returns (approved, [(pk, why not)])."""
    approved, refused = [], []
    for item in ContentItem.objects.filter(pk__in=list(pks)[:200]).order_by("pk"):
        if item.status != Status.IN_REVIEW:
            refused.append((item.pk, _("It is no longer waiting for review.")))
            continue
        try:
            approved.append(transition(item, Status.PUBLISHED, by))
        except ContentError as error:
            refused.append((item.pk, str(error)))
    return approved, refused


def waiting_for(items, employee: Employee) -> list:
    """The review queue for `employee`: the items they may review (someone else submitted
    them) first, then the rest, each part oldest submission first. Sets `can_review`,
    `submitted_at` on each item (items prefetched with `submissions()`)."""
    for item in items:
        try:
            check_transition(item, Status.PUBLISHED, employee)
            item.can_review = True
        except ContentError:
            item.can_review = False
        item.submitted_at = item.submissions[0].at if item.submissions else item.created_at
    return sorted(items, key=lambda i: (not i.can_review, i.submitted_at, i.pk))


def run_schedule(now=None) -> tuple[int, int]:
    """Publish scheduled items whose time has come and expire published ones past their date.
    Run by the worker every minute; the feed also checks the dates itself, so a late worker
    never shows an expired item."""
    now = now or timezone.now()
    published = expired = 0
    due = ContentItem.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
    for item in due:
        gone = item.expire_at is not None and item.expire_at <= now
        if _move_quietly(item, Status.EXPIRED if gone else Status.PUBLISHED):
            expired += gone
            published += not gone
    for item in ContentItem.objects.filter(status=Status.PUBLISHED, expire_at__lte=now):
        expired += _move_quietly(item, Status.EXPIRED)
    return published, expired


def _move_quietly(item: ContentItem, to: str) -> bool:
    """One item's trouble (or another worker having moved it first) must not stop the rest."""
    try:
        transition(item, to, None)
    except ContentError:
        logger.info("Schedule: item %s was not moved to %s", item.pk, to)
        return False
    return True


CONTENT_FIELDS = {"title", "commentary", "url", "image", "image_url", "language"}


def after_edit(item: ContentItem, by: Employee, changed: set[str]) -> ContentItem:
    """A curator changing what an approved item says sends it back for review; admins' edits
    stay live. Either way the change is in the audit log."""
    if (
        changed & CONTENT_FIELDS
        and item.status in {Status.PUBLISHED, Status.SCHEDULED}
        and by.role != "admin"
    ):
        with transaction.atomic():
            locked = ContentItem.objects.select_for_update().get(pk=item.pk)
            StatusChange.objects.create(
                item=locked,
                from_status=locked.status,
                to_status=Status.IN_REVIEW,
                by=by,
                comment=_("Changed after approval; needs another look."),
            )
            locked.status = Status.IN_REVIEW
            locked.save(update_fields=["status", "updated_at"])
            return locked
    return item


def start_history(item: ContentItem, by: Employee) -> None:
    """A new item created by a curator: note its canonical URL and open its history."""
    if item.url and not item.canonical_url:
        item.canonical_url = canonicalise_url(item.url)
        item.save(update_fields=["canonical_url"])
    StatusChange.objects.create(item=item, to_status=item.status, by=by)


@transaction.atomic
def suggest(
    employee: Employee, *, title: str, url: str = "", story: str = "", image=None
) -> ContentItem:
    """An advocate's own link or story: straight into the review queue, credited to them."""
    if not url and not story.strip():
        raise ContentError(_("Add a link or a few words about your story."))
    item = ContentItem.objects.create(
        title=title.strip(),
        commentary=story.strip(),
        url=url,
        canonical_url=canonicalise_url(url) if url else "",
        image=image or "",
        language=employee.language,
        created_by=employee,
        suggested_by=employee,
        status=Status.IN_REVIEW,
    )
    StatusChange.objects.create(item=item, from_status="", to_status=Status.IN_REVIEW, by=employee)
    return item


# --- Targeting and language ----------------------------------------------------------------


def _dimension(model, field: str, value_ids) -> Q:
    through = getattr(model, field).through
    owner = model._meta.model_name
    target = f"{getattr(model, field).field.related_model._meta.model_name}_id__in"
    chosen = through.objects.filter(**{f"{owner}_id": OuterRef("pk")})
    return ~Exists(chosen) | Exists(chosen.filter(**{target: value_ids}))


def _chosen(model, field: str) -> Exists:
    through = getattr(model, field).through
    return Exists(through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")}))


def targeting_q(employee: Employee) -> Q:
    """Q for the items that target `employee`. Not "everyone" and nothing chosen: nobody."""
    model = ContentItem
    role = Q(roles="") | Q(roles__contains=f",{employee.role},")
    group_ids = list(employee.groups.values_list("pk", flat=True))
    anything_chosen = ~Q(roles="")
    for field in ("departments", "teams", "groups", "locations"):
        # Q | Exists is a Q (django-stubs' Q.__or__ takes only a Q).
        anything_chosen |= _chosen(model, field)  # type: ignore[assignment]
    return Q(target_everyone=True) | (
        anything_chosen
        & _dimension(
            model, "departments", [employee.department_id] if employee.department_id else []
        )
        & _dimension(model, "teams", [employee.team_id] if employee.team_id else [])
        & _dimension(model, "groups", group_ids)
        & _dimension(model, "locations", [employee.location_id] if employee.location_id else [])
        & role
    )


def visible_items(now=None) -> QuerySet[ContentItem]:
    now = now or timezone.now()
    return ContentItem.objects.filter(status=Status.PUBLISHED).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now),
        Q(expire_at__isnull=True) | Q(expire_at__gt=now),
    )


def feed_for(
    employee: Employee, *, topic: str = "", goal: str = "", query: str = "", now=None
) -> QuerySet[ContentItem]:
    """The advocate's feed: targeted, published, not expired; featured first, then newest."""
    items = visible_items(now).filter(targeting_q(employee))
    if topic:
        items = items.filter(topics__name=topic)
    if goal:
        items = items.filter(goal=goal)
    if query:
        in_variants = ContentVariant.objects.filter(item=OuterRef("pk")).filter(
            Q(title__icontains=query) | Q(commentary__icontains=query)
        )
        items = items.filter(
            Q(title__icontains=query) | Q(commentary__icontains=query) | Exists(in_variants)
        )
    return (
        items.order_by("-featured", "-published_at", "-pk")
        .select_related("suggested_by")
        .prefetch_related("variants", "topics", "texts")
    )


def review_count() -> int:
    return ContentItem.objects.filter(status=Status.IN_REVIEW).count()


shared_item_ids = hooks.shared_item_ids  # answered by the sharing app


FALLBACK = {"da": ["da", "nb", "en"], "nb": ["nb", "da", "en"], "en": ["en", "da", "nb"]}


def language_order(language: str) -> list[str]:
    """Which languages to try, in order: the reader's own, then the neighbouring Scandinavian
    language (Danes and Norwegians read each other), then English."""
    return FALLBACK.get(language, ["en", "da", "nb"])


@dataclass(frozen=True)
class Localised:
    language: str
    title: str
    commentary: str


def localise(item: ContentItem, language: str) -> Localised:
    """The item's title and commentary in the best language for the reader (uses prefetched
    variants)."""
    versions: dict[str, ContentVariant | ContentItem] = {v.language: v for v in item.variants.all()}
    versions[item.language] = item  # the item's own text is its own language's version
    for code in [*language_order(language), item.language]:
        if code in versions:
            version = versions[code]
            return Localised(code, version.title, version.commentary)
    return Localised(item.language, item.title, item.commentary)


def versions(item: ContentItem) -> list[str]:
    """The languages the item is written in: its own and those of its variants (prefetched),
    in the catalogue's order (en, da, nb)."""
    have = {item.language, *(v.language for v in item.variants.all())}
    return [code for code in ("en", "da", "nb") if code in have] + sorted(have - {"en", "da", "nb"})


def chosen_version(item: ContentItem, asked: str | None, reader_language: str) -> str:
    """The language version a reader picked (`asked`, when the item has it), else the one
    they are shown by default."""
    if asked and asked in versions(item):
        return asked
    return localise(item, reader_language).language


def suggested_texts(item: ContentItem, language: str) -> dict[str, str]:
    """For each network with a suggested text: the text in the best language for the reader."""
    by_network: dict[str, dict[str, str]] = {}
    for text in item.texts.all():
        by_network.setdefault(text.network, {})[text.language] = text.text
    order = [*language_order(language), item.language]
    result = {}
    for network, texts in by_network.items():
        for code in order:
            if code in texts:
                result[network] = texts[code]
                break
        else:
            result[network] = next(iter(texts.values()))
    return result


def save_texts(
    item: ContentItem, variants: dict[str, dict], texts: dict[tuple[str, str], str]
) -> None:
    """Replace the item's language variants and suggested texts with the given ones (empty
    values remove them)."""
    with transaction.atomic():
        # The item's own language needs no variant (it may have just become its language).
        ContentVariant.objects.filter(item=item, language=item.language).delete()
        for language, values in variants.items():
            if language == item.language or not values.get("title"):
                ContentVariant.objects.filter(item=item, language=language).delete()
                continue
            ContentVariant.objects.update_or_create(
                item=item,
                language=language,
                defaults={"title": values["title"], "commentary": values.get("commentary", "")},
            )
        for (network, language), text in texts.items():
            if text.strip():
                SuggestedText.objects.update_or_create(
                    item=item, network=network, language=language, defaults={"text": text.strip()}
                )
            else:
                SuggestedText.objects.filter(item=item, network=network, language=language).delete()


def copy_targeting(source: Targeting, target: Targeting) -> None:
    target.target_everyone = source.target_everyone
    target.roles = source.roles
    target.save(update_fields=["target_everyone", "roles"])
    for field in ("departments", "teams", "groups", "locations"):
        getattr(target, field).set(getattr(source, field).all())


# --- Feed sources --------------------------------------------------------------------------


def known_entry(source: FeedSource, guid: str, canonical: str) -> bool:
    return ContentItem.objects.filter(source=source, source_guid=guid[:500]).exists() or (
        bool(canonical) and ContentItem.objects.filter(canonical_url=canonical).exists()
    )


def import_entries(source: FeedSource, parsed: ParsedFeed) -> int:
    """Create an item for every entry not seen before (same GUID from this feed, or the same
    canonical URL from anywhere), in one transaction. Returns how many were created."""
    created = 0
    status = Status.PUBLISHED if source.auto_publish else Status.IN_REVIEW
    topics = list(source.topics.all())
    with transaction.atomic():
        for entry in parsed.entries:
            if len(entry.url) > 1000 or known_entry(source, entry.guid, entry.canonical_url):
                continue  # an address longer than any browser takes is not worth sharing
            language = entry.language or parsed.language
            item = ContentItem.objects.create(
                title=(entry.title or entry.url)[:300],
                commentary=entry.summary,
                url=entry.url,
                canonical_url=entry.canonical_url[:1000],
                image_url=entry.image if len(entry.image) <= 1000 else "",
                language=language if language in {"en", "da", "nb"} else "en",
                goal=source.goal,
                status=status,
                source=source,
                source_guid=entry.guid[:500],
                created_by=source.created_by,
                published_at=timezone.now() if status == Status.PUBLISHED else None,
            )
            StatusChange.objects.create(
                item=item,
                to_status=status,
                comment=_("Imported from the feed “%(name)s”.") % {"name": source.name},
            )
            copy_targeting(source, item)
            item.topics.set(topics)
            created += 1
        FeedSource.objects.filter(pk=source.pk).update(
            entries_imported=F("entries_imported") + created
        )
    return created


def poll_source(source: FeedSource) -> int:
    """Fetch and import one feed, recording its health. Never raises: a broken feed is written
    on the source in plain words for the curator."""
    now = timezone.now()
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        result = fetch(
            source.url,
            max_bytes=FEED_MAX_BYTES,
            timeout=15,
            accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
            headers=headers,
        )
        created = 0
        if result.status != 304:
            parsed = parse_feed(result.body, result.url)
            created = import_entries(source, parsed)
        FeedSource.objects.filter(pk=source.pk).update(
            last_polled_at=now,
            last_success_at=now,
            etag=result.headers.get("etag", "")[:200],
            last_modified=result.headers.get("last-modified", "")[:100],
        )
        return created
    except (FetchError, FeedError) as exc:
        message = str(exc)
    except Exception:  # the worker must go on with the other feeds
        logger.exception("Polling feed %s failed", source.pk)
        message = _("Something unexpected went wrong while reading this feed; it is logged.")
    FeedSource.objects.filter(pk=source.pk).update(
        last_polled_at=now, last_error=message[:500], last_error_at=now
    )
    return 0


def claim_due_sources(now=None, every_minutes: int = 30) -> list[FeedSource]:
    """The active feeds due for a poll, each claimed with a compare-and-swap on
    `last_polled_at`, so overlapping runs or workers never poll the same feed twice."""
    now = now or timezone.now()
    due = FeedSource.objects.filter(is_active=True).filter(
        Q(last_polled_at__isnull=True)
        | Q(last_polled_at__lte=now - timedelta(minutes=every_minutes))
    )
    claimed = []
    for source in due:
        won = FeedSource.objects.filter(pk=source.pk, last_polled_at=source.last_polled_at).update(
            last_polled_at=now
        )
        if won == 1:
            claimed.append(source)
    return claimed
