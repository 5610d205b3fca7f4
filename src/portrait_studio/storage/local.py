"""Blobs as files under one root directory (the default backend).

Writes are atomic: bytes go to ``<root>/.tmp/<random>`` and are then moved into place with
:func:`os.replace`, so a reader (or a restart after ``kill -9``) sees either the whole blob or
no blob. Keys are validated by :func:`~portrait_studio.storage.base.check_key` and the
resolved path must stay inside the root (no traversal, no symlink escapes).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from ..errors import ParameterError
from .base import check_key, check_prefix, check_suffix

TMP_DIR = ".tmp"


class LocalBlobStore:
    """:class:`~portrait_studio.storage.base.BlobStore` on the local filesystem."""

    def __init__(self, root: Path, *, fsync: bool = False) -> None:
        """``fsync=True`` also flushes each blob to disk (survives power loss, costs ms)."""
        self.root = Path(root).resolve()
        self.fsync = fsync
        (self.root / TMP_DIR).mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def put(self, data: bytes, *, prefix: str, suffix: str = "") -> str:
        """Store ``data`` under ``<prefix>/<random hex><suffix>`` and return that key."""
        key = f"{check_prefix(prefix)}/{uuid.uuid4().hex}{check_suffix(suffix)}"
        target = self._file(key)
        tmp = self.root / TMP_DIR / f"{uuid.uuid4().hex}.part"
        self._write(tmp, bytes(data))
        for _ in range(3):  # a concurrent delete may prune the fresh folder: retry
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(tmp, target)
                return key
            except FileNotFoundError:
                continue
        tmp.unlink(missing_ok=True)
        raise OSError(f"could not store blob under {prefix!r}")

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; :class:`KeyError` when there are none."""
        try:
            return self._file(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        """Remove ``key`` and any directories it leaves empty (absent keys are ignored)."""
        target = self._file(key)
        try:
            target.unlink()
        except FileNotFoundError:
            return
        self._prune_dirs(target.parent)

    def exists(self, key: str) -> bool:
        return self._file(key).is_file()

    def path(self, key: str) -> Path | None:
        """The file holding ``key`` or None when absent."""
        target = self._file(key)
        return target if target.is_file() else None

    def list_keys(self, prefix: str) -> Iterator[tuple[str, float]]:
        """``(key, mtime)`` of every blob under ``prefix/`` (order unspecified)."""
        folder = self._file(check_prefix(prefix))
        if not folder.is_dir():
            return
        for path in folder.rglob("*"):
            try:
                if path.is_file():
                    yield path.relative_to(self.root).as_posix(), path.stat().st_mtime
            except FileNotFoundError:
                continue

    def remove_stale_tmp(self, max_age_s: float, now: float) -> int:
        """Delete partial writes older than ``max_age_s`` (left by a crash); return the count."""
        removed = 0
        for entry in (self.root / TMP_DIR).iterdir():
            try:
                if now - entry.stat().st_mtime > max_age_s:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def _file(self, key: str) -> Path:
        check_key(key)  # segments never start with '.', so '.tmp' is unreachable
        target = (self.root / key).resolve()
        if not target.is_relative_to(self.root) or target == self.root:
            raise ParameterError("blob key escapes the storage root", field="key")
        return target

    def _write(self, tmp: Path, data: bytes) -> None:
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                if self.fsync:
                    handle.flush()
                    os.fsync(handle.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _prune_dirs(self, folder: Path) -> None:
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent
