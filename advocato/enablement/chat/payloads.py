"""One message, two formats: Slack's Block Kit and a Microsoft Teams Adaptive Card.

Slack (incoming webhooks, docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
`{"text": …, "blocks": […]}`; `text` is the notification's fallback, the blocks are what the
channel shows. Limits we keep to: at most 50 blocks, a header's plain text 150 characters, a
section's text 3,000, a section field 2,000 and at most 10 fields, a button's text 75 and its
URL 3,000. In `mrkdwn`, `&`, `<` and `>` must be escaped (they start links and mentions).

Teams (a Workflows webhook, "When a Teams webhook request is received",
learn.microsoft.com/connectors/teams/#microsoft-teams-webhook): `{"type": "message",
"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
"content": <AdaptiveCard>}]}` — `contentUrl` is required by the trigger's schema and must be
null; the card is version 1.4 (what Teams renders everywhere) with TextBlock and FactSet
elements and an Action.OpenUrl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SLACK_HEADER_MAX = 150
SLACK_TEXT_MAX = 3000
SLACK_FIELD_MAX = 2000
SLACK_FIELDS_MAX = 10
SLACK_BUTTON_MAX = 75
CARD_VERSION = "1.4"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass
class Message:
    """What a post says, in words already in the company's language."""

    title: str
    text: str = ""
    url: str = ""
    link_label: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # a numbered list (the weekly top)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(message: Message) -> dict:
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(message.title, SLACK_HEADER_MAX)},
        }
    ]
    body = message.text.strip()
    if message.lines:
        body = "\n".join(filter(None, [body, *message.lines]))
    if body:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _cut(slack_escape(body), SLACK_TEXT_MAX)},
            }
        )
    if message.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": _cut(f"*{slack_escape(k)}*\n{slack_escape(v)}", SLACK_FIELD_MAX),
                    }
                    for k, v in message.facts[:SLACK_FIELDS_MAX]
                ],
            }
        )
    if message.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": _cut(message.link_label or message.url, SLACK_BUTTON_MAX),
                        },
                        "url": message.url,
                    }
                ],
            }
        )
    fallback = message.title if not message.url else f"{message.title} – {message.url}"
    return {"text": _cut(fallback, SLACK_TEXT_MAX), "blocks": blocks}


def teams(message: Message) -> dict:
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if message.text.strip():
        body.append({"type": "TextBlock", "text": message.text.strip(), "wrap": True})
    if message.lines:
        body.append({"type": "TextBlock", "text": "\n\n".join(message.lines), "wrap": True})
    if message.facts:
        body.append(
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]}
        )
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }
    if message.url:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": message.link_label or message.url,
             "url": message.url}
        ]  # fmt: skip
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def build(kind: str, message: Message) -> dict:
    return slack(message) if kind == "slack" else teams(message)
