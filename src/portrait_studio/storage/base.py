"""The blob store contract: opaque keys for input and result bytes.

A key looks like ``"results/3f2a.../9c1e....png"``: slash-separated segments of letters,
digits, ``_``, ``-`` and ``.`` (never ``.`` or ``..`` alone, never a leading slash). The store
picks the key; callers only choose a ``prefix`` (e.g. ``"inputs/<job id>"``) and a ``suffix``
(a file extension that records the media type, see :func:`media_type_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import ParameterError

_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_SUFFIX = re.compile(r"^(\.[a-z0-9]{1,8})?$")
_MAX_KEY = 512

SUFFIX_BY_MEDIA_TYPE: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tiff",
    "image/gif": ".gif",
    "application/json": ".json",
    "text/plain": ".txt",
    "application/octet-stream": ".bin",
}
MEDIA_TYPE_BY_SUFFIX: dict[str, str] = {v: k for k, v in SUFFIX_BY_MEDIA_TYPE.items()}
MEDIA_TYPE_BY_SUFFIX[".jpeg"] = "image/jpeg"


class BlobStore(Protocol):
    """Bytes by opaque key. Implementations must be safe to use from several processes."""

    def put(self, data: bytes, *, prefix: str, suffix: str = "") -> str:
        """Store ``data`` atomically under a new key starting with ``prefix/``; return it."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes of ``key``; raises :class:`KeyError` when absent."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing an absent key is not an error."""
        ...

    def exists(self, key: str) -> bool:
        """True when ``key`` holds bytes."""
        ...

    def path(self, key: str) -> Path | None:
        """A local file holding ``key`` (for zero-copy serving), or None when there is none."""
        ...


@runtime_checkable
class SweepsTemporaryFiles(Protocol):
    """Optional: stores that leave temporary files behind after a crash can clean them."""

    def remove_stale_tmp(self, max_age_s: float, now: float) -> int:
        ...


@runtime_checkable
class ListsKeys(Protocol):
    """Optional: stores that can enumerate keys (used to find orphaned blobs after a crash)."""

    def list_keys(self, prefix: str) -> Iterator[tuple[str, float]]:
        """``(key, modified at epoch seconds)`` of every blob under ``prefix/``."""
        ...


def check_key(key: str) -> str:
    """Return ``key`` when it is a well-formed blob key, else raise :class:`ParameterError`."""
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY:
        raise ParameterError(f"blob key must be 1-{_MAX_KEY} characters", field="key")
    if not all(_SEGMENT.match(part) and part not in (".", "..") for part in key.split("/")):
        raise ParameterError("blob key must be slash-separated segments of A-Z a-z 0-9 _ - . "
                             "(no empty, '.' or '..' segments)", field="key")
    return key


def check_prefix(prefix: str) -> str:
    """Return ``prefix`` when it is a valid key prefix (same rules as a key)."""
    check_key(prefix)
    return prefix


def check_suffix(suffix: str) -> str:
    """Return ``suffix`` when it is empty or ``.`` plus 1-8 lower-case letters/digits."""
    if not _SUFFIX.match(suffix):
        raise ParameterError(f"blob suffix must be '' or like '.png', got {suffix!r}",
                             field="suffix")
    return suffix


def suffix_for(media_type: str) -> str:
    """File extension recording ``media_type`` in a key (``.bin`` when unknown)."""
    return SUFFIX_BY_MEDIA_TYPE.get(media_type.split(";")[0].strip().lower(), ".bin")


def media_type_of(key: str) -> str:
    """Media type recorded by the extension of ``key`` (``application/octet-stream`` if none)."""
    name = key.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return MEDIA_TYPE_BY_SUFFIX.get(name[dot:].lower(), "application/octet-stream") \
        if dot > 0 else "application/octet-stream"
