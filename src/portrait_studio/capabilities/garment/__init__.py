"""Garments for virtual try-on: cut-out, kind recognition, keypoints, warp, body regions,
shading, skin fill and prompt handling (classical, on top of MediaPipe pose/segmentation)."""
