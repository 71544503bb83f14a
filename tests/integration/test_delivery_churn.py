"""The delivery schedule under churn, on PostgreSQL: the claim query reads the partial index of
pending deliveries (migration 0014) in a plain index scan, in a plan made for the values at hand
and in a generic plan (what PostgreSQL uses for a statement prepared and run many times, as a
worker's claim is); and the high-churn tables carry their own autovacuum settings.

A plain scan, not a bitmap: a plain index scan marks the entries of rows that are gone for good
as dead in the index, so claimed deliveries stop costing the next claim anything, and the
index's pages are reused instead of growing until the next vacuum."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import sql as sql_text
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from storage import db, deliveries

SUCCEEDED_ROWS = 20_000
PENDING_ROWS = 20


@pytest.fixture
def churned(postgresql_url: str) -> Iterator[tuple[Connection, Session]]:
    """A transaction (rolled back at the end) holding one subscription's deliveries: many
    succeeded, a few pending and due, with fresh statistics."""
    database = db.Database(postgresql_url, pool_size=1)
    with database.engine.connect() as connection:
        # Other tests' deliveries still on the schedule are done, for this transaction only.
        connection.exec_driver_sql(
            "UPDATE webhook_deliveries SET status = 'succeeded', lease_expires_at = NULL"
            " WHERE status IN ('pending', 'delivering')"
        )
        tag = secrets.token_hex(4)
        employer = connection.exec_driver_sql(
            "INSERT INTO employers (name, plan, contract_unlimited, trusted_partner,"
            " rate_multiplier, created_at)"
            " VALUES (%(name)s, 'professional', false, false, 1, now()) RETURNING id",
            {"name": f"Churn {tag}"},
        ).scalar_one()
        subscription = connection.exec_driver_sql(
            "INSERT INTO webhook_subscriptions (employer_id, url, events, enabled,"
            " secret_encrypted, consecutive_failures, local_listener, created_at, updated_at)"
            " VALUES (%(employer)s, 'https://example.com/hook', '[\"application.submitted\"]',"
            " true, 'sealed', 0, false, now(), now()) RETURNING id",
            {"employer": employer},
        ).scalar_one()
        connection.exec_driver_sql(
            "INSERT INTO outbox_events (public_id, employer_id, type, data, created_at,"
            " dispatched_at) SELECT %(tag)s || g, %(employer)s, 'application.submitted', '{}',"
            " now(), now() FROM generate_series(1, %(rows)s) AS g",
            {"tag": f"evt_{tag}_", "employer": employer, "rows": SUCCEEDED_ROWS + PENDING_ROWS},
        )
        connection.exec_driver_sql(
            "INSERT INTO webhook_deliveries (public_id, subscription_id, employer_id, event_id,"
            " status, failed_attempts, next_attempt_at, created_at, updated_at)"
            " SELECT 'dlv_' || e.public_id, %(subscription)s, %(employer)s, e.id,"
            " CASE WHEN row_number() OVER (ORDER BY e.id) <= %(pending)s"
            " THEN 'pending' ELSE 'succeeded' END, 0, now() - interval '1 minute', now(), now()"
            " FROM outbox_events AS e WHERE e.employer_id = %(employer)s",
            {"subscription": subscription, "employer": employer, "pending": PENDING_ROWS},
        )
        connection.exec_driver_sql("ANALYZE webhook_deliveries")
        session = Session(bind=connection)
        try:
            yield connection, session
        finally:
            session.close()
            connection.rollback()
    database.dispose()


def claim_statement(connection: Connection, session: Session) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the claim query ``claim_due`` runs (the one that ranks)."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(*args: Any) -> None:
        seen.append((str(args[2]), dict(args[3] or {})))

    event.listen(connection, "before_cursor_execute", record)
    try:
        claim = deliveries.claim_due(session)
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert len(claim.delivery_ids) == PENDING_ROWS
    return next((sql, values) for sql, values in seen if "row_number()" in sql)


def index_scans(plan: Any) -> set[tuple[str, str]]:
    """(node type, index name) of every index a plan reads."""
    found: set[tuple[str, str]] = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.add((plan["Node Type"], plan["Index Name"]))
        for value in plan.values():
            found |= index_scans(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= index_scans(item)
    return found


def reads_pending_index_plainly(plan: Any) -> bool:
    scans = {kind for kind, name in index_scans(plan) if name == "ix_webhook_deliveries_pending"}
    return bool(scans) and scans <= {"Index Scan", "Index Only Scan"}


def explained(connection: Connection, sql: str, values: dict[str, Any]) -> Any:
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", values).scalar_one()
    return plan if isinstance(plan, list) else json.loads(plan)


def test_the_claim_reads_the_partial_index_of_pending_deliveries(
    churned: tuple[Connection, Session],
) -> None:
    connection, session = churned
    sql, values = claim_statement(connection, session)
    # The claimed rows are delivering now; make them pending and due again for the plans.
    connection.exec_driver_sql(
        "UPDATE webhook_deliveries SET status = 'pending', lease_expires_at = NULL"
        " WHERE status = 'delivering'"
    )

    assert reads_pending_index_plainly(explained(connection, sql, values))

    # Prepared, with a plan made once for any parameter values.
    names = list(values)
    positional = re.sub(r"%\((\w+)\)s", lambda match: f"${names.index(match.group(1)) + 1}", sql)
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql(f"PREPARE churn_claim AS {positional}")
    # EXECUTE takes its arguments as SQL text (EXPLAIN has no bound parameters).
    driver = connection.connection.driver_connection
    arguments = ", ".join(sql_text.Literal(values[name]).as_string(driver) for name in names)
    plan = connection.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) EXECUTE churn_claim({arguments})"
    ).scalar_one()
    connection.exec_driver_sql("DEALLOCATE churn_claim")
    assert reads_pending_index_plainly(plan)


def test_the_high_churn_tables_are_vacuumed_after_a_fixed_number_of_dead_rows(
    postgresql_url: str,
) -> None:
    database = db.Database(postgresql_url, pool_size=1)
    try:
        with database.engine.connect() as connection:
            options = dict(
                connection.exec_driver_sql(
                    "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%(names)s)",
                    {
                        "names": [
                            "webhook_deliveries",
                            "outbox_events",
                            "idempotency_records",
                            "monthly_usage",
                        ]
                    },
                ).all()
            )
    finally:
        database.dispose()
    assert set(options) == {
        "webhook_deliveries",
        "outbox_events",
        "idempotency_records",
        "monthly_usage",
    }
    for table, settings in options.items():
        assert "autovacuum_vacuum_scale_factor=0" in settings, table
        assert any(item.startswith("autovacuum_vacuum_threshold=") for item in settings), table


def scans_of_deliveries(plan: Any) -> set[str]:
    """The node types of every scan a plan makes of ``webhook_deliveries``."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if plan.get("Relation Name") == "webhook_deliveries" and "Scan" in plan["Node Type"]:
            found.add(plan["Node Type"])
        for value in plan.values():
            found |= scans_of_deliveries(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= scans_of_deliveries(item)
    return found


def test_the_claim_reads_deliveries_in_flight_by_plain_index_scans(
    churned: tuple[Connection, Session],
) -> None:
    """Statistics taken while many deliveries were in flight make a bitmap scan of the index of
    delivering ones look cheapest (or, without bitmaps, a scan of the whole table); both read the
    row of every entry left there by a delivery finished since the last vacuum, each claim again,
    never marking one dead: the claim's cost grew with the deliveries since the last vacuum. The
    plan is explained in the claim's own transaction, with what ``claim_due`` set there."""
    connection, session = churned
    # Ten subscriptions of the employer share its deliveries, as in the end-to-end benchmark.
    connection.exec_driver_sql(
        "INSERT INTO webhook_subscriptions (employer_id, url, events, enabled, secret_encrypted,"
        " consecutive_failures, local_listener, created_at, updated_at)"
        " SELECT s.employer_id, s.url || '/' || g, s.events, true, s.secret_encrypted, 0, false,"
        " now(), now() FROM webhook_subscriptions AS s, generate_series(1, 9) AS g"
        " WHERE s.id = (SELECT max(subscription_id) FROM webhook_deliveries)"
    )
    connection.exec_driver_sql(
        "UPDATE webhook_deliveries AS d SET subscription_id = s.id FROM (SELECT id,"
        " row_number() OVER (ORDER BY id) - 1 AS place FROM webhook_subscriptions WHERE"
        " employer_id = (SELECT max(employer_id) FROM webhook_deliveries)) AS s"
        " WHERE d.employer_id = (SELECT max(employer_id) FROM webhook_deliveries)"
        " AND d.id %% 10 = s.place"
    )
    connection.exec_driver_sql(
        "UPDATE webhook_deliveries SET status = 'delivering',"
        " lease_expires_at = now() + interval '1 minute' WHERE id IN (SELECT id FROM"
        " webhook_deliveries WHERE status = 'succeeded' ORDER BY id DESC LIMIT 4000)"
    )
    connection.exec_driver_sql("ANALYZE webhook_deliveries")
    # They finish; the statistics still count them in flight until the next ANALYZE.
    connection.exec_driver_sql(
        "UPDATE webhook_deliveries SET status = 'succeeded', lease_expires_at = NULL"
        " WHERE status = 'delivering'"
    )
    sql, values = claim_statement(connection, session)

    scans = scans_of_deliveries(explained(connection, sql, values))

    assert scans, "the plan reads webhook_deliveries"
    assert scans <= {"Index Scan", "Index Only Scan"}, scans
