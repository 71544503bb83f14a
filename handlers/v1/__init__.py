"""Handlers of ``/api/v1`` (``openapi/v1.yaml``)."""
