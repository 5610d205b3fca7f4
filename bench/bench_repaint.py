"""Portrait style-repaint benchmark (DashScope ``wanx-style-repaint-v1``, issue 5): latency per
style at 1536 output, identity kept per style, style distinctness (a colour/texture classifier
tested on held-apart people) and a contact sheet.

    .venv/bin/python bench/bench_repaint.py [--parts latency,identity,classifier,sheet]
        [--limit 0] [--latency-runs 5] [--workers 2] [--folds 4] [--out bench/out]
        [--style-ref styles/van_gogh_starry_night__neural_style.jpg]

People: those with both ``*__house_official_1.jpg`` (repainted) and ``*__bioguide_earlier_2.jpg``
(a held-apart sitting) in ../shared/corpus/portraits (17, all public domain), the four contact
sheet people first, then alphabetical; ``--limit N`` keeps the first N (default 0: all 17).
Writes bench_repaint.json, bench_repaint.md and repaint_contact_sheet.png into ``--out``.
"""

from __future__ import annotations

import os

# the worker's native thread settings; BLAS reads them when numpy loads (see bootstrap.py)
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse
import importlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import repaint_features as rf
from benchkit import dist, embed, fmt, load, loads_text, ok_text, run_pool, shrink, stats

CORPUS = ROOT.parent / "shared" / "corpus"
PORTRAITS = CORPUS / "portraits"
PHOTO, REF = "__house_official_1.jpg", "__bioguide_earlier_2.jpg"
SHEET_PEOPLE = ("andy_kim", "ilhan_omar", "harold_rogers", "jahana_hayes")
DEFAULT_STYLE_REF = "styles/van_gogh_starry_night__neural_style.jpg"
ENGINE = "portrait_studio.pipelines.repaint"
OUTPUT_SHORT = 1536
ID_SIDE = 512            # outputs are shrunk to this short side before face detection + dlib
CELL_H = 300             # contact-sheet cell height (px)
TARGETS = {"p50_ms": 1500.0, "kept_share": 0.80, "same_person": 0.6, "accuracy": 0.95}
Row = dict[str, Any]


def engine(name: str) -> ModuleType:
    """The module providing STYLES, CUSTOM_STYLE, RepaintParams, repaint, output_geometry."""
    return importlib.import_module(name)


def people(limit: int | None) -> list[str]:
    """Identity people (official + reference photo): sheet people first, then alphabetical."""
    names = sorted(p.name[:-len(PHOTO)] for p in PORTRAITS.glob(f"*{PHOTO}")
                   if (PORTRAITS / f"{p.name[:-len(PHOTO)]}{REF}").is_file())
    ordered = [n for n in SHEET_PEOPLE if n in names] + [n for n in names
                                                          if n not in SHEET_PEOPLE]
    return ordered[:limit] if limit else ordered


def style_list(mod: ModuleType, custom: bool) -> list[int]:
    return sorted(mod.STYLES) + ([mod.CUSTOM_STYLE] if custom else [])


def style_name(mod: ModuleType, index: int) -> str:
    return "custom" if index == mod.CUSTOM_STYLE else str(mod.STYLES[index])


def params(mod: ModuleType, index: int, ref: np.ndarray, seed: int) -> Any:
    return mod.RepaintParams(style_index=index, seed=seed,
                             style_ref=ref if index == mod.CUSTOM_STYLE else None)


# ----------------------------------------------------------------------------- latency


def latency_input(mod: ModuleType, person: str) -> np.ndarray:
    """The official portrait upscaled (bicubic) so that the output's short side is 1536 px
    without the engine resizing it (HxWx3 uint8 RGB)."""
    img = load(PORTRAITS / f"{person}{PHOTO}")
    scale = OUTPUT_SHORT / min(img.shape[:2])
    size = (round(img.shape[1] * scale), round(img.shape[0] * scale))
    return np.ascontiguousarray(cv2.resize(img, size, interpolation=cv2.INTER_CUBIC))


def time_one(mod: ModuleType, img: np.ndarray, prm: Any) -> dict[str, Any]:
    load_1 = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = mod.repaint(img, prm)
    out = {"wall_ms": (time.perf_counter() - wall) * 1e3,
           "cpu_ms": (time.process_time() - cpu) * 1e3, "load_1min": load_1,
           "stages": {k: float(v) for k, v in result.report.get("timings_ms", {}).items()},
           "output": [int(result.image.shape[1]), int(result.image.shape[0])]}
    return out


