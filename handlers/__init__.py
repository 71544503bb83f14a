"""Thin operation handlers: read validated arguments, call one service, shape the reply."""
