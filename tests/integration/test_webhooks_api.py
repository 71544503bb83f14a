"""Webhook management (docs/requirements.md#w1) through HTTP, on PostgreSQL and SQLite.

The delivery engine is not exercised here: these tests write and read the rows it works from
(subscriptions, outbox events, deliveries, attempts) and check what the API does to them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from storage import clock, db, outbox, secret_box, webhooks
from storage.models import (
    DeliveryAttempt,
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from storage.webhook_targets import TargetPolicy, UnsafeTarget
from tests.support.apps import Api
from tests.support.deliveries import add_delivery, targets_policy
from tests.support.factories import EmployerFactory, KeyFactory, Tenant
from tests.support.statements import recorded_statements

WEBHOOKS = "/api/v1/webhooks"
# Loopback on the discard port: nothing listens there, so should a delivery worker ever pick up
# one of these tests' deliveries, it fails at once instead of reaching anything.
RECEIVER = "http://127.0.0.1:9/hooks/hirebridge"
SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{32,}")
DELIVERY_ID = re.compile(r"dlv_[0-9a-f]{24}")
# Targets the platform must never send to unless the operator allows internal targets.
INTERNAL_TARGETS = [
    "http://hooks.example.com/plain-http",
    "http://127.0.0.1:9/plain-http-loopback",
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.10/hook",
    "https://100.64.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://[fd00:ec2::254]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://2130706433/hook",
]
# Wrong whatever the operator allows: a .invalid name never resolves (RFC 6761).
MALFORMED_TARGETS = [
    "https://hooks.nowhere.invalid/hook",
    "ftp://127.0.0.1/hook",
    "https://user:password@127.0.0.1/hook",
    "https://[::1/hook",
    "https://127.0.0.1:99999/hook",
    "not a url",
]


@pytest.fixture(autouse=True)
def insecure_targets() -> Iterator[None]:
    """Let these tests use loopback URLs, as an operator may allow for local development.

    The session's app keeps the production default (internal targets refused); the tests of
    ``TestTargetPolicy`` check that default with this switch off again.
    """
    with targets_policy(allow_insecure=True):
        yield


def _remove_webhooks(employer_id: int) -> None:
    # Leave no due deliveries behind for a delivery worker of a later test to pick up.
    with db.unit_of_work() as session:
        session.execute(
            delete(WebhookSubscription).where(WebhookSubscription.employer_id == employer_id)
        )


@pytest.fixture
def owner(tenant: Tenant) -> Iterator[Tenant]:
    """The test's employer (its all-scopes key is the api's default key)."""
    yield tenant
    _remove_webhooks(tenant.employer_id)


@pytest.fixture
def other(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> Iterator[Tenant]:
    """A second employer with an all-scopes key."""
    employer_id = make_employer()
    key_id, key = make_key(employer_id)
    yield Tenant(employer_id=employer_id, key=key, key_id=key_id)
    _remove_webhooks(employer_id)


def create(api: Api, key: str | None = None, **fields: Any) -> dict[str, Any]:
    body = {"url": RECEIVER, "events": [outbox.APPLICATION_SUBMITTED], **fields}
    response = api.post(WEBHOOKS, key=key, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def subscription_row(subscription_id: int) -> WebhookSubscription | None:
    with db.unit_of_work() as session:
        return session.get(WebhookSubscription, subscription_id)


def subscription_count(employer_id: int) -> int:
    with db.unit_of_work() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(WebhookSubscription)
                .where(WebhookSubscription.employer_id == employer_id)
            )
            or 0
        )


def event_count(employer_id: int) -> int:
    with db.unit_of_work() as session:
        return len(outbox.employer_events(session, employer_id))


def delivery_row(public_id: str) -> WebhookDelivery:
    with db.unit_of_work() as session:
        return session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.public_id == public_id)
        ).one()


def assert_now(value: str | None, tolerance: timedelta = timedelta(minutes=1)) -> None:
    assert value is not None
    moment = datetime.fromisoformat(value)
    assert abs(moment - clock.utcnow()) < tolerance, value


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _shift(value: str, *, hours: int) -> str:
    return (_when(value) + timedelta(hours=hours)).isoformat()


def _iso(value: datetime) -> str:
    return clock.rfc3339(value)


class TestTargetPolicy:
    """The production default, without the operator's switch for internal targets."""

    @pytest.mark.parametrize("url", INTERNAL_TARGETS)
    def test_the_default_policy_refuses_http_and_internal_targets(self, url: str) -> None:
        with pytest.raises(UnsafeTarget):
            TargetPolicy(allow_insecure=False).resolve(url)

    def test_the_default_policy_accepts_a_public_https_address(self) -> None:
        assert TargetPolicy(allow_insecure=False).resolve("https://1.1.1.1/hook") == ["1.1.1.1"]

    def test_the_app_refuses_internal_targets_unless_the_operator_allows_them(
        self, api: Api, owner: Tenant
    ) -> None:
        existing = create(api)
        events = [outbox.JOB_CLOSED]
        with targets_policy(allow_insecure=False):
            for url in INTERNAL_TARGETS:
                created = api.post(WEBHOOKS, json={"url": url, "events": events})
                assert created.status_code == 400, (url, created.text)
                assert created.json()["code"] == "invalid_request"
                changed = api.put(f"{WEBHOOKS}/{existing['id']}", json={"url": url})
                assert changed.status_code == 400, (url, changed.text)
            # The same policy takes a public https address (an IP literal: no DNS needed).
            public = api.post(WEBHOOKS, json={"url": "https://1.1.1.1/hook", "events": events})
            assert public.status_code == 201, public.text
            assert api.delete(f"{WEBHOOKS}/{public.json()['id']}").status_code == 204
        assert subscription_count(owner.employer_id) == 1
        assert api.get(f"{WEBHOOKS}/{existing['id']}").json()["url"] == RECEIVER


