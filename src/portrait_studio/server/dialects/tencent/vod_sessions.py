"""VOD ``SessionId`` de-duplication: one task per (tenant, SessionId) within 3 days.

A small SQLite table in ``<data-dir>/vod_sessions.sqlite3``; :meth:`SessionRegistry.claim` is
atomic (``BEGIN IMMEDIATE``), so two concurrent submits with the same id cannot both win.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from ....storage.sqlite import connection

DB_NAME = "vod_sessions.sqlite3"
WINDOW_S = 3 * 86400.0


class SessionRegistry:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS sessions (tenant TEXT NOT NULL, "
                       "session_id TEXT NOT NULL, claimed_at REAL NOT NULL, "
                       "PRIMARY KEY (tenant, session_id))")

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> SessionRegistry:
        return cls(data_dir / DB_NAME)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path)

    def claim(self, tenant: str, session_id: str, now: float,
              window_s: float = WINDOW_S) -> bool:
        """True when ``session_id`` was free (or last used over ``window_s`` ago) and is now
        taken at ``now``; False when it is a duplicate."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT claimed_at FROM sessions WHERE tenant = ? AND "
                             "session_id = ?", (tenant, session_id)).fetchone()
            if row is not None and now - float(row[0]) < window_s:
                db.execute("ROLLBACK")
                return False
            db.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?)",
                       (tenant, session_id, now))
            db.execute("COMMIT")
            return True

    def release(self, tenant: str, session_id: str) -> None:
        """Forget a claim whose task could not be created."""
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE tenant = ? AND session_id = ?",
                       (tenant, session_id))
