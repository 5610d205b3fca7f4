"""A moderation hook for the tests (``PORTRAIT_MODERATION_HOOK=tests.sdk.volc_hooks:flag_red``):
flags images that are mostly pure red."""

from __future__ import annotations

import numpy as np

from portrait_studio.imaging.codec import decode_image


def flag_red(data: bytes) -> bool:
    image = decode_image(data).astype(np.int16)
    red = (image[..., 0] > 200) & (image[..., 1] < 60) & (image[..., 2] < 60)
    return bool(red.mean() > 0.5)
