"""One way to open the small SQLite files of the data directory (keys, media, VOD sessions).

A fresh connection per use (no cache, so another process's writes are seen at once), autocommit
(``isolation_level=None``: callers run ``BEGIN IMMEDIATE`` when they need a transaction), a 10 s
busy timeout, WAL journal on request.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 10.0


@contextmanager
def connection(path: Path, *, wal: bool = False) -> Iterator[sqlite3.Connection]:
    """An open connection to ``path``, closed when the block ends."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        if wal:
            db.execute("PRAGMA journal_mode=WAL")
        yield db
    finally:
        db.close()
