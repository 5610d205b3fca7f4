"""Metric functions of the face-fusion benchmark (bench/bench_fusion.py).

Images are HxWx3 uint8 RGB unless stated; masks HxW float32 in [0, 1] or bool. Colour
differences are CIEDE2000 on CIE Lab (D65, sRGB), implemented here in numpy.

Definitions (also printed in the report):
- boundary rings of a blend mask ``m`` (the trace mask of the new face):
  inside ring = pixels with m >= 0.9 lying 1..4 px inside the 0.9 level set;
  outside ring = pixels with m < 0.05 lying 2..6 px outside the 0.05 level set;
  band = inside ring + outside ring + the transition 0.05 <= m < 0.9 between them.
- colour jump of an image on those rings = mean CIEDE2000 between every inside-ring pixel and
  its nearest outside-ring pixel, on the image blurred with a Gaussian of sigma 1 px (so pixel
  noise and JPEG blocks do not count as a jump). The benchmark reports result minus template.
- seam energy = mean Sobel gradient magnitude of L* (same blur) over the band.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from portrait_studio.perception import landmarks as lm
from portrait_studio.perception.masks import cheek_mask, face_regions, face_scale, polygon_mask

INNER_RING = (1.0, 4.0)
OUTER_RING = (2.0, 6.0)
CORE_LEVEL, EDGE_LEVEL = 0.9, 0.05
BLUR_SIGMA = 1.0
SECTORS = 16
MIN_SECTOR_PIXELS = 20


# ----------------------------------------------------------------------------- colour


def rgb_to_lab(img: np.ndarray, blur: float = 0.0) -> np.ndarray:
    """HxWx3 float32 CIE Lab (L 0..100) of an HxWx3 uint8 RGB image, optionally blurred."""
    rgb = img.astype(np.float32) / 255.0
    if blur > 0:
        rgb = cv2.GaussianBlur(rgb, (0, 0), blur)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)


def _hue_deg(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(b, a)) % 360.0


def _mean_hue(h1: np.ndarray, h2: np.ndarray, zero: np.ndarray) -> np.ndarray:
    hsum, hdiff = h1 + h2, np.abs(h1 - h2)
    wrapped = np.where(hsum < 360.0, hsum + 360.0, hsum - 360.0)
    mean = np.where(hdiff <= 180.0, hsum, wrapped) / 2.0
    return np.where(zero, hsum, mean)


def _hue_delta(h1: np.ndarray, h2: np.ndarray, zero: np.ndarray) -> np.ndarray:
    dh = h2 - h1
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    return np.where(zero, 0.0, dh)


def _t_factor(hbar: np.ndarray) -> np.ndarray:
    r = np.radians
    return (1 - 0.17 * np.cos(r(hbar - 30)) + 0.24 * np.cos(r(2 * hbar))
            + 0.32 * np.cos(r(3 * hbar + 6)) - 0.20 * np.cos(r(4 * hbar - 63)))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1) of two ...x3 Lab arrays (float64)."""
    l1, a1, b1 = (np.asarray(lab1, np.float64)[..., i] for i in range(3))
    l2, a2, b2 = (np.asarray(lab2, np.float64)[..., i] for i in range(3))
    cbar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(cbar7 / (cbar7 + 25.0 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = _hue_deg(b1, a1p), _hue_deg(b2, a2p)
    zero = (c1p * c2p) == 0
    dhp = _hue_delta(h1p, h2p, zero)
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))
    lbar, cbarp, hbar = (l1 + l2) / 2, (c1p + c2p) / 2, _mean_hue(h1p, h2p, zero)
    s_l = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cbarp, 1 + 0.015 * cbarp * _t_factor(hbar)
    cbarp7 = cbarp ** 7
    r_t = (-np.sin(np.radians(60 * np.exp(-(((hbar - 275) / 25) ** 2))))
           * 2 * np.sqrt(cbarp7 / (cbarp7 + 25.0 ** 7)))
    tc, th = d_c / s_c, d_h / s_h
    return np.sqrt((d_l / s_l) ** 2 + tc ** 2 + th ** 2 + r_t * tc * th)


# Published test pairs (Sharma, Wu, Dalal 2005) with their CIEDE2000 values.
SHARMA_PAIRS = (
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
)


def ciede2000_selfcheck() -> float:
    """Largest absolute error of :func:`ciede2000` on the published test pairs."""
    a = np.array([p[0] for p in SHARMA_PAIRS])
    b = np.array([p[1] for p in SHARMA_PAIRS])
    want = np.array([p[2] for p in SHARMA_PAIRS])
    return float(np.abs(ciede2000(a, b) - want).max())


