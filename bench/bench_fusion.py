"""Face-fusion benchmark: identity, realism and speed of ``pipelines.fusion.fuse`` over the
public-domain identity pairs in ../shared/corpus/portraits.

    .venv/bin/python bench/bench_fusion.py [--pairs N] [--people N] [--sizes native,1080x1320]
        [--out bench/out] [--workers 2] [--latency-runs 30] [--parts quality,latency]

Users: people with both ``*__house_official_1.jpg`` (fused) and ``*__bioguide_earlier_2.jpg``
(held-apart reference). Templates: every ``*__house_official_1.jpg``. Pairs: all ordered
user/template pairs with user != template (``--pairs N``: the first N in a fixed hash order).
Writes fusion_pairs.csv, fusion_quality.json, fusion_latency.json, fusion_contact_sheet.png and
fusion_report.md into ``--out``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import metrics as mt
import numpy as np

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "portraits"
PHOTO, REF = "__house_official_1.jpg", "__bioguide_earlier_2.jpg"
SHEET_PAIRS = 12
Row = dict[str, Any]


# ----------------------------------------------------------------------------- corpus


def people(limit: int | None) -> tuple[list[str], list[str]]:
    """(users, templates): names with a reference photo, names with an official photo."""
    templates = sorted(p.name[:-len(PHOTO)] for p in CORPUS.glob(f"*{PHOTO}"))
    users = [t for t in templates if (CORPUS / f"{t}{REF}").is_file()]
    if limit:
        users, templates = users[:limit], templates[:max(limit, 2)]
    return users, templates


def _hash_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def all_pairs(users: list[str], templates: list[str], limit: int | None,
              only: set[str] | None = None,
              only_templates: set[str] | None = None) -> list[tuple[str, str]]:
    """Ordered (user, template) pairs, user != template, in a fixed hash order; ``only``:
    just these users; ``only_templates``: just these templates."""
    pairs = [(u, t) for u in users for t in templates if u != t and (not only or u in only)
             and (not only_templates or t in only_templates)]
    pairs.sort(key=lambda p: _hash_key(f"{p[0]}|{p[1]}"))
    return pairs[:limit] if limit else pairs


def load_rgb(name: str, suffix: str = PHOTO) -> np.ndarray:
    from portrait_studio.imaging.codec import decode_image

    return decode_image((CORPUS / f"{name}{suffix}").read_bytes())


# ----------------------------------------------------------------------------- quality (worker)

_CACHE: dict[str, Any] = {}


def _no_logo() -> Any:
    from portrait_studio.capabilities.watermark.types import WatermarkParams
    from portrait_studio.pipelines.fusion import FusionParams

    return FusionParams(watermark=WatermarkParams(enabled=False))


def _face_box(points: np.ndarray) -> Any:
    from portrait_studio.perception.faces import Box

    return Box(*map(float, cv2.boundingRect(points[:468].astype(np.float32))))


def _face_slices(points: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice]:
    from portrait_studio.imaging.geometry import roi_around

    return roi_around(points[:468], 1.3, shape).slices


def _template_person(img: np.ndarray) -> np.ndarray:
    from portrait_studio.perception.segmentation import person_mask

    key = f"person:{hashlib.sha1(img.tobytes()).hexdigest()}"
    if key not in _CACHE:
        _CACHE[key] = person_mask(img)
    return np.asarray(_CACHE[key])


def _template_brisque(name: str, img: np.ndarray, files: tuple[str, str]) -> float:
    key = f"brisque:{name}"
    if key not in _CACHE:
        _CACHE[key] = mt.brisque(img, files)
    return float(_CACHE[key])


def scene_without_face(template: np.ndarray, user: np.ndarray, trace: Any) -> tuple[
        np.ndarray, np.ndarray]:
    """The template as the engine prepared it for the paste (re-toned, outline TPS-warped),
    rebuilt with the engine's own (private) steps, and the same warp without the re-toning:
    the fair baselines for the rings (whose pixels the warp moved) and for the halo check.
    HxWx3 uint8 RGB each."""
    from portrait_studio.capabilities.face_swap.core import _template_warp
    from portrait_studio.capabilities.face_swap.tone import skin_tone
    from portrait_studio.imaging.color import to_u8
    from portrait_studio.pipelines import fusion as fu
    from portrait_studio.pipelines.fusion_face import plan_face

    params = _no_logo()
    t_face = fu.require_faces(template, tiles=False)[0]  # as fuse() with one merge
    bearded = fu.has_beard(template, t_face.landmarks, fu.SHAVE_SHARE)
    plan = plan_face(user, fu.user_face(fu.MergeEntry(user), 0), t_face, params, bearded)
    # a shaved template is painted to the user's jaw as placed (the trace's landmarks)
    retoned = fu._retoned_template(template, [t_face.landmarks], params, fu.FusionReport(),
                                   [skin_tone(plan.user, plan.user_points)],
                                   shaven=lambda _: fu.UserJaw(
                                       trace.points, fu.jaw_shadow(plan.user, plan.user_points))
                                   if plan.shaven else None)
    out = []
    for canvas in (retoned, template.astype(np.float32)):
        off = trace.roi.offset
        warped, _ = _template_warp(canvas[trace.roi.slices], t_face.landmarks - off,
                                   trace.points - off)
        canvas = canvas.copy()
        canvas[trace.roi.slices] = warped
        out.append(to_u8(canvas))
    return out[0], out[1]


def _ring_metrics(row: Row, lab_r: np.ndarray, base: np.ndarray, rings: mt.Rings,
                  tag: str) -> None:
    """Colour jump and seam energy of the result against the baseline image ``base``."""
    lab_b = mt.rgb_to_lab(base, mt.BLUR_SIGMA)
    jump = mt.colour_jump(lab_r, lab_b, rings)
    seam_r, seam_b = mt.seam_energy(lab_r, lab_b, rings)
    suffix = "" if tag == "template" else f"_{tag}"
    row.update({f"jump_{tag}": jump.template, f"jump_delta{suffix}": jump.delta,
                f"jump_sector_max{suffix}": jump.sector_max, f"seam_{tag}": seam_b,
                f"seam_ratio{suffix}": seam_r / max(seam_b, 1e-6)})
    row.update(jump_result=jump.result, seam_result=seam_r)


def _realism(row: Row, result: Any, template: np.ndarray, user: np.ndarray) -> None:
    trace = result.traces[0]
    lab_r = mt.rgb_to_lab(result.image, mt.BLUR_SIGMA)
    rings = mt.boundary_rings(trace.mask)
    row["ring_px"] = len(rings.inside)
    _ring_metrics(row, lab_r, template, rings, "template")
    try:
        scene, warped = scene_without_face(template, user, trace)
    except Exception as exc:  # noqa: BLE001 - private engine steps may change; report it
        row["scene_error"] = f"{type(exc).__name__}: {exc}"
        return
    _ring_metrics(row, lab_r, scene, rings, "scene")
    row["halo_px"], row["halo_de"] = mt.background_change(result.image, warped,
                                                          _template_person(template))
    row["user_L"] = float(mt.skin_lab(mt.rgb_to_lab(trace.user_crop), trace.user_points)[0])
    row["template_L"] = float(mt.skin_lab(mt.rgb_to_lab(template), trace.points)[0])


def crop_fit(user: np.ndarray, trace: Any, mirrored: bool) -> tuple[np.ndarray, float]:
    """2x3 affine from the user photo (flipped left-right first when ``mirrored``) to
    ``trace.user_crop``'s frame: per-axis scale + offset fitted from our own landmarks of the
    photo to ``trace.user_points``. Returns the affine and the fit's RMS (px)."""
    from portrait_studio.perception.faces import detect_faces

    src = np.ascontiguousarray(user[:, ::-1]) if mirrored else user
    pts = detect_faces(src)[0].landmarks[:468].astype(np.float64)
    dst = trace.user_points[:468].astype(np.float64)
    fit = [np.polyfit(pts[:, i], dst[:, i], 1) for i in (0, 1)]
    m = np.array([[fit[0][0], 0, fit[0][1]], [0, fit[1][0], fit[1][1]]])
    rms = float(np.sqrt(np.mean((pts * m[[0, 1], [0, 1]] + m[:, 2] - dst) ** 2)))
    return m, rms


