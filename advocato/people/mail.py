"""E-mail to a person, in the language they read: the one place that decides that language and
builds the message. Invitations, summaries, reconnect reminders — every e-mail Advocato sends
to an employee goes through `compose` (or `send`).

The language a person reads is the interface language they chose, else the language they
were invited in (every employee has one), else the company's default.

Some e-mails a person may turn off (`EmailKind`): `send(..., kind=...)` sends nothing to a
person who did, and `wants` answers the same question for a sender that batches its mail."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from advocato.core.models import Organisation

from .models import EmailKind, EmailOptOut, Employee


def language_of(employee: Employee) -> str:
    return employee.ui_language or employee.language or Organisation.get().default_language


@contextmanager
def in_their_language(employee: Employee) -> Iterator[str]:
    """Words written for this person (a message, a note on their share) in their language."""
    language = language_of(employee)
    with translation.override(language):
        yield language


def compose(
    employee: Employee,
    *,
    subject: Callable[[dict[str, Any]], str],
    text_template: str,
    html_template: str = "",
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    connection: Any = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The message for `employee`: subject and bodies rendered in their language, marked with
    it. `subject` is called in that language with the context; a callable `context` is called
    in it too (for values that are words: a period's name, a network's label)."""
    with in_their_language(employee) as language:
        found = context() if callable(context) else context
        values = {"employee": employee, "language": language, **(found or {})}
        title = " ".join(subject(values).split())  # one line, whatever the template did
        text = render_to_string(text_template, values)
        html = render_to_string(html_template, values) if html_template else ""
    message = EmailMultiAlternatives(
        title,
        text,
        to=[employee.email],
        connection=connection,
        headers={"Content-Language": language, **(headers or {})},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def wants(employee: Employee, kind: EmailKind | str) -> bool:
    """Does this person want this kind of e-mail? Yes unless they turned it off."""
    return not EmailOptOut.objects.filter(employee=employee, kind=kind).exists()


def set_wanted(employee: Employee, kind: EmailKind | str, wanted: bool) -> None:
    """Turn one kind of e-mail on or off for a person (idempotent)."""
    kind = EmailKind(kind)
    if wanted:
        EmailOptOut.objects.filter(employee=employee, kind=kind).delete()
    else:
        EmailOptOut.objects.get_or_create(employee=employee, kind=kind)


def send(employee: Employee, *, kind: EmailKind | str | None = None, **kwargs: Any) -> bool:
    """Compose and send at once (raises what the mail server raised). With a `kind`, nothing
    is sent to a person who turned that kind off; returns whether a message went out."""
    if kind is not None and not wants(employee, kind):
        return False
    compose(employee, **kwargs).send()
    return True
