"""The media library: files a tenant keeps by ``FileId`` (VOD-style), outside job retention.

Uploads (native ``POST /v1/media``, ``portrait-studio media upload``) and results a caller
asked to keep (VOD ``StorageMode: Permanent``) become media files: bytes in the blob store under
``media/<file id>/``, a row in ``<data-dir>/media.sqlite3`` (WAL; a fresh connection per call, so
the CLI and the server may write at once). A FileId is a 19-digit decimal string like VOD's.
A file of another tenant, an unknown id or a file past its ``expires_at`` is "not found".
``origin`` makes imports idempotent: importing the same job result twice returns the first file.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from ..errors import MediaNotFound, ParameterError
from .base import BlobStore, suffix_for
from .sqlite import connection

DB_NAME = "media.sqlite3"
PREFIX = "media"
MAX_NAME = 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS media (
  file_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, blob_key TEXT NOT NULL,
  media_type TEXT NOT NULL, name TEXT NOT NULL, class_id INTEGER NOT NULL,
  size INTEGER NOT NULL, created_at REAL NOT NULL, expires_at REAL, origin TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS media_origin ON media(tenant, origin) WHERE origin IS NOT NULL;
"""


@dataclass(frozen=True)
class MediaFile:
    """One stored file; ``expires_at`` None = kept until deleted."""

    file_id: str
    tenant: str
    blob_key: str
    media_type: str
    name: str
    class_id: int
    size: int
    created_at: float
    expires_at: float | None = None
    origin: str | None = None

    @property
    def suffix(self) -> str:
        return suffix_for(self.media_type)


def new_file_id() -> str:
    """A 19-digit decimal id (VOD FileIds look like ``5285890781763144364``)."""
    return str(10**18 + secrets.randbelow(9 * 10**18))


class MediaLibrary:
    """Add, find and read media files of a tenant."""

    def __init__(self, path: Path, blobs: BlobStore,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.blobs = blobs
        self._clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path, blobs: BlobStore) -> MediaLibrary:
        return cls(data_dir / DB_NAME, blobs)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path, wal=True)

    def add(self, tenant: str, data: bytes, media_type: str, *, name: str = "",
            class_id: int = 0, expires_at: float | None = None,
            origin: str | None = None) -> MediaFile:
        """Store ``data``; with ``origin``, an earlier file of the same origin is returned."""
        if len(name) > MAX_NAME:
            raise ParameterError(f"MediaName may have at most {MAX_NAME} characters",
                                 field="MediaName")
        if origin is not None and (found := self._by_origin(tenant, origin)) is not None:
            return found
        file_id = new_file_id()
        key = self.blobs.put(data, prefix=f"{PREFIX}/{file_id}", suffix=suffix_for(media_type))
        media = MediaFile(file_id, tenant, key, media_type, name, int(class_id), len(data),
                          self._clock(), expires_at, origin)
        try:
            with self._connect() as db:
                db.execute("INSERT INTO media VALUES (?,?,?,?,?,?,?,?,?,?)", _row(media))
        except sqlite3.IntegrityError:  # lost an origin race: keep the other file
            self.blobs.delete(key)
            found = self._by_origin(tenant, origin or "")
            if found is None:
                raise
            return found
        return media

    def _by_origin(self, tenant: str, origin: str) -> MediaFile | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM media WHERE tenant = ? AND origin = ?",
                             (tenant, origin)).fetchone()
        return None if row is None else MediaFile(*row)

    def find(self, file_id: str) -> MediaFile | None:
        """A live file by id (any tenant), None when unknown or expired."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM media WHERE file_id = ?", (file_id,)).fetchone()
        media = None if row is None else MediaFile(*row)
        if media is None or (media.expires_at is not None and media.expires_at <= self._clock()):
            return None
        return media

    def get(self, tenant: str, file_id: str, field: str = "FileId") -> MediaFile:
        """The live file ``file_id`` of ``tenant``; MediaNotFound otherwise."""
        media = self.find(str(file_id).strip())
        if media is None or media.tenant != tenant:
            raise MediaNotFound(f"{field}: file {file_id!r} does not exist", field=field)
        return media

    def read(self, media: MediaFile) -> bytes:
        return self.blobs.get(media.blob_key)


def _row(media: MediaFile) -> tuple[object, ...]:
    return (media.file_id, media.tenant, media.blob_key, media.media_type, media.name,
            media.class_id, media.size, media.created_at, media.expires_at, media.origin)
