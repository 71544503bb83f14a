from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.subscribable_event_type import SubscribableEventType, check_subscribable_event_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """
    Attributes:
        url (str): An `https://` URL whose host resolves to public addresses (plain `http://` and internal
            addresses only where the operator allows them, such as a local development server).
             Example: https://example.com/hooks/hirebridge.
        events (list[SubscribableEventType]): The event types to send; at least one. Example: ['application.submitted',
            'application.status_changed'].
        description (str | Unset): Your own note about the webhook. Example: Production ATS sync.
        enabled (bool | Unset): False creates the webhook disabled. Default: True.
    """

    url: str
    events: list[SubscribableEventType]
    description: str | Unset = UNSET
    enabled: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for componentsschemas_webhook_event_list_item_data in self.events:
            componentsschemas_webhook_event_list_item: str = (
                componentsschemas_webhook_event_list_item_data
            )
            events.append(componentsschemas_webhook_event_list_item)

        description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for componentsschemas_webhook_event_list_item_data in _events:
            componentsschemas_webhook_event_list_item = check_subscribable_event_type(
                componentsschemas_webhook_event_list_item_data
            )

            events.append(componentsschemas_webhook_event_list_item)

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        webhook_create = cls(
            url=url,
            events=events,
            description=description,
            enabled=enabled,
        )

        return webhook_create
