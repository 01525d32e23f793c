"""Rewards on other apps' pages with one line each: `{% badge_news %}` in the feed,
`{% recognition %}` on the profile."""

from django import template

from advocato.lib.networks import NETWORKS
from advocato.rewards import services
from advocato.rewards.badges import BY_CODE
from advocato.rewards.models import BadgeAward, Kudos

register = template.Library()


@register.inclusion_tag("rewards/includes/badge_news.html", takes_context=True)
def badge_news(context):
    viewer = context.get("employee")
    awards = list(services.recent_badges(viewer)) if viewer is not None else []
    return {"news": [(a, BY_CODE.get(a.badge)) for a in awards if a.badge in BY_CODE]}


@register.inclusion_tag("rewards/includes/recognition.html", takes_context=True)
def recognition(context):
    employee = context.get("employee")
    if employee is None:
        return {}
    return {
        "employee": employee,
        "balance": services.wallet_balance(employee),
        "badges": [
            (a, BY_CODE[a.badge])
            for a in BadgeAward.objects.filter(employee=employee)
            if a.badge in BY_CODE
        ],
        "kudos": Kudos.objects.filter(receiver=employee).select_related("giver")[:5],
    }


@register.filter
def badge_of(code):
    return BY_CODE.get(code)


@register.filter
def why(entry):
    """The entry's reason in words: what happened, and why it earned what it did."""
    from django.utils.translation import gettext as _

    kind = entry.Kind
    title = entry.item.title if entry.item_id and entry.item else ""
    network = dict(NETWORKS).get(entry.network, entry.network)
    if entry.kind == kind.SHARE:
        text = _("You shared “%(title)s” on %(network)s") % {"title": title, "network": network}
    elif entry.kind == kind.CLICK:
        text = _("Someone clicked your post of “%(title)s”") % {"title": title}
    elif entry.kind == kind.CONVERSION:
        text = _("A %(kind)s came through your post of “%(title)s”") % {
            "kind": entry.note or _("conversion"),
            "title": title,
        }
    elif entry.kind == kind.SUGGESTION:
        text = _("Your suggestion “%(title)s” was published") % {"title": title}
    elif entry.kind == kind.STREAK:
        text = _("Weekly streak: %(n)s weeks in a row") % {"n": entry.note}
    elif entry.kind == kind.TRAINING:
        text = _("You passed the training “%(title)s”") % {"title": entry.note}
    elif entry.kind == kind.REVERSAL:
        text = _("Correction: %(note)s") % {"note": entry.note}
    elif entry.kind == kind.REDEMPTION:
        # The reward's name in the reader's language; the note keeps the name it had then.
        reward = entry.redemption.reward if entry.redemption_id and entry.redemption else None
        name = reward.local_name if reward is not None else entry.note
        text = _("Reward requested: %(name)s") % {"name": name}
    else:
        text = _("Refund: %(note)s") % {"note": entry.note or _("request declined")}
    if entry.reason:
        text += f" — {entry.get_reason_display()}"
    return text
