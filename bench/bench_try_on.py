"""Try-on benchmark: preservation outside the garment, garment colour, latency, contact sheet.

Needs the (non-commercial) corpus persons and garments at ../shared/corpus; exits quietly when
absent. Run: ``.venv/bin/python bench/bench_try_on.py``. Writes bench/out/bench_try_on.{md,json}
and bench/out/try_on_contact_sheet.png.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import cv2
import metrics as mt  # bench/metrics.py (the script's folder is on sys.path)
import numpy as np
from numpy.typing import NDArray

from portrait_studio.capabilities.garment.body import analyse_body
from portrait_studio.capabilities.garment.cutout import cut_out
from portrait_studio.pipelines.try_on import TryOnParams, try_on

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "bench" / "out"
PERSONS = ["vitonhd_00055_00", "model_1", "vitonhd_09597_00", "vitonhd_01008_00",
           "dresscode_049205_0", "joe_biden"]
GARMENTS = ["vitonhd_00126_00", "vitonhd_03244_00", "vitonhd_09176_00", "vitonhd_10165_00",
            "dresscode_051991_1", "dresscode_053319_1"]
SHEET = [(p, g) for p in PERSONS[:4] for g in
         (GARMENTS[0], GARMENTS[4], GARMENTS[5])] + []
Image = NDArray[np.uint8]


def load(folder: str, stem: str, size: tuple[int, int] | None = None) -> Image:
    path = next((CORPUS / folder).glob(stem + "*"))
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1]
    if size is not None:
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img)


def ssim(a: Image, b: Image, mask: NDArray[np.bool_]) -> float:
    """Mean SSIM (grey, 7x7 Gaussian windows) over ``mask``."""
    x = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float64)
    y = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float64)
    blur = lambda v: cv2.GaussianBlur(v, (7, 7), 1.5)
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(s[mask].mean()) if mask.any() else 1.0


def lab_samples(img: Image, mask: NDArray[np.bool_], n: int | None = 4000) -> NDArray[np.float32]:
    """Up to ``n`` Lab colours of the masked pixels (fixed sample; all of them when ``n`` is
    None), lightness normalised: L* scaled so that its median is 50 (the lighting of the
    photo does not count)."""
    lab = cv2.cvtColor(img.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[mask]
    if n is not None and len(lab) > n:
        lab = lab[np.random.default_rng(0).choice(len(lab), n, replace=False)]
    lab[:, 0] *= 50.0 / max(float(np.median(lab[:, 0])), 1.0)
    return lab.astype(np.float32)


def palette(lab: NDArray[np.float32], k: int = 6) -> NDArray[np.float32]:
    """k-means colour palette (k x 3 Lab) of the samples."""
    k = min(k, len(lab))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.5)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(lab, k, None, crit, 3, cv2.KMEANS_PP_CENTERS)
    return centres.astype(np.float32)


def palette_de(samples: NDArray[np.float32], colours: NDArray[np.float32]) -> float:
    """Mean over ``samples`` of the CIEDE2000 to the nearest of ``colours`` (in chunks: every
    pixel of a garment is scored)."""
    nearest = [mt.ciede2000(part[:, None, :].astype(np.float64),
                            colours[None, :, :].astype(np.float64)).min(axis=1)
               for part in np.array_split(samples, max(1, len(samples) // 20000))]
    return float(np.concatenate(nearest).mean())


def one_case(person: Image, garment: Image) -> dict[str, Any]:
    """Run one person x garment and measure it."""
    start = time.perf_counter()
    result = try_on(person, [garment], TryOnParams(seed=0))
    latency = (time.perf_counter() - start) * 1000
    out = result.images[0]
    body = analyse_body(person)
    changed = np.any(out != person, axis=2)
    region = cv2.dilate((changed | body.clothes).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    # the rendered garment itself (not the skin or background painted where old clothing
    # showed), 2 px inside its edge
    drawn = result.garment_masks[0].astype(np.uint8)
    garment_region = cv2.erode(drawn, np.ones((5, 5), np.uint8)) > 0
    kind = result.report["outputs"][0]["garments"][0]["kind"]
    cut = cut_out(garment)
    # the garment's palette from a fixed sample of it; the rendering scored on every pixel
    # (a 4000-pixel sample moved the mean by up to 0.1 when the region's edge moved)
    own, drawn_lab = lab_samples(cut.image, cut.mask), lab_samples(out, garment_region, None)
    de = palette_de(drawn_lab, palette(own)) if len(drawn_lab) > 100 else float("nan")
    return {"image": out, "latency_ms": latency, "ssim_outside": ssim(person, out, ~region),
            "identical_outside": bool(np.array_equal(person[~region], out[~region])),
            "delta_e": de, "old_left": old_left(person, out, body, kind),
            "skin_gap": skin_gap(result.report["outputs"][0]) if kind == "bottom"
            else float("nan"),
            "report": result.report["outputs"][0]}


def near_colour(img: Image, rgb: NDArray[np.float32], limit: float) -> NDArray[np.bool_]:
    """Pixels of ``img`` within Lab distance ``limit`` of ``rgb``."""
    lab = cv2.cvtColor(img.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    ref = cv2.cvtColor(rgb.reshape(1, 1, 3).astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[0, 0]
    return np.linalg.norm(lab - ref, axis=2) < limit


def old_left(person: Image, out: Image, body: Any, kind: str) -> float:
    """Share of the replaced old clothing (hands and head excluded) left unchanged."""
    old = {"top": body.old_top, "bottom": body.old_bottom, "full": body.clothes}[kind]
    old = old & ~body.hands & ~body.head
    same = np.all(np.abs(out.astype(int) - person) < 6, axis=2)
    return float((old & same).sum() / max(int(old.sum()), 1))


def skin_gap(report: dict[str, Any]) -> float:
    """Pixels painted with skin per pixel of old clothing replaced (for full-length
    trousers nothing should be painted with skin: no belly or crotch slabs)."""
    return report["skin_fill_area"] / max(report["old_area"], 1)


def contact_sheet(rows: list[list[Image]], path: Path, height: int = 384) -> None:
    tiles = [np.hstack([cv2.resize(i, (int(i.shape[1] * height / i.shape[0]), height))
                        for i in row]) for row in rows]
    width = max(t.shape[1] for t in tiles)
    sheet = np.vstack([np.pad(t, ((0, 0), (0, width - t.shape[1]), (0, 0))) for t in tiles])
    cv2.imwrite(str(path), sheet[:, :, ::-1])


def main() -> None:
    if not CORPUS.exists():
        print("corpus absent: skipped")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    cases, rows = [], []
    for p in PERSONS[:4]:
        person = load("persons", p, (768, 1024))
        row = [person]
        for g in (GARMENTS[0], GARMENTS[4], GARMENTS[5]):
            case = one_case(person, load("garments", g))
            case.update(person=p, garment=g)
            row.append(case.pop("image"))
            cases.append(case)
            print(f"{p:20s} {g:20s} {case['latency_ms']:7.0f} ms  ssim {case['ssim_outside']:.4f}"
                  f"  dE {case['delta_e']:.2f}  old left {case['old_left']:.3f}"
                  f"  skin gap {case['skin_gap']:.3f}")
        rows.append(row)
    contact_sheet(rows, OUT / "try_on_contact_sheet.png")
    write_report(cases)


def write_report(cases: list[dict[str, Any]]) -> None:
    lat = [c["latency_ms"] for c in cases]
    des = [c["delta_e"] for c in cases if c["delta_e"] == c["delta_e"]]
    summary = {"cases": len(cases), "latency_p50_ms": statistics.median(lat),
               "latency_max_ms": max(lat), "ssim_outside_min": min(c["ssim_outside"] for c in cases),
               "identical_outside_all": all(c["identical_outside"] for c in cases),
               "delta_e_mean": statistics.fmean(des), "delta_e_max": max(des),
               "old_left_max": max(c["old_left"] for c in cases),
               "skin_gap_max": max((c["skin_gap"] for c in cases if c["skin_gap"] == c["skin_gap"]),
                                   default=float("nan")),
               "loadavg": os.getloadavg(), "size": "768x1024"}
    (OUT / "bench_try_on.json").write_text(json.dumps({"summary": summary, "cases": [
        {k: v for k, v in c.items() if k != "report"} | {"report": c["report"]} for c in cases]},
        indent=1, default=float))
    lines = ["# Try-on benchmark", "", f"load average {summary['loadavg']}", "",
             ("| person | garment | latency ms | SSIM outside | identical outside | dE2000 "
              "| old clothing left | skin gap |"),
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {c['person']} | {c['garment']} | {c['latency_ms']:.0f} | "
              f"{c['ssim_outside']:.4f} | {c['identical_outside']} | {c['delta_e']:.2f} | "
              f"{c['old_left']:.3f} | {c['skin_gap']:.3f} |" for c in cases]
    lines += ["", "```", json.dumps(summary, indent=1, default=float), "```"]
    (OUT / "bench_try_on.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(summary, indent=1, default=float))


if __name__ == "__main__":
    main()