# ----------------------------------------------------------------------------- rings


@dataclass(frozen=True)
class Rings:
    """Pixel sets around one blend boundary (full-image coordinates)."""

    inside: np.ndarray       # Nx2 (y, x) inside-ring pixels
    partner: np.ndarray      # Nx2 (y, x) nearest outside-ring pixel of each inside pixel
    band: np.ndarray         # HxW bool: inside ring + transition + outside ring
    centre: tuple[float, float]

    @property
    def empty(self) -> bool:
        return len(self.inside) == 0


def _dist(binary: np.ndarray) -> np.ndarray:
    """Distance of each True pixel to the nearest False pixel."""
    return cv2.distanceTransform(binary.astype(np.uint8), cv2.DIST_L2, 5)


def _nearest(targets: np.ndarray) -> np.ndarray:
    """HxWx2 (y, x) of the nearest True pixel of ``targets`` for every pixel."""
    src = np.where(targets, 0, 1).astype(np.uint8)
    _, labels = cv2.distanceTransformWithLabels(src, cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    table = np.zeros((int(labels.max()) + 1, 2), np.int64)
    table[labels[targets]] = np.argwhere(targets)
    return table[labels]


def boundary_rings(mask: np.ndarray) -> Rings:
    """Inside/outside rings of the blend mask ``mask`` (HxW float32, see module docstring)."""
    core = mask >= CORE_LEVEL
    d_in = _dist(core)
    inside = core & (d_in >= INNER_RING[0]) & (d_in <= INNER_RING[1])
    out_set = mask < EDGE_LEVEL
    d_out = _dist(out_set)
    outside = out_set & (d_out >= OUTER_RING[0]) & (d_out <= OUTER_RING[1])
    band = inside | outside | ((mask >= EDGE_LEVEL) & ~core)
    band &= (d_in <= INNER_RING[1]) & (d_out <= OUTER_RING[1])
    ys, xs = np.nonzero(mask > 0.5)
    centre = (float(ys.mean()), float(xs.mean())) if len(ys) else (0.0, 0.0)
    if not inside.any() or not outside.any():
        return Rings(np.zeros((0, 2), np.int64), np.zeros((0, 2), np.int64), band, centre)
    pts = np.argwhere(inside)
    partner = _nearest(outside)[pts[:, 0], pts[:, 1]]
    return Rings(pts, partner, band, centre)


@dataclass(frozen=True)
class Jump:
    """Colour jump of the result and of the template on the same rings."""

    result: float
    template: float
    sector_max: float        # worst angular sector of (result - template)

    @property
    def delta(self) -> float:
        return self.result - self.template


def _pair_de(lab: np.ndarray, rings: Rings) -> np.ndarray:
    a = lab[rings.inside[:, 0], rings.inside[:, 1]]
    b = lab[rings.partner[:, 0], rings.partner[:, 1]]
    return ciede2000(a, b)


def _sector_max(diff: np.ndarray, rings: Rings) -> float:
    dy = rings.inside[:, 0] - rings.centre[0]
    dx = rings.inside[:, 1] - rings.centre[1]
    sector = ((np.arctan2(dy, dx) + np.pi) / (2 * np.pi) * SECTORS).astype(int) % SECTORS
    counts = np.bincount(sector, minlength=SECTORS)
    sums = np.bincount(sector, weights=diff, minlength=SECTORS)
    means = sums[counts >= MIN_SECTOR_PIXELS] / counts[counts >= MIN_SECTOR_PIXELS]
    return float(means.max()) if len(means) else float("nan")


def colour_jump(result_lab: np.ndarray, template_lab: np.ndarray, rings: Rings) -> Jump:
    """Mean CIEDE2000 inside->nearest-outside pixel on both images (Lab from
    :func:`rgb_to_lab` with ``blur=BLUR_SIGMA``)."""
    if rings.empty:
        return Jump(float("nan"), float("nan"), float("nan"))
    de_r, de_t = _pair_de(result_lab, rings), _pair_de(template_lab, rings)
    return Jump(float(de_r.mean()), float(de_t.mean()), _sector_max(de_r - de_t, rings))


def gradient_magnitude(lab: np.ndarray) -> np.ndarray:
    """HxW Sobel gradient magnitude of the L* channel."""
    light = np.ascontiguousarray(lab[..., 0])
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)
    return np.hypot(gx, gy)


