"""Volcengine errors: gateway errors (``ResponseMetadata.Error``) and business errors.

Gateway errors (signature, action, missing parameters) are rendered as
``{"ResponseMetadata": {"RequestId", "Action", "Version", "Service", "Region",
"Error": {"CodeN", "Code", "Message"}}}``; business errors as the API's own envelope
``{"code", "data": null, "message", "request_id", "status", "time_elapsed"}``, both with the
HTTP status of protocols README section 4.6. Library codes map through :func:`business`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ....errors import InternalError, PortraitError


class VolcGatewayError(Exception):
    """A ``ResponseMetadata.Error`` answer: HTTP status, numeric and text code, message."""

    def __init__(self, status: int, code_n: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code_n, self.code, self.message = status, code_n, code, message


class VolcBusinessError(Exception):
    """A business envelope with a non-10000 code."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message


def missing_parameter(name: str) -> VolcGatewayError:
    return VolcGatewayError(400, 100002, "MissingParameter",
                            f"The request is missing the required parameter {name}.")


def invalid_action(action: str, version: str) -> VolcGatewayError:
    return VolcGatewayError(404, 100008, "InvalidActionOrVersion",
                            f"Could not find operation {action} with version {version}.")


def signature_mismatch(detail: str = "") -> VolcGatewayError:
    return VolcGatewayError(401, 100010, "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature "
                            "you provided." + (f" {detail}" if detail else ""))


def invalid_access_key() -> VolcGatewayError:
    return VolcGatewayError(401, 100009, "InvalidAccessKey",
                            "The AccessKey provided is not valid or has been revoked.")


def invalid_timestamp() -> VolcGatewayError:
    return VolcGatewayError(400, 100006, "InvalidTimestamp",
                            "The signature of the request is expired.")


def missing_signature() -> VolcGatewayError:
    return VolcGatewayError(401, 100005, "MissingSignature",
                            "The request does not carry an HMAC-SHA256 Authorization header.")


INPUT_INVALID = (400, 50215, "Input invalid for this service.")

#: library code or family -> (HTTP status, business code, fixed message)
CODES: Mapping[str, tuple[int, int, str]] = MappingProxyType({
    "image.*": INPUT_INVALID,
    "face.*": INPUT_INVALID,
    "param.*": INPUT_INVALID,
    "content.image_rejected": (400, 50411, "Pre Img Risk Not Pass"),
    "content.text_rejected": (400, 50412, "Text Risk Not Pass"),
    "content.*": (400, 50413, "Post Text Risk Not Pass"),
    "limit.rate": (429, 50429, "Request Has Reached API Limit, Please Try Later"),
    "limit.queue_full": (429, 50430, "Request Has Reached API Concurrent Limit, Please Try Later"),
    "job.worker_lost": (500, 50501, "Internal RPC Error"),
    "job.timeout": (500, 50501, "Internal RPC Error"),
    "model.unavailable": (500, 50501, "Internal RPC Error"),
    "internal": (500, 50500, "Internal Error"),
})


def lookup(code: str) -> tuple[int, int, str]:
    family = code.split(".", 1)[0] + ".*"
    return CODES.get(code) or CODES.get(family) or CODES["internal"]


def business(exc: BaseException) -> VolcBusinessError:
    """Any exception as a business error; the library message is appended to the vendor's
    fixed text for input problems so the caller learns which field was wrong."""
    if isinstance(exc, VolcBusinessError):
        return exc
    if isinstance(exc, PortraitError) and not isinstance(exc, InternalError):
        status, code, text = lookup(exc.code)
        message = f"{text} {exc.message}" if code in (50215, 50411, 50412) else text
        return VolcBusinessError(status, code, message)
    status, code, text = CODES["internal"]
    return VolcBusinessError(status, code, text)
