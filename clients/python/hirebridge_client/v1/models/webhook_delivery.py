from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_status import WebhookDeliveryStatus, check_webhook_delivery_status
from ..models.webhook_event_type import WebhookEventType, check_webhook_event_type

if TYPE_CHECKING:
    from ..models.webhook_delivery_attempt import WebhookDeliveryAttempt


T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """One event on its way to one webhook, with every attempt made so far.

    Attributes:
        id (str): Sent as `X-Webhook-Delivery-Id`, the same on every attempt. Example: dlv_5d41402abc4b2a76b9719d91.
        event_id (str): The event's `id`, as in the body sent. Example: evt_7c4a8d09ca3762af61e59520.
        event_type (WebhookEventType): The type of an event: one a webhook can subscribe to, or `webhook.test`, which
            only
            `sendTestEvent` sends.
             Example: application.submitted.
        status (WebhookDeliveryStatus): `pending`: waiting for its first attempt or its next retry (`nextAttemptAt`);
            `delivering`: an attempt is in progress; `succeeded`: an attempt got a `2xx`; `dead`: all
            nine attempts failed (dead-lettered, can be redelivered).
             Example: pending.
        failed_attempts (int): Failed attempts since the delivery was created or last redelivered. Example: 0.
        next_attempt_at (datetime.datetime | None): When a `pending` delivery is due. Example: 2026-05-03T10:12:00Z.
        created_at (datetime.datetime):  Example: 2026-05-03T10:12:00Z.
        succeeded_at (datetime.datetime | None):
        attempts (list[WebhookDeliveryAttempt]): Every attempt, oldest first.
    """

    id: str
    event_id: str
    event_type: WebhookEventType
    status: WebhookDeliveryStatus
    failed_attempts: int
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    succeeded_at: datetime.datetime | None
    attempts: list[WebhookDeliveryAttempt]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        event_id = self.event_id

        event_type: str = self.event_type

        status: str = self.status

        failed_attempts = self.failed_attempts

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        created_at = self.created_at.isoformat()

        succeeded_at: None | str
        if isinstance(self.succeeded_at, datetime.datetime):
            succeeded_at = self.succeeded_at.isoformat()
        else:
            succeeded_at = self.succeeded_at

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "eventId": event_id,
                "eventType": event_type,
                "status": status,
                "failedAttempts": failed_attempts,
                "nextAttemptAt": next_attempt_at,
                "createdAt": created_at,
                "succeededAt": succeeded_at,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_delivery_attempt import WebhookDeliveryAttempt

        d = dict(src_dict)
        id = d.pop("id")

        event_id = d.pop("eventId")

        event_type = check_webhook_event_type(d.pop("eventType"))

        status = check_webhook_delivery_status(d.pop("status"))

        failed_attempts = d.pop("failedAttempts")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_succeeded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                succeeded_at_type_0 = datetime.datetime.fromisoformat(data)

                return succeeded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        succeeded_at = _parse_succeeded_at(d.pop("succeededAt"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = WebhookDeliveryAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        webhook_delivery = cls(
            id=id,
            event_id=event_id,
            event_type=event_type,
            status=status,
            failed_attempts=failed_attempts,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            succeeded_at=succeeded_at,
            attempts=attempts,
        )

        webhook_delivery.additional_properties = d
        return webhook_delivery

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
