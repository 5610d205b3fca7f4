"""Glam-photo benchmark: identity retrieval, similarity curve, latency, Clarity and a contact
sheet.

Usage::

    .venv/bin/python bench/bench_glam.py [--templates N] [--latency-runs N]
                                         [--clarity-runs N] [--skip-clarity] [--quick]

- Identity: every public-domain identity pair of ``../shared/corpus/portraits`` (a person with
  both ``*__house_official_1.jpg`` and ``*__bioguide_earlier_2.jpg``) is a user: the official
  photo goes into ``--templates`` other people's official photos; each job renders the four
  styles. An output is *retrieved* when, among the bioguide photos of all users (dlib 128-D
  embeddings), its nearest is the user's own. Distances are to that reference photo (a different
  sitting from the one fused). Similarity 0, 0.3, 0.6, 0.9 and 1 give the curve.
- Latency: ``prepare`` + four ``render`` calls (Num=4, default random styles, no Clarity, logo
  on) + JPEG encoding, for a 1080x1320 template (the PD Obama 2012 portrait scaled), in this
  process after one warm-up job, with the worker's thread settings (BLAS/OpenMP 1 thread, OpenCV
  1 thread). Wall and CPU time, and the load average, are reported: the machine has 2 cores and
  other jobs may be running.
- Clarity x2 / x4 on the same job (report only).
- Contact sheet: four users x the four styles, plus one two-user result.

Writes ``bench/out/bench_glam.md``, ``bench_glam.json``, ``glam_similarity.png``,
``glam_contact_sheet.png`` (and a face close-up sheet).
"""

from __future__ import annotations

import os

# the worker's native thread settings; BLAS reads them when numpy loads (see bootstrap.py)
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse
import itertools
import json
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "bench" / "out"
CORPUS = ROOT / "../shared/corpus"
PORTRAITS = CORPUS / "portraits"
SIMILARITIES = (0.0, 0.3, 0.6, 0.9, 1.0)
STYLES = ("real", "balanced", "textured", "beautiful")
LATENCY_TEMPLATE = "barack_obama__official_2012_portrait_1.jpg"
LATENCY_USERS = ("andy_kim", "alexandria_ocasio_cortez", "burgess_owens")
SHEET = (("andy_kim", "ted_lieu"), ("ilhan_omar", "pramila_jayapal"),
         ("harold_rogers", "steny_h_hoyer"), ("sylvia_r_garcia", "nancy_pelosi"))
SHEET_TWO = ("groups/obama_biden__two_people_2faces.jpg", ("andy_kim", "pete_aguilar"))


def load(path: Path) -> np.ndarray:
    """HxWx3 uint8 RGB."""
    from portrait_studio.imaging.codec import decode_image

    return np.asarray(decode_image(path.read_bytes()), np.uint8)


def official(person: str) -> Path:
    return PORTRAITS / f"{person}__house_official_1.jpg"


def reference(person: str) -> Path:
    return PORTRAITS / f"{person}__bioguide_earlier_2.jpg"


def identity_pairs() -> list[str]:
    people = sorted(p.name.split("__")[0] for p in PORTRAITS.glob("*__bioguide_earlier_2.jpg"))
    return [p for p in people if official(p).is_file()]


def all_officials() -> list[str]:
    return sorted(p.name.split("__")[0] for p in PORTRAITS.glob("*__house_official_1.jpg"))


def templates_for(index: int, user: str, people: list[str], count: int) -> list[str]:
    """``count`` other people's official photos, spread deterministically over the list."""
    others = [p for p in people if p != user]
    return [others[(index * 7 + k * 13) % len(others)] for k in range(count)]


def embed(image: np.ndarray) -> np.ndarray | None:
    """dlib descriptor of the largest face, or None when no face is found."""
    from portrait_studio.perception.faces import detect_faces
    from portrait_studio.perception.identity import embedding

    faces = detect_faces(image)
    return embedding(image, faces[0].box) if faces else None


# --- identity and similarity -------------------------------------------------------------

@dataclass
class Trial:
    user: str
    template: str
    similarity: float
    style: str
    distance: float | None
    retrieved: bool


