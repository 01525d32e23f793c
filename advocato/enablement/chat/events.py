"""What is announced in the channels, and where the news comes from.

- New featured content: `content.signals.content_published` (an item went live). Only items
  marked featured and targeted at everyone: a channel is read by the whole company, and an
  item meant for one department is not news for the rest.
- A new success story: `enablement.signals.story_published` (sender=SuccessStory,
  story=…). Of the story we read `pk`, its title in the company's language
  (`story.title_in(language)` when the model has it, else `story.title`), an optional short
  text (`story.summary_in(language)` or `story.summary`) and its page
  (`story.get_absolute_url()`). Who is named inside a story is the story's own business (its
  page follows each person's privacy choice); the channel gets the title and the link.
- A challenge starting and the weekly top come from rewards, which sits beside enablement:
  the worker asks `lib.hooks.challenges_starting` and `lib.hooks.weekly_top`. In the weekly
  top only people `people.privacy.named_to_everyone` allows are named; everyone else is "A
  colleague" (people who left rankings are not in it at all).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from advocato.content.models import ContentItem
from advocato.content.services import localise
from advocato.core.models import Organisation
from advocato.lib import hooks
from advocato.lib.periods import week_start
from advocato.people import privacy

from ..models import ChatChannel, ChatPost
from .payloads import Message
from .services import absolute, announce, company_language

WEEKLY_TOP_SIZE = 5
WEEKLY_TOP_HOUR = 8  # Monday, company time


def featured_item(item: ContentItem) -> list[ChatPost]:
    if not item.featured or not item.target_everyone:
        return []

    def build() -> Message:
        found = localise(item, company_language())
        return Message(
            title=_("New to share: %(title)s") % {"title": found.title},
            text=found.commentary[:600],
            url=absolute(reverse("content:item", args=[item.pk])),
            link_label=_("Share it"),
        )

    return announce(ChatPost.Event.FEATURED, f"item:{item.pk}", build)


def _call_or_get(obj, name: str, language: str) -> str:
    method = getattr(obj, f"{name}_in", None)
    if callable(method):
        return str(method(language) or "")
    return str(getattr(obj, name, "") or "")


def success_story(story) -> list[ChatPost]:
    def build() -> Message:
        language = company_language()
        title = _call_or_get(story, "title", language)
        url = story.get_absolute_url() if hasattr(story, "get_absolute_url") else ""
        return Message(
            title=_("Success story: %(title)s") % {"title": title},
            text=_call_or_get(story, "summary", language)[:600],
            url=absolute(url) if url else "",
            link_label=_("Read the story"),
        )

    return announce(ChatPost.Event.STORIES, f"story:{story.pk}", build)


def _date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def challenges(today: date) -> list[ChatPost]:
    """Challenges whose first day is today or yesterday (a worker that was down catches up),
    and not before the channel was added."""
    made = []
    for found in hooks.challenges_starting(today - timedelta(days=1), today):
        channels = [
            c
            for c in ChatChannel.objects.filter(post_challenges=True)
            if c.created_at.astimezone(Organisation.get().zone).date() <= found["starts_on"]
        ]

        def build(found=found) -> Message:
            facts = [
                (_("Prize"), found["prize"]),
                (_("Runs"), f"{_date(found['starts_on'])} – {_date(found['ends_on'])}"),
                (_("Who can take part"), found["audience"]),
            ]
            return Message(
                title=_("A challenge starts: %(title)s") % {"title": found["title"]},
                text=found["description"][:600],
                url=absolute(found["path"]),
                link_label=_("See the challenge"),
                facts=[(k, str(v)) for k, v in facts if v],
            )

        made += announce(
            ChatPost.Event.CHALLENGES, f"challenge:{found['id']}", build, channels=channels
        )
    return made


def weekly_top(now: datetime) -> list[ChatPost]:
    """On Monday from 8:00 (company time): last week's top by points."""
    local = timezone.localtime(now, Organisation.get().zone)
    if local.weekday() != 0 or local.hour < WEEKLY_TOP_HOUR:
        return []
    first = week_start(local.date()) - timedelta(days=7)
    last = first + timedelta(days=6)
    rows = hooks.weekly_top(first, last, WEEKLY_TOP_SIZE)
    if not rows:
        return []

    def build() -> Message:
        lines = []
        for place, (person, points) in enumerate(rows, start=1):
            name = person.name if privacy.named_to_everyone(person) else _("A colleague")
            lines.append(
                _("%(place)s. %(name)s – %(points)s points")
                % {"place": place, "name": name, "points": formats.number_format(points)}
            )
        return Message(
            title=_("Last week's top advocates (%(first)s – %(last)s)")
            % {"first": _date(first), "last": _date(last)},
            text=_("Thank you to everyone who shared last week!"),
            lines=lines,
            url=absolute(reverse("rewards:leaderboard")),
            link_label=_("See the leaderboard"),
        )

    return announce(ChatPost.Event.WEEKLY_TOP, f"week:{first.isoformat()}", build)


def announce_scheduled(now: datetime | None = None) -> int:
    """The worker's periodic part: challenges starting and, on Mondays, the weekly top."""
    now = now or timezone.now()
    today = timezone.localtime(now, Organisation.get().zone).date()
    return len(challenges(today)) + len(weekly_top(now))


# --- Receivers (connected in EnablementConfig.ready) ------------------------------------------


def on_content_published(sender, item, **kwargs) -> None:
    featured_item(item)


def on_story_published(sender, story, **kwargs) -> None:
    success_story(story)
