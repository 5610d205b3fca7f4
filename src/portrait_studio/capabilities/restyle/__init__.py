"""Identity-keeping restyle (Volcengine ``img2img_anime_accelerated_maintain_id``): prompt
vocabulary and parsing, portrait framing, restyle's own looks (watercolour, oil, sketch, clean
beauty), prompt grading and light, and the identity-keeping face blend. Images are HxWx3 uint8
RGB throughout.
"""
