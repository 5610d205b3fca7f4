"""The warps of a face swap: the template region's outline warp (thin-plate spline) and the
user face onto the result landmarks (piecewise affine over the mesh), with the mirrored fill
of a turned user's hidden face half.

Images are HxWx3 uint8 RGB; landmarks 478x2 float32 pixels of the region (or user crop).
"""

from __future__ import annotations

import cv2
import numpy as np

from ...imaging import geometry as geo
from ...imaging.color import masked_blur, to_u8
from ...perception import landmarks as lm
from ...perception.graphs import alongside
from ...perception.masks import face_scale, half_face_map


def warp_template(t_roi: np.ndarray, maps: geo.Maps | None) -> np.ndarray:
    """The template region (HxWx3) resampled through the outline warp's ``maps``
    (:func:`outline_maps`; None: ``t_roi`` itself, unchanged)."""
    if maps is None:
        return t_roi
    # cubic: the spline moves most pixels by a fraction of a pixel, and bilinear sampling at
    # fractional offsets blurs the whole region (BRISQUE +8 on the bench's worst pairs).
    # Each output row reads only its own map rows: the top half is resampled on the helper
    # thread while the bottom half is here (the same pixels as one call)
    out = np.empty((*maps[0].shape[:2], *t_roi.shape[2:]), t_roi.dtype)
    half = out.shape[0] // 2
    top = alongside(_remap_rows, t_roi, maps, out, slice(0, half))
    _remap_rows(t_roi, maps, out, slice(half, out.shape[0]))
    top()
    return out


def _remap_rows(src: np.ndarray, maps: geo.Maps, out: np.ndarray, rows: slice) -> None:
    """Rows ``rows`` of the cubic :func:`~portrait_studio.imaging.geometry.remap` of ``src``
    by ``maps``, written into ``out``."""
    if rows.stop > rows.start:
        cv2.remap(src, maps[0][rows], maps[1][rows], cv2.INTER_CUBIC, dst=out[rows],
                  borderMode=cv2.BORDER_REPLICATE)


def outline_maps(t_local: np.ndarray, r_local: np.ndarray, shape: tuple[int, ...]) -> (
        geo.Maps | None):
    """Thin-plate spline maps of a template region of ``shape`` moving its face outline
    (landmarks ``t_local``) to the result's (``r_local``), anchored on a ring around the face
    and on the region's border; None when the outline moves by less than half a pixel."""
    oval = list(lm.FACE_OVAL)
    shift = np.abs(r_local[oval] - t_local[oval]).max()
    if shift < 0.5:
        return None
    h, w = shape[:2]
    centre = t_local[oval].mean(axis=0)
    radii = (t_local[oval].max(0) - t_local[oval].min(0)) * 0.85
    anchors = np.concatenate([geo.ring_points(centre, (radii[0], radii[1]), 24),
                              geo.border_points(w, h, 4)])
    dst = np.concatenate([r_local[oval], anchors])
    src = np.concatenate([t_local[oval], anchors])
    step = int(np.clip(geo_scale(t_local) / 20.0, 6, 16))  # spline error < 0.2 px at this step
    return geo.tps_maps(dst, src, (h, w), step=step)


def geo_scale(points: np.ndarray) -> float:
    """Inter-ocular distance (px, at least 8) of 478x2 landmarks."""
    return max(face_scale(points), 8.0)


def warp_user(user: np.ndarray, u_pts: np.ndarray, r_local: np.ndarray,
               shape: tuple[int, int], raster: geo.MeshRaster | None = None) -> (
        tuple[np.ndarray, np.ndarray, geo.Maps]):
    """The user face warped onto the result landmarks (uint8, zero outside the mesh hull),
    its validity (1 where the user image was sampled) and the maps; only the hull's bounding
    box is resampled (the maps send everything else outside the user image). ``raster``:
    :func:`user_raster` of ``r_local`` and ``shape`` when the caller has it."""
    if raster is None:
        raster = user_raster(r_local, shape)
    maps = geo.piecewise_affine_maps(r_local[:468], u_pts[:468], shape, raster.step
                                     if raster is not None else 2, raster=raster)
    warped = np.zeros((*shape, 3), np.uint8)
    valid = np.zeros(shape, np.float32)
    box = hull_box(r_local, shape)
    if warped[box].size:
        sub = np.ascontiguousarray(maps[0][box]), np.ascontiguousarray(maps[1][box])
        warped[box] = geo.remap(user, sub, cv2.BORDER_CONSTANT, cv2.INTER_CUBIC)
        h, w = user.shape[:2]  # sampled wholly inside the user image: 1, else 0
        inside = cv2.bitwise_and(cv2.inRange(sub[0], 0, w - 1), cv2.inRange(sub[1], 0, h - 1))
        valid[box] = np.minimum(inside, 1, out=inside)
    return warped, valid, maps


