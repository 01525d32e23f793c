"""The click spool: when the database cannot take a click at once (locked, down), the click is
appended to a local file and the worker replays it later. Each process writes its own file;
replay renames a file before reading it, so writers never append to a file being replayed.
Replays are idempotent: a click's random token is unique in the database."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()


def spool_dir() -> Path:
    path = Path(settings.DATA_DIR) / "spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def append(record: dict) -> None:
    line = json.dumps(record, separators=(",", ":")) + "\n"
    path = spool_dir() / f"clicks-{os.getpid()}.jsonl"
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())  # a click the visitor already got redirected for is kept


def claim_files() -> list[Path]:
    """Rename every spool file so this replay owns it (a crashed replay's files are taken
    over next time)."""
    claimed = []
    directory = spool_dir()
    for path in sorted(directory.glob("clicks-*.jsonl")):
        target = path.with_suffix(".replaying")
        try:
            path.rename(target)
        except FileNotFoundError:
            continue
        claimed.append(target)
    return claimed + [p for p in sorted(directory.glob("*.replaying")) if p not in claimed]


def read(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a crash mid-write; the rest still counts
