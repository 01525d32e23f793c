"""Signing as the Standard Webhooks specification says (github.com/standard-webhooks,
`spec/standard-webhooks.md`): three headers on every request —

    webhook-id:         msg_…      the message's id, the same on every retry (deduplicate on it)
    webhook-timestamp:  1781684100 seconds since the epoch, when this attempt was signed
    webhook-signature:  v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>

The secret is "whsec_" + base64 of 32 random bytes; the key is those bytes. While a rotated-out
secret is still honoured the header carries two signatures, space-separated."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(msg_id: str, timestamp: int, body: bytes, secrets_: list[str]) -> dict[str, str]:
    """The request's headers, signed with each of `secrets_` (the current one first)."""
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
    }
