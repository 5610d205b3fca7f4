"""``portrait-studio keys create|list|revoke``: tenants and their credentials.

The main CLI calls :func:`add_keys_parser` with its subparsers and :func:`run_keys` with the
parsed arguments. The database is ``<data-dir>/keys.sqlite3``; ``--data-dir`` defaults to the
settings (``PORTRAIT_DATA_DIR``, else ``data``). ``create`` prints the secrets once to stdout
(that is its purpose); nothing is logged.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ..errors import PortraitError
from ..security.keys import Credentials, KeyInfo, KeyStore
from ..settings import load_settings

_LABELS = (
    ("tenant", "tenant"),
    ("tencent_secret_id", "Tencent SecretId"),
    ("tencent_secret_key", "Tencent SecretKey"),
    ("volc_access_key", "Volcengine AccessKey"),
    ("volc_secret_key", "Volcengine SecretKey"),
    ("dashscope_api_key", "DashScope API key"),
    ("api_key", "native API key"),
)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: never overwrite a --data-dir the main parser may already have set
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="data directory holding keys.sqlite3 (default: settings data_dir)")


def add_keys_parser(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``keys`` with its ``create``, ``list`` and ``revoke`` subcommands."""
    keys = subparsers.add_parser("keys", help="manage tenants and their API credentials")
    sub = keys.add_subparsers(dest="keys_command", required=True)
    create = sub.add_parser("create", help="issue a credential set for a tenant")
    create.add_argument("--tenant", required=True)
    create.add_argument("--json", action="store_true", help="print one JSON object")
    listing = sub.add_parser("list", help="list credentials (never their secrets)")
    listing.add_argument("--tenant", default=None)
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    revoke = sub.add_parser("revoke", help="revoke a tenant's keys or one key, immediately")
    target = revoke.add_mutually_exclusive_group(required=True)
    target.add_argument("--tenant")
    target.add_argument("--key", help="key id, SecretId, AccessKey or the API key itself")
    for parser in (create, listing, revoke):
        _data_dir_option(parser)
    return keys


def _store(args: argparse.Namespace) -> KeyStore:
    data_dir = getattr(args, "data_dir", None)
    return KeyStore.in_data_dir(Path(data_dir) if data_dir else load_settings().data_dir)


def _print_credentials(creds: Credentials, as_json: bool, out: TextIO) -> None:
    values = creds.as_dict()
    if as_json:
        out.write(json.dumps(values) + "\n")
        return
    width = max(len(label) for _, label in _LABELS) + 2
    out.writelines(f"{label + ':':<{width}}{values[key]}\n" for key, label in _LABELS)
    out.write("Keep these now: the SecretKeys and API keys are not shown again.\n")


def _iso(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _print_list(items: list[KeyInfo], as_json: bool, out: TextIO) -> None:
    if as_json:
        rows = [{"key_id": k.key_id, "tenant": k.tenant, "kind": k.kind, "hint": k.hint,
                 "created_at": _iso(k.created_at), "revoked_at": _iso(k.revoked_at) or None,
                 "active": k.active} for k in items]
        out.write(json.dumps(rows) + "\n")
        return
    out.write(f"{'TENANT':<20} {'KIND':<10} {'KEY ID':<46} {'CREATED':<21} STATUS\n")
    for k in items:
        status = "active" if k.active else f"revoked {_iso(k.revoked_at)}"
        out.write(f"{k.tenant:<20} {k.kind:<10} {k.key_id:<46} {_iso(k.created_at):<21} "
                  f"{status}\n")


def _revoke(store: KeyStore, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    count = store.revoke(tenant=args.tenant, key=args.key)
    target = f"tenant {args.tenant!r}" if args.tenant is not None else "that key"
    if count == 0:
        err.write(f"no active key found for {target}\n")
        return 1
    out.write(f"revoked {count} key(s) of {target}\n")
    return 0


def run_keys(args: argparse.Namespace, out: TextIO | None = None,
             err: TextIO | None = None) -> int:
    """Run a parsed ``keys`` command; returns the process exit code (0 ok, 1 nothing
    revoked, 2 invalid input)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        store = _store(args)
        if args.keys_command == "create":
            _print_credentials(store.create(args.tenant), args.json, out)
            return 0
        if args.keys_command == "list":
            _print_list(store.list_keys(args.tenant), args.json, out)
            return 0
        return _revoke(store, args, out, err)
    except PortraitError as exc:
        err.write(f"error: {exc.message}\n")
        return 2
