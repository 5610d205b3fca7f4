"""A dress on a full-body person (issue 7): its skirt hangs in one piece across the gap
between the legs, its hem lands where the product photo's length puts it on the legs seen
(the orange midi mid-calf, the floral short dress above the knee), and the old trousers
below the hem are bare legs (the skier's bent legs drawn from the pose,
test_try_on_posed_legs.py; a frontal man's straight legs, test_try_on_bare_legs.py); on an
upper-body crop the dress still runs off the photo's bottom.

The photos are read from the shared corpus (those tests skip without it) and resized to
768x1024 as the bench and the render tool do. The skier (``skier_woman``, CC BY) stands
side-on with her legs apart in black ski trousers; ``dresscode_049205_0`` is a frontal man
in blue joggers. Rows of the hip, knee and ankle joints are the pose's, both legs averaged
(skier 526 / 679 / 846).
"""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.body import Body
from portrait_studio.capabilities.garment.kinds import row_runs
from portrait_studio.pipelines.try_on import TryOnResult
from tests.corpus import body, dressed, needs_corpus, photo

SIZE = (768, 1024)
MIDI = "dresscode_053319_1"          # orange sleeveless dress, flared skirt to mid-calf
SHORT = "catvton_overall_21744571"   # floral crochet dress, above the knee
SKIER = "skier_woman"
JOGGERS = "dresscode_049205_0"


def _joints(b: Body) -> tuple[float, float, float]:
    """Mean rows of the hip, knee and ankle joints of both legs."""
    pose = b.pose
    rows = [[float(pose.p(side[k])[1]) for k in ("hip", "knee", "ankle")]
            for side in pose.sides()]
    hip, knee, ankle = np.mean(rows, axis=0)
    return float(hip), float(knee), float(ankle)


def _hem(result: TryOnResult) -> int:
    """Lowest row where the new garment is drawn over more than 20 px."""
    return int(np.flatnonzero(result.garment_masks[0].sum(axis=1) > 20)[-1])


def _gap_cover(b: Body, result: TryOnResult, y0: int, y1: int) -> tuple[int, float]:
    """(pixels, share covered by the new garment) of the backdrop between the legs on the
    rows ``y0``-``y1``: between the first and the last run of the person on rows where it
    shows two or more runs."""
    drawn = result.garment_masks[0]
    total = covered = 0
    for y in range(y0, y1):
        runs = [(a, c) for a, c in row_runs(b.person[y]) if c - a > 5]
        if len(runs) < 2:
            continue
        gap = ~b.person[y, runs[0][1]:runs[-1][0]]
        total += int(gap.sum())
        covered += int((gap & drawn[y, runs[0][1]:runs[-1][0]]).sum())
    return total, covered / max(total, 1)


def _kept_below(stem: str, b: Body, result: TryOnResult, hem: int) -> tuple[int, float]:
    """(pixels, share unchanged within 12 per channel) of the old bottom from 8 rows below
    the hem down."""
    below = b.old_bottom.copy()
    below[:hem + 8] = False
    diff = np.abs(result.images[0].astype(int) - photo(stem, SIZE).astype(int)).max(axis=2)
    return int(below.sum()), float((diff <= 12)[below].mean()) if below.any() else 0.0


def _hem_on_legs(stem: str, dress: str) -> tuple[tuple[float, float, float], int, int, float]:
    """``stem`` in ``dress``: the legs' joint rows (:func:`_joints`), the hem's row
    (:func:`_hem`) and the old bottom kept below it (:func:`_kept_below`)."""
    b, result = body(stem, SIZE), dressed(stem, dress, SIZE)
    hem = _hem(result)
    return (_joints(b), hem, *_kept_below(stem, b, result, hem))


@needs_corpus
def test_midi_skirt_hangs_across_the_skiers_legs() -> None:
    # the old code cut a side view's skirt to the person's silhouette: two orange trouser
    # legs with the snow between them (73% of the gap covered), down to her boots
    b, result = body(SKIER, SIZE), dressed(SKIER, MIDI, SIZE)
    hip, knee, _ = _joints(b)
    pixels, share = _gap_cover(b, result, int(hip + 0.6 * (knee - hip)), int(knee))
    assert pixels > 400
    assert share > 0.97


@needs_corpus
def test_midi_hem_lands_mid_calf_on_the_skier() -> None:
    # old: hem at row 919, past the ankles (1.23 of the leg); below it her ski trousers
    # are bare legs now, only her boots kept (34% of the old bottom there)
    (_, knee, ankle), hem, pixels, kept = _hem_on_legs(SKIER, MIDI)
    assert knee + 0.3 * (ankle - knee) < hem < ankle - 0.15 * (ankle - knee)
    assert pixels > 3000
    assert kept < 0.5


@needs_corpus
def test_short_dress_ends_above_the_skiers_knees() -> None:
    # old: hem at row 756, 0.72 of the leg (mid-shin); below it her ski trousers are bare
    # legs now, only her boots kept
    (hip, knee, _), hem, pixels, kept = _hem_on_legs(SKIER, SHORT)
    assert hip + 0.5 * (knee - hip) < hem < knee
    assert pixels > 5000
    assert kept < 0.5


@needs_corpus
def test_midi_on_a_frontal_man_ends_mid_calf() -> None:
    # old: the skirt ran off the photo's bottom over his shoes (his joggers below the hem
    # are bare legs now: test_try_on_bare_legs.py)
    (_, knee, ankle), hem, pixels, kept = _hem_on_legs(JOGGERS, MIDI)
    assert knee + 0.3 * (ankle - knee) < hem < ankle - 0.15 * (ankle - knee)
    assert pixels > 3000
    assert kept < 0.5


@needs_corpus
def test_midi_on_an_upper_body_crop_runs_off_the_bottom() -> None:
    # no knee seen inside the photo: the skirt keeps the product photo's proportions
    result = dressed("vitonhd_00055_00", MIDI, SIZE)
    assert _hem(result) >= SIZE[1] - 3
