"""Tenants and their credentials, in SQLite (``<data-dir>/keys.sqlite3``, file mode 0600).

One :meth:`KeyStore.create` issues a full set for a tenant: a Tencent SecretId/SecretKey, a
Volcengine AccessKey/SecretKey, a DashScope API key and a native API key. Tencent and Volcengine
sign requests with HMACs, so their secrets are stored in plain text (hence the file mode); the
bearer keys (DashScope, native) are stored only as SHA-256 hashes. Every lookup reads the
database (a fresh connection per call, no cache), so ``revoke`` from another process takes
effect on the next request. Nothing here logs, and secrets are hidden from ``repr``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import string
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import MissingParameter, ParameterError
from ..storage.sqlite import connection

DB_NAME = "keys.sqlite3"
HMAC_KINDS = ("tencent", "volc")
BEARER_KINDS = ("dashscope", "native")
KINDS = HMAC_KINDS + BEARER_KINDS
_ALNUM = string.ascii_letters + string.digits
_TENANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS credentials (
    key_id      TEXT PRIMARY KEY,
    tenant      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    secret      TEXT,
    secret_hash TEXT UNIQUE,
    hint        TEXT NOT NULL,
    created_at  REAL NOT NULL,
    revoked_at  REAL
);
CREATE INDEX IF NOT EXISTS credentials_tenant ON credentials (tenant);
"""


@dataclass(frozen=True)
class Credentials:
    """A tenant's full set of credentials, as issued once by :meth:`KeyStore.create`."""

    tenant: str
    tencent_secret_id: str
    tencent_secret_key: str = field(repr=False)
    volc_access_key: str
    volc_secret_key: str = field(repr=False)
    dashscope_api_key: str = field(repr=False)
    api_key: str = field(repr=False)

    def as_dict(self) -> dict[str, str]:
        """The ``keys create --json`` object (keys in this order)."""
        return asdict(self)