def seam_energy(result_lab: np.ndarray, template_lab: np.ndarray, rings: Rings) -> tuple[
        float, float]:
    """Mean gradient magnitude over the band in the result and in the template."""
    if not rings.band.any():
        return float("nan"), float("nan")
    return (float(gradient_magnitude(result_lab)[rings.band].mean()),
            float(gradient_magnitude(template_lab)[rings.band].mean()))


HALO_PERSON, HALO_DE = 0.2, 3.0


def background_change(result: np.ndarray, template: np.ndarray, person: np.ndarray) -> tuple[
        int, float]:
    """Halo check: background pixels (person probability < 0.2, at least 3 px from the
    person) that the result changed by more than 3 CIEDE2000 from ``template``, and their
    mean difference (HxWx3 uint8 RGB images)."""
    bg = _dist(person < HALO_PERSON) >= 3
    diff = ciede2000(rgb_to_lab(result), rgb_to_lab(template))
    changed = bg & (diff > HALO_DE)
    return int(changed.sum()), float(diff[changed].mean()) if changed.any() else 0.0


# ----------------------------------------------------------------------------- foreign pixels

SKIN_DE = 16.0          # CIEDE2000 from the cheek colour beyond which a pixel is not skin
HAIR_DARKER = 25.0      # hair inside the oval: at least this much darker (L*) than the cheeks
HAIR_EDGE = 0.3         # ... and above the brows or within this many eye distances of its edge
HAIR_REACH = 0.8        # hair outside the oval: within this many eye distances of it
FRAME_BLACKHAT = 7.0    # glasses frames: black-hat response (L*) of a thin dark structure
FRAME_WIDTH = 0.45      # ... in a structure at least this many eye distances wide
BRIDGE_COVER = 0.6      # share of the nose bridge's width a frame's bridge spans


@dataclass(frozen=True)
class Foreign:
    """Foreign pixels of a user crop (HxW bool each)."""

    background: np.ndarray
    hair: np.ndarray
    glasses: np.ndarray

    @property
    def any(self) -> np.ndarray:
        return self.background | self.hair | self.glasses