def user_raster(r_local: np.ndarray, shape: tuple[int, int]) -> geo.MeshRaster | None:
    """The mesh raster of the user warp onto the result landmarks ``r_local`` (shared by the
    warp of the mirrored user face)."""
    step = int(np.clip(round(geo_scale(r_local) / 80.0), 2, 4))  # mesh triangles stay >> step
    return geo.mesh_raster(r_local[:468], shape, step)


def hull_box(points: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """Slices of the bounding box of the 468 mesh points, grown by 2 px, inside ``shape``."""
    lo = np.floor(points[:468].min(axis=0)).astype(int) - 2
    hi = np.ceil(points[:468].max(axis=0)).astype(int) + 3
    return (slice(max(0, int(lo[1])), max(0, min(shape[0], int(hi[1])))),
            slice(max(0, int(lo[0])), max(0, min(shape[1], int(hi[0])))))


def mirror_fill(u_warped: np.ndarray, valid: np.ndarray, user: np.ndarray,
                 u_pts: np.ndarray, r_local: np.ndarray, amount: float,
                 scale: float, raster: geo.MeshRaster | None = None,
                 in_place: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Replace the hidden half of the warped user face by the mirrored visible half
    (``raster``: the user warp's :func:`user_raster`; ``in_place``: write into ``u_warped``
    and ``valid`` instead of copies). The mirrored half brings its features, not its light
    (:func:`_relit`): a face lit from its visible side came out split down the nose, the
    hidden half as light as the lit one and a lit stripe along the nose line (Buzz Aldrin of
    the Apollo 11 crew photo, turned 0.46)."""
    from ...perception.faces import mirror_points, yaw_of

    sign = 1.0 if yaw_of(u_pts) > 0 else -1.0
    flipped = cv2.flip(user, 1)
    f_pts = mirror_points(u_pts, user.shape[1])
    m_warped, m_valid, _ = warp_user(flipped, f_pts, r_local, valid.shape, raster)
    box = hull_box(r_local, valid.shape)  # both warps are zero outside it
    ys, xs = box
    if ys.stop <= ys.start or xs.stop <= xs.start:
        return u_warped, valid
    origin = np.array([xs.start, ys.start], np.float32)
    shape = (ys.stop - ys.start, xs.stop - xs.start)
    weight = (half_face_map(r_local - origin, shape, sign) * np.float32(amount)
              * m_valid[box]).astype(np.float32)
    m_warped[box] = _relit(m_warped[box], m_valid[box], u_warped[box], valid[box],
                           MIRROR_LIGHT * scale)
    mixed, out_valid = (u_warped, valid) if in_place else (u_warped.copy(), valid.copy())
    if mixed.dtype == np.uint8:
        mixed[box] = cv2.blendLinear(m_warped[box], u_warped[box], weight, 1.0 - weight)
    else:
        w3 = weight[..., None]
        mixed[box] = u_warped[box] * (1 - w3) + m_warped[box] * w3
    out_valid[box] = valid[box] * (1 - weight) + m_valid[box] * weight
    return mixed, out_valid


MIRROR_LIGHT = 0.25  # eye distances: the light of a mirrored face half is this smooth


def _relit(mirrored: np.ndarray, m_valid: np.ndarray, own: np.ndarray, valid: np.ndarray,
           sigma: float) -> np.ndarray:
    """``mirrored`` (hxwx3, the mirrored user warp) with its smooth light (blurred over
    ``sigma`` px, where ``m_valid``) replaced by the unmirrored warp's (``own``, where
    ``valid``): the mirrored detail on the light the face has there, in ``mirrored``'s dtype."""
    fine = mirrored.astype(np.float32) - masked_blur(mirrored, m_valid, sigma)
    out = masked_blur(own, valid, sigma) + fine
    return out.astype(np.float32) if mirrored.dtype != np.uint8 else to_u8(out)
