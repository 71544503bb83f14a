"""Handlers of the public job board (``openapi/public.yaml``)."""
