"""Tencent Cloud API 3.0 error codes and the table from library codes to wire codes.

:class:`TencentApiError` is a *wire* error: its ``code`` is already a Tencent code such as
``AuthFailure.SignatureFailure``. Library errors (:class:`~portrait_studio.errors.PortraitError`,
dotted lower-case codes) are translated with an :class:`ErrorTable`: the product's own table
first (``FACEFUSION``), then the common table, then the code's family (``image``, ``face``...),
then ``internal``. Other Tencent products (aiart, vod) register their table in
:data:`PRODUCT_TABLES` under their service name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ....errors import InternalError, PortraitError


class TencentApiError(Exception):
    """An error to render as ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class TencentAuthError(TencentApiError):
    """Authentication failed (``AuthFailure.*``, or a missing/invalid signing parameter)."""


# --- common codes (protocols README section 0.6) ---------------------------------------------

ACTION_OFFLINE = "ActionOffline"
AUTH_INVALID_AUTHORIZATION = "AuthFailure.InvalidAuthorization"
AUTH_INVALID_SECRET_ID = "AuthFailure.InvalidSecretId"
AUTH_SECRET_ID_NOT_FOUND = "AuthFailure.SecretIdNotFound"
AUTH_SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire"
AUTH_SIGNATURE_FAILURE = "AuthFailure.SignatureFailure"
AUTH_TOKEN_FAILURE = "AuthFailure.TokenFailure"
AUTH_UNAUTHORIZED_OPERATION = "AuthFailure.UnauthorizedOperation"
FAILED_OPERATION = "FailedOperation"
INTERNAL_ERROR = "InternalError"
INVALID_ACTION = "InvalidAction"
INVALID_PARAMETER = "InvalidParameter"
INVALID_PARAMETER_VALUE = "InvalidParameterValue"
INVALID_REQUEST = "InvalidRequest"
LIMIT_EXCEEDED = "LimitExceeded"
MISSING_PARAMETER = "MissingParameter"
NO_SUCH_PRODUCT = "NoSuchProduct"
NO_SUCH_VERSION = "NoSuchVersion"
REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded"
REQUEST_SIZE_LIMIT_EXCEEDED = "RequestSizeLimitExceeded"
RESOURCE_NOT_FOUND = "ResourceNotFound"
SERVICE_UNAVAILABLE = "ServiceUnavailable"
UNKNOWN_PARAMETER = "UnknownParameter"
UNSUPPORTED_OPERATION = "UnsupportedOperation"
UNSUPPORTED_PROTOCOL = "UnsupportedProtocol"
UNSUPPORTED_REGION = "UnsupportedRegion"

SIGNATURE_FAILURE_MESSAGE = (
    "The provided credentials could not be validated. Please check your signature is correct.")
INTERNAL_MESSAGE = "An internal error occurred; please retry later."


@dataclass(frozen=True)
class ErrorTable:
    """Library code -> Tencent code for one product, falling back to ``parent``."""

    codes: Mapping[str, str]
    parent: ErrorTable | None = None
    default: str = INTERNAL_ERROR

    def lookup(self, code: str) -> str:
        """Tencent code for library ``code``, trying the code's family (``image``) last."""
        family = code.split(".", 1)[0] + ".*"
        for key in (code, family):
            found = self._find(key)
            if found is not None:
                return found
        return self._find("internal") or self.default

    def _find(self, key: str) -> str | None:
        table: ErrorTable | None = self
        while table is not None:
            if key in table.codes:
                return table.codes[key]
            table = table.parent
        return None


COMMON = ErrorTable(MappingProxyType({
    "internal": INTERNAL_ERROR,
    "model.unavailable": SERVICE_UNAVAILABLE,
    "param.invalid": INVALID_PARAMETER_VALUE,
    "param.missing": MISSING_PARAMETER,
    "param.*": INVALID_PARAMETER,
    "limit.rate": REQUEST_LIMIT_EXCEEDED,
    "limit.queue_full": REQUEST_LIMIT_EXCEEDED,
    "limit.*": LIMIT_EXCEEDED,
    "job.not_found": RESOURCE_NOT_FOUND,
    "job.timeout": FAILED_OPERATION,
    "job.worker_lost": INTERNAL_ERROR,
    "image.url_not_allowed": INVALID_PARAMETER_VALUE,
    "image.*": INVALID_PARAMETER_VALUE,
    "face.*": FAILED_OPERATION,
}))