def original_crop(user: np.ndarray, trace: Any, mirrored: bool) -> tuple[np.ndarray, float]:
    """The user photo resampled into ``trace.user_crop``'s frame before any repainting (the
    engine paints glasses out of its crop), with :func:`crop_fit`. Returns the HxWx3 uint8
    RGB crop and the fit's RMS (px)."""
    m, rms = crop_fit(user, trace, mirrored)
    h, w = trace.user_crop.shape[:2]
    return mt.to_crop_frame(user, m, mirrored, (w, h)), rms


FIT_RMS_MAX = 2.0        # px: a worse landmark fit falls back to the engine's own crop


def _found(row: Row, user: np.ndarray, trace: Any) -> tuple[mt.Foreign, np.ndarray]:
    """Foreign pixels of the original photo's crop (and that crop). Glasses: the hand-drawn
    truth (bench/glasses_truth.json) resampled like the photo when the user has one and the
    fit is good, else the black-hat heuristic; ``row["glasses_rule"]`` says which."""
    from portrait_studio.perception.segmentation import person_mask

    m, rms = crop_fit(user, trace, bool(row["mirrored"]))
    h, w = trace.user_crop.shape[:2]
    crop = mt.to_crop_frame(user, m, bool(row["mirrored"]), (w, h))
    row["crop_fit_rms"] = rms
    if rms > FIT_RMS_MAX:
        crop = trace.user_crop
    found = mt.foreign_pixels(crop, trace.user_points, person_mask(crop))
    truth = mt.glasses_truth_mask(user, row["user"])
    row["glasses_rule"] = "heuristic"
    if truth is None or rms > FIT_RMS_MAX:
        return found, crop
    row["glasses_rule"] = "truth"
    frame = mt.mask_to_crop(truth, m, bool(row["mirrored"]), (w, h))
    return mt.with_glasses(found, frame), crop


def _foreign(row: Row, result: Any, user: np.ndarray) -> None:
    """Foreign pixels found on the original photo's crop, kept where the engine's crop still
    shows them (not painted out), then looked up through the sampling maps."""
    trace = result.traces[0]
    found, crop = _found(row, user, trace)
    kept = mt.still_foreign(found, mt.unchanged(crop, trace.user_crop))
    row["foreign_repainted_px"] = int(found.any.sum() - kept.any.sum())
    samples = mt.sampled_from(trace.mask, trace.roi.slices, trace.user_maps,
                              trace.user_crop.shape)
    use = mt.foreign_use(found, samples, kept)
    for cat in use.counts:
        row[f"foreign_{cat}_px"] = use.counts[cat]
        row[f"foreign_{cat}_used"] = use.used[cat]
    row.update(foreign_share=use.share, foreign_result_px=use.result_pixels)
    visible = mt.frame_visible(crop, trace.user_crop, found.glasses)
    row["foreign_glasses_visible"] = mt.sampled_count(visible, samples)


def _brisque(row: Row, result: Any, template: np.ndarray, name: str) -> None:
    files = mt.brisque_files()
    if files is None:
        return
    sl = _face_slices(result.traces[0].points, template.shape)
    row.update(brisque_result=mt.brisque(result.image, files),
               brisque_template=_template_brisque(name, template, files),
               brisque_face_result=mt.brisque(np.ascontiguousarray(result.image[sl]), files),
               brisque_face_template=mt.brisque(np.ascontiguousarray(template[sl]), files))
    row["brisque_delta"] = row["brisque_result"] - row["brisque_template"]
    row["brisque_face_delta"] = row["brisque_face_result"] - row["brisque_face_template"]


def sized_template(name: str, size: tuple[int, int] | None) -> np.ndarray:
    """The template photo, resized (bicubic) to ``size`` = (w, h) when given."""
    img = load_rgb(name)
    return img if size is None else cv2.resize(img, size, interpolation=cv2.INTER_CUBIC)