def style_latency(mod: ModuleType, index: int, inputs: list[np.ndarray], ref: np.ndarray,
                  runs: int) -> dict[str, Any]:
    """One warm-up call (excluded), then ``runs`` timed calls cycling through ``inputs``."""
    mod.repaint(inputs[0], params(mod, index, ref, 99))
    samples = [time_one(mod, inputs[r % len(inputs)], params(mod, index, ref, r))
               for r in range(runs)]
    stages: dict[str, list[float]] = {}
    for s in samples:
        for k, v in s["stages"].items():
            stages.setdefault(k, []).append(v)
    return {"style": style_name(mod, index), "runs": samples,
            "wall_ms": stats([s["wall_ms"] for s in samples]),
            "cpu_ms": stats([s["cpu_ms"] for s in samples]),
            "stages_p50_ms": {k: float(np.median(v)) for k, v in stages.items()},
            "output": samples[0]["output"]}


def run_latency(mod: ModuleType, names: list[str], runs: int, ref: np.ndarray) -> dict[str, Any]:
    inputs = [latency_input(mod, n) for n in names[:3]]
    data: dict[str, Any] = {"inputs": [f"{n} {im.shape[1]}x{im.shape[0]}" for n, im in zip(
        names[:3], inputs, strict=True)], "load_before": list(os.getloadavg()), "styles": {}}
    for index in style_list(mod, custom=True):
        try:
            res = style_latency(mod, index, inputs, ref, runs)
        except Exception as exc:  # noqa: BLE001 - record the failing style and go on
            data.setdefault("errors", []).append(f"style {index}: {type(exc).__name__}: {exc}")
            continue
        data["styles"][str(index)] = res
        print(f"  latency {index:>2} {res['style']:<18} p50 {res['wall_ms']['p50']:6.0f} ms  "
              f"p95 {res['wall_ms']['p95']:6.0f} ms  load {os.getloadavg()[0]:.2f}", flush=True)
    data["load_after"] = list(os.getloadavg())
    data["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return data


# ----------------------------------------------------------------------------- outputs (worker)


def one_output(mod: ModuleType, person: str, photo: np.ndarray, index: int, ref: np.ndarray,
               embs: tuple[np.ndarray | None, np.ndarray | None]) -> tuple[Row, np.ndarray]:
    """Repaint one portrait in one style and measure it; returns the row and the output."""
    row: Row = {"person": person, "style": index, "style_name": style_name(mod, index)}
    start = time.perf_counter()
    try:
        out = mod.repaint(photo, params(mod, index, ref, 0)).image
    except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row, np.zeros((8, 8, 3), np.uint8)
    row["ms"] = (time.perf_counter() - start) * 1e3
    emb = embed(shrink(out, ID_SIDE))
    row.update(face_found=emb is not None, d_input=dist(embs[0], emb),
               d_reference=dist(embs[1], emb),
               embedding=None if emb is None else emb.tolist())
    if index != mod.CUSTOM_STYLE:
        row["features"] = rf.image_features(out).tolist()
    return row, out


def person_task(task: tuple[str, str, str, bool, bool]) -> dict[str, Any]:
    """All styles (and the custom style) for one person; thumbnails when on the sheet."""
    engine_name, person, ref_path, custom, thumbs = task
    mod = engine(engine_name)
    photo, ref = load(PORTRAITS / f"{person}{PHOTO}"), load(CORPUS / ref_path)
    embs = (embed(photo), embed(load(PORTRAITS / f"{person}{REF}")))
    result: dict[str, Any] = {"person": person, "rows": [], "thumbs": {},
                              "input_embedding": None if embs[0] is None else embs[0].tolist(),
                              "d_input_reference": dist(embs[0], embs[1])}
    for index in style_list(mod, custom):
        row, out = one_output(mod, person, photo, index, ref, embs)
        result["rows"].append(row)
        if thumbs:
            result["thumbs"][index] = cell(out, row)
    return result


def run_outputs(engine_name: str, names: list[str], ref_path: str, thumbs: set[str],
                workers: int) -> list[dict[str, Any]]:
    tasks = [(engine_name, n, ref_path, True, n in thumbs) for n in names]
    return run_pool(person_task, tasks, workers)


# ----------------------------------------------------------------------------- identity


def identity_table(mod: ModuleType, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per style: share of outputs with d(input, output) < 0.6 (undetected faces count as not
    kept), mean distance, undetected count, distance to the held-apart reference sitting, and
    retrieval among the inputs of this run."""
    gallery = {r["person"]: np.asarray(r["input_embedding"]) for r in results
               if r["input_embedding"] is not None}
    rows = [row for r in results for row in r["rows"]]
    table = {}
    for index in style_list(mod, custom=True):
        mine = [r for r in rows if r["style"] == index]
        table[str(index)] = _identity_cells(mine, gallery) | {"style": style_name(mod, index)}
    base = [r["d_input_reference"] for r in results if r["d_input_reference"] is not None]
    return {"styles": table, "people": len(results),
            "input_vs_reference_mean": float(np.mean(base)) if base else None}


def _identity_cells(rows: list[Row], gallery: dict[str, np.ndarray]) -> dict[str, Any]:
    d_in = [r["d_input"] for r in rows if r.get("d_input") is not None]
    d_ref = [r["d_reference"] for r in rows if r.get("d_reference") is not None]
    kept = sum(d < TARGETS["same_person"] for d in d_in)
    names = list(gallery)
    hits = 0
    for r in rows:
        if r.get("embedding") is not None and names:
            d = np.linalg.norm(np.stack([gallery[n] for n in names]) - np.asarray(
                r["embedding"]), axis=1)
            hits += names[int(d.argmin())] == r["person"]
    return {"outputs": len(rows), "errors": sum("error" in r for r in rows),
            "no_face": sum(r.get("face_found") is False for r in rows),
            "kept_share": kept / max(len(rows), 1), "kept": kept,
            "mean_d_input": float(np.mean(d_in)) if d_in else None,
            "max_d_input": float(np.max(d_in)) if d_in else None,
            "mean_d_reference": float(np.mean(d_ref)) if d_ref else None,
            "retrieved_share": hits / max(len(rows), 1)}


# ----------------------------------------------------------------------------- classifier


def classify(mod: ModuleType, results: list[dict[str, Any]], folds: int) -> dict[str, Any]:
    """Grouped k-fold (by person) accuracy and confusion matrix of both classifiers."""
    styles = sorted(mod.STYLES)
    rows = [row for r in results for row in r["rows"] if "features" in row]
    x = np.asarray([row["features"] for row in rows], np.float64)
    y = np.asarray([styles.index(row["style"]) for row in rows])
    groups = [row["person"] for row in rows]
    out: dict[str, Any] = {"outputs": len(rows), "features": rf.FEATURE_COUNT,
                           "folds": rf.person_folds(sorted(set(groups)), folds),
                           "styles": [style_name(mod, s) for s in styles]}
    for name in rf.CLASSIFIERS:
        pred, accs = rf.cross_validate(x, y, groups, folds, len(styles), name)
        conf = rf.confusion(y, pred, len(styles))
        out[name] = {"accuracy": float((pred == y).mean()), "fold_accuracy": accs,
                     "confusion": conf.tolist(),
                     "recall": (conf.diagonal() / np.maximum(conf.sum(axis=1), 1)).tolist()}
    return out


# ----------------------------------------------------------------------------- contact sheet


def _fit(img: np.ndarray, height: int = CELL_H) -> np.ndarray:
    width = round(img.shape[1] * height / img.shape[0])
    interp = cv2.INTER_AREA if height < img.shape[0] else cv2.INTER_CUBIC
    return cv2.resize(img, (width, height), interpolation=interp)


def labelled(img: np.ndarray, text: str) -> np.ndarray:
    """A cell: the image fitted to CELL_H px high with ``text`` on a black bar on top."""
    out = _fit(img).copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 20), (0, 0, 0), -1)
    cv2.putText(out, text, (4, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                cv2.LINE_AA)
    return out


def cell(out: np.ndarray, row: Row) -> np.ndarray:
    if "error" in row:
        return labelled(np.full((CELL_H, 245, 3), 200, np.uint8), f"{row['style_name']}: error")
    d = row.get("d_input")
    tag = "no face" if d is None else f"d={d:.2f}"
    return labelled(out, f"{row['style']} {row['style_name']} {tag}")


def _grid(rows: list[list[np.ndarray]]) -> np.ndarray:
    """Rows of cells (HxWx3 RGB) on white, 4 px apart, top-left aligned."""
    def pad(im: np.ndarray, h: int) -> np.ndarray:
        return cv2.copyMakeBorder(im, 0, h - im.shape[0] + 4, 0, 4, cv2.BORDER_CONSTANT,
                                  value=(255, 255, 255))
    lines = [np.hstack([pad(im, max(c.shape[0] for c in row)) for im in row]) for row in rows]
    width = max(line.shape[1] for line in lines)
    return np.vstack([cv2.copyMakeBorder(line, 0, 0, 0, width - line.shape[1],
                                         cv2.BORDER_CONSTANT, value=(255, 255, 255))
                      for line in lines])


def contact_sheet(mod: ModuleType, results: list[dict[str, Any]], ref_path: str,
                  path: Path) -> list[str]:
    """One row per sheet person (input, then the ten styles) and one row with the style
    reference and the custom-style outputs of the same people."""
    chosen = [r for r in results if r["thumbs"]]
    rows = [[labelled(load(PORTRAITS / f"{r['person']}{PHOTO}"), f"input {r['person']}")]
            + [r["thumbs"][i] for i in sorted(mod.STYLES)] for r in chosen]
    ref = labelled(load(CORPUS / ref_path), f"custom ref {Path(ref_path).stem[:26]}")
    rows.append([ref] + [r["thumbs"][mod.CUSTOM_STYLE] for r in chosen
                         if mod.CUSTOM_STYLE in r["thumbs"]])
    cv2.imwrite(str(path), cv2.cvtColor(_grid(rows), cv2.COLOR_RGB2BGR))
    return [r["person"] for r in chosen]


# ----------------------------------------------------------------------------- report


def latency_lines(lat: dict[str, Any]) -> list[str]:
    stages = list(dict.fromkeys(k for s in lat["styles"].values() for k in s["stages_p50_ms"]))
    lines = ["| # | style | runs | wall p50 | wall p95 | CPU p50 | <= 1.5 s p50 | "
             + " | ".join(stages) + " |", "|---" * (7 + len(stages)) + "|"]
    for key, s in lat["styles"].items():
        cells = " | ".join(f"{s['stages_p50_ms'].get(k, 0):.0f}" for k in stages)
        lines.append(f"| {key} | {s['style']} | {len(s['runs'])} | {s['wall_ms']['p50']:.0f} | "
                     f"{s['wall_ms']['p95']:.0f} | {s['cpu_ms']['p50']:.0f} | "
                     f"{ok_text(s['wall_ms']['p50'] <= TARGETS['p50_ms'])} | {cells} |")
    out = next(iter(lat["styles"].values()))["output"] if lat["styles"] else [0, 0]
    lines += [f"- latency error: {e}" for e in lat.get("errors", [])]
    return lines + ["", (f"Times in ms. Inputs: {', '.join(lat['inputs'])} (output {out[0]}x"
                    f"{out[1]}); stage columns are p50 of `report[\"timings_ms\"]`. Load "
                    f"average before / after: {loads_text(lat['load_before'])} / "
                    f"{loads_text(lat['load_after'])}; peak RSS {lat['peak_rss_mb']:.0f} MB."), ""]


def identity_lines(ident: dict[str, Any]) -> list[str]:
    lines = [("| # | style | outputs | d(input) < 0.6 | >= 80% | mean d(input) | max d(input) | "
             "no face | errors | mean d(reference) | retrieved |"), "|---" * 11 + "|"]
    for key, s in ident["styles"].items():
        lines.append(f"| {key} | {s['style']} | {s['outputs']} | {s['kept_share']:.0%} "
                     f"({s['kept']}) | {ok_text(s['kept_share'] >= TARGETS['kept_share'])} | "
                     f"{fmt(s['mean_d_input'])} | {fmt(s['max_d_input'])} | {s['no_face']} | "
                     f"{s['errors']} | {fmt(s['mean_d_reference'])} | "
                     f"{s['retrieved_share']:.0%} |")
    return lines + ["", (f"{ident['people']} people. Baseline: mean distance between the input "
                    f"photo and the same person's held-apart reference sitting "
                    f"{fmt(ident['input_vs_reference_mean'])}."), ""]


def worst_lines(rows: list[Row], count: int = 10) -> list[str]:
    """The outputs farthest from their input (no face first)."""
    ranked = sorted((r for r in rows if "error" not in r),
                    key=lambda r: -(r.get("d_input") or 9.0))[:count]
    return ["Farthest outputs: " + "; ".join(
        f"{r['person']} / {r['style_name']} "
        + ("no face" if r.get("d_input") is None else f"{r['d_input']:.3f}")
        for r in ranked) + ".", ""]


def classifier_lines(cls: dict[str, Any]) -> list[str]:
    names = cls["styles"]
    lines = [f"{cls['outputs']} outputs, {cls['features']} features, {len(cls['folds'])} "
             "folds split by person (test people of each fold: "
             + "; ".join(", ".join(f) for f in cls["folds"]) + ").", ""]
    for name in rf.CLASSIFIERS:
        c = cls[name]
        lines.append(f"- {name}: accuracy {c['accuracy']:.1%} (target >= 95%: "
                     f"{ok_text(c['accuracy'] >= TARGETS['accuracy'])}); per fold "
                     + ", ".join(f"{a:.0%}" for a in c["fold_accuracy"]))
    conf = cls["logistic_regression"]["confusion"]
    lines += ["", ("Confusion matrix (logistic regression; rows = true style, columns = "
              "predicted, numbered as the styles):"), "",
              "| true \\ predicted | " + " | ".join(str(i) for i in range(len(names)))
              + " | recall |", "|---" * (len(names) + 2) + "|"]
    recall = cls["logistic_regression"]["recall"]
    for i, row in enumerate(conf):
        lines.append(f"| {i} {names[i]} | " + " | ".join(str(v) for v in row)
                     + f" | {recall[i]:.0%} |")
    return lines + [""]


DEFINITIONS = """\
## Definitions

- Latency: one process, BLAS/OpenMP and OpenCV at 1 thread (the worker's settings); per style
  one warm-up call (excluded), then the timed `repaint()` calls cycling through three people's
  official portraits upscaled (bicubic) so that the output's short side is 1536 px. Wall and
  CPU time of `repaint()` only (no decode/encode). The machine has 2 cores shared with other
  jobs: compare CPU with wall time and read the load average.
- Identity: dlib 128-D descriptor of the largest face (MediaPipe detection) of the input photo
  (335x410) and of the output shrunk (INTER_AREA) to a 512 px short side; "kept" = Euclidean
  distance < 0.6; outputs without a detectable face or with an engine error count as not kept.
  d(reference) is to the same person's earlier sitting (`bioguide_earlier_2`, never repainted);
  retrieved = the nearest of all inputs of this run is the person's own.
- Classifier: per output (all people x the ten styles, seed 0, native 335x410 inputs), colour
  and texture statistics on the output shrunk to a 384 px short side (Lab mean/std/percentiles,
  saturation-weighted hue histogram, saturation histogram, HSV S/V stats, Sobel gradient stats
  and flat share, Laplacian energy, Canny edge density, colour count at 4 bits/channel and
  top-16 share, FFT high-frequency share, colourfulness), standardised on the training rows.
  Grouped k-fold: people are split round-robin into folds; each fold's people are predicted by
  a model trained only on the other people (no person in both). Logistic regression: softmax,
  L2 1e-2, 800 full-batch gradient steps; nearest centroid: Euclidean to class means.
"""


def markdown(data: dict[str, Any]) -> str:
    meta = data["meta"]
    lines = ["# Style-repaint benchmark", "", f"Command: `{meta['command']}`", "",
             (f"Engine `{meta['engine']}` at {meta['engine_version']}; {meta['started']} to "
             f"{meta['finished']}; {meta['cpus']} CPUs; load average at start "
             f"{loads_text(meta['load_start'])}, at end {loads_text(meta['load_end'])}; "
             f"{meta['seconds']:.0f} s in all."), ""]
    if "latency" in data:
        lines += ["## Latency at 1536 output (target p50 <= 1.5 s per style)", ""]
        lines += latency_lines(data["latency"])
    if "identity" in data:
        lines += ["## Identity kept (target >= 80% of outputs with d < 0.6 per style)", ""]
        lines += identity_lines(data["identity"])
    if "outputs" in data:
        lines += worst_lines(data["outputs"])
    if "classifier" in data:
        lines += ["## Styles are distinct (target accuracy >= 95% on held-apart people)", ""]
        lines += classifier_lines(data["classifier"])
    if "sheet" in data:
        lines += ["## Contact sheet", "", (f"`repaint_contact_sheet.png`: rows "
                  f"{', '.join(data['sheet']['people'])} (input, then styles 0-9; labels give "
                  f"d(input)); last row: the custom style (-1) with the style reference "
                  f"`{data['sheet']['style_ref']}`."), ""]
    errors = data.get("errors", [])
    lines += ["## Errors", ""] + ([f"- {e}" for e in errors] or ["- none"]) + [""]
    return "\n".join(lines + [DEFINITIONS])


# ----------------------------------------------------------------------------- main


def engine_version(name: str) -> str:
    """Repo commit and whether the engine file differs from it (read-only git)."""
    rel = "src/" + name.replace(".", "/") + ".py"
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()
    dirty = git("status", "--porcelain", "--", rel)
    return (git("rev-parse", "--short", "HEAD") or "unknown") + (f" + {dirty}" if dirty else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--parts", default="latency,identity,classifier,sheet")
    p.add_argument("--limit", type=int, default=0, help="first N people (0 = all 17)")
    p.add_argument("--latency-runs", type=int, default=5, help="timed runs per style")
    p.add_argument("--workers", type=int, default=2, help="processes for the outputs")
    p.add_argument("--folds", type=int, default=4, help="person folds for the classifier")
    p.add_argument("--style-ref", default=DEFAULT_STYLE_REF, help="path under the corpus")
    p.add_argument("--engine", default=ENGINE, help="module providing the repaint API")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    return p.parse_args(argv)


def output_parts(args: argparse.Namespace, mod: ModuleType, names: list[str], parts: set[str],
                 data: dict[str, Any]) -> None:
    quality = parts & {"identity", "classifier"}
    todo = names if quality else [n for n in names if n in SHEET_PEOPLE]
    thumbs = set(SHEET_PEOPLE) if "sheet" in parts else set()
    print(f"outputs: {len(todo)} people x {len(style_list(mod, True))} styles", flush=True)
    results = run_outputs(args.engine, todo, args.style_ref, thumbs, args.workers)
    data["errors"] = [f"{row['person']} style {row['style']}: {row['error']}"
                      for r in results for row in r["rows"] if "error" in row]
    if "identity" in parts:
        data["identity"] = identity_table(mod, results)
    if "classifier" in parts:
        data["classifier"] = classify(mod, results, args.folds)
    if "sheet" in parts:
        path = args.out / "repaint_contact_sheet.png"
        data["sheet"] = {"people": contact_sheet(mod, results, args.style_ref, path),
                         "style_ref": args.style_ref, "path": str(path)}
    data["outputs"] = [{k: v for k, v in row.items() if k not in ("features", "embedding")}
                       for r in results for row in r["rows"]]


def run_meta(args: argparse.Namespace, command: str, names: list[str]) -> dict[str, Any]:
    return {"command": command, "engine": args.engine,
            "engine_version": engine_version(args.engine), "cpus": os.cpu_count(),
            "load_start": list(os.getloadavg()), "started": time.strftime("%Y-%m-%d %H:%M %Z"),
            "people": names, "threads": {"blas": os.environ.get("OPENBLAS_NUM_THREADS"),
                                         "opencv": cv2.getNumThreads()}}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join([".venv/bin/python bench/bench_repaint.py",
                        *(sys.argv[1:] if argv is None else argv)])
    cv2.setNumThreads(1)
    if not PORTRAITS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    start, mod = time.perf_counter(), engine(args.engine)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    names = people(args.limit or None)
    meta = run_meta(args, command, names)
    data: dict[str, Any] = {"meta": meta}
    if "latency" in parts:
        print(f"latency: {args.latency_runs} runs per style, load {os.getloadavg()}", flush=True)
        data["latency"] = run_latency(mod, names, args.latency_runs, load(CORPUS / args.style_ref))
    if parts & {"identity", "classifier", "sheet"}:
        output_parts(args, mod, names, parts, data)
    meta.update(load_end=list(os.getloadavg()), finished=time.strftime("%Y-%m-%d %H:%M %Z"),
                seconds=time.perf_counter() - start)
    (args.out / "bench_repaint.json").write_text(json.dumps(data, indent=1))
    (args.out / "bench_repaint.md").write_text(markdown(data))
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
