"""The claim query under churn: how long a worker's claim of due deliveries takes as deliveries go
through the schedule, with autovacuum running as it does in production.

The machine's shared PostgreSQL runs with ``autovacuum=off``; this uses the benchmarks' own
cluster (``bench/pgserver.py``: autovacuum on, PostgreSQL's defaults for it), a database of its
own migrated to ``--revision`` (``0013``: before migration 0014, ``head``: after), and:

1. a history of ``--history`` succeeded deliveries (a table that keeps every delivery is large
   long before it is busy; autovacuum's default trigger is a share of it);
2. churn: events committed in batches and taken through the service's own schedule, as a
   worker does (``fan_out_events``, ``claim_due``, ``take_claimed``, ``record_outcomes``, each in
   its own transaction), paced at ``--rate`` deliveries a second, until ``--deliveries`` have
   succeeded;
3. every ``--every`` deliveries, with nothing due: the time of ``claim_due`` (median of 15), the
   dead rows of ``webhook_deliveries`` and how often autovacuum has processed it.

It prints one line per sample and a last line with the figures of the end. Run by hand (a few
minutes; not part of ``make bench``):

    BENCH_PG_PORT=5594 .venv/bin/python bench/claims.py --revision 0013
    BENCH_PG_PORT=5594 .venv/bin/python bench/claims.py --revision head
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import psycopg.sql
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pgserver
from storage import db, deliveries, employers, migrate, secret_box
from storage.clock import utcnow
from storage.models import OutboxEvent, WebhookSubscription
from storage.outbox import APPLICATION_SUBMITTED, new_event_id

DATABASE = "hirebridge_bench_claims"


def fresh_database(revision: str) -> str:
    server_url = pgserver.ensure_running()
    admin = server_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    url = server_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    migrate.upgrade(url, revision)
    return url


def setup(database: db.Database, subscriptions: int, history: int) -> int:
    with database.unit_of_work() as session:
        employer = employers.create_employer(session, name="Churn", contract_unlimited=True)
        for number in range(subscriptions):
            session.add(
                WebhookSubscription(
                    employer_id=employer.id,
                    url=f"https://receiver.example/{number}",
                    events=[APPLICATION_SUBMITTED],
                    secret_encrypted=secret_box.current().seal("whsec_bench"),
                )
            )
        employer_id = employer.id
    with database.engine.begin() as connection:
        # The history: delivered long ago, one event each, spread over the subscriptions.
        connection.exec_driver_sql(
            "INSERT INTO outbox_events (public_id, employer_id, type, data, created_at,"
            " dispatched_at) SELECT 'evt_h' || g, %(employer)s, %(type)s, '{}',"
            " now() - interval '30 days', now() - interval '30 days'"
            " FROM generate_series(1, %(rows)s) AS g",
            {"employer": employer_id, "type": APPLICATION_SUBMITTED, "rows": history},
        )
        connection.exec_driver_sql(
            "INSERT INTO webhook_deliveries (public_id, subscription_id, employer_id, event_id,"
            " status, failed_attempts, next_attempt_at, created_at, updated_at, succeeded_at)"
            " SELECT 'dlv_' || e.public_id, first.id + e.id %% %(n)s, e.employer_id, e.id,"
            " 'succeeded', 0, NULL, e.created_at, e.created_at, e.created_at"
            " FROM outbox_events AS e,"
            " (SELECT min(id) AS id FROM webhook_subscriptions WHERE employer_id = %(employer)s)"
            " AS first WHERE e.employer_id = %(employer)s",
            {"employer": employer_id, "n": subscriptions},
        )
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE webhook_deliveries")
        connection.exec_driver_sql("VACUUM ANALYZE outbox_events")
    return employer_id


def churn_batch(database: db.Database, employer_id: int, events: int) -> int:
    """Commit ``events`` events and take their deliveries through the schedule; returns how many
    succeeded."""
    now = utcnow()
    with database.unit_of_work() as session:
        session.execute(
            insert(OutboxEvent),
            [
                {
                    "public_id": new_event_id(),
                    "employer_id": employer_id,
                    "type": APPLICATION_SUBMITTED,
                    "data": {"n": number},
                    "created_at": now,
                }
                for number in range(events)
            ],
        )
    while True:
        with database.unit_of_work() as session:
            if deliveries.fan_out_events(session).events == 0:
                break
    succeeded = 0
    while True:
        with database.unit_of_work() as session:
            claim = deliveries.claim_due(session)
        if not claim.delivery_ids:
            return succeeded
        with database.unit_of_work() as session:
            taken = deliveries.take_claimed(session, claim)
        attempt_time = utcnow()
        outcomes = [
            deliveries.DeliveryOutcome(
                outgoing.delivery_id,
                deliveries.AttemptResult(attempt_time, 5, 200, None, True),
                outgoing.lease_expires_at,
            )
            for outgoing in taken
        ]
        with database.unit_of_work() as session:
            succeeded += deliveries.record_outcomes(session, outcomes).recorded


@dataclass(frozen=True)
class ClaimStatement:
    """The claim query as the service runs it: its SQL text and parameters, and the statements
    ``claim_due`` runs before it in the same transaction (the claim's lock, and the planner
    settings it makes for the transaction), to run again before explaining it."""

    sql: str
    values: dict[str, Any]
    before: tuple[tuple[str, dict[str, Any]], ...]


# Any advisory lock but the claim's: the statements run before the claim query take one, and the
# sampled claim must not keep a worker from claiming (a worker that finds the claim's lock taken
# claims nothing in that pass).
_SAMPLE_LOCK_KEY = 0x48425F53414D504C  # "HB_SAMPL"


def claim_statement(database: db.Database, tries: int = 100) -> ClaimStatement:
    """The claim query (see ``ClaimStatement``), taken from a claim that finds nothing due, rolled
    back. A worker claiming at the same moment holds the claim's lock and the claim then stops
    before its query: tried again, ``tries`` times at most."""
    seen: list[tuple[str, Any]] = []
    for _ in range(tries):
        seen.clear()
        with database.engine.connect() as connection:
            event.listen(connection, "before_cursor_execute", lambda *args: seen.append(args[2:4]))
            claim = deliveries.claim_due(Session(bind=connection))
            connection.rollback()
        assert not claim.delivery_ids, "the claim query is taken from a claim of nothing"
        place = next((n for n, item in enumerate(seen) if "row_number()" in item[0]), None)
        if place is not None:
            sql, values = seen[place]
            before = tuple(
                (text, {**dict(arguments or {}), "key": _SAMPLE_LOCK_KEY})
                if "advisory" in text
                else (text, dict(arguments or {}))
                for text, arguments in seen[:place]
            )
            return ClaimStatement(sql, dict(values), before)
        time.sleep(0.05)
    raise RuntimeError("the claim's lock stayed taken")


def plan_reads(plan: Any) -> str:
    """How a plan reads ``webhook_deliveries``: each scan of it in plan order, abbreviated
    (``seq``, ``index``, ``index only``, ``bitmap``, with the index's name after the table's) and
    the buffers it touched."""
    kinds = {
        "Seq Scan": "seq",
        "Index Scan": "index",
        "Index Only Scan": "index only",
        "Bitmap Heap Scan": "bitmap",
    }
    found: list[str] = []

    def index_names(node: dict[str, Any]) -> list[str]:
        names = [node["Index Name"]] if "Index Name" in node else []
        for child in node.get("Plans", []):
            names += index_names(child)
        return names

    def walk(node: dict[str, Any]) -> None:
        kind = kinds.get(node.get("Node Type", ""))
        if kind and node.get("Relation Name") == "webhook_deliveries":
            index = "+".join(
                name.removeprefix("ix_webhook_deliveries_") for name in index_names(node)
            )
            buffers = int(node.get("Shared Hit Blocks", 0)) + int(node.get("Shared Read Blocks", 0))
            found.append(f"{kind} {index} {buffers}".replace("  ", " "))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return ", ".join(found)


def explain_claim(
    database: db.Database,
    statement: ClaimStatement,
    runs: int = 15,
    generic: bool = False,
) -> tuple[float, int, int, str]:
    """``statement`` (see ``claim_statement``), with the time of now, under ``EXPLAIN (ANALYZE,
    BUFFERS)`` in a transaction that first ran what ``claim_due`` runs before it: the median
    execution time in ms of ``runs`` runs, and the buffers (a figure the machine's other work
    cannot disturb), rows (deliveries it would claim) and scans of ``webhook_deliveries``
    (``plan_reads``) of the last.

    ``generic``: in the plan PostgreSQL makes once for any values of the parameters, which it may
    use for a statement prepared and run many times (psycopg prepares a statement on a connection
    from its sixth run, and a worker's claim runs several times a second); otherwise in a plan
    made for the values at hand."""
    sql, values = statement.sql, statement.values
    names = list(values)
    positional = re.sub(r"%\((\w+)\)s", lambda match: f"${names.index(match.group(1)) + 1}", sql)
    times, buffers, rows, reads = [], 0, 0, ""
    with database.engine.connect() as connection:
        for _ in range(runs):
            for text, before in statement.before:
                connection.exec_driver_sql(text, before)
            arguments = {**values, "now": utcnow()}
            if generic:
                connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
                connection.exec_driver_sql(f"PREPARE bench_claim AS {positional}")
                # EXECUTE takes its arguments as SQL text (EXPLAIN has no bound parameters).
                driver = connection.connection.driver_connection
                literals = ", ".join(
                    psycopg.sql.Literal(arguments[name]).as_string(driver) for name in names
                )
                explained = f"EXECUTE bench_claim({literals})"
                plan = connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {explained}"
                ).scalar_one()[0]
                connection.exec_driver_sql("DEALLOCATE bench_claim")
            else:
                plan = connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", arguments
                ).scalar_one()[0]
            times.append(float(plan["Execution Time"]))
            buffers = int(plan["Plan"]["Shared Hit Blocks"]) + int(
                plan["Plan"]["Shared Read Blocks"]
            )
            rows = int(plan["Plan"]["Actual Rows"])
            reads = plan_reads(plan["Plan"])
            connection.rollback()
    return statistics.median(times), buffers, rows, reads


def claim_query(database: db.Database) -> tuple[float, int]:
    """The claim query of a claim that finds nothing due, run under ``EXPLAIN (ANALYZE,
    BUFFERS)``: the median execution time in ms of 15 runs, and the buffers one run touches."""
    claim_ms, buffers, _rows, _reads = explain_claim(database, claim_statement(database))
    return claim_ms, buffers


def table_state(database: db.Database) -> tuple[int, int, int]:
    with database.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT n_live_tup, n_dead_tup, autovacuum_count FROM pg_stat_user_tables"
            " WHERE relname = 'webhook_deliveries'"
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--revision", default="head")
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--rate", type=float, default=800.0, help="deliveries a second")
    parser.add_argument("--every", type=int, default=10_000)
    parser.add_argument(
        "--no-autovacuum",
        action="store_true",
        help="keep autovacuum off webhook_deliveries (the claim query alone against dead rows)",
    )
    options = parser.parse_args()

    secret_box.configure(os.environ.get("WEBHOOK_SECRET_KEY", "bench-webhook-secret-key"))
    url = fresh_database(options.revision)
    database = db.Database(url, pool_size=2)
    employer_id = setup(database, options.subscriptions, options.history)
    if options.no_autovacuum:
        with database.engine.begin() as connection:
            connection.exec_driver_sql(
                "ALTER TABLE webhook_deliveries SET (autovacuum_enabled = false)"
            )
    claim_ms, claim_buffers = claim_query(database)
    print(
        f"revision={migrate.current_revision(url)} history={options.history}"
        f" subscriptions={options.subscriptions} rate={options.rate:.0f}/s"
        f" autovacuum={'off' if options.no_autovacuum else 'on'}"
        f" claim_ms={claim_ms:.2f} claim_buffers={claim_buffers}",
        flush=True,
    )
    events_per_batch = max(1, int(options.rate / options.subscriptions / 4))  # 4 batches a second
    started = time.monotonic()
    churned = 0
    next_sample = options.every
    while churned < options.deliveries:
        churned += churn_batch(database, employer_id, events_per_batch)
        ahead = churned / options.rate - (time.monotonic() - started)
        if ahead > 0:
            time.sleep(ahead)
        if churned >= next_sample:
            live, dead, vacuums = table_state(database)
            claim_ms, claim_buffers = claim_query(database)
            print(
                f"churned={churned} elapsed_s={time.monotonic() - started:.0f}"
                f" claim_ms={claim_ms:.2f} claim_buffers={claim_buffers}"
                f" dead_rows={dead} live_rows={live} autovacuums={vacuums}",
                flush=True,
            )
            next_sample += options.every
    claim_ms, claim_buffers = claim_query(database)
    live, dead, vacuums = table_state(database)
    print(
        f"end revision={migrate.current_revision(url)} churned={churned}"
        f" elapsed_s={time.monotonic() - started:.0f} claim_ms={claim_ms:.2f}"
        f" claim_buffers={claim_buffers} dead_rows={dead} autovacuums={vacuums}",
        flush=True,
    )
    database.dispose()


if __name__ == "__main__":
    main()
