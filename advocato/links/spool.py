"""The click spool: the redirect appends each click as one line to a file of its own process
and minute; the worker writes those files to the database in batches once their minute is over
(`services.replay_spool`). The same files catch clicks in "direct" mode when the database cannot
take them at once.

Why a file: an append costs microseconds and never waits for a lock, while an INSERT waits for
SQLite's single writer. Durability: lines are flushed to the operating system at once, so a
crashed process loses nothing; like SQLite in WAL mode with synchronous=NORMAL, a power cut may
lose the last moment. Replays are idempotent: a click's random token is unique in the database.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()
_open: dict = {"path": None, "handle": None}


_made: set[Path] = set()


def spool_dir() -> Path:
    path = Path(settings.DATA_DIR) / "spool"
    if path not in _made:  # a mkdir per click would cost more than the click itself
        path.mkdir(parents=True, exist_ok=True)
        _made.add(path)
    return path


def _minute(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // 60)


def append(record: dict) -> None:
    line = json.dumps(record, separators=(",", ":")) + "\n"
    path = spool_dir() / f"clicks-{_minute()}-{os.getpid()}.jsonl"
    with _lock:
        if _open["path"] != path:
            if _open["handle"] is not None:
                _open["handle"].close()
            _open["handle"] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            _open["path"] = path
        _open["handle"].write(line)
        _open["handle"].flush()


def finished_files(now: float | None = None) -> list[Path]:
    """Spool files whose minute ended more than a minute ago, oldest first: a request that
    chose its file name a moment before the minute turned may still be writing the last one."""
    current = _minute(now) - 1
    files = []
    for path in spool_dir().glob("clicks-*.jsonl"):
        try:
            minute = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if minute < current:
            files.append((minute, path))
    return [path for _minute_, path in sorted(files)]


def all_files() -> list[Path]:
    return sorted(spool_dir().glob("clicks-*.jsonl"))


def read(path: Path) -> Iterator[dict]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except FileNotFoundError:  # another replay took it
        return
    with handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a crash mid-write; the rest still counts
