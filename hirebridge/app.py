"""Builds the Connexion application from the OpenAPI documents."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from connexion.utils import get_function_from_name

from handlers.context import JSONIFIER
from hirebridge.admission import Admission
from hirebridge.connexion_app import AsyncApp
from hirebridge.deprecation import DeprecationMiddleware, deprecated_base_paths
from hirebridge.documents import DocumentRoutes, load_document, with_required_scopes
from hirebridge.errors import AllowedMethods, ErrorHandlers
from hirebridge.event_origins import install_event_origins
from hirebridge.formats import register_formats
from hirebridge.front_door import GUIDES_PATH, FrontDoor
from hirebridge.health import HealthRoutes
from hirebridge.idempotency import IdempotencyMiddleware
from hirebridge.json_bodies import BODY_VALIDATORS, FILLING_DEFAULTS
from hirebridge.keyed_calls import KeyedCallMiddleware, KeyedCallPolicy
from hirebridge.metrics_page import MetricsPage
from hirebridge.middleware import BodyGuardMiddleware, PathNumberGuard, RelativeRedirects
from hirebridge.observability import RequestObservation
from hirebridge.portal import mount_portal
from hirebridge.quota import COUNTER_TTL_SECONDS, MonthlyQuota, UsageRecorder
from hirebridge.ratelimit import (
    PublicRateLimitMiddleware,
    RateLimiter,
    public_limits,
    rate_families,
)
from hirebridge.request_log import RequestLogMiddleware, RequestLogWriter
from hirebridge.request_log_reader import RequestLogReader
from hirebridge.security import SECURITY_MAP, lookup_principal
from hirebridge.validation_messages import PARAMETER_VALIDATORS
from hirebridge_floor.redis_client import redis_url
from hirebridge_floor.settings import Settings
from jobs_queue.queues import QUEUE_NAMES
from jobs_queue.wakeup import PumpWaker, install_wakeup
from storage import runtime

logger = logging.getLogger(__name__)

API_DOCUMENTS = ("v1", "v2", "public")
# v2's request bodies have defaults the handlers rely on (a job is full-time, on-site and
# quick-apply unless it says otherwise): Connexion writes them into the body only with its
# defaults-filling validator. v1's and the board's bodies reach their handlers as sent.
FILLS_DEFAULTS = frozenset({"v2"})
# Strict JSON bodies (no NaN, bounded nesting and integers) and human sentences for refused
# parameters, for every document.
VALIDATORS = {**PARAMETER_VALIDATORS, **BODY_VALIDATORS}
VALIDATORS_FILLING_DEFAULTS = {**VALIDATORS, **FILLING_DEFAULTS}
PUBLIC_BODY_LIMIT = 64 * 1024
_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def resolve_handler(function_name: str) -> Callable[..., Any]:
    """``handlers.v1.jobs.listJobs`` → the function ``handlers.v1.jobs.list_jobs``.

    Operation ids are camelCase, as partners' generated clients expect; Python functions are
    snake_case. The controller module comes from ``x-openapi-router-controller``.
    """
    module, _, operation_id = function_name.rpartition(".")
    snake = _CAMEL_BOUNDARY.sub("_", operation_id).lower()
    return get_function_from_name(f"{module}.{snake}")  # type: ignore[no-any-return]


def create_app(settings: Settings | None = None) -> AsyncApp:
    """A ready-to-serve ASGI application for ``settings`` (the environment's by default)."""
    settings = settings or Settings.from_env()
    started = runtime.start(settings, runtime.Role.API)
    logger.info("starting with settings %s", settings.safe_summary())
    register_formats()
    database = started.database
    redis_client = started.redis()
    # Events go out right after the commit that wrote them (docs/requirements.md#w4), not at the
    # next periodic pass.
    pump_waker = PumpWaker(redis_client)
    install_wakeup(database.session_factory, pump_waker.wake)
    # Each event names the API call that caused it, for the portal's links to the request log.
    install_event_origins(database.session_factory)

    limiter = RateLimiter(redis_url(settings))
    documents = [load_document(name) for name in API_DOCUMENTS]
    usage_recorder = UsageRecorder(database, settings.usage_flush_seconds)
    quota = MonthlyQuota(redis_url(settings), usage_recorder)
    keyed_calls = KeyedCallPolicy(
        admission=Admission(quota.clients, usage_ttl_seconds=COUNTER_TTL_SECONDS),
        quota=quota,
        lookup=lookup_principal,
        families={
            operation_id: family
            for document in documents
            for operation_id, family in rate_families(
                document.spec, settings.api_rate_limits
            ).items()
        },
        per_minute=settings.api_rate_limits,
    )
    request_log_writer = RequestLogWriter(redis_url(settings))
    request_log_reader = RequestLogReader(redis_url(settings))

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if database.loop_statements is not None:
            database.loop_statements.open()
        yield
        if database.loop_statements is not None:
            await database.loop_statements.close()
        await request_log_writer.close()
        await request_log_reader.close()
        pump_waker.close()
        try:
            usage_recorder.close()
        except Exception:  # a failed last write must not stop the rest of the shutdown
            logger.warning("could not persist monthly usage at shutdown", exc_info=True)
        started.close()
        await limiter.close()
        keyed_calls.admission.close()
        await keyed_calls.quota.close()

    app = AsyncApp(
        __name__,
        lifespan=lifespan,
        pythonic_params=True,
        strict_validation=True,
        validate_responses=settings.validate_responses,
        security_map=SECURITY_MAP,
        jsonifier=JSONIFIER,
        validator_map=VALIDATORS,
        resolver=Resolver(function_resolver=resolve_handler),
        swagger_ui_options=SwaggerUIOptions(serve_spec=False, swagger_ui=False),
    )
    allowed_methods = AllowedMethods()
    for document in documents:
        app.add_api(
            with_required_scopes(document.spec),
            name=document.name,
            validator_map=VALIDATORS_FILLING_DEFAULTS if document.name in FILLS_DEFAULTS else None,
        )
        allowed_methods.add_document(document.base_path, document.spec["paths"])

    # Outermost, so that every response, errors included, carries its request id and is
    # counted and logged once.
    app.add_middleware(RequestObservation, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RelativeRedirects, position=MiddlewarePosition.BEFORE_EXCEPTION)
    # Outside the exception middleware, so that error responses to keyed calls get their
    # rate-limit headers too; the counting itself happens in the security handler.
    app.add_middleware(
        KeyedCallMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, policy=keyed_calls
    )
    # Inside the keyed-call middleware (whose call names the key) and outside the exception
    # middleware (so refused calls are logged with their status): the employer's request log.
    app.add_middleware(
        RequestLogMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        writer=request_log_writer,
    )
    # Outside the exception middleware too: a deprecated version's errors carry its headers
    # (docs/requirements.md#v5).
    if settings.api_deprecations:
        app.add_middleware(
            DeprecationMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            deprecated=deprecated_base_paths(
                settings.api_deprecations, {doc.name: doc.base_path for doc in documents}
            ),
        )
    # Each middleware goes in just before Swagger's, so the first added runs first: a request
    # refused for its rate costs no body reading.
    app.add_middleware(
        PublicRateLimitMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        limiter=limiter,
        rules=public_limits(
            board_per_minute=settings.public_board_per_minute,
            apply_per_minute=settings.public_apply_per_minute,
        ),
    )
    app.add_middleware(PathNumberGuard, position=MiddlewarePosition.BEFORE_SWAGGER)
    app.add_middleware(
        BodyGuardMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        limits=[("/public/", PUBLIC_BODY_LIMIT)],
    )
    # After security and validation: only authenticated, valid POSTs claim an Idempotency-Key.
    app.add_middleware(IdempotencyMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    ErrorHandlers(allowed_methods).register(app)

    front_door = FrontDoor(documents)
    app.add_url_rule("/", "front_door", front_door.page, methods=["GET"])
    app.add_url_rule(GUIDES_PATH, "guides", front_door.guides, methods=["GET"])
    routes = DocumentRoutes(documents)
    app.add_url_rule("/swagger", "swagger_index", routes.index, methods=["GET"])
    app.add_url_rule("/swagger/", "swagger_index_slash", routes.index, methods=["GET"])
    app.add_url_rule("/swagger/assets/{asset}", "swagger_asset", routes.asset, methods=["GET"])
    app.add_url_rule(
        "/swagger/{name}/swagger.json", "swagger_json", routes.spec_json, methods=["GET"]
    )
    app.add_url_rule("/swagger/{name}/", "swagger_ui", routes.ui, methods=["GET"])

    health = HealthRoutes(redis_client)
    app.add_url_rule("/healthz/live", "health_live", health.live, methods=["GET"])
    app.add_url_rule("/healthz/ready", "health_ready", health.ready, methods=["GET"])
    metrics_page = MetricsPage(redis_client, QUEUE_NAMES)
    app.add_url_rule("/metrics", "metrics", metrics_page.page, methods=["GET"])

    mount_portal(
        app,
        settings,
        limiter=limiter,
        quota=keyed_calls.quota,
        mail_queue=redis_client,
        request_log=request_log_reader,
        operations=list(keyed_calls.families),
    )
    return app