@dataclass(frozen=True)
class Principal:
    """Who a credential belongs to; ``secret`` is the HMAC secret (None for bearer keys)."""

    tenant: str
    kind: str
    key_id: str
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class KeyInfo:
    """One stored credential without its secret (for ``keys list``)."""

    key_id: str
    tenant: str
    kind: str
    hint: str
    created_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _random(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def bearer_key_id(kind: str, api_key: str) -> str:
    """Public id of a bearer key: ``<kind>:<first 16 hex of its sha256>``."""
    return f"{kind}:{_hash(api_key)[:16]}"


def new_credentials(tenant: str) -> Credentials:
    """Fresh random credentials in each vendor's format (not stored)."""
    return Credentials(
        tenant=tenant,
        tencent_secret_id="AKID" + _random(32), tencent_secret_key=_random(32),
        volc_access_key="AKLT" + _random(40), volc_secret_key=_random(40),
        dashscope_api_key="sk-" + secrets.token_hex(16), api_key="ps_" + _random(40),
    )


def check_tenant(tenant: str) -> str:
    """``tenant`` when it is 1-64 chars of ``A-Za-z0-9_.@-`` (starting alnum), else raise."""
    if not _TENANT_RE.match(tenant or ""):
        raise ParameterError(f"tenant must be 1-64 characters of letters, digits and _.@- "
                             f"starting with a letter or digit, got {tenant!r}", field="tenant")
    return tenant


class KeyStore:
    """Credentials of all tenants in one SQLite file (see module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> KeyStore:
        """The store at ``<data_dir>/keys.sqlite3``."""
        return cls(Path(data_dir) / DB_NAME)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path)

    # --- issuing and revoking ---------------------------------------------------------------

    def create(self, tenant: str) -> Credentials:
        """Issue and store a new credential set for ``tenant`` (existing ones stay valid)."""
        creds = new_credentials(check_tenant(tenant))
        now = time.time()
        rows = [
            (creds.tencent_secret_id, tenant, "tencent", creds.tencent_secret_key, None,
             creds.tencent_secret_id, now),
            (creds.volc_access_key, tenant, "volc", creds.volc_secret_key, None,
             creds.volc_access_key, now),
            *(self._bearer_row(tenant, kind, key, now) for kind, key in
              (("dashscope", creds.dashscope_api_key), ("native", creds.api_key))),
        ]
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO credentials (key_id, tenant, kind, secret, secret_hash,"
                           " hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        return creds

    @staticmethod
    def _bearer_row(tenant: str, kind: str, key: str,
                    now: float) -> tuple[str, str, str, None, str, str, float]:
        return (bearer_key_id(kind, key), tenant, kind, None, _hash(key), key[:6] + "...", now)

    def revoke(self, *, tenant: str | None = None, key: str | None = None) -> int:
        """Revoke every key of ``tenant``, or one ``key`` (key id, SecretId, AccessKey or the
        bearer key itself). Returns how many active keys were revoked."""
        if tenant is None and key is None:
            raise MissingParameter("revoke needs a tenant or a key", field="tenant")
        where, args = ("tenant = ?", [tenant]) if tenant is not None else (
            "(key_id = ? OR secret_hash = ?)", [key, _hash(key or "")])
        with self._connect() as db:
            cur = db.execute(f"UPDATE credentials SET revoked_at = ? WHERE {where} "
                             "AND revoked_at IS NULL", [time.time(), *args])
            return cur.rowcount

    # --- reading ----------------------------------------------------------------------------

    def list_keys(self, tenant: str | None = None, *,
                  include_revoked: bool = True) -> list[KeyInfo]:
        """Stored credentials without secrets, oldest first."""
        sql = "SELECT key_id, tenant, kind, hint, created_at, revoked_at FROM credentials"
        clauses = (["tenant = ?"] if tenant else []) + (
            [] if include_revoked else ["revoked_at IS NULL"])
        sql += (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY rowid"
        with self._connect() as db:
            rows = db.execute(sql, [tenant] if tenant else []).fetchall()
        return [KeyInfo(*row) for row in rows]

    def lookup(self, kind: str, credential: str) -> Principal | None:
        """The active owner of a credential, or None when unknown or revoked.

        ``credential`` is the SecretId / AccessKey for ``tencent``/``volc`` (the returned
        ``secret`` then verifies the HMAC) and the presented API key for ``dashscope``/``native``
        (compared by hash, in constant time).
        """
        if kind in HMAC_KINDS:
            return self._lookup_hmac(kind, credential)
        if kind in BEARER_KINDS:
            return self._lookup_bearer(kind, credential)
        raise ValueError(f"unknown credential kind {kind!r}; expected one of {KINDS}")

    def _lookup_hmac(self, kind: str, key_id: str) -> Principal | None:
        with self._connect() as db:
            row = db.execute("SELECT tenant, secret FROM credentials WHERE key_id = ? AND "
                             "kind = ? AND revoked_at IS NULL", (key_id, kind)).fetchone()
        return None if row is None else Principal(row[0], kind, key_id, row[1])

    def _lookup_bearer(self, kind: str, api_key: str) -> Principal | None:
        digest = _hash(api_key)
        with self._connect() as db:
            row = db.execute("SELECT tenant, key_id, secret_hash FROM credentials WHERE "
                             "secret_hash = ? AND kind = ? AND revoked_at IS NULL",
                             (digest, kind)).fetchone()
        if row is None or not hmac.compare_digest(row[2], digest):
            return None
        return Principal(row[0], kind, row[1])

    def secret_lookup(self, kind: str = "tencent") -> Callable[[str], str | None]:
        """``SecretId -> SecretKey`` (or AccessKey -> SecretKey) for the signature verifiers."""
        if kind not in HMAC_KINDS:
            raise ValueError(f"secret_lookup needs an HMAC kind {HMAC_KINDS}, got {kind!r}")

        def lookup(key_id: str) -> str | None:
            found = self._lookup_hmac(kind, key_id)
            return None if found is None else found.secret

        return lookup