def run_trials(users: list[str], templates: int) -> list[Trial]:
    from portrait_studio.pipelines.glam import GlamParams, GlamUser, prepare
    from portrait_studio.pipelines.glam_render import render

    refs = {u: embed(load(reference(u))) for u in users}
    gallery = {u: e for u, e in refs.items() if e is not None}
    people, trials = all_officials(), []
    for i, user in enumerate(users):
        photo = load(official(user))
        for template in templates_for(i, user, people, templates):
            image = load(official(template))
            for s in SIMILARITIES:
                params = GlamParams(styles=STYLES, similarity=s, seed=0, logo_add=0)
                plan = prepare(image, [GlamUser((photo,))], params)
                for k, style in enumerate(STYLES):
                    trials.append(_trial(user, template, s, style, render(plan, k), gallery))
        print(f"  {user}: done", flush=True)
    return trials


def _trial(user: str, template: str, s: float, style: str, out: np.ndarray,
           gallery: dict[str, np.ndarray]) -> Trial:
    from portrait_studio.perception.identity import distance

    emb = embed(out)
    if emb is None:
        return Trial(user, template, s, style, None, False)
    dists = {u: distance(emb, e) for u, e in gallery.items()}
    return Trial(user, template, s, style, dists[user], min(dists, key=dists.__getitem__) == user)


def summarize(trials: list[Trial]) -> dict[str, Any]:
    """Retrieval and mean distance per similarity and style (and over all styles)."""
    out: dict[str, Any] = {"retrieval": {}, "mean_distance": {}, "undetected": 0}
    for style in (*STYLES, "all"):
        rows = [t for t in trials if style in ("all", t.style)]
        out["retrieval"][style] = {str(s): _rate([t for t in rows if t.similarity == s])
                                   for s in SIMILARITIES}
        out["mean_distance"][style] = {str(s): _mean([t for t in rows if t.similarity == s])
                                       for s in SIMILARITIES}
    out["undetected"] = sum(t.distance is None for t in trials)
    out["monotonic_trials"] = _monotonic_share(trials)
    out["trials"] = len({(t.user, t.template) for t in trials})
    return out


def _rate(rows: list[Trial]) -> float:
    return round(sum(t.retrieved for t in rows) / max(1, len(rows)), 4)


def _mean(rows: list[Trial]) -> float:
    values = [t.distance for t in rows if t.distance is not None]
    return round(float(np.mean(values)), 4) if values else float("nan")


def _monotonic_share(trials: list[Trial]) -> float:
    """Share of (user, template, style) series whose distance falls at every step."""
    series: dict[tuple[str, str, str], dict[float, float | None]] = {}
    for t in trials:
        series.setdefault((t.user, t.template, t.style), {})[t.similarity] = t.distance
    ok = 0
    for values in series.values():
        d = [values.get(s) for s in SIMILARITIES]
        ok += all(a is not None and b is not None and a > b for a, b in itertools.pairwise(d))
    return round(ok / max(1, len(series)), 4)


