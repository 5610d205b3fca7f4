"""Structured logs: one JSON object per line, bound to the current request and job ids.

:func:`configure_logging` installs the handler on the root logger (the server, its worker
processes and uvicorn all log through it). :func:`bind` sets ``request_id`` / ``job_id`` for
the code running inside it (a ``contextvars`` context, so each request and thread has its
own). Records never carry secrets or image data: ``extra`` fields whose names look secret
(``authorization``, ``signature``, ``secret``, ``token``, ``password``, ``api_key``, ``image``,
``base64``) are dropped, and any run of 200+ base64-like characters in a message is replaced
by ``[redacted N chars]``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_job_id: ContextVar[str | None] = ContextVar("job_id", default=None)

SECRET_NAME = re.compile(r"authori[sz]ation|signature|secret|token|password|api_?key|image|"
                         r"base64|credential|cookie", re.IGNORECASE)
_LONG_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{200,}")
_MAX_MESSAGE = 4000
# attributes every LogRecord has; anything else came from ``extra=``
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message"}


def current_request_id() -> str | None:
    """The request id bound by :func:`bind` in this context, if any."""
    return _request_id.get()


def current_job_id() -> str | None:
    return _job_id.get()


@contextmanager
def bind(*, request_id: str | None = None, job_id: str | None = None) -> Iterator[None]:
    """Attach ``request_id`` / ``job_id`` to every record logged inside the block."""
    tokens = []
    if request_id is not None:
        tokens.append((_request_id, _request_id.set(request_id)))
    if job_id is not None:
        tokens.append((_job_id, _job_id.set(job_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def scrub(text: str) -> str:
    """``text`` with long base64-like runs replaced and its length capped."""
    cleaned = _LONG_BLOB.sub(lambda m: f"[redacted {len(m.group(0))} chars]", text)
    return cleaned if len(cleaned) <= _MAX_MESSAGE else cleaned[:_MAX_MESSAGE] + " [...]"


def _safe_value(value: Any) -> Any:
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _safe_value(v) for k, v in value.items() if not SECRET_NAME.search(str(k))}
    if isinstance(value, (list, tuple)):
        return [_safe_value(v) for v in value[:50]]
    return scrub(str(value))


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The JSON object of one record (ids from the context or from ``extra``)."""
    data: dict[str, Any] = {
        "ts": round(record.created, 3),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        + f".{int(record.msecs):03d}Z",
        "level": record.levelname.lower(), "logger": record.name,
        "msg": scrub(record.getMessage()),
    }
    for key in ("request_id", "job_id"):
        value = getattr(record, key, None) or (current_request_id() if key == "request_id"
                                              else current_job_id())
        if value:
            data[key] = value
    for key, value in vars(record).items():
        if key not in _STANDARD and key not in data and not SECRET_NAME.search(key):
            data[key] = _safe_value(value)
    if record.exc_info and record.exc_info[1] is not None:
        data["error"] = scrub(f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
    return data


class JsonFormatter(logging.Formatter):
    """One compact JSON object per record (see module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(record_fields(record), ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [request_id job_id] message`` for humans."""

    def format(self, record: logging.LogRecord) -> str:
        data = record_fields(record)
        ids = " ".join(str(data[k]) for k in ("request_id", "job_id") if k in data)
        return f"{data['time']} {data['level']:<7} {data['logger']} [{ids}] {data['msg']}"


def configure_logging(level: str = "INFO", fmt: str = "json",
                      stream: TextIO | None = None) -> None:
    """Route every logger (ours, uvicorn's) through one handler on the root logger."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the app logs each request itself
