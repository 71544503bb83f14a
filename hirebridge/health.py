"""Liveness and readiness (docs/requirements.md#v4): ready means the database and Redis both
answer."""

from __future__ import annotations

import redis
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from storage import db, strict_json


def _json(status: int, body: dict[str, object]) -> Response:
    return Response(strict_json.dumps(body), status_code=status, media_type="application/json")


class HealthRoutes:
    def __init__(self, redis_client: redis.Redis) -> None:
        self.redis = redis_client

    async def live(self, request: Request) -> Response:
        return _json(200, {"status": "ok"})

    async def ready(self, request: Request) -> Response:
        checks = {
            "database": await run_in_threadpool(self._database_ok),
            "redis": await run_in_threadpool(self._redis_ok),
        }
        if all(checks.values()):
            return _json(200, {"status": "ok", "checks": checks})
        failing = ", ".join(name for name, ok in checks.items() if not ok)
        return _json(
            503,
            {
                "code": "unavailable",
                "message": f"Not ready: {failing} not answering.",
                "checks": checks,
            },
        )

    @staticmethod
    def _database_ok() -> bool:
        try:
            with db.current().engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def _redis_ok(self) -> bool:
        try:
            return bool(self.redis.ping())
        except redis.RedisError:
            return False
