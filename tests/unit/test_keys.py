"""Tenant credentials: the SQLite key store and the ``keys`` CLI."""

from __future__ import annotations

import argparse
import io
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tencentcloud.common import credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.facefusion.v20220927 import facefusion_client

from portrait_studio.cli.keys import add_keys_parser, run_keys
from portrait_studio.errors import MissingParameter, ParameterError
from portrait_studio.security.keys import KeyStore, bearer_key_id
from portrait_studio.server.dialects.tencent.signature import SignedRequest, verify_tc3

FORMATS = {
    "tencent_secret_id": r"AKID[A-Za-z0-9]{32}",
    "tencent_secret_key": r"[A-Za-z0-9]{32}",
    "volc_access_key": r"AKLT[A-Za-z0-9]{40}",
    "volc_secret_key": r"[A-Za-z0-9]{40}",
    "dashscope_api_key": r"sk-[0-9a-f]{32}",
    "api_key": r"ps_[A-Za-z0-9]{40}",
}


@pytest.fixture()
def store(tmp_path: Path) -> KeyStore:
    return KeyStore.in_data_dir(tmp_path / "data")


def test_create_formats_and_lookups(store: KeyStore) -> None:
    creds = store.create("acme")
    values = creds.as_dict()
    assert list(values) == ["tenant", *FORMATS]
    for key, pattern in FORMATS.items():
        assert re.fullmatch(pattern, values[key]), key
    tencent = store.lookup("tencent", creds.tencent_secret_id)
    volc = store.lookup("volc", creds.volc_access_key)
    assert tencent is not None and (tencent.tenant, tencent.secret) == (
        "acme", creds.tencent_secret_key)
    assert volc is not None and volc.secret == creds.volc_secret_key
    for kind, key in (("dashscope", creds.dashscope_api_key), ("native", creds.api_key)):
        found = store.lookup(kind, key)
        assert found is not None and (found.tenant, found.secret) == ("acme", None)
        assert found.key_id == bearer_key_id(kind, key)


def test_lookups_miss(store: KeyStore) -> None:
    creds = store.create("acme")
    assert store.lookup("tencent", "AKIDunknown") is None
    key = creds.dashscope_api_key
    altered = key[:-1] + ("1" if key.endswith("0") else "0")  # always a different key
    assert store.lookup("dashscope", altered) is None
    assert store.lookup("native", creds.dashscope_api_key) is None       # wrong kind
    assert store.lookup("volc", creds.tencent_secret_id) is None
    with pytest.raises(ValueError):
        store.lookup("aws", "x")


def test_two_sets_per_tenant_are_distinct(store: KeyStore) -> None:
    a, b = store.create("acme"), store.create("acme")
    assert a.tencent_secret_id != b.tencent_secret_id and a.api_key != b.api_key
    assert len(store.list_keys("acme")) == 8


def test_bearer_keys_are_hashed_hmac_secrets_kept(store: KeyStore) -> None:
    creds = store.create("acme")
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob("keys.sqlite3*"))
    assert creds.dashscope_api_key.encode() not in raw
    assert creds.api_key.encode() not in raw
    assert creds.tencent_secret_key.encode() in raw


def test_database_files_are_private(store: KeyStore) -> None:
    store.create("acme")
    files = list(store.path.parent.glob("keys.sqlite3*"))
    assert store.path in files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_secrets_hidden_from_repr(store: KeyStore) -> None:
    creds = store.create("acme")
    shown = repr(creds) + repr(store.lookup("tencent", creds.tencent_secret_id))
    for secret in (creds.tencent_secret_key, creds.volc_secret_key, creds.dashscope_api_key,
                   creds.api_key):
        assert secret not in shown
    assert creds.tencent_secret_id in shown


@pytest.mark.parametrize("tenant", ["", "-x", "a b", "x" * 65, "ä"])
def test_invalid_tenant(store: KeyStore, tenant: str) -> None:
    with pytest.raises(ParameterError) as exc:
        store.create(tenant)
    assert exc.value.field == "tenant"