def _kernel(size: float) -> np.ndarray:
    k = max(3, round(size) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def _features(points: np.ndarray, shape: tuple[int, int], scale: float,
              grow: float = 0.08) -> np.ndarray:
    """Eyes, brows, lips and nostrils, grown by ``grow`` eye distances: never foreign."""
    r = face_regions(points, shape)
    feats = (np.maximum.reduce([r.eyes, r.brows, r.lips, r.nose]) > 0.5).astype(np.uint8)
    return cv2.dilate(feats, _kernel(2 * scale * grow)) > 0 if grow > 0 else feats > 0


def skin_lab(lab: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Median Lab of the cheek discs (the reference skin colour of a face)."""
    cheeks = cheek_mask(points, lab.shape) > 0.5
    return np.median(lab[cheeks], axis=0) if cheeks.any() else np.median(
        lab.reshape(-1, 3), axis=0)


def _connected_to(candidates: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Pixels of ``candidates | seeds`` in 8-connected components that contain a seed."""
    both = (candidates | seeds).astype(np.uint8)
    _, labels = cv2.connectedComponents(both, connectivity=8)
    keep = np.unique(labels[seeds])
    return np.isin(labels, keep[keep > 0])


def _hair_zone(oval: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Above the brow line, or beside the face: left/right of the oval's extent in that row
    (down to the mouth line), then left/right of the jaw's width at the mouth line (down to
    the chin), so that the neck under the jaw is never in the zone."""
    h = oval.shape[0]
    brow_y = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()
    mouth_y = int(points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].mean())
    chin_y = int(points[lm.CHIN, 1])
    covered = np.maximum.accumulate(oval, axis=1) & np.maximum.accumulate(oval[:, ::-1],
                                                                          axis=1)[:, ::-1]
    row = covered[min(max(mouth_y, 0), h - 1)]
    covered[mouth_y:chin_y] |= row
    ys = np.arange(h)[:, None]
    return (ys < brow_y) | ((ys < chin_y) & ~covered)


def _hair(lab: np.ndarray, skin: np.ndarray, non_skin: np.ndarray, person: np.ndarray,
          oval: np.ndarray, feats: np.ndarray, points: np.ndarray, scale: float) -> np.ndarray:
    """Hair/headwear/earrings: non-skin person pixels outside the oval in :func:`_hair_zone`
    within ``HAIR_REACH`` eye distances of the oval, plus the non-skin pixels inside the oval,
    ``HAIR_DARKER`` darker than the cheeks, above the brows or within ``HAIR_EDGE`` of the
    oval's edge above the mouth line (lower, dark pixels are mostly jaw shadow), connected to
    them (fringes, strands)."""
    ys = np.arange(lab.shape[0])[:, None]
    near = _dist(~oval) <= HAIR_REACH * scale
    outside = person & ~oval & non_skin & _hair_zone(oval, points) & near
    brow_y = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].min()
    mouth_y = points[[lm.MOUTH_RIGHT, lm.MOUTH_LEFT], 1].mean()
    edge = (ys < brow_y) | ((_dist(oval) <= HAIR_EDGE * scale) & (ys < mouth_y))
    darker = lab[..., 0] < skin[0] - HAIR_DARKER
    inside = oval & ~feats & non_skin & darker & edge
    return _connected_to(inside, outside) & person


def _bridge_zone(points: np.ndarray, shape: tuple[int, ...], scale: float) -> tuple[
        np.ndarray, int]:
    """The nose bridge between the inner eye corners at eye level, and its width in px."""
    x0 = int(points[lm.RIGHT_EYE_INNER, 0] + 0.05 * scale)
    x1 = int(points[lm.LEFT_EYE_INNER, 0] - 0.05 * scale)
    eye_y = points[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean()
    zone = np.zeros(shape[:2], bool)
    zone[max(0, int(eye_y - 0.3 * scale)):int(eye_y + 0.2 * scale), max(0, x0):max(0, x1)] = True
    return zone, max(1, x1 - x0)


def _glasses(lab: np.ndarray, feats: np.ndarray, points: np.ndarray,
             scale: float) -> np.ndarray:
    """Glasses frames: thin dark lines (black-hat of L*) in the eye band (brow line to below
    the eyes) outside the eye/brow regions. Only when some such structure spans at least
    ``BRIDGE_COVER`` of the nose bridge's width (the frame's bridge: skin creases never cross
    it); then every structure crossing the bridge or wide and flat (rims, arms) counts."""
    light = np.ascontiguousarray(lab[..., 0])
    blackhat = cv2.morphologyEx(light, cv2.MORPH_BLACKHAT, _kernel(scale * 0.12))
    brow_y = points[[*lm.RIGHT_BROW, *lm.LEFT_BROW], 1].mean()
    eye_y = points[[lm.RIGHT_IRIS_CENTER, lm.LEFT_IRIS_CENTER], 1].mean()
    ys = np.arange(lab.shape[0])[:, None]
    band = (ys > brow_y) & (ys < eye_y + 0.45 * scale)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        (band & ~feats & (blackhat > FRAME_BLACKHAT)).astype(np.uint8), 8)
    zone, width = _bridge_zone(points, lab.shape, scale)
    cover = np.array([len(np.unique(np.nonzero(zone & (labels == i))[1])) / width
                      for i in range(n)])
    bridge = (cover >= BRIDGE_COVER) & (np.arange(n) > 0)
    if not bridge.any():
        return np.zeros(lab.shape[:2], bool)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    wide = (w >= FRAME_WIDTH * scale) & (w > 1.5 * h) & (np.arange(n) > 0)
    return np.isin(labels, np.flatnonzero(bridge | wide))


def foreign_pixels(crop: np.ndarray, points: np.ndarray, person: np.ndarray) -> Foreign:
    """Background, hair/headwear and glasses-frame pixels of a user crop (HxWx3 uint8 RGB,
    478x2 landmarks ``points``, ``person`` = MediaPipe person probability HxW)."""
    lab = rgb_to_lab(crop)
    scale = max(face_scale(points), 8.0)
    skin = skin_lab(lab, points)
    non_skin = ciede2000(lab, skin[None, None, :]) > SKIN_DE
    is_person = person >= 0.5
    oval = polygon_mask(points[list(lm.FACE_OVAL)], crop.shape) > 0.5
    hair = _hair(lab, skin, non_skin, is_person, oval, _features(points, crop.shape[:2], scale),
                 points, scale)
    frame_zone = _features(points, crop.shape[:2], scale, grow=0.0)
    glasses = _glasses(lab, frame_zone, points, scale) & is_person & ~hair
    return Foreign(~is_person, hair, glasses)


# ----------------------------------------------------------------------------- glasses truth

GLASSES_TRUTH = Path(__file__).resolve().parent / "glasses_truth.json"


@dataclass(frozen=True)
class Polyline:
    """One hand-drawn frame piece: points (x, y) in the photo's pixel-centre coordinates."""

    part: str
    half_width: float
    points: tuple[tuple[float, float], ...]


def load_glasses_truth(path: Path = GLASSES_TRUTH) -> dict[str, tuple[Polyline, ...]]:
    """Person name -> the hand-annotated frame pieces of their ``*__house_official_1.jpg``."""
    data = json.loads(path.read_text())
    return {name: tuple(Polyline(str(p["part"]), float(p["half_width"]),
                                 tuple((float(x), float(y)) for x, y in p["points"]))
                        for p in person["polylines"])
            for name, person in data["people"].items()}


def _segment_distance(xs: np.ndarray, ys: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of the points (xs, ys) to the segment a-b (2-vectors x, y)."""
    d = b - a
    t = ((xs - a[0]) * d[0] + (ys - a[1]) * d[1]) / max(float(d @ d), 1e-9)
    t = np.clip(t, 0.0, 1.0)
    return np.asarray(np.hypot(xs - a[0] - t * d[0], ys - a[1] - t * d[1]))


def polyline_mask(shape: tuple[int, ...], lines: tuple[Polyline, ...]) -> np.ndarray:
    """HxW bool: pixels whose centre lies within ``half_width`` of one of ``lines``."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    out = np.zeros(shape[:2], bool)
    for line in lines:
        pts = np.asarray(line.points, np.float64)
        for a, b in itertools.pairwise(pts) if len(pts) > 1 else [(pts[0], pts[0])]:
            out |= _segment_distance(xs, ys, a, b) <= line.half_width
    return out


def glasses_truth_mask(img: np.ndarray, name: str,
                       truth: dict[str, tuple[Polyline, ...]] | None = None) -> np.ndarray | None:
    """HxW bool frame mask of person ``name``'s photo ``img`` (HxWx3 uint8 RGB, the unflipped
    ``*__house_official_1.jpg``) from the hand annotation, or None when ``name`` has none."""
    lines = (load_glasses_truth() if truth is None else truth).get(name)
    return None if lines is None else polyline_mask(img.shape, lines)


def to_crop_frame(img: np.ndarray, affine: np.ndarray, mirrored: bool,
                  size: tuple[int, int], interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """``img`` (HxW or HxWx3, photo coordinates) resampled into a crop of ``size`` = (w, h):
    flipped left-right first when ``mirrored``, then the 2x3 ``affine`` (photo -> crop)."""
    src = np.ascontiguousarray(img[:, ::-1]) if mirrored else img
    return cv2.warpAffine(src, affine, size, flags=interpolation,
                          borderMode=cv2.BORDER_REPLICATE)


def mask_to_crop(mask: np.ndarray, affine: np.ndarray, mirrored: bool,
                 size: tuple[int, int]) -> np.ndarray:
    """A photo's HxW bool mask in the crop frame of :func:`to_crop_frame`: the 0/1 mask is
    resampled bilinearly like the photo and kept where it is >= 0.5."""
    warped = to_crop_frame(mask.astype(np.float32), affine, mirrored, size)
    return np.asarray(warped >= 0.5)


def with_glasses(found: Foreign, glasses: np.ndarray) -> Foreign:
    """``found`` with its glasses mask replaced (e.g. by the hand-annotated frame mask); a
    frame pixel is no hair pixel (temple arms run into the hair)."""
    return Foreign(found.background, found.hair & ~glasses, glasses)


REPAINT_DE = 12.0        # a sampled pixel this far (CIEDE2000) from the original was repainted


def unchanged(original: np.ndarray, sampled: np.ndarray, tol: float = REPAINT_DE) -> np.ndarray:
    """HxW bool: pixels of the crop the engine sampled (``sampled``) that still look like the
    same crop of the original photo (``original``), i.e. were not painted out. Both HxWx3
    uint8 RGB, compared on 1 px-blurred Lab so resampling differences do not count."""
    return ciede2000(rgb_to_lab(original, BLUR_SIGMA), rgb_to_lab(sampled, BLUR_SIGMA)) < tol


def still_foreign(foreign: Foreign, keep: np.ndarray) -> Foreign:
    """Only the foreign pixels in ``keep`` (e.g. :func:`unchanged`)."""
    return Foreign(foreign.background & keep, foreign.hair & keep, foreign.glasses & keep)


def sampled_from(mask: np.ndarray, roi_slices: tuple[slice, slice], maps: tuple[
        np.ndarray, np.ndarray], crop_shape: tuple[int, ...], level: float = 0.5) -> np.ndarray:
    """Nx2 (y, x) user-crop pixels (nearest to each sample position) read by a result pixel
    whose blend weight is >= ``level``; one row per such result pixel."""
    weight = mask[roi_slices]
    sel = weight >= level
    xs = np.rint(maps[0][sel]).astype(np.int64)
    ys = np.rint(maps[1][sel]).astype(np.int64)
    ok = (xs >= 0) & (ys >= 0) & (xs < crop_shape[1]) & (ys < crop_shape[0])
    return np.stack([ys[ok], xs[ok]], axis=1)


@dataclass(frozen=True)
class ForeignUse:
    """How many foreign user pixels a result uses."""

    counts: dict[str, int]          # category -> foreign pixels of the user photo's crop
    used: dict[str, int]            # category -> of those, in the result (sampled, not repainted)
    result_pixels: int              # result pixels (weight >= 0.5) that sample a foreign pixel

    @property
    def share(self) -> float:
        total = sum(self.counts.values())
        return sum(self.used.values()) / total if total else 0.0


def foreign_use(found: Foreign, samples: np.ndarray, kept: Foreign | None = None) -> ForeignUse:
    """How many of the ``found`` foreign pixels end up in the result: sampled (``samples``
    from :func:`sampled_from`) and, when ``kept`` is given, not repainted by the engine."""
    kept = found if kept is None else kept
    hit = np.zeros(found.background.shape, bool)
    hit[samples[:, 0], samples[:, 1]] = True
    names = ("background", "hair", "glasses")
    counts = {k: int(getattr(found, k).sum()) for k in names}
    used = {k: int((getattr(kept, k) & hit).sum()) for k in names}
    return ForeignUse(counts, used, int(kept.any[samples[:, 0], samples[:, 1]].sum()))


VISIBLE_DE = 3.0         # a frame pixel closer than this to the frame-free photo shows nothing


def frame_free(original: np.ndarray, frame: np.ndarray, grow: float = 2.0) -> np.ndarray:
    """``original`` (HxWx3 uint8 RGB) with the ``frame`` pixels (grown by ``grow`` px)
    filled in from their surroundings (``cv2.inpaint``, Telea): the photo without glasses."""
    hole = cv2.dilate(frame.astype(np.uint8), _kernel(2 * grow + 1))
    return cv2.inpaint(np.ascontiguousarray(original), hole, 3, cv2.INPAINT_TELEA)


def frame_visible(original: np.ndarray, engine: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """HxW bool: ``frame`` pixels that the engine's crop ``engine`` still shows, i.e. where it is
    closer (CIEDE2000, 1 px blur) to the ``original`` crop than to :func:`frame_free` of it, and
    the frame differs from that frame-free photo by more than ``VISIBLE_DE`` (HxWx3 uint8 RGB
    images in the same frame). Stricter than :func:`unchanged` for thin, low-contrast frames
    that the engine painted out with a skin tone a few CIEDE2000 off the original's."""
    free = frame_free(original, frame)
    lab_o, lab_e, lab_f = (rgb_to_lab(x, BLUR_SIGMA) for x in (original, engine, free))
    de_of = ciede2000(lab_o, lab_f)
    return frame & (ciede2000(lab_e, lab_o) < ciede2000(lab_e, lab_f)) & (de_of > VISIBLE_DE)


def sampled_count(mask: np.ndarray, samples: np.ndarray) -> int:
    """How many pixels of ``mask`` (HxW bool) are among ``samples`` (:func:`sampled_from`)."""
    hit = np.zeros(mask.shape, bool)
    hit[samples[:, 0], samples[:, 1]] = True
    return int((mask & hit).sum())


# ----------------------------------------------------------------------------- BRISQUE

BRISQUE_DIRS = (Path("/usr/share/opencv4/quality"), Path("/usr/share/opencv/quality"))


def brisque_files() -> tuple[str, str] | None:
    """(model, range) yml paths from Debian's opencv-data, or None when absent."""
    for folder in BRISQUE_DIRS:
        model, rng = folder / "brisque_model_live.yml", folder / "brisque_range_live.yml"
        if model.is_file() and rng.is_file():
            return str(model), str(rng)
    return None


def brisque(img: np.ndarray, files: tuple[str, str]) -> float:
    """BRISQUE score (lower is better) of an HxWx3 uint8 RGB image."""
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    return float(cv2.quality.QualityBRISQUE_compute(bgr, files[0], files[1])[0])
