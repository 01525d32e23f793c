"""Secrets at rest: network tokens and app passwords are stored encrypted (Fernet, AES-128-CBC
with an HMAC), never in the clear.

The key comes from `ADVOCATO_SECRETS_KEY` (setting or environment; several keys separated by
commas rotate: the first encrypts, all decrypt). Without one, a key is generated on first run
into the data directory, readable by its owner only — as the Django secret key is."""

from __future__ import annotations

import os
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_lock = threading.Lock()
_cache: dict[tuple[str, ...], MultiFernet] = {}


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted with the configured key(s)."""


def _configured_keys() -> tuple[str, ...]:
    value = getattr(settings, "ADVOCATO_SECRETS_KEY", "") or os.environ.get(
        "ADVOCATO_SECRETS_KEY", ""
    )
    if value:
        return tuple(k.strip() for k in value.split(",") if k.strip())
    path = settings.DATA_DIR / "secrets_key"
    with _lock:
        try:
            return (path.read_text().strip(),)
        except FileNotFoundError:
            key = Fernet.generate_key().decode()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
            return (key,)


def _fernet() -> MultiFernet:
    keys = _configured_keys()
    fernet = _cache.get(keys)
    if fernet is None:
        fernet = _cache[keys] = MultiFernet([Fernet(k.encode()) for k in keys])
    return fernet


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("The stored secret cannot be read with the configured key.") from exc


class Encrypted:
    """A model attribute that reads and writes the encrypted column `<name>_enc`."""

    def __set_name__(self, owner, name):
        self.column = f"{name}_enc"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return decrypt(getattr(instance, self.column))

    def __set__(self, instance, value):
        setattr(instance, self.column, encrypt(value or ""))