def plot_similarity(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for style in (*STYLES, "all"):
        values = [summary["mean_distance"][style][str(s)] for s in SIMILARITIES]
        ax.plot(SIMILARITIES, values, marker="o", lw=2.5 if style == "all" else 1.2,
                label=f"{style}")
    ax.axhline(0.6, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("Similarity")
    ax.set_ylabel("dlib distance to the user's reference photo")
    ax.set_title(f"Glam: likeness vs Similarity ({summary['trials']} user/template pairs)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --- latency -----------------------------------------------------------------------------

def latency_template() -> np.ndarray:
    """The PD Obama 2012 portrait scaled to 1080 wide and cut to 1080x1320 (HxWx3 RGB)."""
    image = load(PORTRAITS / LATENCY_TEMPLATE)
    height = round(image.shape[0] * 1080 / image.shape[1])
    return np.ascontiguousarray(cv2.resize(image, (1080, height),
                                           interpolation=cv2.INTER_CUBIC)[:1320])


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)
    load: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"runs": len(self.wall), "wall_p50_s": _round(statistics.median(self.wall)),
                "wall_min_s": _round(min(self.wall)), "wall_max_s": _round(max(self.wall)),
                "cpu_p50_s": _round(statistics.median(self.cpu)),
                "load_avg_1min": [round(x, 2) for x in self.load],
                "stages_ms_p50": {k: round(statistics.median(s.get(k, 0.0)
                                                             for s in self.stages), 1)
                                  for k in self.stages[0]} if self.stages else {}}


def _round(x: float) -> float:
    return round(x, 3)


def one_job(template: np.ndarray, user: np.ndarray, clarity: str | None,
            seed: int) -> dict[str, float]:
    from portrait_studio.imaging.codec import encode_image
    from portrait_studio.pipelines.glam import GlamParams, GlamUser, prepare
    from portrait_studio.pipelines.glam_render import render

    plan = prepare(template, [GlamUser((user,))], GlamParams(clarity=clarity, seed=seed))
    start = time.perf_counter()
    for i in range(4):
        encode_image(render(plan, i), "jpeg", 92)
    timings = dict(plan.report.timings_ms)
    timings["render_and_encode"] = (time.perf_counter() - start) * 1000
    return timings


def time_jobs(clarity: str | None, runs: int) -> Timing:
    template = latency_template()
    users = [load(official(u)) for u in LATENCY_USERS]
    timing = Timing()
    for run in range(runs):
        timing.load.append(os.getloadavg()[0])
        wall, cpu = time.perf_counter(), time.process_time()
        stages = one_job(template, users[run % len(users)], clarity, seed=run)
        timing.wall.append(time.perf_counter() - wall)
        timing.cpu.append(time.process_time() - cpu)
        timing.stages.append(stages)
        print(f"  {clarity or 'none'} run {run}: {timing.wall[-1]:.2f} s wall, "
              f"{timing.cpu[-1]:.2f} s CPU, load {timing.load[-1]:.2f}", flush=True)
    return timing


# --- contact sheet -----------------------------------------------------------------------

def _label(image: np.ndarray, text: str) -> np.ndarray:
    out = image.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 22), (0, 0, 0), -1)
    cv2.putText(out, text, (5, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                cv2.LINE_AA)
    return out


def _fit(image: np.ndarray, height: int) -> np.ndarray:
    width = round(image.shape[1] * height / image.shape[0])
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def sheet_rows() -> tuple[list[list[np.ndarray]], list[list[np.ndarray]], list[str]]:
    from portrait_studio.pipelines.glam import GlamParams, GlamUser, glam

    rows, faces, notes = [], [], []
    for user, template in SHEET:
        photo, tmpl = load(official(user)), load(official(template))
        result = glam(tmpl, [GlamUser((photo,))], GlamParams(styles=STYLES, seed=0))
        rows.append([_label(_fit(photo, 410), f"user {user}"),
                     _label(_fit(tmpl, 410), f"template {template}")]
                    + [_label(_fit(im, 410), s) for im, s in zip(result.images, STYLES,
                                                                 strict=True)])
        box = result.report.users[0].template_box
        faces.append([_face_crop(im, box) for im in (tmpl, *result.images)])
        notes.append(f"{user} -> {template}: {result.report.users[0].reason}")
    group_path, pair = SHEET_TWO
    group = load(CORPUS / group_path)
    users = [GlamUser((load(official(u)),)) for u in pair]
    two = glam(group, users, GlamParams(num=2, seed=0))
    rows.append([_label(_fit(group, 410), "template (2 faces)")]
                + [_label(_fit(im, 410), f"users {pair[0]} + {pair[1]}, balanced v{i}")
                   for i, im in enumerate(two.images)])
    return rows, faces, notes


def _face_crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    pad = int(0.35 * max(w, h))
    crop = image[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + pad]
    return cv2.resize(crop, (240, round(240 * crop.shape[0] / crop.shape[1])),
                      interpolation=cv2.INTER_CUBIC)


def _grid(rows: list[list[np.ndarray]]) -> np.ndarray:
    """Rows of images (HxWx3 RGB) on a white ground, 4 px apart, top-left aligned."""
    height = max(im.shape[0] for row in rows for im in row)
    lines = [np.concatenate([cv2.copyMakeBorder(im, 0, height - im.shape[0] + 4, 0, 4,
                                                cv2.BORDER_CONSTANT, value=(255, 255, 255))
                             for im in row], axis=1) for row in rows]
    width = max(line.shape[1] for line in lines)
    return np.concatenate([cv2.copyMakeBorder(line, 0, 0, 0, width - line.shape[1],
                                              cv2.BORDER_CONSTANT, value=(255, 255, 255))
                           for line in lines], axis=0)


def contact_sheet() -> list[str]:
    rows, faces, notes = sheet_rows()
    cv2.imwrite(str(OUT / "glam_contact_sheet.png"), _grid(rows)[..., ::-1])
    labelled = [[_label(f, name) for f, name in zip(row, ("template", *STYLES), strict=True)]
                for row in faces]
    cv2.imwrite(str(OUT / "glam_faces.png"), _grid(labelled)[..., ::-1])
    return notes


# --- report ------------------------------------------------------------------------------

def markdown(summary: dict[str, Any], timings: dict[str, Any], notes: list[str],
             meta: dict[str, Any]) -> str:
    machine = (f"Machine: {meta['cpus']} CPUs, load average {meta['load_start']} at start, "
               f"{meta['load_end']} at end. Threads: BLAS/OpenMP "
               f"{os.environ.get('OPENBLAS_NUM_THREADS')}, OpenCV {cv2.getNumThreads()}.")
    lines = ["# Glam benchmark", "", machine, ""]
    if summary:
        lines += _quality_tables(summary)
    for name, t in timings.items():
        lines += [f"## Latency, {name}", "", "```", json.dumps(t, indent=1), "```", ""]
    lines += ["## Photo choice on the contact sheet", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _quality_tables(summary: dict[str, Any]) -> list[str]:
    head = "| style | " + " | ".join(f"S={s}" for s in SIMILARITIES) + " |"
    rule = "|---" * (len(SIMILARITIES) + 1) + "|"
    counts = (f"Pairs (user x template): {summary['trials']}; outputs without a detected "
              f"face: {summary['undetected']}; series falling at every step: "
              f"{summary['monotonic_trials']:.1%}.")
    out = [counts, "",
           "## Identity retrieval (nearest of all users' reference photos is the user)", "",
           head, rule]
    for style, row in summary["retrieval"].items():
        out.append(f"| {style} | " + " | ".join(f"{row[str(s)]:.1%}" for s in SIMILARITIES)
                   + " |")
    out += ["", "## Mean dlib distance to the user's reference photo", "", head, rule]
    for style, row in summary["mean_distance"].items():
        out.append(f"| {style} | " + " | ".join(f"{row[str(s)]:.3f}" for s in SIMILARITIES)
                   + " |")
    return [*out, "", "![similarity](glam_similarity.png)", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--templates", type=int, default=3)
    parser.add_argument("--latency-runs", type=int, default=9)
    parser.add_argument("--clarity-runs", type=int, default=1)
    parser.add_argument("--skip-clarity", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--users", type=int, default=0, help="only the first N users")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-sheet", action="store_true")
    parser.add_argument("--quick", action="store_true", help="4 users, 1 template, 3 runs")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"cpus": os.cpu_count(), "load_start": [round(x, 2) for x in os.getloadavg()]}
    users = identity_pairs()[:4 if args.quick else (args.users or None)]
    summary: dict[str, Any] = {}
    if not args.skip_quality:
        print(f"identity: {len(users)} users", flush=True)
        summary = summarize(run_trials(users, 1 if args.quick else args.templates))
        plot_similarity(summary, OUT / "glam_similarity.png")
    timings = {} if args.skip_latency else latency(args)
    notes = [] if args.skip_sheet else contact_sheet()
    meta.update(load_end=[round(x, 2) for x in os.getloadavg()],
                peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    name = "bench_glam" if not (args.users or args.quick) else "bench_glam_partial"
    (OUT / f"{name}.json").write_text(json.dumps(
        {"meta": meta, "quality": summary, "latency": timings, "notes": notes}, indent=1))
    (OUT / f"{name}.md").write_text(markdown(summary, timings, notes, meta))
    print(markdown(summary, timings, notes, meta))


def latency(args: argparse.Namespace) -> dict[str, Any]:
    print("latency: warm-up", flush=True)
    one_job(latency_template(), load(official(LATENCY_USERS[0])), None, seed=99)
    runs = 3 if args.quick else args.latency_runs
    timings = {"Num=4, no Clarity, 1080x1320": time_jobs(None, runs).as_dict()}
    if not args.skip_clarity:
        for clarity in ("x2", "x4"):
            timings[f"Num=4, Clarity {clarity}, 1080x1320"] = time_jobs(
                clarity, args.clarity_runs).as_dict()
    return timings


if __name__ == "__main__":
    main()
