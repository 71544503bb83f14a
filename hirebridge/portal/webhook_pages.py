"""The webhook pages: subscriptions with their delivery charts, one subscription with its
deliveries and attempts, and what an admin does to them (create, test, enable, disable, rotate
the secret, redeliver), through the same services as ``/api/v1/webhooks``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hirebridge.errors import status_of
from storage.clock import utcnow
from storage.errors import DomainError
from storage.outbox import SUBSCRIBABLE_EVENTS

from . import pages
from .charts import BarChart, Series, stacked_by_day
from .context import GET, POST, Context, page_number
from .usage import CHART_DAYS

if TYPE_CHECKING:
    from .routes import Portal

PREFIX = "/portal"
DELIVERY_SERIES = [
    Series("succeeded", "succeeded", "chart-ok"),
    Series("retried", "retried", "chart-refused"),
    Series("dead", "dead", "chart-failed"),
]


class WebhookPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def routes(self) -> list[BaseRoute]:
        page, action = self.portal._page, self.portal._action
        return [
            Route(f"{PREFIX}/webhooks", page(self.webhooks), **GET),
            Route(f"{PREFIX}/webhooks", action(self.create_webhook, admin=True), **POST),
            Route(f"{PREFIX}/webhooks/{{webhook_id:int}}", page(self.webhook), **GET),
            *(
                Route(
                    f"{PREFIX}/webhooks/{{webhook_id:int}}/{name}",
                    action(view, admin=True),
                    **POST,
                )
                for name, view in (
                    ("test", self.send_test_event),
                    ("enable", self.enable_webhook),
                    ("disable", self.disable_webhook),
                    ("rotate", self.rotate_secret),
                )
            ),
            Route(
                f"{PREFIX}/webhooks/{{webhook_id:int}}/deliveries/{{delivery_id}}/redeliver",
                action(self.redeliver, admin=True),
                **POST,
            ),
        ]

    async def webhooks(self, context: Context, **values: Any) -> Response:
        status = values.pop("status", 200)
        page = await run_in_threadpool(
            pages.webhook_rows, context.signed_in.employer_id, page_number(context.request)
        )
        values.setdefault("form", {"url": "", "events": [], "description": ""})
        return self.portal._render(
            context,
            "webhooks.html",
            status,
            webhooks=page,
            charts=await self._delivery_charts(context.signed_in.employer_id, page.items),
            events=SUBSCRIBABLE_EVENTS,
            created=values.pop("created", None),
            error=values.pop("error", None),
            **values,
        )

    async def _delivery_charts(
        self, employer_id: int, hooks: list[pages.WebhookRow]
    ) -> list[tuple[int, BarChart]]:
        counts = await run_in_threadpool(
            pages.deliveries_per_day, employer_id, [hook.id for hook in hooks], CHART_DAYS
        )
        today = utcnow().date()
        days = [today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]
        return [
            (
                hook.id,
                stacked_by_day(
                    f"Webhook {hook.id} ({hook.url}): deliveries per day, last {CHART_DAYS} days",
                    DELIVERY_SERIES,
                    days,
                    counts.get(hook.id, {}),
                ),
            )
            for hook in hooks
        ]

    async def create_webhook(self, context: Context, form: FormData) -> Response:
        url = str(form.get("url", "")).strip()
        events = [str(event) for event in form.getlist("events")]
        description = str(form.get("description", ""))
        try:
            created = await run_in_threadpool(
                lambda: pages.create_webhook(
                    context.signed_in.employer_id,
                    url=url,
                    events=events,
                    description=description,
                )
            )
        except DomainError as error:
            values = {"url": url, "events": events, "description": description}
            return await self.webhooks(
                context, status=status_of(error), error=error.message, form=values
            )
        return await self.webhooks(context, status=201, created=created)

    async def webhook(self, context: Context, **values: Any) -> Response:
        webhook_id = int(context.request.path_params["webhook_id"])
        detail = await run_in_threadpool(
            pages.webhook_detail,
            context.signed_in.employer_id,
            webhook_id,
            page_number(context.request),
        )
        return self.portal._render(
            context,
            "webhook.html",
            values.pop("status", 200),
            webhook=detail.webhook,
            deliveries=detail.deliveries,
            rotated=values.pop("rotated", None),
        )

    def _webhook_id(self, context: Context) -> int:
        return int(context.request.path_params["webhook_id"])

    def _back_to_webhook(self, context: Context, notice: str) -> Response:
        return RedirectResponse(f"{PREFIX}/webhooks/{self._webhook_id(context)}?done={notice}", 303)

    async def send_test_event(self, context: Context, form: FormData) -> Response:
        employer_id = context.signed_in.employer_id
        await run_in_threadpool(pages.send_test_event, employer_id, self._webhook_id(context))
        return self._back_to_webhook(context, "test-sent")

    async def enable_webhook(self, context: Context, form: FormData) -> Response:
        await run_in_threadpool(
            lambda: pages.set_webhook_enabled(
                context.signed_in.employer_id, self._webhook_id(context), enabled=True
            )
        )
        return self._back_to_webhook(context, "enabled")

    async def disable_webhook(self, context: Context, form: FormData) -> Response:
        await run_in_threadpool(
            lambda: pages.set_webhook_enabled(
                context.signed_in.employer_id, self._webhook_id(context), enabled=False
            )
        )
        return self._back_to_webhook(context, "disabled")

    async def rotate_secret(self, context: Context, form: FormData) -> Response:
        rotated = await run_in_threadpool(
            pages.rotate_webhook_secret, context.signed_in.employer_id, self._webhook_id(context)
        )
        return await self.webhook(context, rotated=rotated)

    async def redeliver(self, context: Context, form: FormData) -> Response:
        await run_in_threadpool(
            pages.redeliver,
            context.signed_in.employer_id,
            self._webhook_id(context),
            str(context.request.path_params["delivery_id"]),
        )
        return self._back_to_webhook(context, "redelivered")
