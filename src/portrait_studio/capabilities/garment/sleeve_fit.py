"""A top's sleeve on the person: the product photo's sleeve quad mapped onto the arm strip
(:mod:`.sleeve`), with the arm's radius fitted to the visible bare arm. Images HxWx3 uint8
RGB, masks HxW bool.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ...imaging.regions import disc
from .body import Body
from .fit import LENGTH_GAIN, Fit, Pairs, Warped, body_frame
from .limbs import ARM_RADII, arm_to_outline, covered_limb, fitted_limb
from .shape import GarmentShape
from .sleeve import (
    LONG_SLEEVE,
    ROUNDNESS,
    Arm,
    Strip,
    garment_quad,
    sleeve_arcs,
    strip_sections,
    warp_cap,
    warp_strip,
)

LOW_NECK = 0.1                          # torso widths: a neck this far below the shoulder
                                        # corners is a low neckline (:func:`low_neck`)
GROW = 0.03                             # shoulder widths a long sleeve may reach off the person


def person_arm(body: Body, side: str, outline: bool = False) -> Arm:
    """The arm on image side ``side`` ("l"/"r"): bones moved onto the visible arm and its
    radii fitted to it (model radii when it is covered; with ``outline`` its shoulder and
    elbow then moved out to the old sleeve's outline, :func:`.limbs.arm_to_outline`)."""
    pose = body.pose
    idx = pose.sides()[0 if side == "l" else 1]
    chain = [pose.p(idx[k]) for k in ("shoulder", "elbow", "wrist")]
    sw, bare = pose.shoulder_width, body.skin & ~body.hands
    covered = outline and covered_limb(body.person.shape, chain, bare, sw)
    chain, radii = fitted_limb(body.person.shape, chain, bare, sw, ARM_RADII)
    arm = Arm(chain, radii)
    if not covered:
        return arm
    return Arm(arm_to_outline(chain, (radii[0], arm.radius(arm.upper)),
                              body.person & ~body.head, float(pose.shoulder_mid[0]), sw), radii)


def _length_scale(shape: GarmentShape, side: str, placed: dict[str, NDArray[np.float32]],
                  scale: float) -> float:
    """Garment -> body scale along the sleeve: ``scale`` times the vertical squeeze the
    torso got at its seam (0.75..1)."""
    g = float(np.linalg.norm(shape.points[f"armpit_{side}"] - shape.points[f"shoulder_{side}"]))
    b = float(np.linalg.norm(placed[f"armpit_{side}"] - placed[f"shoulder_{side}"]))
    return scale * float(np.clip(b / max(g * scale, 1.0), 0.75, 1.0))


def sleeve_layer(img: NDArray[np.uint8], sleeve: NDArray[np.bool_], shape: GarmentShape,
                 side: str, body: Body, torso_pairs: Pairs, fit: Fit,
                 cover: NDArray[np.float32] | None = None,
                 torso: NDArray[np.float32] | None = None) -> Warped | None:
    """One sleeve (cut-out ``img`` and the sleeve's mask) laid along its arm, or None when
    the sleeve mask is too small to measure or the arm's elbow lies before the sleeve's
    seam corner (its upper arm is shorter than the shoulder's reach: the skier's pose puts
    that wrist by her chin, and the bones would carry the sleeve up to her face).
    ``cover``: the sleeve's coverage (HxW float32 0..1, :func:`.unmix.coverage`) warped as
    its alpha in place of the mask. ``torso``: the torso layer's alpha, for the
    shoulder's cap above the seam (:func:`shoulder_cap`)."""
    names = {id(p): n for n, p in shape.points.items()}
    placed = {names[id(g)]: b for g, b in torso_pairs if id(g) in names}
    quad = garment_quad(sleeve, shape.points[f"shoulder_{side}"], shape.points[f"armpit_{side}"])
    if quad is None:
        return None
    frame = body_frame(body.pose)
    # the fit's width widens the sleeve round the arm (:func:`.sleeve.ease_of`), not its
    # length: a loose tee's sleeves hang wider, a tight one's hug the arm
    scale = frame.shoulder_span * LENGTH_GAIN / max(shape.torso_width, 1.0)
    sign = -1.0 if side == "l" else 1.0
    hint = (frame.axis * sign - frame.down).astype(np.float32)
    arm = person_arm(body, side)
    seam_out, g2b = placed[f"shoulder_{side}"], _length_scale(shape, side, placed, scale)
    if quad.outer_len * g2b >= LONG_SLEEVE * arm.total:  # a long sleeve: on the old one's outline
        arm = person_arm(body, side, outline=True)
    if sleeve_arcs(quad, seam_out, arm, g2b, body.pose.shoulder_width)[0] >= arm.upper:
        return None
    strip = strip_sections(sleeve, quad, seam_out, arm, g2b, hint, body.pose.shoulder_width,
                           fit.width)
    warped = warp_strip(img, sleeve if cover is None else cover, strip.g_secs, strip.b_secs,
                        body.person.shape, ROUNDNESS if strip.long else 0.0, strip.elbow,
                        strip.split)
    if strip.long:
        warped = within_person(warped, body.person, body.pose.shoulder_width)
        if not strip.split:
            warped = off_hand(warped, body.hands, body.person, arm, body.pose.shoulder_width)
    if torso is None:
        return warped
    return with_cap(warped, shoulder_cap(img, sleeve if cover is None else cover, torso, strip,
                                         arm.chain[0], body))


CAP = 0.25                              # shoulder widths the cap reaches above the seam at most


def shoulder_cap(img: NDArray[np.uint8], cover: NDArray[np.bool_] | NDArray[np.float32],
                 torso: NDArray[np.float32], strip: Strip, joint: NDArray[np.float32],
                 body: Body) -> Warped:
    """The shoulder's round top between a sleeve's straight seam section and the torso
    layer's straight shoulder line (``torso`` its alpha): the sleeve (``img``, its mask or
    coverage ``cover``) carried on past its seam (:func:`.sleeve.warp_cap`) up to ``CAP``
    shoulder widths, on the person (not the head), where the torso layer does not lie and
    within the disc round the shoulder ``joint`` through the seam's outer corner (the
    shoulder's round; hair over the shoulder, taken for the person, is not covered)."""
    sw = body.pose.shoulder_width
    cap = warp_cap(img, cover, strip.g_secs, strip.b_secs, body.person.shape, CAP * sw)
    ys, xs = np.nonzero(cap.alpha > 0)
    if not len(ys):
        return cap
    h, w = cap.alpha.shape
    half = max(float(np.linalg.norm(strip.b_secs[0][0] - strip.b_secs[0][1])) / 2, 1.0)
    m = int(half) + 3
    box = np.s_[max(0, int(ys.min()) - m):min(h, int(ys.max()) + m + 1),
                max(0, int(xs.min()) - m):min(w, int(xs.max()) + m + 1)]
    on = cv2.GaussianBlur((body.person[box] & ~body.head[box]).astype(np.float32), (0, 0), 0.7)
    gy, gx = np.mgrid[box]
    radius = float(np.linalg.norm(strip.b_secs[0][0] - joint))
    round_ = np.clip(radius + 0.5 - np.hypot(gx - joint[0], gy - joint[1]), 0, 1)
    alpha = cap.alpha.copy()
    alpha[box] *= np.minimum(np.minimum(on, 1 - under_torso(torso[box])), round_)
    rgb = cap.rgb.copy()
    rgb[box] *= cap_shade(body.person[box], strip.b_secs[0], (gx, gy), half)[..., None]
    return Warped(rgb, alpha)


def under_torso(torso: NDArray[np.float32]) -> NDArray[np.float32]:
    """How much of a shoulder's cap the torso layer (its alpha ``torso``) hides: its solid
    part 2 px in from its soft edge, anti-aliased. The cap, drawn over the torso, lies
    solid under the torso's soft shoulder line: cut by the soft alpha itself, both were
    half there and a line of the old clothes showed between them."""
    solid = cv2.erode((torso > 0.99).astype(np.uint8), disc(5)).astype(np.float32)
    out: NDArray[np.float32] = cv2.GaussianBlur(solid, (0, 0), 0.7).astype(np.float32)
    return out


def cap_shade(person: NDArray[np.bool_], seam: tuple[NDArray[np.float32], NDArray[np.float32]],
              grid: tuple[NDArray[np.integer], NDArray[np.integer]], half: float) -> (
        NDArray[np.float32]):
    """Multiplier (float32, the shape of ``person``) of a shoulder's cap: the shoulder's
    round, ``ROUNDNESS`` darker on the person's outline, back to 1 half the ``seam``
    section's width (``half``) inside it (quadratic, as :func:`.sleeve.round_shade` shades
    a sleeve across its arm), faded in over a quarter of ``half`` above the seam (where the
    cap meets the sleeve it is as light as the sleeve). ``grid``: the pixels' (x, y)."""
    inside = cv2.distanceTransform(person.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    edge = 1 - np.clip(inside / half, 0, 1)
    (ox, oy), (ix, iy) = seam
    length = max(float(np.hypot(ix - ox, iy - oy)), 1e-6)
    above = np.abs((grid[0] - ox) * (iy - oy) - (grid[1] - oy) * (ix - ox)) / length
    fade = np.clip(above / (half / 4), 0, 1)
    out: NDArray[np.float32] = (1 - ROUNDNESS * fade * edge * edge).astype(np.float32)
    return out


def with_cap(sleeve: Warped, cap: Warped) -> Warped:
    """``sleeve`` with ``cap`` where the cap covers more."""
    more = cap.alpha > sleeve.alpha
    rgb = np.where(more[..., None], cap.rgb, sleeve.rgb).astype(np.float32)
    return Warped(rgb, np.maximum(sleeve.alpha, cap.alpha))


def within_person(warped: Warped, person: NDArray[np.bool_], sw: float) -> Warped:
    """``warped`` with its alpha cut off more than ``GROW`` shoulder widths (at least 2 px)
    outside the ``person`` (HxW bool), anti-aliased over a pixel: a loose sleeve may stand
    off the arm a little, never reach out onto the background."""
    ys, xs = np.nonzero(warped.alpha > 0)
    if not len(ys):
        return warped
    grow = max(2.0, GROW * sw)
    m = int(grow) + 3
    h, w = person.shape
    box = np.s_[max(0, int(ys.min()) - m):min(h, int(ys.max()) + m + 1),
                max(0, int(xs.min()) - m):min(w, int(xs.max()) + m + 1)]
    dist = cv2.distanceTransform((~person[box]).astype(np.uint8), cv2.DIST_L2,
                                 cv2.DIST_MASK_PRECISE)
    alpha = warped.alpha.copy()
    alpha[box] *= np.clip(grow + 0.5 - dist, 0, 1)
    return Warped(warped.rgb, alpha)


HAND_REACH = 0.5                        # shoulder widths round the wrist a hand is looked for
HAND_TOP = 5.0                          # percentile of the hand's pixels taken as its top


def off_hand(warped: Warped, hands: NDArray[np.bool_], person: NDArray[np.bool_], arm: Arm,
             sw: float) -> Warped:
    """``warped`` (a long sleeve on ``arm``) without its part past the top of the hand it
    lies on, off the ``person`` (HxW bool): the hand (``hands``, HxW bool, on the person,
    within ``HAND_REACH`` shoulder widths of the wrist and under the sleeve) hides the
    sleeve's middle there, but the strip's sides beside it, off the person (the strip is
    wider than the arm by its ease), were left as thin sticks of sleeve hanging off the
    cuff. There the sleeve is cut, anti-aliased, across the forearm at the ``HAND_TOP``
    percentile of the hand's pixels along it (``sw`` the shoulder width); on the person
    the hand's own cut stays (a hand over the torso: cut there, the sleeve left old
    clothing that was painted as a flat patch of skin)."""
    wrist = arm.chain[2]
    fore = arm.chain[2] - arm.chain[1]
    fore = fore / max(float(np.linalg.norm(fore)), 1e-6)
    reach = HAND_REACH * sw
    h, w = hands.shape
    y0, y1 = max(0, int(wrist[1] - reach)), min(h, int(wrist[1] + reach) + 1)
    x0, x1 = max(0, int(wrist[0] - reach)), min(w, int(wrist[0] + reach) + 1)
    if y1 <= y0 or x1 <= x0:
        return warped
    box = np.s_[y0:y1, x0:x1]
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    near = np.hypot(xs - wrist[0], ys - wrist[1]) <= reach
    t = (xs - wrist[0]) * fore[0] + (ys - wrist[1]) * fore[1]
    hand = hands[box] & person[box] & near & (warped.alpha[box] > 0.5)
    if hand.sum() < 20:
        return warped
    top = float(np.percentile(t[hand], HAND_TOP))
    alpha = warped.alpha.copy()
    off = near & ~person[box]
    alpha[box] *= np.where(off, np.clip(top + 1.5 - t, 0, 1), 1.0)
    return Warped(warped.rgb, alpha)


def settle_shoulders(pairs: Pairs, shape: GarmentShape, body: Body) -> Pairs:
    """Torso pairs with the shoulder corners moved (up at most 0.1, down at most 0.3
    shoulder widths) onto the top of the person's silhouette in their column: the garment then
    follows the shoulders' own slope instead of a straight shoulder line. A sleeved top's
    neck lying below its shoulder corners (:func:`low_neck`) moves down (or up) as far as
    they did on average: its depth below them is kept."""
    sw = body.pose.shoulder_width
    corners = {id(shape.points[f"shoulder_{s}"]) for s in ("l", "r")}
    out: Pairs = []
    moved: list[float] = []
    for g, b in pairs:
        if id(g) in corners:
            settled = _on_outline(b, body.person & ~body.head, sw)
            moved.append(float(settled[1] - b[1]))
            b = settled
        out.append((g, b))
    if not low_neck(shape) or not moved:
        return out
    neck, shift = shape.points["neck"], float(np.mean(moved))
    return [(g, b + np.array([0.0, shift], np.float32) if g is neck else b) for g, b in out]


def low_neck(shape: GarmentShape) -> bool:
    """A sleeved, strapless top whose neck (the top of the neckline at its centre) lies more
    than ``LOW_NECK`` torso widths below its shoulder corners: a wide sweetheart or square
    neckline whose edges rise to the shoulder seams (the black bodysuit's, 0.30), no back
    collar above it (tees, polos, cardigans: 0.04-0.19 above)."""
    if not shape.limbs or shape.strap_width:
        return False
    pts = shape.points
    depth = float(pts["neck"][1]) - (float(pts["shoulder_l"][1]) + float(pts["shoulder_r"][1])) / 2
    return depth > LOW_NECK * shape.torso_width


def _on_outline(p: NDArray[np.float32], person: NDArray[np.bool_], sw: float) -> (
        NDArray[np.float32]):
    h, w = person.shape
    x = int(np.clip(round(float(p[0])), 0, w - 1))
    y0 = int(np.clip(float(p[1]) - 0.1 * sw, 0, h - 1))
    y1 = int(np.clip(float(p[1]) + 0.3 * sw, y0 + 1, h))
    rows = np.flatnonzero(person[y0:y1, max(0, x - 1):x + 2].all(axis=1))
    if not len(rows):
        return p
    return np.array([p[0], y0 + rows[0] - 0.01 * sw], np.float32)