class TestCreate:
    def test_the_secret_is_shown_once_and_stored_sealed(self, api: Api, owner: Tenant) -> None:
        response = api.post(
            WEBHOOKS,
            json={
                "url": RECEIVER,
                "events": [outbox.APPLICATION_SUBMITTED, outbox.JOB_EXPIRED],
                "description": "Production ATS sync",
            },
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["Location"] == f"/api/v1/webhooks/{body['id']}"
        secret = body.pop("secret")
        assert SECRET.fullmatch(secret), secret
        assert body == {
            "id": body["id"],
            "url": RECEIVER,
            "description": "Production ATS sync",
            "events": [outbox.APPLICATION_SUBMITTED, outbox.JOB_EXPIRED],
            "enabled": True,
            "disabledReason": None,
            "consecutiveFailures": 0,
            "secretRotationEndsAt": None,
            "createdAt": body["createdAt"],
            "updatedAt": body["createdAt"],
        }
        assert_now(body["createdAt"])
        # Never again: not when read, not when listed, not when changed.
        assert api.get(f"{WEBHOOKS}/{body['id']}").json() == body
        assert api.get(WEBHOOKS).json()["items"] == [body]
        assert "secret" not in api.put(f"{WEBHOOKS}/{body['id']}", json={"enabled": True}).json()
        row = subscription_row(body["id"])
        assert row is not None and row.employer_id == owner.employer_id
        columns = [getattr(row, column.key) for column in WebhookSubscription.__table__.columns]
        assert not any(secret in str(value) for value in columns), "stored in plaintext"
        assert row.secret_encrypted != secret
        assert secret_box.current().open(row.secret_encrypted) == secret
        assert row.previous_secret_encrypted is None
        # Every webhook has a secret of its own.
        assert create(api)["secret"] != secret

    def test_a_webhook_can_start_disabled(self, api: Api, owner: Tenant) -> None:
        body = create(api, enabled=False)
        assert body["enabled"] is False
        assert body["disabledReason"] == webhooks.DISABLED_BY_USER
        assert SECRET.fullmatch(body["secret"])

    @pytest.mark.parametrize(
        "body",
        [
            {"events": [outbox.JOB_CLOSED]},
            {"url": RECEIVER},
            {"url": RECEIVER, "events": []},
            {"url": RECEIVER, "events": ["job.deleted"]},
            {"url": RECEIVER, "events": [outbox.WEBHOOK_TEST]},
            {"url": RECEIVER, "events": [outbox.JOB_CLOSED, outbox.JOB_CLOSED]},
            {"url": RECEIVER, "events": [outbox.JOB_CLOSED], "description": "x" * 501},
            {"url": RECEIVER, "events": [outbox.JOB_CLOSED], "secret": "whsec_" + "a" * 40},
            {"url": "x" * 2001, "events": [outbox.JOB_CLOSED]},
        ],
        ids=[
            "no-url",
            "no-events",
            "empty-events",
            "unknown-event",
            "test-event",
            "repeated-event",
            "long-description",
            "own-secret",
            "long-url",
        ],
    )
    def test_invalid_bodies_are_400_and_create_nothing(
        self, api: Api, owner: Tenant, body: dict[str, Any]
    ) -> None:
        response = api.post(WEBHOOKS, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_request"
        assert subscription_count(owner.employer_id) == 0

    def test_bad_urls_are_400_and_create_nothing(self, api: Api, owner: Tenant) -> None:
        for url in MALFORMED_TARGETS:
            response = api.post(WEBHOOKS, json={"url": url, "events": [outbox.JOB_CLOSED]})
            assert response.status_code == 400, (url, response.text)
            assert response.json()["code"] == "invalid_request"
        unresolvable = api.post(
            WEBHOOKS, json={"url": MALFORMED_TARGETS[0], "events": [outbox.JOB_CLOSED]}
        )
        assert "could not be resolved" in unresolvable.json()["message"]
        assert subscription_count(owner.employer_id) == 0


class TestReadChangeDelete:
    def test_list_is_newest_first_and_paged(self, api: Api, owner: Tenant, other: Tenant) -> None:
        first, second, third = (create(api, description=f"n{n}") for n in range(3))
        create(api, key=other.key)

        page_one = api.get(WEBHOOKS, params={"pageSize": 2}).json()
        page_two = api.get(WEBHOOKS, params={"pageSize": 2, "page": 2}).json()

        assert (page_one["total"], page_one["page"], page_one["pageSize"]) == (3, 1, 2)
        assert [item["id"] for item in page_one["items"]] == [third["id"], second["id"]]
        assert [item["id"] for item in page_two["items"]] == [first["id"]]
        assert all("secret" not in item for item in page_one["items"] + page_two["items"])
        assert api.get(WEBHOOKS, params={"page": 3, "pageSize": 2}).json()["items"] == []

    def test_update_changes_only_the_fields_given(self, api: Api, owner: Tenant) -> None:
        created = create(api, description="Old note")
        path = f"{WEBHOOKS}/{created['id']}"
        new_url = "http://127.0.0.1:9/hooks/v2"
        events = [outbox.JOB_PUBLISHED, outbox.JOB_CLOSED, outbox.JOB_EXPIRED]

        response = api.put(path, json={"url": new_url, "events": events})

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["url"], body["events"], body["description"]) == (new_url, events, "Old note")
        assert body["enabled"] is True and body["createdAt"] == created["createdAt"]
        cleared = api.put(path, json={"description": None}).json()
        assert cleared["description"] is None and cleared["url"] == new_url
        assert api.get(path).json() == cleared
        row = subscription_row(created["id"])
        assert row is not None
        assert secret_box.current().open(row.secret_encrypted) == created["secret"]

    def test_disable_then_enable_resets_the_failure_count(self, api: Api, owner: Tenant) -> None:
        path = f"{WEBHOOKS}/{create(api)['id']}"

        disabled = api.put(path, json={"enabled": False}).json()
        assert (disabled["enabled"], disabled["disabledReason"]) == (False, "Disabled by a user.")

        # As the engine leaves a subscription it disabled after ten failures in a row.
        with db.unit_of_work() as session:
            row = session.get(WebhookSubscription, disabled["id"])
            assert row is not None
            row.consecutive_failures = 10
            row.disabled_reason = "Disabled after 10 failed delivery attempts in a row."
        # Disabling again keeps the engine's reason.
        again = api.put(path, json={"enabled": False}).json()
        assert again["disabledReason"].startswith("Disabled after 10")

        enabled = api.put(path, json={"enabled": True}).json()

        assert enabled["enabled"] is True
        assert enabled["disabledReason"] is None and enabled["consecutiveFailures"] == 0
        stored = subscription_row(enabled["id"])
        assert stored is not None and stored.consecutive_failures == 0
        assert stored.disabled_reason is None

    def test_enabling_an_enabled_webhook_keeps_its_failure_count(
        self, api: Api, owner: Tenant
    ) -> None:
        created = create(api)
        with db.unit_of_work() as session:
            row = session.get(WebhookSubscription, created["id"])
            assert row is not None
            row.consecutive_failures = 4
        body = api.put(f"{WEBHOOKS}/{created['id']}", json={"enabled": True}).json()
        assert body["consecutiveFailures"] == 4

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"events": []},
            {"events": ["job.deleted"]},
            {"url": None},
            {"enabled": None},
            {"secret": "whsec_" + "a" * 40},
            {"url": "https://hooks.nowhere.invalid/hook"},
            {"url": "ftp://127.0.0.1/hook"},
        ],
    )
    def test_invalid_updates_are_400_and_change_nothing(
        self, api: Api, owner: Tenant, body: dict[str, Any]
    ) -> None:
        created = create(api)
        created.pop("secret")
        response = api.put(f"{WEBHOOKS}/{created['id']}", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_request"
        assert api.get(f"{WEBHOOKS}/{created['id']}").json() == created

    def test_delete_removes_the_webhook_with_its_deliveries(self, api: Api, owner: Tenant) -> None:
        kept = create(api)
        doomed = create(api)
        kept_delivery = add_delivery(kept["id"], owner.employer_id, attempts=[500])
        doomed_delivery = add_delivery(doomed["id"], owner.employer_id, attempts=[500, None])

        response = api.delete(f"{WEBHOOKS}/{doomed['id']}")

        assert response.status_code == 204 and response.content == b""
        assert api.get(f"{WEBHOOKS}/{doomed['id']}").status_code == 404
        assert api.delete(f"{WEBHOOKS}/{doomed['id']}").status_code == 404
        with db.unit_of_work() as session:
            public_ids = set(session.scalars(select(WebhookDelivery.public_id)))
            attempts = session.scalar(
                select(func.count())
                .select_from(DeliveryAttempt)
                .join(WebhookDelivery, WebhookDelivery.id == DeliveryAttempt.delivery_id)
                .where(WebhookDelivery.subscription_id == doomed["id"])
            )
            orphans = session.scalar(
                select(func.count())
                .select_from(DeliveryAttempt)
                .where(~DeliveryAttempt.delivery_id.in_(select(WebhookDelivery.id)))
            )
        assert doomed_delivery not in public_ids and kept_delivery in public_ids
        assert attempts == 0 and orphans == 0
        assert [item["id"] for item in api.get(WEBHOOKS).json()["items"]] == [kept["id"]]


class TestRotation:
    def test_rotation_keeps_the_previous_secret_for_24_hours(self, api: Api, owner: Tenant) -> None:
        created = create(api)
        path = f"{WEBHOOKS}/{created['id']}"

        response = api.post(f"{path}/rotate-secret")

        assert response.status_code == 200, response.text
        rotated = response.json()
        assert set(rotated) == {"secret", "previousSecretExpiresAt"}
        assert SECRET.fullmatch(rotated["secret"]) and rotated["secret"] != created["secret"]
        # 24 hours from now.
        assert_now(_shift(rotated["previousSecretExpiresAt"], hours=-24))
        row = subscription_row(created["id"])
        assert row is not None and row.previous_secret_encrypted is not None
        box = secret_box.current()
        assert box.open(row.secret_encrypted) == rotated["secret"]
        assert box.open(row.previous_secret_encrypted) == created["secret"]
        assert row.secret_encrypted != rotated["secret"]
        shown = api.get(path).json()
        assert shown["secretRotationEndsAt"] == rotated["previousSecretExpiresAt"]
        assert "secret" not in shown

        # Past the window the previous secret no longer counts.
        clock.set_offset(timedelta(hours=24, minutes=1))
        try:
            assert api.get(path).json()["secretRotationEndsAt"] is None
        finally:
            clock.set_offset(timedelta(0))

    def test_a_second_rotation_retires_the_oldest_secret(self, api: Api, owner: Tenant) -> None:
        created = create(api)
        path = f"{WEBHOOKS}/{created['id']}/rotate-secret"
        first = api.post(path).json()

        second = api.post(path).json()

        assert len({created["secret"], first["secret"], second["secret"]}) == 3
        row = subscription_row(created["id"])
        assert row is not None and row.previous_secret_encrypted is not None
        box = secret_box.current()
        assert box.open(row.secret_encrypted) == second["secret"]
        assert box.open(row.previous_secret_encrypted) == first["secret"]
        assert _when(second["previousSecretExpiresAt"]) >= _when(first["previousSecretExpiresAt"])


class TestTestEvent:
    def test_records_a_dispatched_test_event_and_one_due_delivery(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        create(api)  # another subscription of the same employer gets nothing

        response = api.post(f"{WEBHOOKS}/{subscription['id']}/test")

        assert response.status_code == 202, response.text
        body = response.json()
        assert DELIVERY_ID.fullmatch(body["id"])
        assert body["eventType"] == outbox.WEBHOOK_TEST
        assert (body["status"], body["failedAttempts"], body["attempts"]) == ("pending", 0, [])
        assert body["succeededAt"] is None
        assert_now(body["nextAttemptAt"])
        with db.unit_of_work() as session:
            deliveries = list(
                session.scalars(
                    select(WebhookDelivery)
                    .join(WebhookSubscription)
                    .where(WebhookSubscription.employer_id == owner.employer_id)
                )
            )
            assert len(deliveries) == 1
            delivery = deliveries[0]
            recorded = session.get(OutboxEvent, delivery.event_id)
            assert recorded is not None
            assert (recorded.public_id, recorded.type) == (body["eventId"], outbox.WEBHOOK_TEST)
            assert recorded.employer_id == owner.employer_id
            assert recorded.data == {
                "webhookId": subscription["id"],
                "message": webhooks.TEST_MESSAGE,
            }
            # Already dispatched: the fan-out never sends it to the other subscription.
            assert recorded.dispatched_at is not None
        assert delivery.public_id == body["id"]
        assert (delivery.subscription_id, delivery.employer_id) == (
            subscription["id"],
            owner.employer_id,
        )
        assert delivery.status is DeliveryStatus.PENDING and delivery.failed_attempts == 0
        assert delivery.next_attempt_at is not None
        assert delivery.next_attempt_at <= clock.utcnow()
        listed = api.get(f"{WEBHOOKS}/{subscription['id']}/deliveries").json()
        assert listed["items"] == [body]

    def test_a_disabled_webhook_gets_no_test_event(self, api: Api, owner: Tenant) -> None:
        subscription = create(api, enabled=False)
        before = event_count(owner.employer_id)

        response = api.post(f"{WEBHOOKS}/{subscription['id']}/test")

        assert response.status_code == 400
        assert response.json()["code"] == "invalid_state"
        assert event_count(owner.employer_id) == before
        listed = api.get(f"{WEBHOOKS}/{subscription['id']}/deliveries").json()
        assert listed["total"] == 0


class TestDeliveries:
    def test_deliveries_come_newest_first_with_their_attempts(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        start = clock.utcnow() - timedelta(hours=3)
        dead = add_delivery(
            subscription["id"],
            owner.employer_id,
            status=DeliveryStatus.DEAD,
            failed_attempts=9,
            created_at=start,
            attempts=[500, 502, None, 503, 500, 500, 404, 500, 301],
        )
        succeeded = add_delivery(
            subscription["id"],
            owner.employer_id,
            status=DeliveryStatus.SUCCEEDED,
            failed_attempts=1,
            created_at=start + timedelta(hours=1),
            attempts=[503, 204],
        )
        waiting = add_delivery(
            subscription["id"],
            owner.employer_id,
            created_at=start + timedelta(hours=2),
            next_attempt_at=start + timedelta(hours=2),
        )

        body = api.get(f"{WEBHOOKS}/{subscription['id']}/deliveries").json()

        assert body["total"] == 3
        assert [item["id"] for item in body["items"]] == [waiting, succeeded, dead]
        newest, middle, oldest = body["items"]
        assert newest["attempts"] == [] and newest["status"] == "pending"
        assert newest["nextAttemptAt"] == _iso(start + timedelta(hours=2))
        assert middle["status"] == "succeeded" and middle["failedAttempts"] == 1
        assert middle["succeededAt"] is not None
        first_try = start + timedelta(hours=1)
        assert middle["attempts"] == [
            {
                "startedAt": _iso(first_try),
                "durationMs": 100,
                "statusCode": 503,
                "error": None,
                "succeeded": False,
            },
            {
                "startedAt": _iso(first_try + timedelta(minutes=1)),
                "durationMs": 101,
                "statusCode": 204,
                "error": None,
                "succeeded": True,
            },
        ]
        assert oldest["status"] == "dead" and oldest["failedAttempts"] == 9
        assert [attempt["statusCode"] for attempt in oldest["attempts"]] == [
            500,
            502,
            None,
            503,
            500,
            500,
            404,
            500,
            301,
        ]
        assert oldest["attempts"][2]["error"] == "No answer within 10 seconds."
        assert oldest["eventType"] == outbox.JOB_CLOSED and oldest["eventId"].startswith("evt_")

    def test_status_filter_and_paging(self, api: Api, owner: Tenant) -> None:
        subscription = create(api)
        path = f"{WEBHOOKS}/{subscription['id']}/deliveries"
        dead = [
            add_delivery(subscription["id"], owner.employer_id, status=DeliveryStatus.DEAD)
            for _ in range(3)
        ]
        add_delivery(subscription["id"], owner.employer_id, status=DeliveryStatus.SUCCEEDED)

        page_one = api.get(path, params={"status": "dead", "pageSize": 2}).json()
        page_two = api.get(path, params={"status": "dead", "pageSize": 2, "page": 2}).json()

        assert page_one["total"] == 3 and page_one["pageSize"] == 2
        assert [item["id"] for item in page_one["items"] + page_two["items"]] == dead[::-1]
        assert api.get(path, params={"status": "delivering"}).json()["total"] == 0
        assert api.get(path).json()["total"] == 4
        refused = api.get(path, params={"status": "failed"})
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_request"

    def test_attempts_are_loaded_without_a_query_per_delivery(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        path = f"{WEBHOOKS}/{subscription['id']}/deliveries"

        def statements_to_list(deliveries: int) -> int:
            for _ in range(deliveries):
                add_delivery(subscription["id"], owner.employer_id, attempts=[500, 500])
            api.get(path)  # key use stamped now, so it cannot add a write to the count below
            with recorded_statements(api.database) as statements:
                response = api.get(path, params={"pageSize": 100})
            assert len(response.json()["items"]) == response.json()["total"]
            # A list shows no event's payload: it is not read.
            assert not [sql for sql in statements if re.search(r"outbox_events(_\d+)?\.data", sql)]
            # Only the webhook tables: the key lookup is not what this test is about.
            return len([sql for sql in statements if "webhook" in sql])

        few = statements_to_list(2)
        many = statements_to_list(10)

        assert many == few, "the statements grow with the number of deliveries"

    @pytest.mark.parametrize("version", ["v1", "v2"])
    def test_a_page_is_one_statement_of_what_it_shows(
        self, api: Api, owner: Tenant, version: str
    ) -> None:
        """A page of deliveries is one statement of plain rows: the deliveries with their
        events and attempts, no check of the webhook of its own, and nothing a delivery in a
        list does not show (the event's payload, the delivery's lease)."""
        subscription = create(api)
        add_delivery(subscription["id"], owner.employer_id)
        add_delivery(subscription["id"], owner.employer_id, attempts=[500, None, 204])
        api.get(WEBHOOKS)  # key use stamped now, so it cannot add a write to the count below
        with recorded_statements(api.database) as statements:
            response = api.get(f"/api/{version}/webhooks/{subscription['id']}/deliveries")
        assert response.status_code == 200, response.text
        body = response.json()
        items = body["items"] if version == "v1" else body["data"]
        assert [len(item["attempts"]) for item in items] == [3, 0]
        assert [attempt["statusCode"] for attempt in items[0]["attempts"]] == [500, None, 204]
        reads = [sql for sql in statements if "webhook" in sql]
        assert len(reads) == 1, reads
        assert not re.search(r"outbox_events(_\d+)?\.data", reads[0])
        assert "lease_expires_at" not in reads[0]

    def test_another_employers_delivery_under_your_webhook_is_404(
        self, api: Api, owner: Tenant, other: Tenant
    ) -> None:
        mine = create(api)
        theirs = create(api, key=other.key)
        their_delivery = add_delivery(
            theirs["id"], other.employer_id, status=DeliveryStatus.DEAD, failed_attempts=9
        )
        response = api.post(f"{WEBHOOKS}/{mine['id']}/deliveries/{their_delivery}/redeliver")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert delivery_row(their_delivery).status is DeliveryStatus.DEAD


class TestRedeliver:
    def redeliver(self, api: Api, subscription_id: int, delivery_id: str) -> Any:
        return api.post(f"{WEBHOOKS}/{subscription_id}/deliveries/{delivery_id}/redeliver")

    def test_a_dead_letter_is_due_again_with_a_fresh_schedule(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        dead = add_delivery(
            subscription["id"],
            owner.employer_id,
            status=DeliveryStatus.DEAD,
            failed_attempts=9,
            attempts=[500] * 9,
        )

        response = self.redeliver(api, subscription["id"], dead)

        assert response.status_code == 202, response.text
        body = response.json()
        assert body["id"] == dead
        assert (body["status"], body["failedAttempts"]) == ("pending", 0)
        assert_now(body["nextAttemptAt"])
        assert len(body["attempts"]) == 9, "earlier attempts stay listed"
        row = delivery_row(dead)
        assert row.status is DeliveryStatus.PENDING and row.failed_attempts == 0
        assert row.next_attempt_at is not None and row.next_attempt_at <= clock.utcnow()
        assert row.lease_expires_at is None

    def test_a_success_can_be_sent_again(self, api: Api, owner: Tenant) -> None:
        subscription = create(api)
        done = add_delivery(
            subscription["id"], owner.employer_id, status=DeliveryStatus.SUCCEEDED, attempts=[200]
        )
        body = self.redeliver(api, subscription["id"], done).json()
        assert (body["status"], body["succeededAt"]) == ("pending", None)
        assert delivery_row(done).succeeded_at is None

    def test_an_attempt_in_progress_is_409_and_an_abandoned_one_is_taken_back(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        now = clock.utcnow()
        busy = add_delivery(
            subscription["id"],
            owner.employer_id,
            status=DeliveryStatus.DELIVERING,
            failed_attempts=2,
            lease_expires_at=now + timedelta(seconds=30),
        )
        abandoned = add_delivery(
            subscription["id"],
            owner.employer_id,
            status=DeliveryStatus.DELIVERING,
            failed_attempts=2,
            lease_expires_at=now - timedelta(seconds=1),
        )

        conflict = self.redeliver(api, subscription["id"], busy)
        taken_back = self.redeliver(api, subscription["id"], abandoned)

        assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
        row = delivery_row(busy)
        assert row.status is DeliveryStatus.DELIVERING and row.failed_attempts == 2
        assert row.lease_expires_at is not None
        assert taken_back.status_code == 202, taken_back.text
        row = delivery_row(abandoned)
        assert row.status is DeliveryStatus.PENDING and row.lease_expires_at is None
        assert row.failed_attempts == 0

    def test_unknown_malformed_and_misplaced_deliveries(self, api: Api, owner: Tenant) -> None:
        subscription = create(api)
        sibling = create(api)
        delivery = add_delivery(sibling["id"], owner.employer_id, status=DeliveryStatus.DEAD)

        unknown = self.redeliver(api, subscription["id"], "dlv_" + "0" * 24)
        malformed = self.redeliver(api, subscription["id"], "dlv_nothex")
        misplaced = self.redeliver(api, subscription["id"], delivery)

        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
        assert malformed.status_code == 400 and malformed.json()["code"] == "invalid_request"
        assert misplaced.status_code == 404
        assert delivery_row(delivery).status is DeliveryStatus.DEAD

    def test_a_disabled_webhook_gets_no_redelivery(self, api: Api, owner: Tenant) -> None:
        subscription = create(api, enabled=False)
        dead = add_delivery(subscription["id"], owner.employer_id, status=DeliveryStatus.DEAD)
        response = self.redeliver(api, subscription["id"], dead)
        assert response.status_code == 400 and response.json()["code"] == "invalid_state"
        assert delivery_row(dead).status is DeliveryStatus.DEAD


class TestReplay:
    def test_replays_the_failures_since_a_time_and_nothing_else(
        self, api: Api, owner: Tenant
    ) -> None:
        subscription = create(api)
        sibling = create(api)
        now = clock.utcnow()
        since = now - timedelta(hours=2)
        before = since - timedelta(seconds=1)
        add = functools.partial(add_delivery, subscription["id"], owner.employer_id)
        old_dead = add(status=DeliveryStatus.DEAD, failed_attempts=9, created_at=before)
        dead = add(status=DeliveryStatus.DEAD, failed_attempts=9, created_at=since)
        retrying = add(failed_attempts=3, created_at=now, next_attempt_at=now + timedelta(hours=1))
        first_try = add(created_at=now, next_attempt_at=now + timedelta(seconds=5))
        succeeded = add(status=DeliveryStatus.SUCCEEDED, failed_attempts=2, created_at=now)
        in_flight = add(
            status=DeliveryStatus.DELIVERING,
            failed_attempts=2,
            created_at=now,
            lease_expires_at=now + timedelta(seconds=30),
        )
        sibling_dead = add_delivery(
            sibling["id"], owner.employer_id, status=DeliveryStatus.DEAD, failed_attempts=9
        )

        response = api.post(f"{WEBHOOKS}/{subscription['id']}/replay", json={"since": _iso(since)})

        assert response.status_code == 202, response.text
        assert response.json() == {"replayed": 2}
        for replayed in (dead, retrying):
            row = delivery_row(replayed)
            assert row.status is DeliveryStatus.PENDING and row.failed_attempts == 0
            assert row.next_attempt_at is not None
            assert row.next_attempt_at <= clock.utcnow() and row.lease_expires_at is None
        assert delivery_row(old_dead).status is DeliveryStatus.DEAD
        assert delivery_row(sibling_dead).status is DeliveryStatus.DEAD
        assert delivery_row(succeeded).status is DeliveryStatus.SUCCEEDED
        untouched = delivery_row(first_try)
        assert untouched.next_attempt_at is not None and untouched.next_attempt_at > now
        busy = delivery_row(in_flight)
        assert busy.status is DeliveryStatus.DELIVERING and busy.failed_attempts == 2
        # Nothing left to replay.
        again = api.post(f"{WEBHOOKS}/{subscription['id']}/replay", json={"since": _iso(since)})
        assert again.json() == {"replayed": 0}

    @pytest.mark.parametrize(
        "body",
        [{}, {"since": "yesterday"}, {"since": "2026-05-01T00:00:00"}, {"since": None}],
        ids=["missing", "not-a-time", "no-offset", "null"],
    )
    def test_since_must_be_a_date_time_with_an_offset(
        self, api: Api, owner: Tenant, body: dict[str, Any]
    ) -> None:
        subscription = create(api)
        response = api.post(f"{WEBHOOKS}/{subscription['id']}/replay", json=body)
        assert response.status_code == 400 and response.json()["code"] == "invalid_request"

    def test_a_disabled_webhook_gets_no_replay(self, api: Api, owner: Tenant) -> None:
        subscription = create(api, enabled=False)
        dead = add_delivery(subscription["id"], owner.employer_id, status=DeliveryStatus.DEAD)
        response = api.post(
            f"{WEBHOOKS}/{subscription['id']}/replay", json={"since": "2000-01-01T00:00:00Z"}
        )
        assert response.status_code == 400 and response.json()["code"] == "invalid_state"
        assert delivery_row(dead).status is DeliveryStatus.DEAD


# (method, path, body) of every operation on one webhook; {id} and {delivery} are filled in.
WEBHOOK_OPERATIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/webhooks/{id}", None),
    ("PUT", "/api/v1/webhooks/{id}", {"enabled": False, "description": "taken"}),
    ("DELETE", "/api/v1/webhooks/{id}", None),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret", None),
    ("POST", "/api/v1/webhooks/{id}/test", None),
    ("GET", "/api/v1/webhooks/{id}/deliveries", None),
    ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", None),
    ("POST", "/api/v1/webhooks/{id}/replay", {"since": "2000-01-01T00:00:00Z"}),
]
ALL_OPERATIONS = [
    ("GET", "/api/v1/webhooks", None),
    ("POST", "/api/v1/webhooks", {"url": RECEIVER, "events": [outbox.JOB_CLOSED]}),
    *WEBHOOK_OPERATIONS,
]


def _state(subscription_id: int, delivery_id: str) -> tuple[Any, ...]:
    """Everything an operation could change about a webhook and its delivery."""
    with db.unit_of_work() as session:
        row = session.get(WebhookSubscription, subscription_id)
        assert row is not None
        delivery = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.public_id == delivery_id)
        ).one()
        deliveries = session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
        )
        return (
            tuple(getattr(row, column.key) for column in WebhookSubscription.__table__.columns),
            tuple(getattr(delivery, column.key) for column in WebhookDelivery.__table__.columns),
            deliveries,
        )


class TestScopesAndTenancy:
    def test_every_operation_needs_the_webhooks_manage_scope(
        self, api: Api, owner: Tenant, make_key: KeyFactory
    ) -> None:
        subscription = create(api)
        delivery = add_delivery(subscription["id"], owner.employer_id, status=DeliveryStatus.DEAD)
        before = _state(subscription["id"], delivery)
        _, job_posting = make_key(owner.employer_id, "JobPosting,CvSearch")

        for method, template, body in ALL_OPERATIONS:
            path = template.format(id=subscription["id"], delivery=delivery)
            response = api.request(method, path, key=job_posting, json=body)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["code"] == "insufficient_scope"
            assert "webhooks:manage" in response.json()["message"]
            anonymous = api.client.request(method, path, json=body)
            assert anonymous.status_code == 401 and anonymous.content == b""

        assert _state(subscription["id"], delivery) == before
        assert subscription_count(owner.employer_id) == 1
        _, manager = make_key(owner.employer_id, "webhooks:manage")
        assert api.get(WEBHOOKS, key=manager).json()["total"] == 1

    @pytest.mark.parametrize(
        ("method", "template", "body"),
        WEBHOOK_OPERATIONS,
        ids=[f"{method} {template[16:]}" for method, template, _ in WEBHOOK_OPERATIONS],
    )
    def test_another_employers_webhook_is_404_and_untouched(
        self,
        api: Api,
        owner: Tenant,
        other: Tenant,
        method: str,
        template: str,
        body: dict[str, Any] | None,
    ) -> None:
        subscription = create(api)
        delivery = add_delivery(
            subscription["id"], owner.employer_id, status=DeliveryStatus.DEAD, failed_attempts=9
        )
        before = _state(subscription["id"], delivery)
        path = template.format(id=subscription["id"], delivery=delivery)

        response = api.request(method, path, key=other.key, json=body)

        assert response.status_code == 404, response.text
        assert response.json()["code"] == "not_found"
        # Exactly the answer for a webhook that does not exist at all.
        missing = api.request(
            method, template.format(id=10**12, delivery=delivery), key=other.key, json=body
        )
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
        assert _state(subscription["id"], delivery) == before
        assert api.get(WEBHOOKS, key=other.key).json()["total"] == 0
        assert event_count(other.employer_id) == 0
