"""Identity-keeping restyle benchmark (Volcengine ``img2img_anime_accelerated_maintain_id``,
issue 6): identity with ``face_switch``, style transfer by colour histogram, latency at
1000x1000 and a contact sheet.

    .venv/bin/python bench/bench_restyle.py [--parts identity,style,latency,sheet]
        [--limit 0] [--styles van_gogh_starry_night,...|all] [--face-off-style]
        [--latency-runs 8] [--latency-sizes native,1080x1320] [--workers 2] [--out bench/out]

People: those with both ``*__house_official_1.jpg`` (the face image) and
``*__bioguide_earlier_2.jpg`` (another sitting, the identity reference) in
../shared/corpus/portraits (17, all public domain), the four contact-sheet people first, then
alphabetical; ``--limit N`` keeps the first N (0 = all). Style images come from
../shared/corpus/styles (read at bench time only, never copied). Every output is 1000x1000,
seed 0. Writes bench_restyle.json, bench_restyle.md and restyle_contact_sheet.png into ``--out``.
"""

from __future__ import annotations

import os

# the worker's native thread settings; BLAS reads them when numpy loads (see bootstrap.py)
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from benchkit import dist, embed, fmt, load, loads_text, ok_text, run_pool, shrink, stats

CORPUS = ROOT.parent / "shared" / "corpus"
PORTRAITS, STYLE_DIR = CORPUS / "portraits", CORPUS / "styles"
PHOTO, REF = "__house_official_1.jpg", "__bioguide_earlier_2.jpg"
SHEET_PEOPLE = ("andy_kim", "ilhan_omar", "harold_rogers", "jahana_hayes")
# the first three are the contact sheet's style columns
DEFAULT_STYLES = ("van_gogh_starry_night__neural_style.jpg",
                  "matisse_woman_with_a_hat__neural_style.jpg",
                  "renpy_sylvie_green_smile__anime.png", "munch_the_scream__neural_style.jpg",
                  "mondrian_composition__adain.jpg",
                  "vermeer_girl_with_a_pearl_earring__ip_adapter.jpg")
PROMPTS = ("anime, bright colours", "水墨 国画", "cyberpunk neon night")
LATENCY_STYLE = DEFAULT_STYLES[0]
PATHS: dict[str, dict[str, bool]] = {
    "default": {}, "face": {"face_switch": True},
    "face+style": {"face_switch": True, "style_switch": True},
    "hyper": {"hyper_switch": True}, "hyper+face": {"hyper_switch": True, "face_switch": True}}
SIZE = 1000
ID_SIDE = 512            # outputs are shrunk to this short side before face detection + dlib
CELL = 300               # contact-sheet cell side (px)
TARGETS = {"d_max": 0.5, "id_share": 0.90, "ratio": 0.5, "p50_ms": 2000.0}
Row = dict[str, Any]


@cache
def style_image(name: str) -> np.ndarray:
    return load(STYLE_DIR / name)


def people(limit: int | None) -> list[str]:
    """Identity people: sheet people first, then alphabetical; the first ``limit``."""
    names = sorted(p.name[:-len(PHOTO)] for p in PORTRAITS.glob(f"*{PHOTO}")
                   if (PORTRAITS / f"{p.name[:-len(PHOTO)]}{REF}").is_file())
    ordered = [n for n in SHEET_PEOPLE if n in names] + [n for n in names if n not in SHEET_PEOPLE]
    return ordered[:limit] if limit else ordered


def short(style: str) -> str:
    return style.split("__")[0]


@dataclass(frozen=True)
class Condition:
    """One request shape: ``kind`` "default" (default prompt), "style" (style image) or
    "prompt"; the face image is always images[0], the style image images[1]."""

    name: str
    kind: str
    face: bool = True
    style: str | None = None
    prompt: str | None = None

    def run(self, photo: np.ndarray, seed: int = 0, **switches: bool) -> Any:
        from portrait_studio.pipelines.restyle import DEFAULT_PROMPT, RestyleParams, restyle

        images = [photo] if self.style is None else [photo, style_image(self.style)]
        params = RestyleParams(positive_prompt=self.prompt or DEFAULT_PROMPT, face_index=0,
                               style_index=None if self.style is None else 1,
                               face_switch=self.face, style_switch=self.style is not None,
                               seed=seed, width=SIZE, height=SIZE, **switches)
        return restyle(images, params)


