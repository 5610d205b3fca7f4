"""Our own REST API (``/v1/...``): typed models, Bearer-key auth, JSON errors, signed results."""
