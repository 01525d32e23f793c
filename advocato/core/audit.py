"""The audit log: every create/update/delete done by an admin or curator is written down with
who, what, when, and the object's fields before and after.

It works through model signals, so the Django admin, the product's pages and service functions
are all covered without each remembering to log. The actor is set per request by
`CurrentEmployeeMiddleware` (or with `acting_as()` in commands and tasks); changes made without
an actor — the invited employee accepting, the demo builder — are not audit events.
Bulk writes skip signals, so code that bulk-creates calls `record()` itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

_actor: contextvars.ContextVar = contextvars.ContextVar("advocato_audit_actor", default=None)
_registry: dict[type[models.Model], set[str]] = {}
AUDITED_ROLES = {"admin", "curator"}


def set_actor(user) -> contextvars.Token:
    return _actor.set(user)


def reset_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    token = set_actor(user)
    try:
        yield
    finally:
        reset_actor(token)


def _audited_actor():
    user = _actor.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return user
    employee = getattr(user, "employee", None)
    if employee is not None and employee.role in AUDITED_ROLES:
        return user
    return None


def snapshot(instance: models.Model, exclude: set[str] | None = None) -> dict:
    exclude = exclude if exclude is not None else _registry.get(type(instance), set())
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, FieldFile):
            value = value.name or None
        elif field.is_relation and value is not None:
            # The log is read by people: "Sales", not "3". (Loads the row unless cached.)
            value = str(getattr(instance, field.name))
        data[field.name] = value
    # Round-trip through JSON so dates, decimals and UUIDs are stored as the log shows them.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _entry(action: str, instance: models.Model, before, after, actor):
    from .models import AuditEntry

    return AuditEntry(
        actor=actor,
        actor_label=actor.email,
        action=action,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
    )


def record(action: str, instance: models.Model, before=None, after=None, actor=None) -> None:
    actor = actor or _audited_actor()
    if actor is not None:
        _entry(action, instance, before, after, actor).save()


def record_created(instances: Sequence[models.Model], extra: dict | None = None) -> None:
    """Log bulk-created rows (bulk writes send no signals). `extra` maps a row's pk to more
    fields for its "after", e.g. the groups an employee was put in."""
    from .models import AuditEntry

    actor = _audited_actor()
    if actor is None:
        return
    extra = extra or {}
    entries = [
        _entry("create", i, None, {**snapshot(i), **extra.get(i.pk, {})}, actor) for i in instances
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or _audited_actor() is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or _audited_actor() is None:
        return
    after = snapshot(instance)
    if created:
        record("create", instance, None, after)
        return
    before = getattr(instance, "_audit_before", None)
    if before != after:
        record("update", instance, before, after)


def _post_delete(sender, instance, **kwargs):
    if _audited_actor() is not None:
        record("delete", instance, snapshot(instance), None)


def register(model: type[models.Model], exclude: set[str] | None = None) -> None:
    _registry[model] = set(exclude or ()) | {"password"}
    uid = f"audit:{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + ":pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + ":post")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ":delete")


def register_m2m(through: type[models.Model], model: type[models.Model], field: str) -> None:
    """Log changes of a many-to-many field (e.g. an employee's groups) as an update of `model`."""

    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if reverse or _audited_actor() is None:
            return
        if action.startswith("pre_"):
            instance._audit_m2m_before = sorted(str(o) for o in getattr(instance, field).all())
        elif action.startswith("post_"):
            before = getattr(instance, "_audit_m2m_before", [])
            after = sorted(str(o) for o in getattr(instance, field).all())
            if before != after:
                record("update", instance, {field: before}, {field: after})

    m2m_changed.connect(
        handler, sender=through, weak=False, dispatch_uid=f"audit:m2m:{through._meta.label}"
    )


# --- A person asks to be forgotten -------------------------------------------------------------

IDENTIFYING_FIELDS = {"name", "email", "title", "user", "employee", "receiver", "giver"}


def forget(*, objects: list[tuple[str, str]], words: set[str], actor_id: int | None,
           label: str) -> int:  # fmt: skip
    """Take a person's identity out of the log: in entries about their rows (`objects`:
    (type label, id) pairs) identifying fields are blanked and the object is `label`; wherever
    a field held one of `words` (their name, their e-mail) it is blanked; entries they made
    show `label` as who. The entries themselves stay: what was done, when, by which role.
    Returns how many entries changed. (The log is append-only but for this.)"""
    from .models import AuditEntry

    words = {w for w in words if w}
    changed = 0
    about = {(t, i) for t, i in objects}
    # Only entries that can hold the person: about their rows, made by them, or naming them
    # somewhere (not a walk over the whole log).
    candidates = models.Q(actor_label__in=words) | models.Q(object_repr__in=words)
    for object_type, object_id in about:
        candidates |= models.Q(object_type=object_type, object_id=object_id)
    if actor_id is not None:
        candidates |= models.Q(actor_id=actor_id)
    for word in words:
        candidates |= models.Q(before__icontains=word) | models.Q(after__icontains=word)
    for entry in AuditEntry.objects.filter(candidates).iterator():
        mine = (entry.object_type, entry.object_id) in about
        new_before = _redact(entry.before, words, mine)
        new_after = _redact(entry.after, words, mine)
        updates: dict = {}
        if new_before != entry.before:
            updates["before"] = new_before
        if new_after != entry.after:
            updates["after"] = new_after
        if mine or entry.object_repr in words:
            updates["object_repr"] = label
        if (actor_id is not None and entry.actor_id == actor_id) or entry.actor_label in words:
            updates["actor_label"] = label
        if updates:
            AuditEntry.objects.filter(pk=entry.pk).update(**updates)
            changed += 1
    return changed


def _redact(values, words: set[str], mine: bool):
    if not isinstance(values, dict):
        return values
    return {
        key: "–" if (mine and key in IDENTIFYING_FIELDS) or value in words else value
        for key, value in values.items()
    }
