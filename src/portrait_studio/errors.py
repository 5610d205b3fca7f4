"""One exception hierarchy with stable codes.

Every error the library raises is a :class:`PortraitError` subclass carrying a stable ``code``
(dotted, lower case, never renamed), a human message that says what was wrong, the allowed range
and the field, and optionally the ``field`` name. Each wire surface maps ``code`` to its own
error codes through a table; library code raises, never exits.
"""

from __future__ import annotations

from typing import Any


class PortraitError(Exception):
    """Base of every error raised by portrait-studio."""

    code: str = "internal"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details: dict[str, Any] = details

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


# --- input images -------------------------------------------------------------------------

class ImageError(PortraitError):
    code = "image.invalid"


class ImageUndecodable(ImageError):
    code = "image.undecodable"


class ImageUnsupportedFormat(ImageError):
    code = "image.unsupported_format"


class ImageTooSmall(ImageError):
    code = "image.too_small"


class ImageTooLarge(ImageError):
    """Too many pixels per side or in total (also decompression bombs)."""

    code = "image.too_large"


class ImageBytesTooLarge(ImageError):
    code = "image.bytes_too_large"


class ImageEmpty(ImageError):
    code = "image.empty"


class ImageDownloadFailed(ImageError):
    code = "image.download_failed"


class UrlNotAllowed(ImageError):
    code = "image.url_not_allowed"


# --- faces --------------------------------------------------------------------------------

class FaceError(PortraitError):
    code = "face.invalid"


class NoFaceDetected(FaceError):
    code = "face.not_found"


class FaceTooSmall(FaceError):
    code = "face.too_small"


class FaceRectInvalid(FaceError):
    """A face rectangle that is too small, outside the image or on no face."""

    code = "face.rect_invalid"


class TooManyFaces(FaceError):
    code = "face.too_many"


class FacePoseUnsupported(FaceError):
    code = "face.pose_unsupported"


# --- parameters ---------------------------------------------------------------------------

class ParameterError(PortraitError):
    code = "param.invalid"


class MissingParameter(ParameterError):
    code = "param.missing"


# --- jobs and service ---------------------------------------------------------------------

class ContentRejected(PortraitError):
    """Moderation refused an input (a blocklisted prompt, a flagged image)."""

    code = "content.rejected"


class TextRejected(ContentRejected):
    code = "content.text_rejected"


class ImageRejected(ContentRejected):
    code = "content.image_rejected"


class JobNotFound(PortraitError):
    code = "job.not_found"


class MediaNotFound(PortraitError):
    """A media-library file (FileId) that does not exist, expired or is someone else's."""

    code = "media.not_found"


class RateLimited(PortraitError):
    code = "limit.rate"


class QueueFull(PortraitError):
    code = "limit.queue_full"


class JobTimeout(PortraitError):
    code = "job.timeout"


class WorkerLost(PortraitError):
    """The process running a job died (crash, kill -9) too many times; the job gave up."""

    code = "job.worker_lost"


class ModelUnavailable(PortraitError):
    code = "model.unavailable"


class InternalError(PortraitError):
    code = "internal"


def check_range(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` when ``low <= value <= high`` else raise :class:`ParameterError`."""
    if not (low <= value <= high):
        raise ParameterError(
            f"{name} must be between {low:g} and {high:g}, got {value!r}", field=name,
            low=low, high=high, value=value,
        )
    return value


def check_choice(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Return ``value`` when it is one of ``allowed`` else raise :class:`ParameterError`."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"{name} must be one of {shown}, got {value!r}", field=name,
                             allowed=list(allowed), value=value)
    return value


def error_class(code: str) -> type[PortraitError]:
    """The most specific :class:`PortraitError` subclass whose ``code`` is ``code``
    (:class:`InternalError` when no class has it); rebuilds an error recorded by its code."""
    found: type[PortraitError] = InternalError
    stack: list[type[PortraitError]] = [PortraitError]
    while stack:
        cls = stack.pop()
        if cls.code == code and cls is not PortraitError:
            found = cls
        stack.extend(cls.__subclasses__())
    return found
