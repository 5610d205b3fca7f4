"""Try-on, a torso layer given back round a painted upper arm (garment/reclaim.py
``reclaim``, ``beyond_arm``): the layer is no wider than the torso; the old sleeve's outer
side beyond the arm, joined to the layer over the shoulder, is not given back."""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.reclaim import beyond_arm, reclaim
from tests.corpus import dressed, needs_corpus


def _hanging_arm() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(alpha, uncut, cut, arm) 100x100: a layer x 10..79 cut by an arm's zone x 50..79 in
    rows 40..99; the arm drawn x 53..64 in rows 40..99 (the old sleeve's outer side x
    65..79 is beyond it)."""
    uncut = np.zeros((100, 100), np.float32)
    uncut[10:, 10:80] = 1
    cut = np.zeros((100, 100), bool)
    cut[40:, 50:80] = True
    alpha = uncut * ~cut
    arm = np.zeros((100, 100), bool)
    arm[40:, 53:65] = True
    return alpha.astype(np.float32), uncut, cut, arm


def test_the_layer_is_not_given_back_beyond_a_hanging_arm() -> None:
    alpha, uncut, cut, arm = _hanging_arm()
    out = reclaim(alpha, uncut, cut, arm)
    assert float(out[45:, 68:].max()) == 0.0      # beyond the arm: none
    assert (out[10:40, 10:80] == 1).all()          # above it, as laid
    assert (out[45:, 10:52] > 0.9).all()           # up to the arm


def test_an_arm_crossed_over_the_layer_leaves_it_beyond() -> None:
    """An arm x 30..44 in front of a layer solid beyond it (x 45..79): nothing is beyond."""
    solid = np.zeros((60, 100), bool)
    solid[:, 10:30] = True
    solid[:, 45:80] = True
    arm = np.zeros((60, 100), bool)
    arm[:, 30:45] = True
    free = np.ones((60, 100), bool) & ~solid & ~arm
    assert not beyond_arm(free, solid, arm)[:, 10:80].any()


def test_a_fleck_between_the_layer_and_the_arm_is_no_arm() -> None:
    """A 2 px fleck of arm (the clothing's rim) x 50..51 in the gap x 50..59 between the
    layer (x ..49) and the arm (x 60..74): the gap stays free, only x 75.. is beyond."""
    solid = np.zeros((20, 100), bool)
    solid[:, 10:50] = True
    arm = np.zeros((20, 100), bool)
    arm[:, 50:52] = True
    arm[:, 60:75] = True
    free = ~solid & ~arm
    out = beyond_arm(free, solid, arm)
    assert not out[:, :75].any()
    assert out[:, 75:].all()


@needs_corpus
def test_no_dress_beyond_catvtons_painted_upper_arm() -> None:
    """catvton_condition_baumu (crochet short-sleeve shirt, her image-right arm hanging
    against the torso) in the orange sleeveless dress at 768x1024: in rows 470..599, x
    600..699 (the old sleeve), pixels right of each row's last skin-coloured pixel that
    are not the light backdrop. Before: 1327 (a strip of dress outside the painted upper
    arm, down to the old sleeve's hem: the bodice far wider than her torso); after: 42."""
    out = dressed("catvton_condition_baumu", "dresscode_053319_1", (768, 1024)).images[0]
    box = out[470:600, 600:700].astype(int)
    red, blue = box[..., 0], box[..., 2]
    skin = (red - blue > 40) & (red - blue <= 150) & (red > 150)
    backdrop = (box.min(axis=2) > 200) & (np.ptp(box, axis=2) < 25)
    cols = np.arange(box.shape[1])
    beyond = 0
    for r in range(box.shape[0]):
        xs = np.flatnonzero(skin[r])
        if len(xs):
            beyond += int(((cols > xs[-1]) & ~backdrop[r]).sum())
    assert beyond <= 100