def quality_pair(pair: tuple[str, str], size: tuple[int, int] | None = None) -> Row:
    """Fuse one pair (watermark off) and measure it; ``embedding`` is the result's 128-D
    dlib descriptor (list), distances are computed by the parent. ``size``: resize the
    template to (w, h) first (``--quality-size``)."""
    from portrait_studio.perception.identity import embedding
    from portrait_studio.pipelines.fusion import MergeEntry, fuse

    user_name, template_name = pair
    row: Row = {"user": user_name, "template": template_name}
    template, user = sized_template(template_name, size), load_rgb(user_name)
    start = time.perf_counter()
    try:
        result = fuse(template, [MergeEntry(user)], _no_logo())
    except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row
    row["fuse_ms"] = (time.perf_counter() - start) * 1000
    face = result.report.faces[0]
    row.update(mirrored=int(face.mirrored), kept_eyes=int(face.kept_template_eyes))
    try:
        _realism(row, result, template, user)
        _foreign(row, result, user)
        _brisque(row, result, template, template_name)
        row["embedding"] = embedding(result.image, _face_box(result.traces[0].points)).tolist()
    except Exception as exc:  # noqa: BLE001
        row["error"] = f"metrics: {type(exc).__name__}: {exc}"
    return row


# ----------------------------------------------------------------------------- identity


def _photo_embedding(img: np.ndarray) -> np.ndarray:
    from portrait_studio.perception.faces import require_faces
    from portrait_studio.perception.identity import embedding

    return embedding(img, require_faces(img)[0].box)


def add_identity(rows: list[Row], users: list[str], templates: list[str]) -> None:
    """Distances of each result to every reference photo; retrieval success flags."""
    refs = {u: _photo_embedding(load_rgb(u, REF)) for u in users}
    own = {t: _photo_embedding(load_rgb(t)) for t in templates if t not in refs}
    names = list(refs)
    gallery = np.stack([refs[n] for n in names])
    for row in rows:
        if "embedding" not in row:
            continue
        emb = np.asarray(row.pop("embedding"), np.float64)
        dists = np.linalg.norm(gallery - emb, axis=1)
        row["nearest_ref"] = names[int(dists.argmin())]
        row["retrieved"] = int(row["nearest_ref"] == row["user"])
        row["d_user_ref"] = float(dists[names.index(row["user"])])
        t = row["template"]
        row["template_ref_kind"] = "bioguide" if t in refs else "house_official_1"
        d_t = float(dists[names.index(t)]) if t in refs else float(np.linalg.norm(own[t] - emb))
        row["d_template"] = d_t
        row["retrieved_strict"] = int(row["retrieved"] and row["d_user_ref"] < d_t)


# ----------------------------------------------------------------------------- contact sheet


def sheet_pairs(rows: list[Row], count: int = SHEET_PAIRS) -> list[Row]:
    """``count`` pairs spread over the user-minus-template skin lightness gap, each user and
    template used at most once where possible (deterministic)."""
    ok = sorted((r for r in rows if "jump_delta" in r),
                key=lambda r: (r["user_L"] - r["template_L"], r["user"], r["template"]))
    chosen: list[Row] = []
    count = min(count, len(ok))
    for i in range(count):
        target = round(i * (len(ok) - 1) / max(count - 1, 1))
        order = sorted(range(len(ok)), key=lambda j: (abs(j - target), j))
        free = [j for j in order if ok[j] not in chosen and not any(
            c["user"] == ok[j]["user"] or c["template"] == ok[j]["template"] for c in chosen)]
        pick = free[0] if free else next(j for j in order if ok[j] not in chosen)
        chosen.append(ok[pick])
    return chosen


