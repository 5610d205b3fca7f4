"""Speed, memory and quality of super-resolution and face-detail enhancement on this machine.

Usage::

    .venv/bin/python bench/bench_sr.py [--repeats N] [--quick] [--quality]

Every speed case runs in its own child process so that its peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to that case alone. Reported per case:
model load time, first call (cold) time, best of ``--repeats`` warm calls (wall and CPU time of
the process: CPU time is the steadier number when other work shares the cores), the process'
RSS after loading the model and its peak RSS. ``--quality`` adds PSNR (Y channel) and mean-gradient
sharpness against the original for downscale-then-upscale on corpus portraits. Tables are
printed and written to ``bench/out/`` (ignored by git) with sample images.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
CORPUS = ROOT / "../shared/corpus/portraits"
PHOTO = "barack_obama__official_2012_portrait_1.jpg"
QUALITY_PHOTOS = ("barack_obama__official_2012_portrait_1.jpg", "grace_hopper__us_navy.jpg",
                  "eileen_collins__nasa_astronaut.png", "ted_lieu__house_official_1.jpg",
                  "ilhan_omar__house_official_1.jpg", "chris_pratt__wikimedia_cc_by.jpeg")


@dataclass(frozen=True)
class Case:
    """One speed case: ``op`` is "upscale" or "enhance"; ``side`` the square input side."""

    op: str
    model: str
    scale: int
    side: int
    threads: int
    tile: int = 192
    max_side: int = 256

    @property
    def label(self) -> str:
        if self.op == "enhance":
            return f"enhance_detail max_side={self.max_side}"
        return f"{self.model} tile={self.tile}"

    @property
    def size(self) -> str:
        out = self.side if self.op == "enhance" else self.side * self.scale
        return f"{self.side}->{out}"


def cases(quick: bool) -> list[Case]:
    """The benchmark matrix (``quick`` keeps the fast models only)."""
    found = [
        Case("upscale", "realesr-animevideov3-x2", 2, 512, 1),
        Case("upscale", "realesr-animevideov3-x2", 2, 512, 2),
        Case("upscale", "realesr-animevideov3-x4", 2, 512, 2),
        Case("upscale", "realesr-animevideov3-x4", 4, 256, 1),
        Case("upscale", "realesr-animevideov3-x4", 4, 256, 2),
        Case("upscale", "realesrgan-x4plus", 4, 256, 2),
        Case("upscale", "realesrgan-x4plus", 4, 256, 2, tile=64),
        Case("upscale", "realesrgan-x4plus-anime", 4, 256, 2),
        Case("enhance", "realesr-animevideov3-x2", 1, 256, 1),
        Case("enhance", "realesr-animevideov3-x2", 1, 256, 2),
        Case("enhance", "realesr-animevideov3-x2", 1, 256, 1, max_side=128),
        Case("enhance", "realesr-animevideov3-x2", 1, 256, 2, max_side=128),
    ]
    return [c for c in found if not (quick and "x4plus" in c.model)]


def load_rgb(name: str) -> Image | None:
    """A corpus photo as HxWx3 uint8 RGB, or ``None`` when the corpus is absent."""
    bgr = cv2.imread(str(CORPUS / name))
    return None if bgr is None else np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.uint8)


def test_image(side: int) -> Image:
    """A square portrait crop of ``side`` pixels (synthetic noise-free ramp without corpus)."""
    photo = load_rgb(PHOTO)
    if photo is None:
        ramp = np.linspace(0, 255, side, dtype=np.float32)
        grey = np.add.outer(ramp, ramp) / 2
        return np.stack([grey, grey[::-1], grey.T], axis=2).astype(np.uint8)
    h, w = photo.shape[:2]
    square = min(h, w) * 7 // 10
    top, left = h // 10, (w - square) // 2
    crop = photo[top:top + square, left:left + square]
    return np.asarray(cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA), np.uint8)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_case(case: Case, repeats: int) -> dict[str, float]:
    """Measure one case in this process (called in the child)."""
    from portrait_studio.capabilities.super_resolution import core

    img = test_image(case.side)
    start = time.perf_counter()
    core.realesrgan(case.model, case.threads)
    load_ms = (time.perf_counter() - start) * 1000
    loaded_rss = current_rss_mb()
    times, cpu_times, result = [], [], img
    for _ in range(repeats + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = _call(case, img)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    name = f"{case.op}_{case.model}_x{case.scale}_{case.side}_t{case.tile}_m{case.max_side}.png"
    cv2.imwrite(str(OUT / name), cv2.cvtColor(result, cv2.COLOR_RGB2BGR))
    return {"load_ms": load_ms, "cold_ms": times[0], "warm_ms": min(times[1:]),
            "warm_cpu_ms": min(cpu_times[1:]),
            "loaded_rss_mb": loaded_rss, "peak_rss_mb": peak_rss_mb()}


def _call(case: Case, img: Image) -> Image:
    from portrait_studio.capabilities.super_resolution import enhance_detail, upscale

    if case.op == "enhance":
        return enhance_detail(img, 1.0, threads=case.threads, max_side=case.max_side)
    return upscale(img, case.scale, model=case.model, tile=case.tile, threads=case.threads)


def spawn(case: Case, repeats: int) -> dict[str, float]:
    """Run ``case`` in a fresh interpreter and return its measurements."""
    args = [sys.executable, __file__, "--child", json.dumps(case.__dict__),
            "--repeats", str(repeats)]
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def speed_table(quick: bool, repeats: int) -> list[str]:
    header = ("| case | size | threads | load ms | cold ms | warm ms (best) | warm CPU ms "
              "| RSS loaded MB | peak RSS MB |")
    rows = [header, "|---|---|---|---|---|---|---|---|---|"]
    for case in cases(quick):
        m = spawn(case, repeats)
        rows.append(f"| {case.label} | {case.size} | {case.threads} | {m['load_ms']:.0f} | "
                    f"{m['cold_ms']:.0f} | {m['warm_ms']:.0f} | {m['warm_cpu_ms']:.0f} | "
                    f"{m['loaded_rss_mb']:.0f} | "
                    f"{m['peak_rss_mb']:.0f} |")
        print(rows[-1], flush=True)
    return rows


# --- quality -------------------------------------------------------------------------------

def psnr_y(a: Image, b: Image) -> float:
    ya = cv2.cvtColor(a, cv2.COLOR_RGB2YCrCb)[..., 0].astype(np.float64)
    yb = cv2.cvtColor(b, cv2.COLOR_RGB2YCrCb)[..., 0].astype(np.float64)
    mse = max(float(np.mean((ya - yb) ** 2)), 1e-9)
    return float(10 * np.log10(255.0**2 / mse))


def sharpness(img: Image) -> float:
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return float(np.mean(np.hypot(gx, gy)))


def degrade(hr: Image, scale: int, kind: str) -> Image:
    """``clean``: area downscale; ``soft``: Gaussian blur sigma scale/2 first."""
    h, w = hr.shape[:2]
    src = cv2.GaussianBlur(hr, (0, 0), scale / 2) if kind == "soft" else hr
    return np.asarray(cv2.resize(src, (w // scale, h // scale),
                                 interpolation=cv2.INTER_AREA), np.uint8)


def quality_table(scale: int, models: tuple[str, ...], kind: str) -> list[str]:
    from portrait_studio.capabilities.super_resolution import upscale

    side = 256 if scale == 2 else 384
    rows = [f"| x{scale} {kind}: photo (HR grad) | bicubic dB / grad | "
            + " | ".join(f"{m} dB / grad" for m in models) + " |",
            "|---|---|" + "---|" * len(models)]
    for name in QUALITY_PHOTOS:
        photo = load_rgb(name)
        if photo is None:
            continue
        h, w = photo.shape[:2]
        s = min(side, h, w) // scale * scale
        hr = np.ascontiguousarray(photo[(h - s) // 3:(h - s) // 3 + s, (w - s) // 2:][:, :s])
        lr = degrade(hr, scale, kind)
        bic = np.asarray(cv2.resize(lr, (s, s), interpolation=cv2.INTER_CUBIC), np.uint8)
        cells = [f"{psnr_y(hr, bic):.2f} / {sharpness(bic):.1f}"]
        for model in models:
            sr = upscale(lr, scale, model=model, threads=2)
            cells.append(f"{psnr_y(hr, sr):.2f} / {sharpness(sr):.1f}")
        rows.append(f"| {name[:24]} ({sharpness(hr):.1f}) | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def quality_tables() -> list[str]:
    x2 = ("realesr-animevideov3-x2", "realesr-animevideov3-x4", "realesrgan-x4plus")
    x4 = ("realesr-animevideov3-x4", "realesrgan-x4plus")
    rows: list[str] = []
    for scale, models in ((2, x2), (4, x4)):
        for kind in ("clean", "soft"):
            rows += ["", *quality_table(scale, models, kind)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="skip the slow x4plus models")
    parser.add_argument("--quality", action="store_true", help="also measure PSNR/sharpness")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(run_case(Case(**json.loads(args.child)), args.repeats)))
        return
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"cpu count {os.cpu_count()}, load average before: {load}")
    rows = speed_table(args.quick, args.repeats)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    rows.append(f"load average after: {load}")
    print(rows[-1])
    if args.quality:
        rows += quality_tables()
    (OUT / "bench_sr.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'bench_sr.md'}")


if __name__ == "__main__":
    main()
