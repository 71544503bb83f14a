"""The ASGI entry point gunicorn's uvicorn workers import: ``hirebridge.asgi:app``."""

from hirebridge.app import create_app

app = create_app()
