"""Volcengine visual (``cv``): CVSync2AsyncSubmitTask / CVSync2AsyncGetResult, SignerV4."""