def conditions(parts: set[str], styles: list[str], face_off: bool) -> list[Condition]:
    out = [Condition("default", "default")] if "identity" in parts else []
    out += [Condition(f"style {short(s)}", "style", style=s) for s in styles]
    if face_off:
        out += [Condition(f"style {short(s)} face off", "style", face=False, style=s)
                for s in styles]
    if "identity" in parts:
        out += [Condition(f"prompt {p}", "prompt", prompt=p) for p in PROMPTS]
    return out


# ----------------------------------------------------------------------------- outputs (worker)


def one_output(cond: Condition, photo: np.ndarray, embs: tuple[Any, Any]
               ) -> tuple[Row, np.ndarray | None]:
    """Restyle one face image in one condition and measure it."""
    from portrait_studio.pipelines.restyle import colour_hist_distance

    row: Row = {"condition": cond.name, "kind": cond.kind, "face_switch": cond.face,
                "style": cond.style, "prompt": cond.prompt}
    start = time.perf_counter()
    try:
        result = cond.run(photo)
    except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
        return row | {"error": f"{type(exc).__name__}: {exc}"}, None
    out = result.image
    row.update(ms=(time.perf_counter() - start) * 1e3, look=result.report["look"],
               face_acted=result.report["switches"]["face"])
    emb = embed(shrink(out, ID_SIDE))
    row.update(face_found=emb is not None, d_ref=dist(embs[1], emb), d_input=dist(embs[0], emb),
               embedding=None if emb is None else emb.tolist())
    if cond.style is not None:
        ref = style_image(cond.style)
        d_in, d_out = colour_hist_distance(photo, ref), colour_hist_distance(out, ref)
        row.update(hist_in=d_in, hist_out=d_out, ratio=d_out / max(d_in, 1e-9))
    return row, out


def person_task(task: tuple[str, list[Condition], set[str]]) -> dict[str, Any]:
    """All conditions for one person; contact-sheet cells for the conditions in ``thumbs``."""
    person, conds, thumbs = task
    photo = load(PORTRAITS / f"{person}{PHOTO}")
    embs = (embed(photo), embed(load(PORTRAITS / f"{person}{REF}")))
    result: dict[str, Any] = {"person": person, "rows": [], "thumbs": {},
                              "ref_embedding": None if embs[1] is None else embs[1].tolist(),
                              "d_input_ref": dist(embs[0], embs[1])}
    for cond in conds:
        row, out = one_output(cond, photo, embs)
        result["rows"].append(row | {"person": person})
        if cond.name in thumbs:
            result["thumbs"][cond.name] = cell(out, _tag(row))
    return result


def run_outputs(names: list[str], conds: list[Condition], sheet: list[Condition],
                workers: int) -> list[dict[str, Any]]:
    mine = conds + [c for c in sheet if c not in conds]
    tasks = [(n, mine, {c.name for c in sheet}) if n in SHEET_PEOPLE else (n, conds, set())
             for n in names]
    return run_pool(person_task, tasks, workers)


# ----------------------------------------------------------------------------- quality tables


def _retrieved(rows: list[Row], gallery: dict[str, np.ndarray]) -> int:
    names, hits = list(gallery), 0
    for r in rows:
        if r.get("embedding") is not None and names:
            d = np.linalg.norm(np.stack([gallery[n] for n in names])
                               - np.asarray(r["embedding"]), axis=1)
            hits += names[int(d.argmin())] == r["person"]
    return hits


