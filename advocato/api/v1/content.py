"""Content items: list, read, create, change and archive, with their language versions and
per-network suggested texts — through the library's own forms and the review workflow's
`transition`, so the API keeps every rule the pages keep (an approved item a curator changes
goes back to review; admins' edits stay live). And an employee's own suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from advocato.content import forms as content_forms
from advocato.content import services as content
from advocato.content.models import ContentItem, Status
from advocato.lib.networks import NETWORKS

from .base import Id, PathId, allow, page
from .formdata import as_data, current
from .problems import Problem, bad, invalid

router = Router(tags=["content"])

Network = Literal[tuple(code for code, _label in NETWORKS)]  # type: ignore[valid-type]
Lang = Literal["en", "da", "nb"]
Goal = Literal["leads", "recruitment", "employer_branding", "awareness", "thought_leadership"]
StatusName = Literal["draft", "in_review", "scheduled", "published", "expired", "archived"]


class Variant(Schema):
    language: Lang
    title: str = Field(..., max_length=300)
    commentary: str = Field("", max_length=5000)


class SuggestedText(Schema):
    network: Network  # type: ignore[valid-type]
    language: Lang
    text: str = Field(..., max_length=5000)


class ItemOut(Schema):
    id: int
    title: str
    commentary: str
    url: str
    image_url: str
    site_name: str
    language: str
    goal: str
    status: str
    topics: list[str]
    featured: bool
    target_everyone: bool
    departments: list[Id]
    teams: list[Id]
    groups: list[Id]
    locations: list[Id]
    roles: list[str]
    publish_at: datetime | None
    expire_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    variants: list[Variant]
    texts: list[SuggestedText]


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None


def _items():
    return ContentItem.objects.prefetch_related(
        "topics", "variants", "texts", "departments", "teams", "groups", "locations"
    )


def _item(i: ContentItem) -> dict:
    return {
        "id": i.pk, "title": i.title, "commentary": i.commentary, "url": i.url,
        "image_url": i.image_url, "site_name": i.site_name, "language": i.language,
        "goal": i.goal, "status": i.status, "topics": sorted(t.name for t in i.topics.all()),
        "featured": i.featured, "target_everyone": i.target_everyone,
        "departments": sorted(x.pk for x in i.departments.all()),
        "teams": sorted(x.pk for x in i.teams.all()),
        "groups": sorted(x.pk for x in i.groups.all()),
        "locations": sorted(x.pk for x in i.locations.all()),
        "roles": i.role_list, "publish_at": i.publish_at, "expire_at": i.expire_at,
        "published_at": i.published_at, "created_at": i.created_at, "updated_at": i.updated_at,
        "variants": [{"language": v.language, "title": v.title, "commentary": v.commentary}
                     for v in i.variants.all()],
        "texts": [{"network": t.network, "language": t.language, "text": t.text}
                  for t in i.texts.all()],
    }  # fmt: skip


class ItemFilters(Schema):
    status: StatusName | None = None
    q: str | None = Field(None, max_length=100, description="Title or commentary contains")
    ordering: Literal["created_at", "-created_at", "title", "-title", "id", "-id"] = "-created_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


@router.get("/content", response=ItemPage, summary="List the content library")
def list_content(request, filters: Query[ItemFilters]):
    allow(request, "read:content", "curator")
    rows = _items()
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.q:
        rows = rows.filter(Q(title__icontains=filters.q) | Q(commentary__icontains=filters.q))
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"created_at": "created_at", "title": "title", "id": "id"},
    )  # fmt: skip
    return {"items": [_item(i) for i in found], "next_cursor": after}


@router.get("/content/{int:item_id}", response=ItemOut, summary="One content item")
def get_content(request, item_id: PathId):
    allow(request, "read:content", "curator")
    return _item(get_object_or_404(_items(), pk=item_id))


class ItemIn(Schema):
    title: str = Field(..., max_length=300)
    commentary: str = Field("", max_length=5000)
    url: str = Field("", max_length=1000)
    image_url: str = Field("", max_length=1000)
    site_name: str = Field("", max_length=200)
    language: Lang = "en"
    goal: Goal = "awareness"
    topics: list[str] = Field(default_factory=list, max_length=20)
    featured: bool = False
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    target_everyone: bool = True
    departments: list[Id] = Field(default_factory=list, max_length=200)
    teams: list[Id] = Field(default_factory=list, max_length=200)
    groups: list[Id] = Field(default_factory=list, max_length=200)
    locations: list[Id] = Field(default_factory=list, max_length=200)
    roles: list[Literal["advocate", "manager", "curator", "analyst", "admin"]] = Field(
        default_factory=list, max_length=5
    )
    variants: list[Variant] = Field(default_factory=list, max_length=3)
    texts: list[SuggestedText] = Field(default_factory=list, max_length=30)


class ItemPatch(Schema):
    title: str | None = Field(None, max_length=300)
    commentary: str | None = Field(None, max_length=5000)
    url: str | None = Field(None, max_length=1000)
    image_url: str | None = Field(None, max_length=1000)
    site_name: str | None = Field(None, max_length=200)
    language: Lang | None = None
    goal: Goal | None = None
    topics: list[str] | None = Field(None, max_length=20)
    featured: bool | None = None
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    target_everyone: bool | None = None
    departments: list[Id] | None = Field(None, max_length=200)
    teams: list[Id] | None = Field(None, max_length=200)
    groups: list[Id] | None = Field(None, max_length=200)
    locations: list[Id] | None = Field(None, max_length=200)
    roles: list[Literal["advocate", "manager", "curator", "analyst", "admin"]] | None = Field(
        None, max_length=5
    )
    variants: list[Variant] | None = Field(
        None, max_length=3, description="Replaces every language version when sent"
    )
    texts: list[SuggestedText] | None = Field(
        None, max_length=30, description="Replaces every suggested text when sent"
    )


def _form_values(sent: dict) -> dict:
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if name in {"variants", "texts"}:
            continue
        if name == "topics":
            values["topic_names"] = ", ".join(value or [])
        elif name == "roles":
            values["role_choices"] = value or []
        elif name in {"publish_at", "expire_at"}:
            values[name] = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None
        else:
            values[name] = value
    return values


def _texts_data(item: ContentItem, variants: list[dict] | None, texts: list[dict] | None,
                keep: dict) -> dict:  # fmt: skip
    data = dict(keep)
    if variants is not None:
        for key in [k for k in data if k.endswith(("-title", "-commentary"))]:
            data[key] = ""
        for v in variants:
            data[f"{v['language']}-title"] = v["title"]
            data[f"{v['language']}-commentary"] = v.get("commentary", "")
    if texts is not None:
        for key in [k for k in data if not k.endswith(("-title", "-commentary"))]:
            data[key] = ""
        for t in texts:
            data[f"{t['language']}-{t['network']}"] = t["text"]
    return data


def _save(request, item: ContentItem | None, sent: dict, employee) -> ContentItem:
    creating = item is None
    base = {} if creating else current(content_forms.ContentItemForm(instance=item))
    base.pop("image", None)
    values = {**base, **_form_values(sent)}
    form = content_forms.ContentItemForm(as_data(values), instance=item)
    texts_keep = {} if item is None else current(content_forms.TextsForm(item=item))
    if not form.is_valid():
        raise invalid(form.errors)
    with transaction.atomic():
        if creating:
            form.instance.created_by = employee
        saved = form.save()
        texts = content_forms.TextsForm(
            as_data(_texts_data(saved, sent.get("variants"), sent.get("texts"), texts_keep)),
            item=saved,
        )
        if not texts.is_valid():
            raise invalid(texts.errors)
        content.save_texts(saved, texts.variants(), texts.texts())
        if creating:
            content.start_history(saved, employee)
        else:
            changed = set(form.changed_data) | (
                {"texts"}
                if sent.get("texts") is not None or sent.get("variants") is not None
                else set()
            )
            saved = content.after_edit(saved, employee, changed)  # fmt: skip
    return saved


@router.post("/content", response={201: ItemOut}, summary="Create a content item (a draft)")
def create_content(request, payload: ItemIn):
    employee = allow(request, "write:content", "curator")
    item = _save(request, None, payload.dict(), employee)
    return Answer(201, _item(get_object_or_404(_items(), pk=item.pk)))


@router.patch("/content/{int:item_id}", response=ItemOut, summary="Change a content item")
def change_content(request, item_id: PathId, payload: ItemPatch):
    """Only the fields sent change. A curator's change to an approved item sends it back to
    review, as on the page."""
    employee = allow(request, "write:content", "curator")
    item = get_object_or_404(ContentItem, pk=item_id)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items()
            if v is not None or k in {"publish_at", "expire_at"}}  # fmt: skip
    item = _save(request, item, sent, employee)
    return _item(get_object_or_404(_items(), pk=item.pk))


@router.post("/content/{int:item_id}/archive", response=ItemOut, summary="Archive an item")
def archive_content(request, item_id: PathId):
    employee = allow(request, "write:content", "curator")
    item = get_object_or_404(ContentItem, pk=item_id)
    if item.status != Status.ARCHIVED:
        try:
            content.transition(item, Status.ARCHIVED, employee)
        except content.ContentError as exc:
            raise Problem(409, str(exc)) from exc
    return _item(get_object_or_404(_items(), pk=item.pk))


class SuggestionIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    url: str = Field("", max_length=1000)
    story: str = Field("", max_length=5000)


class SuggestionOut(Schema):
    id: int
    title: str
    status: str


@router.post("/suggestions", response={201: SuggestionOut}, summary="Suggest content")
def suggest(request, payload: SuggestionIn):
    """An employee's own link or story, into the review queue (as the suggest page)."""
    employee = allow(request, "suggest:content")
    form = content_forms.SuggestionForm(as_data(payload.dict()))
    form.fields.pop("image", None)
    if not form.is_valid():
        raise invalid(form.errors)
    data = form.cleaned_data
    try:
        item = content.suggest(employee, title=data["title"], url=data["url"],
                               story=data["story"])  # fmt: skip
    except content.ContentError as exc:
        raise bad("url", str(exc)) from exc
    return Answer(201, {"id": item.pk, "title": item.title, "status": item.status})


__all__ = ["_", "router"]
