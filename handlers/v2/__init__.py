"""Handlers of ``/api/v2`` (``openapi/v2.yaml``): the shared operations in v2's envelopes."""