def test_revoke_by_tenant_from_another_process(store: KeyStore) -> None:
    acme, other = store.create("acme"), store.create("other")
    lookup = store.secret_lookup("tencent")
    assert lookup(acme.tencent_secret_id) == acme.tencent_secret_key
    code = ("import sys; from pathlib import Path; "
            "from portrait_studio.security.keys import KeyStore; "
            "print(KeyStore(Path(sys.argv[1])).revoke(tenant='acme'))")
    done = subprocess.run([sys.executable, "-c", code, str(store.path)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "4"
    assert lookup(acme.tencent_secret_id) is None
    assert store.lookup("native", acme.api_key) is None
    assert store.lookup("native", other.api_key) is not None
    assert store.revoke(tenant="acme") == 0


def test_revoke_single_keys(store: KeyStore) -> None:
    creds = store.create("acme")
    assert store.revoke(key=creds.volc_access_key) == 1
    assert store.revoke(key=creds.dashscope_api_key) == 1       # by the key itself
    assert store.revoke(key=bearer_key_id("native", creds.api_key)) == 1
    assert store.lookup("volc", creds.volc_access_key) is None
    assert store.lookup("dashscope", creds.dashscope_api_key) is None
    assert store.lookup("native", creds.api_key) is None
    assert store.lookup("tencent", creds.tencent_secret_id) is not None
    assert store.revoke(key="nope") == 0
    with pytest.raises(MissingParameter):
        store.revoke()


def test_list_has_no_secrets(store: KeyStore) -> None:
    creds = store.create("acme")
    store.revoke(key=creds.volc_access_key)
    items = store.list_keys()
    assert [(i.kind, i.active) for i in items] == [
        ("tencent", True), ("volc", False), ("dashscope", True), ("native", True)]
    text = repr(items)
    for secret in (creds.tencent_secret_key, creds.volc_secret_key, creds.dashscope_api_key,
                   creds.api_key):
        assert secret not in text
    assert items[2].hint == creds.dashscope_api_key[:6] + "..."
    assert len(store.list_keys(include_revoked=False)) == 3


def test_store_secret_lookup_verifies_sdk_signature(store: KeyStore) -> None:
    creds = store.create("acme")
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint="127.0.0.1:9"))
    client = facefusion_client.FacefusionClient(
        credential.Credential(creds.tencent_secret_id, creds.tencent_secret_key),
        "ap-guangzhou", profile)
    req = RequestInternal("127.0.0.1:9", "POST", "/", header={})
    client._build_req_inter("FuseFaceUltra", {"RspImgType": "url"}, req)
    signed = SignedRequest("POST", "", req.header, req.data.encode())
    verified = verify_tc3(signed, store.secret_lookup("tencent"),
                          now=int(req.header["X-TC-Timestamp"]), services="facefusion")
    assert verified.secret_id == creds.tencent_secret_id


# --- CLI --------------------------------------------------------------------------------------

def _cli(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="portrait-studio")
    parser.add_argument("--data-dir", type=Path, default=None)
    add_keys_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    code = run_keys(parser.parse_args(list(argv)), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_create_json_list_revoke(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    code, out, _ = _cli("keys", "create", "--tenant", "acme", "--data-dir", data, "--json")
    assert code == 0 and out.count("\n") == 1
    doc = json.loads(out)
    assert list(doc) == ["tenant", *FORMATS] and doc["tenant"] == "acme"
    store = KeyStore(tmp_path / "d" / "keys.sqlite3")
    found = store.lookup("native", doc["api_key"])
    assert found is not None and found.tenant == "acme"
    code, listing, _ = _cli("keys", "list", "--data-dir", data)
    assert code == 0 and doc["tencent_secret_id"] in listing and "acme" in listing
    assert all(doc[k] not in listing for k in ("tencent_secret_key", "volc_secret_key",
                                                "dashscope_api_key", "api_key"))
    code, out, _ = _cli("keys", "revoke", "--tenant", "acme", "--data-dir", data)
    assert (code, out) == (0, "revoked 4 key(s) of tenant 'acme'\n")
    code, _, err = _cli("keys", "revoke", "--tenant", "acme", "--data-dir", data)
    assert code == 1 and "no active key" in err
    assert store.lookup("native", doc["api_key"]) is None


def test_cli_global_data_dir_and_text_output(tmp_path: Path) -> None:
    code, out, _ = _cli("--data-dir", str(tmp_path), "keys", "create", "--tenant", "t1")
    assert code == 0 and (tmp_path / "keys.sqlite3").is_file()
    labels = [line.split(":")[0] for line in out.splitlines()[:7]]
    assert labels == ["tenant", "Tencent SecretId", "Tencent SecretKey", "Volcengine AccessKey",
                      "Volcengine SecretKey", "DashScope API key", "native API key"]
    code, out, _ = _cli("--data-dir", str(tmp_path), "keys", "list", "--json")
    rows = json.loads(out)
    assert [r["kind"] for r in rows] == ["tencent", "volc", "dashscope", "native"]
    assert all(r["active"] and r["tenant"] == "t1" for r in rows)


def test_cli_invalid_tenant_exit_code(tmp_path: Path) -> None:
    code, out, err = _cli("keys", "create", "--tenant", "bad name", "--data-dir", str(tmp_path))
    assert (code, out) == (2, "") and "tenant must be" in err
