"""A long patterned dress kept as the top under new trousers (issue 7): its print above the
top/bottom split is the old top, never the old bottom, so nothing of it is revealed above the
trousers' waistband and painted as belly skin (:func:`.body._lower`, :func:`.body._top_pieces`).

``dresscode_052767_0`` (corpus, NC: these tests skip without it) is a woman in a knee-length
black-and-silver patterned long-sleeve dress, 768x1024; ``dresscode_051991_1`` navy flared
trousers. The split falls at row 412; the old colour vote gave a 38x35 px patch of the dress's
print above it (by her left hand) to the old bottom, and the try-on painted it as skin.
"""

from __future__ import annotations

import numpy as np

from portrait_studio.capabilities.garment.body import analyse_body
from portrait_studio.imaging.color import rgb_to_lab
from tests.corpus import body, dressed, needs_corpus, photo

DRESS = "dresscode_052767_0"
TROUSERS = "dresscode_051991_1"


@needs_corpus
def test_dress_print_above_the_split_is_old_top() -> None:
    # old: 881 px of the dress above the split were old bottom (the 843 px patch)
    b = body(DRESS)
    ys = np.arange(b.clothes.shape[0])[:, None]
    assert 400 < b.split_y < 425
    assert (b.clothes & (ys < b.split_y)).sum() > 40000
    assert (b.old_bottom & (ys < b.split_y)).sum() < 20


@needs_corpus
def test_no_skin_painted_on_the_kept_dress_top_above_new_trousers() -> None:
    # old: 782 px of her dress top above the trousers changed, 634 of them to skin colour (new: 135, 0)
    b, result = body(DRESS), dressed(DRESS, TROUSERS)
    before, after = photo(DRESS).astype(int), result.images[0].astype(int)
    drawn = result.garment_masks[0]
    h = drawn.shape[0]
    ys = np.arange(h)[:, None]
    edge = np.where(drawn.any(axis=0), drawn.argmax(axis=0), h)     # trousers' top row
    top = b.clothes & (ys < b.split_y) & ~b.arms & ~b.hands & (ys < edge[None, :])
    changed = top & (np.abs(after - before).max(axis=2) > 30)
    skin = np.linalg.norm(rgb_to_lab(result.images[0]) - rgb_to_lab(
        b.skin_rgb.reshape(1, 1, 3))[0, 0], axis=2) < 25
    assert drawn[500:800].any(axis=1).all()          # the trousers are on
    assert (changed & skin).sum() < 20
    assert changed.sum() < 300                        # the waistband's rim only


@needs_corpus
def test_a_top_over_trousers_keeps_its_raised_waistline() -> None:
    # the vote still takes a trousers' waistband rising above the split (01008: 1824 px)
    b = analyse_body(photo("vitonhd_01008_00"))
    ys = np.arange(b.clothes.shape[0])[:, None]
    assert (b.old_bottom & (ys < b.split_y)).sum() > 1000
