"""`portrait-studio fuse`: face fusion from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..capabilities.watermark.types import LogoRect, WatermarkParams
from ..errors import ParameterError
from ..imaging.codec import decode_image, decode_image_rgba, encode_image
from ..imaging.limits import LOGO_LIMITS
from ..perception.faces import Box
from ..pipelines.fusion import FusionParams, FusionResult, MergeEntry, fuse
from ..pipelines.fusion_params import DEFAULT_FUSION_LOGO_TEXT


def parse_rect(text: str, name: str) -> Box:
    """``X,Y,W,H`` -> :class:`Box` (ParameterError naming ``name`` otherwise)."""
    try:
        x, y, w, h = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise ParameterError(f"{name} must be X,Y,W,H (four numbers), got {text!r}",
                             field=name) from exc
    return Box(x, y, w, h)


def add_fuse_parser(sub: Any) -> None:
    p = sub.add_parser("fuse", help="fuse user face(s) into a template photo")
    p.add_argument("--template", required=True, type=Path, help="template photo")
    p.add_argument("--face", required=True, type=Path, action="append",
                   help="user photo (repeat for several faces, in template-face order)")
    p.add_argument("--template-face-rect", action="append", default=[], metavar="X,Y,W,H",
                   help="template face for the n-th --face (repeatable)")
    p.add_argument("--input-face-rect", action="append", default=[], metavar="X,Y,W,H",
                   help="face to take from the n-th --face photo (repeatable)")
    p.add_argument("--warp", type=float, default=0.7, help="WarpRadio 0..1 (0.7)")
    p.add_argument("--enhance", type=float, default=0.5, help="EnhanceRadio 0..1 (0.5)")
    p.add_argument("--smooth", type=float, default=0.5, help="MpRadio 0..1 (0.5)")
    p.add_argument("--teeth", type=int, default=1, help="TeethEnhanceRadio 0/1 (1)")
    p.add_argument("--makeup", type=int, default=0, help="MakeupTransferRadio 0/1 (0)")
    p.add_argument("--model", type=int, default=1, help="SwapModelType 1..6 (1)")
    p.add_argument("--skin-tone", choices=("user", "template"), default="user")
    p.add_argument("--no-logo", action="store_true", help="no AI-synthesis watermark")
    p.add_argument("--logo", type=Path, help="custom logo image instead of the text")
    p.add_argument("--logo-rect", metavar="X,Y,W,H", help="where the custom logo goes")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-o", "--output", required=True, type=Path, help="result image (.jpg/.png)")


def _rect_at(rects: list[str], i: int, name: str) -> Box | None:
    return parse_rect(rects[i], name) if i < len(rects) else None


def build_request(args: argparse.Namespace) -> tuple[Any, list[MergeEntry], FusionParams]:
    template = decode_image(args.template.read_bytes(), field="template")
    merges = [MergeEntry(decode_image(path.read_bytes(), field=f"face {i + 1}"),
                         _rect_at(args.input_face_rect, i, "--input-face-rect"),
                         _rect_at(args.template_face_rect, i, "--template-face-rect"))
              for i, path in enumerate(args.face)]
    logo = decode_image_rgba(args.logo.read_bytes(), LOGO_LIMITS, field="logo") if args.logo else None
    rect = None
    if args.logo_rect:
        b = parse_rect(args.logo_rect, "--logo-rect")
        rect = LogoRect(int(b.x), int(b.y), int(b.w), int(b.h))
    watermark = WatermarkParams(enabled=not args.no_logo, text=DEFAULT_FUSION_LOGO_TEXT,
                                logo=logo, rect=rect)
    params = FusionParams(warp=args.warp, enhance=args.enhance, smooth=args.smooth,
                          teeth=args.teeth, makeup=args.makeup, model=args.model,
                          skin_tone=args.skin_tone, watermark=watermark, compute_identity=True)
    return template, merges, params


def report_lines(result: FusionResult, faces: list[Path]) -> list[str]:
    lines = []
    for i, face in enumerate(result.report.faces):
        x, y, w, h = face.template_box
        ux, uy, uw, uh = face.user_box
        lines.append(f"face {i + 1}: {faces[i].name} [{ux},{uy},{uw}x{uh}] -> template "
                     f"[{x},{y},{w}x{h}]{' (mirrored)' if face.mirrored else ''}; identity "
                     f"distance to user {face.identity_distance:.3f} (same person < 0.6)")
    total = sum(result.report.timings_ms.values())
    stages = ", ".join(f"{k} {v:.0f}" for k, v in result.report.timings_ms.items())
    lines.append(f"time {total:.0f} ms ({stages})")
    return lines


def run_fuse(args: argparse.Namespace) -> int:
    template, merges, params = build_request(args)
    result = fuse(template, merges, params)
    fmt = "png" if args.output.suffix.lower() == ".png" else "jpeg"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(encode_image(result.image, fmt))
    if args.json:
        print(json.dumps({"output": str(args.output), "faces": [
            vars(f) for f in result.report.faces], "timings_ms": result.report.timings_ms}))
    else:
        print("\n".join(report_lines(result, args.face) + [f"wrote {args.output}"]))
    return 0
