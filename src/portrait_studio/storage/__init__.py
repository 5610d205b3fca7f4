"""Blob storage for input and result bytes; backends are chosen by name."""

from __future__ import annotations

from pathlib import Path

from ..errors import ParameterError
from .base import BlobStore, check_key, media_type_of, suffix_for
from .local import LocalBlobStore

BACKENDS = ("local",)


def open_blob_store(name: str, root: Path) -> BlobStore:
    """The blob store called ``name`` (``"local"``) rooted at ``root``."""
    if name == "local":
        return LocalBlobStore(root)
    raise ParameterError(f"blob store must be one of {', '.join(BACKENDS)}, got {name!r}",
                         field="blob_store")


__all__ = ["BlobStore", "LocalBlobStore", "check_key", "media_type_of", "open_blob_store",
           "suffix_for"]