def identity_cells(rows: list[Row], gallery: dict[str, np.ndarray]) -> dict[str, Any]:
    """Share of outputs with d(output, reference) <= 0.5 (no face, no reference or an error
    count as failures), mean and p90 of the measured distances, retrieval among references."""
    d = [r["d_ref"] for r in rows if r.get("d_ref") is not None]
    ok = sum(x <= TARGETS["d_max"] for x in d)
    return {"outputs": len(rows), "errors": sum("error" in r for r in rows),
            "no_face": sum(r.get("face_found") is False for r in rows),
            "share": ok / max(len(rows), 1), "ok": ok,
            "mean": float(np.mean(d)) if d else None,
            "p90": float(np.percentile(d, 90)) if d else None,
            "max": float(np.max(d)) if d else None,
            "mean_d_input": _mean([r.get("d_input") for r in rows]),
            "retrieved_share": _retrieved(rows, gallery) / max(len(rows), 1)}


def _mean(values: list[float | None]) -> float | None:
    v = [x for x in values if x is not None]
    return float(np.mean(v)) if v else None


def identity_table(results: list[dict[str, Any]]) -> dict[str, Any]:
    gallery = {r["person"]: np.asarray(r["ref_embedding"]) for r in results
               if r["ref_embedding"] is not None}
    rows = [row for r in results for row in r["rows"]]
    groups: dict[str, list[Row]] = {}
    for row in rows:
        face = "" if row["face_switch"] else " (face off)"
        groups.setdefault(row["kind"] + face, []).append(row)
        if row["condition"] != row["kind"]:
            groups.setdefault(row["condition"], []).append(row)
    base = [r["d_input_ref"] for r in results if r["d_input_ref"] is not None]
    return {"people": len(results), "no_reference_face": len(results) - len(gallery),
            "conditions": {k: identity_cells(v, gallery) for k, v in groups.items()},
            "baseline": {"mean": _mean(list(base)), "p90": float(np.percentile(base, 90)),
                         "share": sum(b <= TARGETS["d_max"] for b in base) / max(len(base), 1)}
            if base else None}


