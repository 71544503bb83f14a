from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscribable_event_type import SubscribableEventType, check_subscribable_event_type

T = TypeVar("T", bound="Webhook")


@_attrs_define
class Webhook:
    """A webhook subscription. Its secret is never shown here.

    Attributes:
        id (int):  Example: 42.
        url (str): Where the events are POSTed. Example: https://example.com/hooks/hirebridge.
        description (None | str): Your own note about the webhook. Example: Production ATS sync.
        events (list[SubscribableEventType]): The event types sent to this webhook. Example: ['application.submitted',
            'application.status_changed'].
        enabled (bool): False when disabled by you or after 10 failed attempts in a row.
        disabled_reason (None | str): Why the webhook is disabled; null while it is enabled.
        consecutive_failures (int): Failed attempts in a row, across its deliveries; 10 disables the webhook. Example:
            0.
        secret_rotation_ends_at (datetime.datetime | None): During the 24 hours after a rotation, when the previous
            secret stops signing; null
            when only one secret is live.
        created_at (datetime.datetime):  Example: 2026-05-01T09:00:00Z.
        updated_at (datetime.datetime):  Example: 2026-05-01T09:00:00Z.
    """

    id: int
    url: str
    description: None | str
    events: list[SubscribableEventType]
    enabled: bool
    disabled_reason: None | str
    consecutive_failures: int
    secret_rotation_ends_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        description: None | str
        description = self.description

        events = []
        for events_item_data in self.events:
            events_item: str = events_item_data
            events.append(events_item)

        enabled = self.enabled

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        consecutive_failures = self.consecutive_failures

        secret_rotation_ends_at: None | str
        if isinstance(self.secret_rotation_ends_at, datetime.datetime):
            secret_rotation_ends_at = self.secret_rotation_ends_at.isoformat()
        else:
            secret_rotation_ends_at = self.secret_rotation_ends_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "description": description,
                "events": events,
                "enabled": enabled,
                "disabledReason": disabled_reason,
                "consecutiveFailures": consecutive_failures,
                "secretRotationEndsAt": secret_rotation_ends_at,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = check_subscribable_event_type(events_item_data)

            events.append(events_item)

        enabled = d.pop("enabled")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabledReason"))

        consecutive_failures = d.pop("consecutiveFailures")

        def _parse_secret_rotation_ends_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                secret_rotation_ends_at_type_0 = datetime.datetime.fromisoformat(data)

                return secret_rotation_ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        secret_rotation_ends_at = _parse_secret_rotation_ends_at(d.pop("secretRotationEndsAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        webhook = cls(
            id=id,
            url=url,
            description=description,
            events=events,
            enabled=enabled,
            disabled_reason=disabled_reason,
            consecutive_failures=consecutive_failures,
            secret_rotation_ends_at=secret_rotation_ends_at,
            created_at=created_at,
            updated_at=updated_at,
        )

        webhook.additional_properties = d
        return webhook

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
