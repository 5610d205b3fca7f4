"""LocalBlobStore: atomic writes, opaque safe keys, deletes that tidy up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portrait_studio.errors import ParameterError
from portrait_studio.storage import LocalBlobStore, media_type_of, open_blob_store, suffix_for


@pytest.fixture()
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def test_put_get_round_trip_exact_bytes(store: LocalBlobStore) -> None:
    data = bytes(range(256)) * 3
    key = store.put(data, prefix="inputs/job1", suffix=".png")
    assert key.startswith("inputs/job1/") and key.endswith(".png")
    assert len(key.split("/")[-1]) == 32 + 4
    assert store.get(key) == data
    assert store.exists(key)
    path = store.path(key)
    assert path is not None and path.read_bytes() == data
    assert path.is_relative_to(store.root)


def test_keys_are_unique_and_no_tmp_left(store: LocalBlobStore) -> None:
    keys = {store.put(b"x", prefix="results/a") for _ in range(20)}
    assert len(keys) == 20
    assert list((store.root / ".tmp").iterdir()) == []


def test_delete_is_idempotent_and_prunes_empty_folders(store: LocalBlobStore) -> None:
    key = store.put(b"abc", prefix="inputs/job2")
    store.delete(key)
    store.delete(key)
    assert not store.exists(key)
    assert store.path(key) is None
    assert not (store.root / "inputs").exists()
    with pytest.raises(KeyError):
        store.get(key)


@pytest.mark.parametrize("key", [
    "../etc/passwd", "/etc/passwd", "inputs/../../x", "a//b", "", ".tmp/x", "a/./b",
    "a\\b", "inputs/job/..", "a/b c", "a/" + "x" * 600,
])
def test_rejects_unsafe_keys(store: LocalBlobStore, key: str) -> None:
    with pytest.raises(ParameterError) as info:
        store.get(key)
    assert info.value.code == "param.invalid" and info.value.field == "key"


def test_rejects_symlink_escape(store: LocalBlobStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"s")
    os.symlink(outside, store.root / "link")
    with pytest.raises(ParameterError):
        store.get("link/secret")


def test_rejects_bad_prefix_and_suffix(store: LocalBlobStore) -> None:
    with pytest.raises(ParameterError):
        store.put(b"x", prefix="../up")
    with pytest.raises(ParameterError):
        store.put(b"x", prefix="ok", suffix="png/../..")
    assert list(store.root.rglob("*")) == [store.root / ".tmp"]


def test_stale_tmp_files_are_swept(store: LocalBlobStore) -> None:
    stale = store.root / ".tmp" / "dead.part"
    stale.write_bytes(b"partial")
    os.utime(stale, (1000.0, 1000.0))
    fresh = store.root / ".tmp" / "live.part"
    fresh.write_bytes(b"partial")
    assert store.remove_stale_tmp(3600, now=fresh.stat().st_mtime + 10) == 1
    assert not stale.exists() and fresh.exists()


def test_media_types_and_factory(tmp_path: Path) -> None:
    assert suffix_for("image/png") == ".png"
    assert suffix_for("image/jpeg; q=1") == ".jpg"
    assert suffix_for("application/x-unknown") == ".bin"
    assert media_type_of("results/j/abc.jpg") == "image/jpeg"
    assert media_type_of("results/j/abc") == "application/octet-stream"
    blobs = open_blob_store("local", tmp_path)
    assert blobs.get(blobs.put(b"z", prefix="p")) == b"z"
    with pytest.raises(ParameterError):
        open_blob_store("s3", tmp_path)
