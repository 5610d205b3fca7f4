"""`portrait-studio` command line: fuse, demo, keys, media, serve."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import PortraitError

DEMO_USER = "portraits/andy_kim__house_official_1.jpg"
DEMO_TEMPLATE = "portraits/alexandria_ocasio_cortez__house_official_1.jpg"


def _quiet_native_logs() -> None:
    """Silence TensorFlow Lite / absl start-up chatter on stderr (must precede mediapipe)."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def find_corpus() -> Path | None:
    """``shared/corpus`` beside the project checkout (or in the working directory's parent)."""
    here = Path(__file__).resolve()
    for base in [*here.parents, Path.cwd(), *Path.cwd().parents]:
        candidate = base / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


def add_demo_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="fuse two corpus photos and write the result")
    p.add_argument("-o", "--output", type=Path, default=Path("out/demo_fusion.jpg"))


def run_demo(args: argparse.Namespace) -> int:
    from .fuse import add_fuse_parser, run_fuse

    corpus = find_corpus()
    if corpus is None:
        print("demo: ../shared/corpus not found", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser()
    add_fuse_parser(parser.add_subparsers())
    fuse_args = parser.parse_args(["fuse", "--template", str(corpus / DEMO_TEMPLATE), "--face",
                                   str(corpus / DEMO_USER), "-o", str(args.output)])
    print(f"fusing {DEMO_USER} into {DEMO_TEMPLATE}")
    return run_fuse(fuse_args)


def build_parser() -> argparse.ArgumentParser:
    from .fuse import add_fuse_parser, run_fuse
    from .keys import add_keys_parser, run_keys
    from .media import add_media_parser, run_media

    parser = argparse.ArgumentParser(prog="portrait-studio",
                                     description="offline AI portrait server, library and CLI")
    sub = parser.add_subparsers(dest="command", required=True)
    add_fuse_parser(sub)
    add_demo_parser(sub)
    add_keys_parser(sub)
    add_media_parser(sub)
    handlers = {"fuse": run_fuse, "demo": run_demo, "keys": run_keys, "media": run_media}
    try:
        from .serve import add_serve_parser, run_serve

        add_serve_parser(sub)
        handlers["serve"] = run_serve
    except ImportError:
        pass
    parser.set_defaults(_handlers=handlers)
    return parser


def main(argv: list[str] | None = None) -> int:
    _quiet_native_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args._handlers[args.command](args)
    except PortraitError as exc:
        where = f" ({exc.field})" if exc.field else ""
        print(f"error{where}: {exc.message} [code {exc.code}]", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
