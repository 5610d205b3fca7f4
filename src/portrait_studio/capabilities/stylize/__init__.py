"""Classical portrait stylisation: the ten DashScope repaint styles plus a custom style.

:mod:`.context` holds what every style reads (the image at output size, a reduced working copy,
faces, a seeded random generator); :mod:`.toolkit`, :mod:`.lines`, :mod:`.textures` and
:mod:`.light` are the shared tools; one module per family of styles renders them; :mod:`.face`
gives the face its own careful treatment; :mod:`.styles` maps style names to renderers.
Images are HxWx3 uint8 RGB throughout.
"""
