"""Local stand-ins for Slack's incoming webhooks and a Microsoft Teams Workflows webhook: real
HTTP servers on 127.0.0.1 that check each payload as the real services do, keep what they
accepted, and can be told to rate-limit or fail. Tests and the demo use them; `/_fake/` shows
what arrived.

Slack (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks, and "Improving
error conditions for Incoming Webhooks", api.slack.com/changelog/2016-05-17): POST JSON to
`/services/T…/B…/<secret>`; 200 `ok` (text/html). Errors are plain strings: 400
`invalid_payload` (not JSON), 400 `no_text` (neither text nor blocks), 400 `invalid_blocks`
(a block of an unknown type, or one breaking Block Kit's limits), 404 `no_service` (an unknown
or removed webhook), 410 `channel_is_archived`, 500 `rollup_error`; 429 with `Retry-After`
past the rate limit (about one message a second per webhook).

Teams (learn.microsoft.com/connectors/teams/#microsoft-teams-webhook — the trigger "When a
Teams webhook request is received"): POST JSON to `/workflows/<id>/triggers/manual/paths/
invoke?api-version=1&sig=<secret>`; 202 Accepted with an empty body. A body that does not
match the trigger's schema gets 400 `{"error": {"code": "TriggerInputSchemaMismatch",
"message": …}}` — `type` "message", `attachments` each with `contentType`
"application/vnd.microsoft.card.adaptive", `contentUrl` (null) and `content`; we also check the
Adaptive Card itself (`type` "AdaptiveCard", a `version` Teams renders, `body` elements of
known types with their required properties, `actions` of known types), which Teams checks
when it posts the card. An unknown workflow or a wrong signature: 404 / 401 with an error
object, as Azure Logic Apps answers.
"""

from __future__ import annotations

import abc
import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SLACK_BLOCK_TYPES = {
    "header", "section", "actions", "divider", "context", "image", "rich_text", "input",
    "file", "video",
}  # fmt: skip
CARD_ELEMENTS = {
    "TextBlock": ["text"], "FactSet": ["facts"], "Image": ["url"], "ImageSet": ["images"],
    "Container": ["items"], "ColumnSet": [], "ActionSet": ["actions"], "RichTextBlock": ["inlines"],
    "Table": [],
}  # fmt: skip
CARD_ACTIONS = {
    "Action.OpenUrl": ["url"], "Action.Submit": [], "Action.ShowCard": ["card"],
    "Action.ToggleVisibility": ["targetElements"], "Action.Execute": [],
}  # fmt: skip
CARD_VERSIONS = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}


@dataclass
class Switches:
    rate_limit: int = 0  # the next N posts answer 429
    retry_after: int = 1
    fail: int = 0  # the next N posts answer 500 (Slack) / 502 (Teams)
    archived: bool = False  # Slack: the channel was archived (410)


@dataclass
class Received:
    path: str
    payload: Any