FACEFUSION = ErrorTable(MappingProxyType({
    "image.undecodable": "FailedOperation.ImageDecodeFailed",
    "image.unsupported_format": "FailedOperation.ImageDecodeFailed",
    "image.too_small": "FailedOperation.ImageResolutionTooSmall",
    "image.too_large": "FailedOperation.ImageSizeInvalid",
    "image.bytes_too_large": "FailedOperation.ImageSizeExceed",
    "image.empty": "FailedOperation.MediaDataError",
    "image.download_failed": "FailedOperation.ImageDownloadError",
    "image.url_not_allowed": "InvalidParameterValue.UrlIllegal",
    "image.*": "FailedOperation.ImageDecodeFailed",
    "face.not_found": "FailedOperation.NoFaceDetected",
    "face.too_small": "FailedOperation.FaceSizeTooSmall",
    "face.rect_invalid": "InvalidParameterValue.FaceRectParameterValueError",
    "face.too_many": "FailedOperation.ParameterValueError",
    "face.pose_unsupported": "FailedOperation.NoFaceDetected",
    "face.*": "FailedOperation.NoFaceDetected",
    "param.invalid": "FailedOperation.ParameterValueError",
    "job.timeout": "FailedOperation.RequestTimeout",
    "job.worker_lost": "FailedOperation.RpcFail",
    "model.unavailable": "FailedOperation.RpcFail",
    "internal": "FailedOperation.InnerError",
}), parent=COMMON)

#: aiart (SubmitGlamPicJob / QueryGlamPicJob): the product codes of SDK errorcodes.py. The seed
#: defines no face codes for this product, so face problems (no face, too small, too many
#: users for the template's faces) are ``InvalidParameterValue.ParameterValueError`` with a
#: message naming the image; resolution outside (300, 8000] px is ``ImageResolutionExceed``.
AIART = ErrorTable(MappingProxyType({
    "image.undecodable": "FailedOperation.ImageDecodeFailed",
    "image.unsupported_format": "FailedOperation.ImageDecodeFailed",
    "image.too_small": "FailedOperation.ImageResolutionExceed",
    "image.too_large": "FailedOperation.ImageResolutionExceed",
    "image.bytes_too_large": "FailedOperation.ImageSizeExceed",
    "image.empty": "InvalidParameterValue.ImageEmpty",
    "image.download_failed": "FailedOperation.ImageDownloadError",
    "image.url_not_allowed": "InvalidParameterValue.UrlIllegal",
    "image.*": "FailedOperation.ImageDecodeFailed",
    "face.*": "InvalidParameterValue.ParameterValueError",
    "param.invalid": "InvalidParameterValue.ParameterValueError",
    "limit.queue_full": "RequestLimitExceeded.JobNumExceed",
    "job.not_found": "FailedOperation.JobNotExist",
    "job.timeout": "FailedOperation.RequestTimeout",
    "job.worker_lost": "FailedOperation.RpcFail",
    "job.canceled": "FailedOperation.Unknown",
    "model.unavailable": "FailedOperation.ServerError",
    "internal": "FailedOperation.InnerError",
}), parent=COMMON)
AIART_LOGO_PARAM_ERR = "InvalidParameterValue.LogoParamErr"

#: vod (CreateSceneAigcImageTask / DescribeTaskDetail): seed 003 and SDK errorcodes.py.
VOD = ErrorTable(MappingProxyType({
    "media.not_found": "InvalidParameterValue.FileId",
    "image.url_not_allowed": "InvalidParameterValue.Url",
    "image.download_failed": "InvalidParameterValue.Url",
    "image.*": "InvalidParameterValue",
    "face.*": "FailedOperation",
    "param.invalid": "InvalidParameterValue",
    "job.not_found": "InvalidParameterValue.TaskId",
    "job.*": "FailedOperation",
    "limit.queue_full": "RequestLimitExceeded",
    "internal": "InternalError",
}), parent=COMMON)

PRODUCT_TABLES: dict[str, ErrorTable] = {"facefusion": FACEFUSION, "aiart": AIART, "vod": VOD}


def table_for(service: str | None) -> ErrorTable:
    """The error table of a Tencent service (``facefusion``...), else the common one."""
    return PRODUCT_TABLES.get(service or "", COMMON)


@dataclass(frozen=True)
class WireError:
    """A Tencent code and message ready for :func:`~.envelope.error_response`."""

    code: str
    message: str
    details: Mapping[str, object] = field(default_factory=dict)


def to_wire_error(exc: BaseException, table: ErrorTable = COMMON) -> WireError:
    """Translate any exception into a Tencent code and a message safe to send.

    Internal errors (and unknown exception types) get a generic message so that no stack
    detail, path or secret leaks to the client.
    """
    if isinstance(exc, TencentApiError):
        return WireError(exc.code, exc.message)
    if isinstance(exc, PortraitError) and not isinstance(exc, InternalError):
        return WireError(table.lookup(exc.code), exc.message, {"field": exc.field})
    return WireError(table.lookup("internal"), INTERNAL_MESSAGE)
