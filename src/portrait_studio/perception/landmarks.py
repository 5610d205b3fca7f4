"""Index sets of the 478-point MediaPipe face mesh (468 mesh points + 10 iris points).

Every polygon is an ordered ring of landmark indices. "Left"/"right" are the subject's own
sides (so the subject's right eye is on the image's left in a frontal photo).
"""

from __future__ import annotations

from functools import cache

import numpy as np

FACE_OVAL: tuple[int, ...] = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)
LIPS_OUTER: tuple[int, ...] = (
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185,
)
LIPS_INNER: tuple[int, ...] = (
    78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191,
)
RIGHT_EYE: tuple[int, ...] = (
    33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
)
LEFT_EYE: tuple[int, ...] = (
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466,
)
RIGHT_BROW: tuple[int, ...] = (46, 53, 52, 65, 55, 107, 66, 105, 63, 70)
LEFT_BROW: tuple[int, ...] = (276, 283, 282, 295, 285, 336, 296, 334, 293, 300)
NOSE_OUTLINE: tuple[int, ...] = (
    168, 193, 245, 188, 174, 217, 126, 142, 129, 98, 97, 2, 326, 327, 358, 371, 355, 437,
    399, 412, 465, 417,
)
NOSTRILS: tuple[int, ...] = (98, 240, 75, 60, 20, 242, 141, 94, 370, 462, 250, 290, 305, 460, 327, 2)

RIGHT_IRIS_CENTER = 468
LEFT_IRIS_CENTER = 473
NOSE_TIP = 1
CHIN = 152
FOREHEAD_TOP = 10
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
MOUTH_RIGHT, MOUTH_LEFT = 61, 291
RIGHT_CHEEK, LEFT_CHEEK = 234, 454
UPPER_LIP_INNER, LOWER_LIP_INNER = 13, 14
RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM = 159, 145
LEFT_EYE_TOP, LEFT_EYE_BOTTOM = 386, 374

# Stable points for similarity alignment between two faces (eye corners, nose, mouth corners).
ALIGN_POINTS: tuple[int, ...] = (33, 133, 362, 263, 1, 168, 61, 291, 152, 10)

# Points on the cheeks used to sample the skin colour (below the eyes, beside the nose).
CHEEK_SAMPLE_POINTS: tuple[int, ...] = (50, 101, 118, 117, 123, 280, 330, 347, 346, 352, 205, 425)


@cache
def inner_points() -> np.ndarray:
    """Indices of the 468 mesh points that are not on the face oval (int64 array)."""
    oval = set(FACE_OVAL)
    return np.array([i for i in range(468) if i not in oval], dtype=np.int64)


@cache
def tessellation() -> np.ndarray:
    """Triangles (Tx3 int32) of MediaPipe's canonical face-mesh tessellation."""
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

    neighbours: dict[int, set[int]] = {}
    for a, b in FACEMESH_TESSELATION:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    tris = {
        tuple(sorted((a, b, c)))
        for a, nb in neighbours.items() for b in nb if b > a
        for c in nb & neighbours[b] if c > b
    }
    return np.array(sorted(tris), dtype=np.int32)
