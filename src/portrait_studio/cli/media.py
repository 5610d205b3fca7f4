"""``portrait-studio media upload FILE --tenant T``: put an image in the media library.

Prints the new file as JSON (``file_id``, ``name``, ``media_type``, ``size``); the FileId then
works in VOD ``FileInfos``/``ClothesFileInfos`` of that tenant. Works on the data directory
directly (SQLite WAL), also while a server runs on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ImageUnsupportedFormat
from ..imaging.codec import image_info
from ..settings import load_settings
from ..storage import open_blob_store
from ..storage.media import MediaLibrary
from ..studio import MEDIA_TYPES

BLOB_DIR = "blobs"  # = bootstrap.BLOB_DIR (kept cheap: no bootstrap import)


def add_media_parser(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    media = subparsers.add_parser("media", help="the media library (VOD FileIds)")
    sub = media.add_subparsers(dest="media_command", required=True)
    upload = sub.add_parser("upload", help="store an image and print its FileId")
    upload.add_argument("file", type=Path)
    upload.add_argument("--tenant", required=True)
    upload.add_argument("--name", default="", help="MediaName (at most 64 characters)")
    upload.add_argument("--class-id", type=int, default=0)
    upload.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    return media


def run_media(args: argparse.Namespace) -> int:
    settings = load_settings()
    data_dir = Path(getattr(args, "data_dir", None) or settings.data_dir)
    data = args.file.read_bytes()
    fmt, _, _ = image_info(data)
    if fmt not in MEDIA_TYPES:
        raise ImageUnsupportedFormat(f"{args.file}: format {fmt} cannot be stored",
                                     field="file")
    library = MediaLibrary.in_data_dir(
        data_dir, open_blob_store(settings.blob_store, data_dir / BLOB_DIR))
    media = library.add(args.tenant, data, MEDIA_TYPES[fmt], name=args.name,
                        class_id=args.class_id)
    sys.stdout.write(json.dumps({"file_id": media.file_id, "tenant": media.tenant,
                                 "name": media.name, "media_type": media.media_type,
                                 "size": media.size}) + "\n")
    return 0