def _label(width: int, text: str) -> np.ndarray:
    strip = np.full((22, width, 3), 255, np.uint8)
    cv2.putText(strip, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return strip


def contact_sheet(chosen: list[Row], path: Path) -> None:
    """user | template | result rows at 100% scale (results re-fused, watermark off)."""
    from portrait_studio.pipelines.fusion import MergeEntry, fuse

    blocks = []
    for i, row in enumerate(chosen, 1):
        user, template = load_rgb(row["user"]), load_rgb(row["template"])
        result = fuse(template, [MergeEntry(user)], _no_logo()).image
        gap = np.full((template.shape[0], 4, 3), 255, np.uint8)
        tiles = [cv2.resize(user, (template.shape[1], template.shape[0]))
                 if user.shape != template.shape else user, gap, template, gap, result]
        body = np.hstack(tiles)
        text = (f"{i}. {row['user']} -> {row['template']}  skin L {row['user_L']:.0f}/"
                f"{row['template_L']:.0f}  jump {row['jump_delta']:+.2f}  "
                f"d_user {row.get('d_user_ref', float('nan')):.2f}")
        blocks += [_label(body.shape[1], text), body]
    cv2.imwrite(str(path), cv2.cvtColor(np.vstack(blocks), cv2.COLOR_RGB2BGR))


# ----------------------------------------------------------------------------- latency (child)


def _template_bytes(name: str, size: tuple[int, int] | None) -> bytes:
    from portrait_studio.imaging.codec import encode_jpeg

    if size is None:
        return (CORPUS / f"{name}{PHOTO}").read_bytes()
    return encode_jpeg(cv2.resize(load_rgb(name), size, interpolation=cv2.INTER_CUBIC), 95)


def _one_run(tb: bytes, ub: bytes, params: Any) -> dict[str, float]:
    from portrait_studio.imaging.codec import decode_image, encode_jpeg
    from portrait_studio.pipelines.fusion import MergeEntry, fuse

    t0 = time.perf_counter()
    template, user = decode_image(tb), decode_image(ub)
    t1 = time.perf_counter()
    result = fuse(template, [MergeEntry(user)], params)
    t2 = time.perf_counter()
    encode_jpeg(result.image, 92)
    t3 = time.perf_counter()
    stages = {k: float(v) for k, v in result.report.timings_ms.items()}
    return {**stages, "decode": (t1 - t0) * 1e3, "fuse": (t2 - t1) * 1e3,
            "encode": (t3 - t2) * 1e3, "total": (t3 - t0) * 1e3}


def latency_child(pairs: list[tuple[str, str]], sizes: list[tuple[int, int] | None],
                  runs: int, queue: Any) -> None:
    """Single process: for each size x {default, EnhanceRadio=0}, one warm-up + ``runs``
    timed runs of decode -> fuse -> encode JPEG, on distinct pairs."""
    from portrait_studio.pipelines.fusion import FusionParams

    out: dict[str, Any] = {"configs": {}, "errors": [], "load_before": os.getloadavg()}
    try:
        for size in sizes:
            label = "native" if size is None else f"{size[0]}x{size[1]}"
            inputs = [(_template_bytes(t, size), (CORPUS / f"{u}{PHOTO}").read_bytes())
                      for u, t in pairs[:runs + 1]]
            for name, params in (("default", FusionParams()),
                                 ("enhance0", FusionParams(enhance=0))):
                samples = [_safe_run(tb, ub, params, out["errors"]) for tb, ub in inputs]
                out["configs"][f"{label} {name}"] = [s for s in samples[1:] if s]
                out.setdefault("peak_rss_after_mb", {})[f"{label} {name}"] = _peak_mb()
    except Exception as exc:  # noqa: BLE001 - the parent must always get an answer
        out["errors"].append(f"{type(exc).__name__}: {exc}")
    out["load_after"] = os.getloadavg()
    out["peak_rss_mb"] = _peak_mb()
    queue.put(out)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _safe_run(tb: bytes, ub: bytes, params: Any, errors: list[str]) -> dict[str, float]:
    try:
        return _one_run(tb, ub, params)
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{type(exc).__name__}: {exc}")
        return {}


def latency_pairs(users: list[str], templates: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` (user, template) pairs cycling through users, templates spread (fixed)."""
    chosen = []
    for i in range(count):
        user = users[i % len(users)]
        template = templates[(7 * i + 3) % len(templates)]
        if template == user:
            template = templates[(7 * i + 4) % len(templates)]
        chosen.append((user, template))
    return chosen


def run_latency(users: list[str], templates: list[str], sizes: list[tuple[int, int] | None],
                runs: int) -> dict[str, Any]:
    """Run :func:`latency_child` in a fresh spawned process (clean peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    chosen = latency_pairs(users, templates, runs + 1)
    proc = ctx.Process(target=latency_child, args=(chosen, sizes, runs, queue))
    proc.start()
    data: dict[str, Any] = queue.get()
    proc.join()
    data["pairs"] = chosen
    return data


# ----------------------------------------------------------------------------- report

TARGETS = {"retrieval": 0.99, "d_user": 0.45, "d_template": 0.68, "jump_mean": 1.0,
           "jump_p95": 3.0, "seam": 1.15, "brisque": 5.0, "p50_default": 300.0,
           "p50_enhance0": 120.0, "rss_mb": 1024.0}
STAGES = ("decode", "detect", "plan", "tone", "swap", "enhance", "retouch_face", "retouch",
          "watermark", "encode", "total")


def read_rows(path: Path) -> list[Row]:
    def conv(v: str) -> Any:
        try:
            return float(v)
        except ValueError:
            return v
    with path.open() as fh:
        return [{k: conv(v) for k, v in r.items() if v != ""} for r in csv.DictReader(fh)]


def _vals(rows: list[Row], key: str) -> np.ndarray:
    return np.array([r[key] for r in rows if isinstance(r.get(key), float)
                     and np.isfinite(r[key])], np.float64)


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def _line(name: str, value: str, target: str, passed: bool | None) -> str:
    return f"| {name} | {value} | {target} | {'' if passed is None else _ok(passed)} |"


def identity_lines(rows: list[Row]) -> list[str]:
    ret, strict = _vals(rows, "retrieved"), _vals(rows, "retrieved_strict")
    d_u = _vals(rows, "d_user_ref")
    bio = _vals([r for r in rows if r.get("template_ref_kind") == "bioguide"], "d_template")
    house = _vals([r for r in rows if r.get("template_ref_kind") == "house_official_1"],
                  "d_template")
    both = np.concatenate([bio, house])
    return [
        _line("identity retrieval (nearest of the 17 reference photos is the user's)",
              f"{ret.mean():.1%} ({int(ret.sum())}/{len(ret)})", ">= 99%",
              ret.mean() >= TARGETS["retrieval"]),
        _line("retrieval, strict (also closer to the user's reference than to the template "
              "person's photo)", f"{strict.mean():.1%} ({int(strict.sum())}/{len(strict)})",
              "(extra)", None),
        _line("mean dlib distance to the user's reference", f"{d_u.mean():.3f} (p95 "
              f"{np.percentile(d_u, 95):.3f})", "<= 0.45", d_u.mean() <= TARGETS["d_user"]),
        _line("mean distance to the template person, all templates", f"{both.mean():.3f}",
              ">= 0.68", both.mean() >= TARGETS["d_template"]),
        _line(f"... templates with a bioguide reference ({len(bio)} pairs)",
              f"{bio.mean():.3f}" if len(bio) else "-", ">= 0.68",
              bool(len(bio)) and bio.mean() >= TARGETS["d_template"]),
        _line(f"... templates without one: their house_official_1 photo ({len(house)} pairs)",
              f"{house.mean():.3f}" if len(house) else "-", ">= 0.68",
              bool(len(house)) and house.mean() >= TARGETS["d_template"]),
    ]


def realism_lines(rows: list[Row]) -> list[str]:
    jump, seam = _vals(rows, "jump_delta"), _vals(rows, "seam_ratio")
    sector = _vals(rows, "jump_sector_max")
    lines = [
        _line("boundary colour jump, result - template (mean CIEDE2000)",
              f"{jump.mean():+.2f} (result {_vals(rows, 'jump_result').mean():.2f}, template "
              f"{_vals(rows, 'jump_template').mean():.2f})", "<= +1.0",
              jump.mean() <= TARGETS["jump_mean"]),
        _line("... 95th percentile over pairs", f"{np.percentile(jump, 95):+.2f} (max "
              f"{jump.max():+.2f})", "<= +3.0", np.percentile(jump, 95) <= TARGETS["jump_p95"]),
        _line("... worst angular sector (1/16 of the ring), mean / p95",
              f"{sector.mean():+.2f} / {np.percentile(sector, 95):+.2f}", "(extra)", None),
        _line("seam energy ratio (gradient on the band, result / template), mean",
              f"{seam.mean():.3f} (p95 {np.percentile(seam, 95):.3f}, max {seam.max():.3f})",
              "<= 1.15", seam.mean() <= TARGETS["seam"]),
    ]
    halo = _vals(rows, "halo_px")
    if len(halo):
        de = _vals([r for r in rows if r.get("halo_px", 0) > 0], "halo_de")
        lines.append(_line(
            "halo: background pixels changed by > 3 CIEDE2000 (vs the warped template), mean / "
            "p95 / max per pair", f"{halo.mean():.0f} / {np.percentile(halo, 95):.0f} / "
            f"{halo.max():.0f} px; pairs with any {int((halo > 0).sum())}; mean change "
            f"{de.mean() if len(de) else 0:.1f}", "(extra, ideally 0)", None))
    return lines + scene_lines(rows) + foreign_lines(rows) + brisque_lines(rows)


def scene_lines(rows: list[Row]) -> list[str]:
    """The same ring metrics against the scene baseline (re-toned, warped template)."""
    jump, seam = _vals(rows, "jump_delta_scene"), _vals(rows, "seam_ratio_scene")
    if not len(jump):
        return [_line("scene baseline", "unavailable (see scene_error in the CSV)", "", None)]
    sector = _vals(rows, "jump_sector_max_scene")
    return [
        _line("colour jump vs the scene baseline (re-toned + warped template), mean",
              f"{jump.mean():+.2f} (baseline {_vals(rows, 'jump_scene').mean():.2f})",
              "(<= +1.0)", jump.mean() <= TARGETS["jump_mean"]),
        _line("... 95th percentile / max", f"{np.percentile(jump, 95):+.2f} / "
              f"{jump.max():+.2f}", "(<= +3.0)", np.percentile(jump, 95) <= TARGETS["jump_p95"]),
        _line("... worst angular sector, mean / p95", f"{sector.mean():+.2f} / "
              f"{np.percentile(sector, 95):+.2f}", "(extra)", None),
        _line("seam energy ratio vs the scene baseline, mean", f"{seam.mean():.3f} (p95 "
              f"{np.percentile(seam, 95):.3f}, max {seam.max():.3f})", "(<= 1.15)",
              seam.mean() <= TARGETS["seam"]),
    ]


def foreign_lines(rows: list[Row]) -> list[str]:
    lines = []
    share = _vals(rows, "foreign_share")
    anyp = _vals(rows, "foreign_result_px")
    lines.append(_line("foreign pixels: share of the user's hair + glasses + background pixels "
                       "used (mean over pairs)", f"{share.mean():.4%}", "0", share.max() == 0))
    lines.append(_line("... pairs with any foreign pixel used / result pixels (mean, max)",
                       f"{int((anyp > 0).sum())}/{len(anyp)}; {anyp.mean():.0f}, "
                       f"{anyp.max():.0f} px", "0", anyp.max() == 0))
    repainted = _vals(rows, "foreign_repainted_px")
    if len(repainted):
        lines.append(_line("... foreign pixels painted out by the engine (not counted), mean "
                           "per pair", f"{repainted.mean():.0f} px; pairs with any "
                           f"{int((repainted > 0).sum())}", "(info)", None))
    for cat in ("hair", "glasses", "background"):
        used, total = _vals(rows, f"foreign_{cat}_used"), _vals(rows, f"foreign_{cat}_px")
        pooled = used.sum() / max(total.sum(), 1)
        lines.append(_line(f"... {cat}: pooled share used; pairs with any",
                           f"{pooled:.4%}; {int((used > 0).sum())}/{len(used)}", "0",
                           used.sum() == 0))
    vis, total = _vals(rows, "foreign_glasses_visible"), _vals(rows, "foreign_glasses_px")
    if len(vis):
        lines.append(_line("... glasses still visible (closer to the photo than to the photo "
                           "without frame) and sampled: pooled share; pairs with any",
                           f"{vis.sum() / max(total.sum(), 1):.4%}; {int((vis > 0).sum())}/"
                           f"{len(vis)}", "0", vis.sum() == 0))
    truth = sorted({r["user"] for r in rows if r.get("glasses_rule") == "truth"})
    n_truth = sum(r.get("glasses_rule") == "truth" for r in rows)
    n_heur = sum(r.get("glasses_rule") == "heuristic" for r in rows)
    lines.append(_line("... glasses rule: hand-drawn truth (bench/glasses_truth.json) on pairs "
                       "/ heuristic on pairs", f"{n_truth} ({', '.join(truth) or 'none'}) / "
                       f"{n_heur}", "(info)", None))
    return lines


def brisque_lines(rows: list[Row]) -> list[str]:
    delta, face = _vals(rows, "brisque_delta"), _vals(rows, "brisque_face_delta")
    if not len(delta):
        return [_line("BRISQUE", "skipped (opencv-data yml files not found)", "<= +5", None)]
    return [
        _line("BRISQUE result - template (whole image), mean / p95 / max",
              f"{delta.mean():+.2f} / {np.percentile(delta, 95):+.2f} / {delta.max():+.2f}; "
              f"pairs above +5: {int((delta > 5).sum())}", "<= +5",
              bool((delta <= TARGETS["brisque"]).all())),
        _line("BRISQUE on the face crop, mean / p95 / max", f"{face.mean():+.2f} / "
              f"{np.percentile(face, 95):+.2f} / {face.max():+.2f}; above +5: "
              f"{int((face > 5).sum())}", "(extra)", None),
    ]


def latency_lines(data: dict[str, Any]) -> list[str]:
    head = "| config | runs | " + " | ".join(STAGES) + " |"
    lines = [head, "|" + "---|" * (len(STAGES) + 2)]
    for name, samples in data["configs"].items():
        if not samples:
            continue
        cells = []
        for stage in STAGES:
            v = np.array([s.get(stage, 0.0) for s in samples])
            cells.append(f"{np.percentile(v, 50):.0f} / {np.percentile(v, 95):.0f}")
        lines.append(f"| {name} | {len(samples)} | " + " | ".join(cells) + " |")
    lines += ["", ("Targets: end-to-end (total) p50 <= 300 ms at default parameters and <= 120 "
                   "ms with EnhanceRadio=0; peak RSS <= 1024 MB."), ""]
    for name, samples in ((n, s) for n, s in data["configs"].items() if s):
        p50 = float(np.percentile([s["total"] for s in samples], 50))
        target = TARGETS["p50_enhance0" if "enhance0" in name else "p50_default"]
        lines.append(f"- {name}: total p50 {p50:.0f} ms vs target {target:.0f} ms: "
                     f"{_ok(p50 <= target)}")
    rss = data["peak_rss_mb"]
    steps = ", ".join(f"{k} {v:.0f}" for k, v in data.get("peak_rss_after_mb", {}).items())
    lines.append(f"- peak RSS of the latency process: {rss:.0f} MB: {_ok(rss <= 1024)} "
                 f"(peak so far after each config, MB: {steps})")
    lines.append(f"- load average before / after: {_load(data['load_before'])} / "
                 f"{_load(data['load_after'])} (2 cores)")
    lines += [f"- error: {e}" for e in data.get("errors", [])]
    return lines


def _load(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


WORST = (("d_user_ref", True, "distance to the user's reference (high = weak identity)"),
         ("d_template", False, "distance to the template person (low = reads as template)"),
         ("jump_delta", True, "boundary colour jump, result - template"),
         ("jump_delta_scene", True, "boundary colour jump vs the scene baseline"),
         ("jump_sector_max_scene", True, "worst-sector colour jump vs the scene baseline"),
         ("seam_ratio", True, "seam energy ratio"),
         ("seam_ratio_scene", True, "seam energy ratio vs the scene baseline"),
         ("foreign_result_px", True, "result pixels sampling a foreign user pixel"),
         ("halo_px", True, "template background pixels changed (halo)"),
         ("brisque_delta", True, "BRISQUE result - template"))


def worst_lines(rows: list[Row]) -> list[str]:
    lines = []
    for key, high, title in WORST:
        ranked = sorted((r for r in rows if isinstance(r.get(key), float)),
                        key=lambda r: -r[key] if high else r[key])[:10]
        lines += [f"### {title} (`{key}`)", "", ("| user | template | value | d_user | jump | "
                  "jump (scene) | seam | foreign px |"), "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['user']} | {r['template']} | {r[key]:.3f} | {r.get('d_user_ref', 0):.3f} "
                  f"| {r.get('jump_delta', 0):+.2f} | {r.get('jump_delta_scene', 0):+.2f} | "
                  f"{r.get('seam_ratio', 0):.2f} | {r.get('foreign_result_px', 0):.0f} |"
                  for r in ranked]
        lines.append("")
    failed = [r for r in rows if r.get("retrieved") == 0.0]
    lines += ["### retrieval failures", ""] + [
        f"- {r['user']} -> {r['template']}: nearest {r['nearest_ref']}, d_user "
        f"{r['d_user_ref']:.3f}" for r in failed] + ([] if failed else ["- none"]) + [""]
    return lines


def group_lines(rows: list[Row], key: str) -> list[str]:
    """Per-user (or per-template) means of the main metrics."""
    keys = ("d_user_ref", "d_template", "jump_delta", "jump_delta_scene", "seam_ratio",
            "foreign_result_px", "brisque_delta")
    lines = [f"| {key} | pairs | retrieved | " + " | ".join(keys) + " |",
             "|---|---|---|" + "---|" * len(keys)]
    for name in sorted({r[key] for r in rows}):
        group = [r for r in rows if r[key] == name]
        cells = [f"{_vals(group, k).mean():.3f}" if len(_vals(group, k)) else "-" for k in keys]
        lines.append(f"| {name} | {len(group)} | {_vals(group, 'retrieved').mean():.0%} | "
                     + " | ".join(cells) + " |")
    return lines + [""]


DEFINITIONS = """\
## Definitions

- Results are fused at default parameters (`FusionParams()`) **with the watermark disabled**
  (`WatermarkParams(enabled=False)`): the text would change BRISQUE and could fall on a ring.
  Latency is measured with the real defaults, watermark on.
- Identity: dlib 128-D embedding of the result's face (box = bounding rectangle of the result
  landmarks), Euclidean distance to the embedding of each reference photo (largest detected
  face). Gallery: the `*__bioguide_earlier_2.jpg` photos of the 17 users (it already holds the
  reference of every template person who has one). Distance to the template person: their
  bioguide photo when they have one, otherwise their `house_official_1` photo, i.e. the very
  template image, which is a harder (smaller-distance) comparison. "Strict" retrieval also
  requires the user's reference to be closer than the template person's photo.
- Rings of the new face's blend weight m (trace.mask): inside ring = m >= 0.9 and 1..4 px inside
  the 0.9 level; outside ring = m < 0.05 and 2..6 px outside the 0.05 level; band = both rings
  and the transition between them. Colour jump = mean CIEDE2000 (own numpy implementation,
  checked against the published Sharma test pairs and against scikit-image) between every
  inside-ring pixel and its nearest outside-ring pixel, on images blurred with a 1 px Gaussian;
  reported as result minus the template measured on the same pixel pairs. Worst sector = the
  largest of the 16 angular sectors (around the face centre) of that per-pixel difference.
  Seam energy = mean Sobel gradient magnitude of L* on the band, result / template.
- Scene baseline (extra): the spec compares with the untouched template at the same pixels,
  but the engine TPS-warps the template's outline toward the user's face and re-tones its skin,
  so at the same pixels the result shows e.g. hair where the template had cheek (a narrower
  user face) and a darker/lighter skin everywhere: the untouched-template baseline then counts
  natural edges as jumps (large positive values) or hides seams for dark users (negative
  values). The scene baseline rebuilds the image the engine pasted onto (its own private steps
  `_retoned_template` and `_template_warp` on the same landmarks) and measures the same rings
  on it: only what the paste itself adds remains.
- Foreign pixels are found on the original user photo resampled into the frame of the crop
  the engine sampled (`trace.user_crop`, `trace.user_points`; per-axis scale + offset fitted
  on our own landmarks of the photo, mirrored when the engine mirrored; RMS in
  `crop_fit_rms`), because the engine now paints glasses out of its crop; a found pixel counts
  only where the engine's crop still shows the original (CIEDE2000 < 12 after a 1 px blur), so
  painted-out pixels are not foreign any more (`foreign_repainted_px`). Background =
  MediaPipe person mask < 0.5; hair (also headwear, earrings, collars next to the face) =
  person pixels, CIEDE2000 > 16 from the median cheek colour, outside the mesh oval within 0.8 eye distances of it, above the brow line or beside
  the face (beside the oval down to the mouth line, beside the jaw's width down to the chin;
  never the neck under the jaw), plus the pixels inside the oval that are also 25 L* darker
  than the cheeks, above the brows or within 0.3 eye distances of the oval's edge above the
  mouth line (lower down, dark edge pixels are mostly jaw shadow), and 8-connected to that
  hair (fringes, strands, scarves). Glasses: for the three wearers (Andy Kim, Eleanor Holmes
  Norton, Harold Rogers) the hand-drawn frame truth `bench/glasses_truth.json`, traced by eye on
  the photos magnified 8-14x and checked by drawing it back over them: polylines in the photo's
  pixel coordinates with a half-width each, for every visible piece (rims, bridge, end pieces,
  hinges, temple arms as far as visible, nose pads and pad arms, and lens edges only where they
  show as a distinct line; rimless lenses: hardware only). A pixel is frame when its centre lies
  within the half-width of a polyline; that mask is made on the full photo and resampled into
  the crop frame exactly as the photo (flipped first when mirrored, the same affine, bilinear,
  kept where >= 0.5); frame pixels do not count as hair. No line-response filter is applied:
  the bands are drawn to the frame's visible width, so they hold the frame's own pixels (dark
  metal, highlights, coloured temple) and its 1 px JPEG/blur fringe, and a filter would drop
  light or shiny parts. CSV `glasses_rule` = `truth`. Other users (and a landmark fit worse
  than 2 px RMS) keep the heuristic (`glasses_rule` = `heuristic`): thin dark lines (black-hat
  of L* > 7 with a 0.12 eye-distance disc) between the mean brow line and 0.45 eye distances
  below the irises, outside the eye and brow masks, counted only when one of them spans >= 60%
  of the nose bridge between the inner eye corners (then all that cross the bridge or are >=
  0.45 eye distances wide and flat). It finds no pixel on any of the 14 non-wearers, but on the
  wearers it also marked nose wings, nasolabial, lid and brow creases and missed thin frame
  parts (over each wearer's 37 pairs: 66987 heuristic vs 15317 truth pixels for Eleanor Holmes
  Norton, 29113 vs 21094 for Andy Kim, 31530 vs 29358 for Harold Rogers), hence the truth. A foreign pixel is used when a result pixel with m >= 0.5 samples
  it (nearest pixel to its `trace.user_maps` position). Share = used / all foreign pixels of
  that crop; also reported: result pixels that sample a foreign pixel. Light hair inside the
  oval is not detected.
- Glasses still visible (extra, `foreign_glasses_visible`): the "not repainted" test above
  (CIEDE2000 < 12) keeps thin, low-contrast frame pixels that the engine did paint out (a grey
  metal rim or a lens edge on light skin differs from the painted skin by only 4-10), so
  `foreign_glasses_used` over-counts. This count takes the frame pixels (any rule) that a
  result pixel samples and where the engine's crop is closer (CIEDE2000, 1 px blur) to the
  original crop than to that crop with the frame (grown 2 px) filled in by `cv2.inpaint`
  (Telea), and where the frame differs from that filled-in crop by more than 3. It has its
  own error: where the engine's paint and the inpainting are two different skin guesses, a
  painted pixel can fall closer to the original; read it as an estimate, not a truth.
- Halo (extra): pixels at least 3 px inside the template's background (MediaPipe person
  probability < 0.2) where the result differs by > 3 CIEDE2000 from the template warped like
  the engine warps it (outline TPS, no re-toning), so the head-shape change does not count:
  what remains is colour spilled onto the scene's background (re-toning, blending).
- BRISQUE: `cv2.quality.QualityBRISQUE` with Debian opencv-data's live model, on the whole
  image and (extra) on the face crop (landmark box grown 1.3x), result minus template.
- Latency: a fresh single process, nothing else of the benchmark running, one warm-up run per
  configuration excluded; decode (template + user bytes) -> fuse -> encode JPEG q92. Native
  templates are the 335x410 corpus JPEGs; "1080x1320" templates are cv2.resize (cubic) of them
  re-encoded at JPEG q95; the user photo is unchanged. Stage times come from
  `FusionReport.timings_ms`; note that `retouch` includes `enhance` and `retouch_face`.
"""


def write_report(out: Path, command: str) -> Path:
    lines = ["# Face-fusion benchmark", "", f"Report written by: `{command}`", "",
             f"Run: {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs.", ""]
    csv_path, lat_path = out / "fusion_pairs.csv", out / "fusion_latency.json"
    if csv_path.is_file():
        rows = read_rows(csv_path)
        good = [r for r in rows if "error" not in r]
        info = json.loads((out / "fusion_quality.json").read_text())
        lines += [(f"## Quality ({len(good)} pairs fused, {len(rows) - len(good)} errors, "
                   f"{info['seconds']:.0f} s with {info['workers']} processes, worker peak RSS "
                   f"{info['workers_peak_rss_mb']:.0f} MB)"), "",
                  (f"Command: `{info.get('command', '?')}`; engine {info.get('engine', '?')}; "
                   f"started {info.get('started', '?')}."), "",
                  "| metric | value | target | pass |", "|---|---|---|---|"]
        lines += identity_lines(good) + realism_lines(good) + [""]
        lines += [f"- error: {r['user']} -> {r['template']}: {r['error']}"
                  for r in rows if "error" in r]
        lines += ["", "Contact sheet: `fusion_contact_sheet.png` (user | template | result): "
                  + "; ".join(f"{u} -> {t}" for u, t in info["sheet"]), ""]
    if lat_path.is_file():
        lat = json.loads(lat_path.read_text())
        lines += ["## Latency (ms, p50 / p95)", "", (f"Command: `{lat.get('command', '?')}`; "
                  f"engine {lat.get('engine', '?')}; finished {lat.get('finished', '?')}."),
                  ""] + latency_lines(lat) + [""]
    if csv_path.is_file():
        good = [r for r in rows if "error" not in r]
        lines += ["## Worst pairs", ""] + worst_lines(good)
        lines += ["## Per user", ""] + group_lines(good, "user")
        lines += ["## Per template", ""] + group_lines(good, "template")
    path = out / "fusion_report.md"
    path.write_text("\n".join(lines + ["", DEFINITIONS]))
    return path


# ----------------------------------------------------------------------------- main


ENGINE_PATHS = tuple(f"src/portrait_studio/{p}" for p in (
    "pipelines/fusion*", "capabilities/face_swap", "capabilities/retouch",
    "capabilities/super_resolution", "capabilities/watermark", "perception", "imaging",
    "models"))


def engine_version() -> str:
    """Commit of the repo and whether the engine's folders differ from it (read-only git)."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                              text=True, check=False).stdout.strip()
    dirty = git("status", "--porcelain", "--", *ENGINE_PATHS)
    return f"{git('rev-parse', '--short', 'HEAD') or 'unknown'}" + (
        f" + uncommitted engine changes ({len(dirty.splitlines())} files)" if dirty else "")




def run_quality(pairs: list[tuple[str, str]], workers: int,
                size: tuple[int, int] | None = None) -> list[Row]:
    rows: list[Row] = []
    start = time.perf_counter()
    with mp.get_context("spawn").Pool(workers) as pool:
        work = functools.partial(quality_pair, size=size)
        for i, row in enumerate(pool.imap(work, pairs, chunksize=2), 1):
            rows.append(row)
            if i % 50 == 0 or i == len(pairs):
                print(f"  quality {i}/{len(pairs)} ({time.perf_counter() - start:.0f} s)",
                      flush=True)
    return rows


def write_csv(rows: list[Row], path: Path) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)


def parse_sizes(text: str) -> list[tuple[int, int] | None]:
    sizes: list[tuple[int, int] | None] = []
    for part in text.split(","):
        if part.strip() == "native":
            sizes.append(None)
        else:
            w, h = part.lower().split("x")
            sizes.append((int(w), int(h)))
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pairs", type=int, default=None, help="subsample N pairs (hash order)")
    p.add_argument("--people", type=int, default=None, help="only the first N users/templates")
    p.add_argument("--users", default="", help="only these users (comma-separated names)")
    p.add_argument("--templates", default="",
                   help="only these templates (comma-separated names)")
    p.add_argument("--sizes", default="native,1080x1320", help="latency template sizes")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    p.add_argument("--workers", type=int, default=2, help="processes for the quality part")
    p.add_argument("--latency-runs", type=int, default=30, help="timed runs per config")
    p.add_argument("--parts", default="quality,latency", help="quality, latency or both")
    p.add_argument("--quality-size", default="native",
                   help="template size for the quality part: native or WxH (bicubic resize)")
    return p.parse_args(argv)


def quality_part(args: argparse.Namespace, users: list[str], templates: list[str],
                 command: str) -> None:
    pairs = all_pairs(users, templates, args.pairs,
                      set(args.users.split(",")) if args.users else None,
                      set(args.templates.split(",")) if args.templates else None)
    print(f"quality: {len(pairs)} pairs, {len(users)} users, {len(templates)} templates",
          flush=True)
    start, engine = time.perf_counter(), engine_version()
    rows = run_quality(pairs, args.workers, parse_sizes(args.quality_size)[0])
    add_identity(rows, users, templates)
    write_csv(rows, args.out / "fusion_pairs.csv")
    chosen = sheet_pairs(rows)
    contact_sheet(chosen, args.out / "fusion_contact_sheet.png")
    info = {"pairs": len(pairs), "users": users, "templates": templates,
            "seconds": time.perf_counter() - start, "workers": args.workers,
            "sheet": [[r["user"], r["template"]] for r in chosen],
            "brisque": mt.brisque_files() is not None, "engine": engine, "command": command,
            "template_size": args.quality_size,
            "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(time.time() - (
                time.perf_counter() - start))),
            "workers_peak_rss_mb": resource.getrusage(
                resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
    (args.out / "fusion_quality.json").write_text(json.dumps(info, indent=1))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join([".venv/bin/python bench/bench_fusion.py",
                        *(sys.argv[1:] if argv is None else argv)])
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    err = mt.ciede2000_selfcheck()
    assert err < 1e-3, f"CIEDE2000 self-check failed (error {err})"
    args.out.mkdir(parents=True, exist_ok=True)
    users, templates = people(args.people)
    parts = {p.strip() for p in args.parts.split(",")}
    if mt.brisque_files() is None:
        print("BRISQUE skipped: brisque_model_live.yml / brisque_range_live.yml not found "
              "(apt-get install opencv-data)")
    if "quality" in parts:
        quality_part(args, users, templates, command)
    if "latency" in parts:
        print(f"latency: {args.latency_runs} runs per config, load {os.getloadavg()}", flush=True)
        data = run_latency(users, templates, parse_sizes(args.sizes), args.latency_runs)
        data.update(engine=engine_version(), finished=time.strftime("%Y-%m-%d %H:%M %Z"),
                    command=command)
        (args.out / "fusion_latency.json").write_text(json.dumps(data))
    path = write_report(args.out, command)
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
