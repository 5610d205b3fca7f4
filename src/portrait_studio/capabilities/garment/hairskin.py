"""Hair the skin colour model accepts: brown hair has the cheeks' chroma (hue and
saturation), so a chroma model fitted on the cheeks takes it for skin, more so when the
cheek sample itself grazes hair falling over the face (its darkest samples then lower the
model's luma floor). Such hair is found by what skin is not: much darker (L* more than
``DARK_DL`` below the cheek sample's median) and textured (strands: fine detail of
lightness, where skin, even its shaded side, is smooth), joined to the face (a piece touching the face box grown by ``SEED_GROW`` of its
size), above ``SHOULDER_DROP`` shoulder widths below the shoulder line. Lit strands between
the dark ones (skin-model pixels lighter than the limit) are taken where a closing of the
hair covers them and they are textured; strips narrower than ``THIN`` shoulder widths (the
shadow line between a neck and a collar, whose edge is textured) are dropped. Lab HxWx3 float32, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import piece_medians
from ...perception.faces import Face
from ...perception.masks import cheek_mask
from .facecrop import thick_parts
from .pose import Pose

Mask = NDArray[np.bool_]
DARK_DL = 20.0        # L* below the cheeks' median: too dark for lit skin
TEXTURE = 1.5         # L* detail (off its 1 px blur, averaged over 9 px): strands
SEED_GROW = 0.15      # x face box size: hair pieces must touch the face box grown by this
SHOULDER_DROP = 0.35  # x shoulder width: hair is looked for down to this below the shoulders
THIN = 0.03           # x shoulder width: narrower strips (a shadow line between a neck and a
                      # collar, its edge textured) are no hair


def texture(lab: NDArray[np.float32]) -> NDArray[np.float32]:
    """HxW float32: the fine detail of L* (its absolute difference to a Gaussian blur of
    sigma 1 px), averaged over 9x9: high on hair strands, low on smooth skin and on the
    smooth shading of a neck's side (a ramp of lightness is no detail)."""
    lum = np.ascontiguousarray(lab[..., 0])
    detail = np.abs(lum - cv2.GaussianBlur(lum, (0, 0), 1.0))
    out: NDArray[np.float32] = cv2.blur(detail, (9, 9))
    return out


def _zone(face: Face, pose: Pose, shape: tuple[int, int]) -> tuple[Mask, Mask]:
    """(zone, seed): the rows above ``SHOULDER_DROP`` shoulder widths below the lower
    shoulder, and the face box grown by ``SEED_GROW`` of its size."""
    h, w = shape
    bottom = int(max(pose.p(11)[1], pose.p(12)[1]) + SHOULDER_DROP * pose.shoulder_width)
    zone = np.zeros(shape, bool)
    zone[:max(0, min(h, bottom))] = True
    g = SEED_GROW * max(face.box.w, face.box.h)
    x0, y0 = max(0, int(face.box.x - g)), max(0, int(face.box.y - g))
    x1, y1 = min(w, int(face.box.x + face.box.w + g)), min(h, int(face.box.y + face.box.h + g))
    seed = np.zeros(shape, bool)
    seed[y0:y1, x0:x1] = True
    return zone, seed


def _textured_pieces(dark: Mask, seed: Mask, tex: NDArray[np.float32]) -> Mask:
    """The pieces of ``dark`` touching ``seed`` whose median texture reaches ``TEXTURE``."""
    n, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
    if n < 2:
        return np.zeros(dark.shape, bool)
    touch = np.bincount(labels[seed & dark], minlength=n) > 0
    touch[0] = False
    keep = np.zeros(n, bool)
    ids = np.nonzero(touch)[0]
    keep[ids] = piece_medians(labels, tex, ids) >= TEXTURE
    out: Mask = keep[labels]
    return out


def hair_in_skin(lab: NDArray[np.float32], skin: Mask, face: Face | None, pose: Pose) -> Mask:
    """Pixels of ``skin`` (the chroma model's) that are hair: dark, textured pieces joined
    to the face plus the lit strands among them; the lightness reference is the cheek
    sample of the face mesh. Empty without a face mesh."""
    if face is None:
        return np.zeros(skin.shape, bool)
    sample = cheek_mask(face.landmarks, skin.shape) > 0.5
    if sample.sum() < 10:
        return np.zeros(skin.shape, bool)
    ref = float(np.median(lab[..., 0][sample]))
    zone, seed = _zone(face, pose, skin.shape)
    tex = texture(lab)
    cand = skin & zone & ~sample
    strands = tex >= TEXTURE
    hair = _textured_pieces(cand & (lab[..., 0] < ref - DARK_DL), seed, tex) & strands
    if not hair.any():
        return hair
    k = max(3, int(0.06 * max(face.box.w, face.box.h))) | 1
    ell = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(hair.astype(np.uint8), cv2.MORPH_CLOSE, ell) > 0
    return thick_parts(hair | (closed & cand & strands), THIN * pose.shoulder_width)