@dataclass
class FakeChat(abc.ABC):
    """The shared server; `FakeSlack` and `FakeTeams` add their paths and checks."""

    name = "chat"
    switches: Switches = field(default_factory=Switches)
    accepted: list[Received] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    requests: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.hooks: set[str] = set()

    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                fake._answer(self, fake.handle(self.path, body))

            def do_GET(self):
                if self.path.rstrip("/") == "/_fake":
                    fake._answer(self, (200, {"Content-Type": "text/html"}, fake.page()))
                else:
                    fake._answer(self, (404, {"Content-Type": "text/plain"}, b"not found"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def _answer(self, handler, answer: tuple[int, dict[str, str], bytes]) -> None:
        status, headers, body = answer
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @abc.abstractmethod
    def handle(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The service's answer to one POST (each fake checks payloads as its service does)."""

    def _switched(self) -> tuple[int, dict[str, str], bytes] | None:
        with self.lock:
            self.requests += 1
            if self.switches.rate_limit > 0:
                self.switches.rate_limit -= 1
                return 429, {"Retry-After": str(self.switches.retry_after)}, b"rate_limited"
            if self.switches.fail > 0:
                self.switches.fail -= 1
                return 500, {"Content-Type": "text/plain"}, b"rollup_error"
        return None

    def _refuse(self, status: int, words: str, headers=None, body: bytes | None = None):
        with self.lock:
            self.refused.append((status, words))
        return status, headers or {"Content-Type": "text/plain"}, body or words.encode()

    def _accept(self, path: str, payload: Any) -> None:
        with self.lock:
            self.accepted.append(Received(path, payload))

    def page(self) -> bytes:
        rows = "".join(
            f"<li><code>{html.escape(r.path.split('?')[0])}</code><pre>"
            f"{html.escape(json.dumps(r.payload, indent=2, ensure_ascii=False))}</pre></li>"
            for r in reversed(self.accepted[-50:])
        )
        return (
            f"<!doctype html><title>Fake {self.name}</title><h1>Fake {self.name}</h1>"
            f"<p>{len(self.accepted)} messages accepted, {len(self.refused)} refused.</p>"
            f"<ol>{rows}</ol>"
        ).encode()


class FakeSlack(FakeChat):
    name = "Slack"

    def new_webhook(self) -> str:
        """A new incoming webhook's address (as Slack shows it once to whoever creates it)."""
        path = f"/services/T{secrets.token_hex(4).upper()}/B{secrets.token_hex(4).upper()}/" + (
            secrets.token_urlsafe(18)
        )
        self.hooks.add(path)
        return self.url + path

    def remove_webhook(self, url: str) -> None:
        self.hooks.discard(urlsplit(url).path)

    def handle(self, path, body):
        if urlsplit(path).path not in self.hooks:
            return self._refuse(404, "no_service")
        switched = self._switched()
        if switched:
            return switched
        if self.switches.archived:
            return self._refuse(410, "channel_is_archived")
        try:
            payload = json.loads(body)
        except ValueError:
            return self._refuse(400, "invalid_payload")
        if not isinstance(payload, dict):
            return self._refuse(400, "invalid_payload")
        text, blocks = payload.get("text"), payload.get("blocks")
        if not (isinstance(text, str) and text.strip()) and not blocks:
            return self._refuse(400, "no_text")
        if blocks is not None and not slack_blocks_valid(blocks):
            return self._refuse(400, "invalid_blocks")
        self._accept(path, payload)
        return 200, {"Content-Type": "text/html"}, b"ok"


def _text_object(obj: Any, limit: int, plain_only: bool = False) -> bool:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return False
    if plain_only and obj["type"] != "plain_text":
        return False
    text = obj.get("text")
    return isinstance(text, str) and 0 < len(text) <= limit


def slack_blocks_valid(blocks: Any) -> bool:
    """Block Kit's rules for the blocks we (or a careless sender) might send."""
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        return False
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") not in SLACK_BLOCK_TYPES:
            return False
        kind = block["type"]
        if kind == "header" and not _text_object(block.get("text"), 150, plain_only=True):
            return False
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if text is None and fields is None:
                return False
            if text is not None and not _text_object(text, 3000):
                return False
            if fields is not None and (
                not isinstance(fields, list)
                or not 0 < len(fields) <= 10
                or not all(_text_object(f, 2000) for f in fields)
            ):
                return False
        if kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 0 < len(elements) <= 25:
                return False
            for element in elements:
                if not isinstance(element, dict) or element.get("type") != "button":
                    continue
                if not _text_object(element.get("text"), 75, plain_only=True):
                    return False
                url = element.get("url")
                if url is not None and (not isinstance(url, str) or not 0 < len(url) <= 3000):
                    return False
    return True


class FakeTeams(FakeChat):
    name = "Teams"

    def new_webhook(self) -> str:
        workflow = secrets.token_hex(16)
        signature = secrets.token_urlsafe(24)
        path = f"/workflows/{workflow}/triggers/manual/paths/invoke"
        self.hooks.add(f"{path}?sig={signature}")
        return (
            f"{self.url}{path}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={signature}"
        )

    def handle(self, path, body):
        parts = urlsplit(path)
        signature = parse_qs(parts.query).get("sig", [""])[0]
        if not any(h.startswith(parts.path + "?") for h in self.hooks):
            return self._error(404, "WorkflowNotFound", "The workflow could not be found.")
        if f"{parts.path}?sig={signature}" not in self.hooks:
            return self._error(401, "DirectApiInvalidAuthorizationSignature",
                               "The provided authorization signature is not valid.")  # fmt: skip
        switched = self._switched()
        if switched:
            status, _headers, _body = switched
            if status == 500:
                return self._error(502, "BadGateway", "The workflow could not run.")
            return switched
        try:
            payload = json.loads(body)
        except ValueError:
            return self._error(400, "InvalidRequestContent", "The request content is not JSON.")
        problem = teams_problem(payload)
        if problem:
            return self._error(
                400,
                "TriggerInputSchemaMismatch",
                "The input body for trigger 'manual' of type 'Request' did not match its "
                f"schema definition. Error details: '{problem}'.",
            )
        self._accept(path, payload)
        return 202, {}, b""

    def _error(self, status: int, code: str, message: str):
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        return self._refuse(status, code, {"Content-Type": "application/json"}, body)


def teams_problem(payload: Any) -> str:
    """What is wrong with a Workflows webhook body, or "" when nothing is."""
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return "Property 'type' must be 'message'."
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return "Required properties are missing from object: attachments."
    for attachment in attachments:
        if not isinstance(attachment, dict):
            return "An attachment must be an object."
        missing = [k for k in ("contentType", "contentUrl", "content") if k not in attachment]
        if missing:
            return "Required properties are missing from object: " + ", ".join(missing) + "."
        if attachment["contentType"] != "application/vnd.microsoft.card.adaptive":
            return "contentType must be 'application/vnd.microsoft.card.adaptive'."
        if attachment["contentUrl"] is not None:
            return "contentUrl must be null."
        problem = card_problem(attachment["content"])
        if problem:
            return problem
    return ""


def card_problem(card: Any) -> str:
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return "content.type must be 'AdaptiveCard'."
    if card.get("version") not in CARD_VERSIONS:
        version = card.get("version")
        return f"content.version {version!r} is not an Adaptive Card version Teams renders."
    body = card.get("body")
    if not isinstance(body, list) or not body:
        return "content.body must be a list of elements."
    for element in body:
        problem = _element_problem(element, CARD_ELEMENTS, "body")
        if problem:
            return problem
    for action in card.get("actions") or []:
        problem = _element_problem(action, CARD_ACTIONS, "actions")
        if problem:
            return problem
    return ""


def _element_problem(element: Any, known: dict[str, list[str]], where: str) -> str:
    if not isinstance(element, dict) or element.get("type") not in known:
        kind = element.get("type") if isinstance(element, dict) else element
        return f"content.{where}: unknown element type {kind!r}."
    for required in known[element["type"]]:
        value = element.get(required)
        if value in (None, "", []):
            return f"content.{where}: {element['type']} needs '{required}'."
    if element["type"] == "FactSet":
        for fact in element["facts"]:
            if not isinstance(fact, dict) or not all(
                isinstance(fact.get(k), str) for k in ("title", "value")
            ):
                return "content.body: every fact needs a 'title' and a 'value' (text)."
    if element["type"] == "TextBlock" and not isinstance(element["text"], str):
        return "content.body: TextBlock text must be text."
    return ""
