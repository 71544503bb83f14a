"""What the API saw of the employer: the request log, and the plan page with its usage chart.

The log and the daily counts are read from Redis (``hirebridge.request_log``), the plan, keys
and balances from the database. Every signed-in user may read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hirebridge.request_log import STATUS_CLASSES
from hirebridge.request_log_reader import LogFilter, RequestLogReader
from storage import api_keys, credits, employers
from storage.clock import utcnow
from storage.db import unit_of_work
from storage.models import CreditKind, Plan
from storage.usage import MONTHLY_REQUEST_QUOTA, month_of, next_month_start

from .charts import BarChart, Series, stacked_by_day
from .context import Context, PortalError

if TYPE_CHECKING:
    from hirebridge.quota import MonthlyQuota

    from .routes import Portal

PREFIX = "/portal"
LOG_PAGE_SIZE = 50
CHART_DAYS = 30
# What X-Request-Id accepts (hirebridge.observability), and a stream entry id.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_ENTRY_ID = re.compile(r"^\d{1,15}-\d{1,10}$")
REQUEST_SERIES = [
    Series("2xx", "2xx (success)", "chart-ok"),
    Series("4xx", "4xx (refused)", "chart-refused"),
    Series("5xx", "5xx (our error)", "chart-failed"),
]
PLAN_ORDER = (Plan.FREE, Plan.STARTER, Plan.PROFESSIONAL, Plan.ENTERPRISE)


@dataclass(frozen=True)
class KeyLabel:
    id: int
    name: str
    prefix: str


def key_labels(employer_id: int) -> dict[int, KeyLabel]:
    """Every key the employer ever had (revoked ones too: their calls stay in the log)."""
    with unit_of_work() as session:
        return {
            key.id: KeyLabel(key.id, key.name, key.prefix)
            for key in api_keys.list_keys(session, employer_id)
        }


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    max_keys: int | None
    monthly_quota: int | None


@dataclass(frozen=True)
class PlanSummary:
    plan: Plan
    contract_unlimited: bool
    keys_in_use: int
    max_keys: int | None
    monthly_quota: int | None
    balances: dict[CreditKind, int]
    plans: list[PlanRow]


def plan_summary(employer_id: int) -> PlanSummary:
    with unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        return PlanSummary(
            plan=employer.plan,
            contract_unlimited=employer.contract_unlimited,
            keys_in_use=api_keys.keys_in_use(session, employer_id, utcnow()),
            max_keys=api_keys.MAX_KEYS_BY_PLAN[employer.plan],
            monthly_quota=MONTHLY_REQUEST_QUOTA[employer.plan],
            balances=credits.balances(session, employer_id),
            plans=[
                PlanRow(plan, api_keys.MAX_KEYS_BY_PLAN[plan], MONTHLY_REQUEST_QUOTA[plan])
                for plan in PLAN_ORDER
            ],
        )


def _choice(value: str | None, allowed: set[str]) -> str | None:
    return value if value in allowed else None


class UsagePages:
    def __init__(
        self,
        portal: Portal,
        *,
        reader: RequestLogReader,
        quota: MonthlyQuota,
        operations: list[str],
    ) -> None:
        self.portal = portal
        self.reader = reader
        self.quota = quota
        self.operations = operations

    def routes(self) -> list[BaseRoute]:
        page = self.portal._page
        return [
            Route(f"{PREFIX}/requests", page(self.request_log), methods=["GET"]),
            # Before the next route, which would take "lookup" for a request id.
            Route(f"{PREFIX}/requests/lookup", page(self.lookup), methods=["GET"]),
            Route(f"{PREFIX}/requests/{{request_id}}", page(self.request), methods=["GET"]),
            Route(f"{PREFIX}/plan", page(self.plan), methods=["GET"]),
        ]

    async def request_log(self, context: Context) -> Response:
        employer_id = context.signed_in.employer_id
        query = context.request.query_params
        keys = await run_in_threadpool(key_labels, employer_id)
        key = _choice(query.get("key"), {str(key_id) for key_id in keys})
        chosen = LogFilter(
            key_id=int(key) if key else None,
            status_class=_choice(query.get("status"), set(STATUS_CLASSES)),
            operation=_choice(query.get("operation"), set(self.operations)),
        )
        older = query.get("older")
        page = await self.reader.page(
            employer_id,
            chosen,
            older_than=older if older and _ENTRY_ID.match(older) else None,
            size=LOG_PAGE_SIZE,
        )
        filters = {
            name: value
            for name, value in (
                ("key", key),
                ("status", chosen.status_class),
                ("operation", chosen.operation),
            )
            if value
        }
        return self.portal._render(
            context,
            "requests.html",
            entries=page.entries,
            older=page.older,
            first_page=not older,
            keys=keys,
            filters=filters,
            operations=self.operations,
            status_classes=STATUS_CLASSES,
        )

    async def lookup(self, context: Context) -> Response:
        """The lookup form's answer: the page of the request id typed in."""
        request_id = context.request.query_params.get("id", "").strip()
        if not _REQUEST_ID.match(request_id):
            raise PortalError(
                400, "A request id has 1 to 128 letters, digits and the characters . _ : -"
            )
        return RedirectResponse(f"{PREFIX}/requests/{request_id}", 303)

    async def request(self, context: Context) -> Response:
        request_id = str(context.request.path_params["request_id"])
        if not _REQUEST_ID.match(request_id):
            raise PortalError(404, "There is no such request id.")
        employer_id = context.signed_in.employer_id
        entries = await self.reader.with_request_id(employer_id, request_id)
        keys = await run_in_threadpool(key_labels, employer_id)
        return self.portal._render(
            context,
            "request.html",
            404 if not entries else 200,
            request_id=request_id,
            entries=entries,
            keys=keys,
        )

    async def plan(self, context: Context) -> Response:
        employer_id = context.signed_in.employer_id
        summary = await run_in_threadpool(plan_summary, employer_id)
        requests = await self.quota.requests_this_month(employer_id)
        now = utcnow()
        return self.portal._render(
            context,
            "plan.html",
            summary=summary,
            requests=requests,
            month=now.strftime("%B %Y"),
            chart=await self.requests_chart(employer_id, summary.monthly_quota),
            renews=next_month_start(now),
            this_month=month_of(now),
        )

    async def requests_chart(self, employer_id: int, monthly_quota: int | None) -> BarChart:
        today = utcnow().date()
        days = await self.reader.days(employer_id, today, CHART_DAYS)
        line = None
        if monthly_quota:
            days_in_month = (next_month_start(utcnow()) - timedelta(days=1)).day
            daily = monthly_quota / days_in_month
            line = (daily, f"Monthly quota spread over the month: {daily:,.0f} a day")
        return stacked_by_day(
            f"Requests per day, last {CHART_DAYS} days (UTC)",
            REQUEST_SERIES,
            [day.day for day in days],
            {day.day: day.counts for day in days},
            line=line,
        )
