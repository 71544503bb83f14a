"""Checks on the API contract itself: what may change in a published document."""