def style_table(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per style image (and face switch): d(output, style) / d(input, style)."""
    table: dict[str, Any] = {}
    for row in (row for r in results for row in r["rows"] if row["kind"] == "style"):
        table.setdefault(row["condition"], []).append(row)
        table.setdefault(f"all, face {'on' if row['face_switch'] else 'off'}", []).append(row)
    order = sorted(table, key=lambda k: k.startswith("all"))
    return {k: _ratio_cells(table[k]) | ({"style": f"**{k}**"} if k.startswith("all") else {})
            for k in order}


def _ratio_cells(rows: list[Row]) -> dict[str, Any]:
    ratios = [r["ratio"] for r in rows if "ratio" in r]
    ok = sum(x <= TARGETS["ratio"] for x in ratios)
    return {"style": rows[0]["style"], "face_switch": rows[0]["face_switch"],
            "outputs": len(rows), "errors": sum("error" in r for r in rows),
            "mean_ratio": _mean(list(ratios)), "max_ratio": max(ratios, default=None),
            "share": ok / max(len(rows), 1), "mean_hist_in": _mean([r.get("hist_in")
                                                                    for r in rows]),
            "mean_hist_out": _mean([r.get("hist_out") for r in rows])}


# ----------------------------------------------------------------------------- latency


def latency_inputs(names: list[str], size: str) -> list[np.ndarray]:
    """Three people's official portraits, native (335x410) or resized (bicubic) to WxH."""
    imgs = [load(PORTRAITS / f"{n}{PHOTO}") for n in names[:3]]
    if size == "native":
        return imgs
    w, h = (int(v) for v in size.split("x"))
    return [np.ascontiguousarray(cv2.resize(im, (w, h), interpolation=cv2.INTER_CUBIC))
            for im in imgs]


def time_one(cond: Condition, img: np.ndarray, switches: dict[str, bool], seed: int
             ) -> dict[str, Any]:
    load_1 = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = cond.run(img, seed, **switches)
    return {"wall_ms": (time.perf_counter() - wall) * 1e3,
            "cpu_ms": (time.process_time() - cpu) * 1e3, "load_1min": load_1,
            "stages": {k: float(v) for k, v in result.report["timings_ms"].items()}}


def path_latency(name: str, inputs: list[np.ndarray], runs: int) -> dict[str, Any]:
    """One warm-up call (excluded), then ``runs`` timed calls cycling through ``inputs``."""
    switches = dict(PATHS[name])
    style = LATENCY_STYLE if switches.pop("style_switch", False) else None
    cond = Condition(name, "latency", face=switches.pop("face_switch", False), style=style)
    cond.run(inputs[0], 99, **switches)
    samples = [time_one(cond, inputs[r % len(inputs)], switches, r) for r in range(runs)]
    stages: dict[str, list[float]] = {}
    for s in samples:
        for k, v in s["stages"].items():
            stages.setdefault(k, []).append(v)
    return {"runs": samples, "wall_ms": stats([s["wall_ms"] for s in samples]),
            "cpu_ms": stats([s["cpu_ms"] for s in samples]),
            "stages_p50_ms": {k: float(np.median(v)) for k, v in stages.items()}}


def run_latency(names: list[str], runs: int, sizes: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"inputs": names[:3], "load_before": list(os.getloadavg()),
                            "uptime_before": uptime(), "paths": {}}
    for size in sizes:
        inputs = latency_inputs(names, size)
        for name in PATHS:
            key = f"{name} @ {size}"
            data["paths"][key] = res = path_latency(name, inputs, runs)
            print(f"  latency {key:<28} p50 {res['wall_ms']['p50']:6.0f} ms  p95 "
                  f"{res['wall_ms']['p95']:6.0f} ms  CPU p50 {res['cpu_ms']['p50']:6.0f} ms  "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    data.update(load_after=list(os.getloadavg()), uptime_after=uptime(),
                peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return data


# ----------------------------------------------------------------------------- contact sheet


def _font(px: int) -> Any:
    from PIL import ImageFont

    from portrait_studio.models.registry import cjk_font

    return ImageFont.truetype(str(cjk_font()), px)


def _text(img: np.ndarray, text: str, xy: tuple[int, int], px: int,
          fill: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    from PIL import Image, ImageDraw

    pil = Image.fromarray(img)
    ImageDraw.Draw(pil).text(xy, text, fill=fill, font=_font(px))
    return np.asarray(pil)


def cell(img: np.ndarray | None, text: str) -> np.ndarray:
    """A CELL x CELL tile (HxWx3 RGB): ``img`` fitted on light grey, ``text`` on a black bar."""
    tile = np.full((CELL, CELL, 3), 225, np.uint8)
    if img is not None:
        k = CELL / max(img.shape[:2])
        w, h = max(1, round(img.shape[1] * k)), max(1, round(img.shape[0] * k))
        small = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA if k < 1
                           else cv2.INTER_CUBIC)
        y, x = (CELL - h) // 2, (CELL - w) // 2
        tile[y:y + h, x:x + w] = small
    tile[:22] = 0
    return _text(tile, text, (4, 2), 15)


def _tag(row: Row) -> str:
    if "error" in row:
        return f"error: {row['error'][:34]}"
    d = "no face" if row.get("d_ref") is None else f"d_ref {row['d_ref']:.2f}"
    return d + (f"  hist x{row['ratio']:.2f}" if "ratio" in row else "")


def _prompt_card(prompt: str) -> np.ndarray:
    tile = np.full((CELL, CELL, 3), 60, np.uint8)
    tile = _text(tile, "prompt (face_switch on):", (10, 110), 16)
    return _text(tile, prompt, (10, 140), 26)


def contact_sheet(results: list[dict[str, Any]], sheet: list[Condition], path: Path
                  ) -> list[str]:
    """Header row (style images, prompt cards), then one row per sheet person: the face image,
    then the outputs in the header's order."""
    head = [_text(cell(None, "1000x1000 outputs, seed 0"),
                  "face image below,\noutputs to the right", (20, 120), 22, (40, 40, 40))]
    head += [cell(style_image(c.style), f"style {short(c.style)}") for c in sheet
             if c.style is not None]
    head += [_prompt_card(c.prompt or "") for c in sheet if c.prompt is not None]
    chosen = [r for r in results if r["thumbs"]]
    rows = [head] + [[cell(load(PORTRAITS / f"{r['person']}{PHOTO}"), r["person"])]
                     + [r["thumbs"].get(c.name, cell(None, "missing")) for c in sheet]
                     for r in chosen]
    grid = np.vstack([np.hstack([np.pad(t, ((0, 4), (0, 4), (0, 0)), constant_values=255)
                                 for t in row]) for row in rows])
    cv2.imwrite(str(path), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    return [r["person"] for r in chosen]


# ----------------------------------------------------------------------------- report


def identity_lines(ident: dict[str, Any]) -> list[str]:
    lines = [("| condition | outputs | d_ref <= 0.5 | >= 90% | mean d_ref | p90 d_ref | max d_ref "
             "| no face | errors | retrieved | mean d(input) |"), "|---" * 11 + "|"]
    for key, c in ident["conditions"].items():
        target = ok_text(c["share"] >= TARGETS["id_share"]) if key in ("default", "style") else "-"
        name = f"**{key}**" if key in ("default", "style", "prompt") else key
        lines.append(f"| {name} | {c['outputs']} | {c['share']:.0%} ({c['ok']}) | {target} | "
                     f"{fmt(c['mean'])} | {fmt(c['p90'])} | {fmt(c['max'])} | {c['no_face']} | "
                     f"{c['errors']} | {c['retrieved_share']:.0%} | {fmt(c['mean_d_input'])} |")
    b = ident["baseline"] or {}
    return lines + ["", (f"{ident['people']} people ({ident['no_reference_face']} without a "
                    f"detectable face in the reference photo). Baseline, the face image itself "
                    f"vs the reference: mean {fmt(b.get('mean'))}, p90 {fmt(b.get('p90'))}, "
                    f"{b.get('share', 0):.0%} <= 0.5 (roughly the best an output can "
                    f"reach)."), ""]


def style_lines(table: dict[str, Any]) -> list[str]:
    lines = [("| style image | face_switch | outputs | mean d(input, style) | mean d(output, "
             "style) | mean ratio | <= 0.5 | max ratio | share ratio <= 0.5 | errors |"),
             "|---" * 10 + "|"]
    for c in table.values():
        lines.append(f"| {c['style']} | {'on' if c['face_switch'] else 'off'} | {c['outputs']} "
                     f"| {fmt(c['mean_hist_in'])} | {fmt(c['mean_hist_out'])} | "
                     f"{fmt(c['mean_ratio'])} | {ok_text((c['mean_ratio'] or 9) <= TARGETS['ratio'])}"
                     f" | {fmt(c['max_ratio'])} | {c['share']:.0%} | {c['errors']} |")
    return lines + [""]


def latency_lines(lat: dict[str, Any]) -> list[str]:
    stages = [k for k in dict.fromkeys(k for s in lat["paths"].values()
                                       for k in s["stages_p50_ms"]) if k != "total"] + ["total"]
    lines = ["| path @ input | runs | wall p50 | wall p95 | CPU p50 | <= 2 s p50 | "
             + " | ".join(stages) + " |", "|---" * (6 + len(stages)) + "|"]
    for key, s in lat["paths"].items():
        cells = " | ".join(f"{s['stages_p50_ms'].get(k, 0):.0f}" for k in stages)
        lines.append(f"| {key} | {len(s['runs'])} | {s['wall_ms']['p50']:.0f} | "
                     f"{s['wall_ms']['p95']:.0f} | {s['cpu_ms']['p50']:.0f} | "
                     f"{ok_text(s['wall_ms']['p50'] <= TARGETS['p50_ms'])} | {cells} |")
    loads = [r["load_1min"] for s in lat["paths"].values() for r in s["runs"]]
    return lines + ["", (f"Times in ms, output {SIZE}x{SIZE}; inputs: official portraits of "
                    f"{', '.join(lat['inputs'])}; stage columns are p50 of "
                    f"`report[\"timings_ms\"]`. 1-min load average during the runs "
                    f"{min(loads):.2f}..{max(loads):.2f}; before / after: "
                    f"{loads_text(lat['load_before'])} / {loads_text(lat['load_after'])}; `uptime` "
                    f"before: `{lat['uptime_before']}`; peak RSS {lat['peak_rss_mb']:.0f} MB."),
                    ""]


DEFINITIONS = """\
## Definitions

- Requests: face image = the person's `house_official_1` portrait (335x410) as images[0],
  style image (when any) as images[1]; 1000x1000 output, seed 0, step 18, cfg 4.5.
  Conditions: `default` = default prompt, face_switch on; `style` = default prompt, face_switch
  and style_switch on; `prompt` = the sheet prompts with face_switch on (extra, no target).
- Identity: dlib 128-D descriptor of the largest face (MediaPipe detection) of the output
  shrunk (INTER_AREA) to a 512 px short side vs that of the same person's `bioguide_earlier_2`
  photo (a different sitting, never an input). Share = outputs with d <= 0.5 over all
  outputs (no face / error count as failures); mean, p90, max over outputs with a face.
  Retrieved = the nearest reference of this run's people is the person's own.
- Style: `colour_hist_distance` of the pipeline (Hellinger distance of 8x8x8 Lab histograms
  on <= 256 px copies), ratio = d(output, style) / d(face image, style); target mean <= 0.5.
- Latency: main process, BLAS/OpenMP and OpenCV at 1 thread (the worker's settings), before
  the quality runs; per path one warm-up call (excluded), then timed `restyle()` calls
  cycling through three face images (no decode/encode). The machine has 2 cores shared with
  other jobs: compare CPU with wall time and read the load average.
"""


def markdown(data: dict[str, Any]) -> str:
    meta = data["meta"]
    lines = ["# Restyle benchmark (identity-keeping restyle, issue 6)", "",
             f"Command: `{meta['command']}`", "",
             (f"Engine `portrait_studio.pipelines.restyle` at {meta['engine_version']}; "
              f"{meta['started']} to {meta['finished']}; {meta['cpus']} CPUs; load average at "
              f"start {loads_text(meta['load_start'])}, at end {loads_text(meta['load_end'])}; "
              f"{meta['seconds']:.0f} s in all; {len(meta['people'])} people."), ""]
    if "identity" in data:
        lines += ["## Identity (target d_ref <= 0.5 for >= 90% of pairs)", ""]
        lines += identity_lines(data["identity"])
    if "style" in data:
        lines += ["## Style transfer (target mean d(output, style) / d(input, style) <= 0.5)",
                  ""] + style_lines(data["style"])
    if "latency" in data:
        lines += ["## Latency at 1000x1000 (target p50 <= 2 s, hyper faster)", ""]
        lines += latency_lines(data["latency"])
    if "sheet" in data:
        lines += ["## Contact sheet", "", (f"`restyle_contact_sheet.png`: rows "
                  f"{', '.join(data['sheet']['people'])}; columns: face image, style images "
                  f"{', '.join(data['sheet']['styles'])} (face + style switch), prompts "
                  f"{' / '.join(data['sheet']['prompts'])} (face switch); labels give d_ref "
                  "and the histogram ratio."), ""]
    errors = data.get("errors", [])
    lines += ["## Errors", ""] + ([f"- {e}" for e in errors] or ["- none"]) + [""]
    return "\n".join(lines + [DEFINITIONS])


# ----------------------------------------------------------------------------- main


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def engine_version() -> str:
    """Repo commit and whether the engine file differs from it (read-only git)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()
    dirty = git("status", "--porcelain", "--", "src/portrait_studio/pipelines/restyle.py",
                "src/portrait_studio/capabilities/restyle")
    return (git("rev-parse", "--short", "HEAD") or "unknown") + (" + uncommitted changes"
                                                                 if dirty else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--parts", default="identity,style,latency,sheet")
    p.add_argument("--limit", type=int, default=0, help="first N people (0 = all 17)")
    p.add_argument("--styles", default=",".join(short(s) for s in DEFAULT_STYLES),
                   help="style images (name prefixes under corpus/styles) or 'all'; the first "
                        "three are the contact sheet's")
    p.add_argument("--face-off-style", action="store_true",
                   help="also run every style image with face_switch off")
    p.add_argument("--latency-runs", type=int, default=8, help="timed runs per path and size")
    p.add_argument("--latency-sizes", default="native,1080x1320")
    p.add_argument("--workers", type=int, default=2, help="processes for the outputs")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    return p.parse_args(argv)


def resolve_styles(spec: str) -> list[str]:
    files = sorted(p.name for p in STYLE_DIR.iterdir() if p.suffix in (".jpg", ".png"))
    if spec == "all":
        return files
    return [next(f for f in files if short(f) == name.strip()) for name in spec.split(",")]


def output_parts(args: argparse.Namespace, names: list[str], parts: set[str],
                 data: dict[str, Any]) -> None:
    styles = resolve_styles(args.styles) if parts & {"identity", "style"} else []
    conds = conditions(parts, styles, args.face_off_style) if parts & {"identity",
                                                                     "style"} else []
    sheet = [Condition(f"style {short(s)}", "style", style=s)
             for s in resolve_styles(args.styles)[:3]] + [
        Condition(f"prompt {p}", "prompt", prompt=p) for p in PROMPTS]
    sheet = sheet if "sheet" in parts else []
    todo = names if conds else [n for n in names if n in SHEET_PEOPLE]
    print(f"outputs: {len(todo)} people x {len(conds)} conditions (+ sheet)", flush=True)
    results = run_outputs(todo, conds, sheet, args.workers)
    data["errors"] = [f"{row['person']} / {row['condition']}: {row['error']}"
                      for r in results for row in r["rows"] if "error" in row]
    if "identity" in parts:
        data["identity"] = identity_table(results)
    if "style" in parts:
        data["style"] = style_table(results)
    if sheet:
        path = args.out / "restyle_contact_sheet.png"
        data["sheet"] = {"people": contact_sheet(results, sheet, path), "path": str(path),
                         "styles": [short(c.style) for c in sheet if c.style], "prompts":
                         list(PROMPTS)}
    data["outputs"] = [{k: v for k, v in row.items() if k != "embedding"}
                       for r in results for row in r["rows"]]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join([".venv/bin/python bench/bench_restyle.py",
                        *(sys.argv[1:] if argv is None else argv)])
    cv2.setNumThreads(1)
    if not PORTRAITS.is_dir() or not STYLE_DIR.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    names = people(args.limit or None)
    meta: dict[str, Any] = {"command": command, "engine_version": engine_version(),
                            "cpus": os.cpu_count(), "load_start": list(os.getloadavg()),
                            "uptime_start": uptime(), "people": names,
                            "started": time.strftime("%Y-%m-%d %H:%M %Z"),
                            "threads": {"blas": os.environ.get("OPENBLAS_NUM_THREADS"),
                                        "opencv": cv2.getNumThreads()}}
    data: dict[str, Any] = {"meta": meta, "targets": TARGETS}
    if "latency" in parts:
        print(f"latency: {args.latency_runs} runs per path and size, {uptime()}", flush=True)
        data["latency"] = run_latency(names, args.latency_runs, args.latency_sizes.split(","))
    if parts & {"identity", "style", "sheet"}:
        output_parts(args, names, parts, data)
    meta.update(load_end=list(os.getloadavg()), uptime_end=uptime(),
                finished=time.strftime("%Y-%m-%d %H:%M %Z"), seconds=time.perf_counter() - start)
    (args.out / "bench_restyle.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
    (args.out / "bench_restyle.md").write_text(markdown(data))
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
