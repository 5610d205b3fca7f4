"""The `portrait-studio fuse` command: its report, its output file and its exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from portrait_studio.imaging.codec import decode_image
from tests.conftest import FIXTURES

KIM = FIXTURES / "andy_kim__house_official_1.jpg"
AOC = FIXTURES / "alexandria_ocasio_cortez__house_official_1.jpg"
NO_FACE = FIXTURES / "mondrian_composition__adain.jpg"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "portrait_studio.cli.main", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_fuse_writes_the_result_and_reports_faces_and_identity(tmp_path: Path) -> None:
    out = tmp_path / "result.png"
    done = _cli("fuse", "--template", str(AOC), "--face", str(KIM), "--enhance", "0", "-o",
                str(out))
    assert done.returncode == 0, done.stderr
    assert "face 1: andy_kim__house_official_1.jpg" in done.stdout
    distance = float(done.stdout.split("identity distance to user ")[1].split()[0])
    assert 0.0 < distance < 0.6
    result = decode_image(out.read_bytes())
    assert result.shape == decode_image(AOC.read_bytes()).shape
    assert not np.array_equal(result, decode_image(AOC.read_bytes()))


def test_fuse_bad_input_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    done = _cli("fuse", "--template", str(NO_FACE), "--face", str(KIM), "-o",
                str(tmp_path / "x.jpg"))
    assert done.returncode == 2
    assert "no face detected" in done.stderr and "face.not_found" in done.stderr
    done = _cli("fuse", "--template", str(AOC), "--face", str(KIM), "--warp", "1.5", "-o",
                str(tmp_path / "x.jpg"))
    assert done.returncode == 2 and "WarpRadio must be between 0 and 1" in done.stderr
    assert not (tmp_path / "x.jpg").exists()
