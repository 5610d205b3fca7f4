"""Alibaba DashScope: ``wanx-style-repaint-v1`` submit and the generic tasks API (``/api/v1``)."""
