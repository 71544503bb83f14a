from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscribable_event_type import SubscribableEventType, check_subscribable_event_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookUpdate")


@_attrs_define
class WebhookUpdate:
    """The fields to change; at least one. `null` clears `description`.

    Attributes:
        url (str | Unset): An `https://` URL whose host resolves to public addresses (plain `http://` and internal
            addresses only where the operator allows them, such as a local development server).
             Example: https://example.com/hooks/hirebridge.
        events (list[SubscribableEventType] | Unset): The event types to send; at least one. Example:
            ['application.submitted', 'application.status_changed'].
        description (None | str | Unset):
        enabled (bool | Unset): False disables the webhook; true enables it again and resets `consecutiveFailures`.
    """

    url: str | Unset = UNSET
    events: list[SubscribableEventType] | Unset = UNSET
    description: None | str | Unset = UNSET
    enabled: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for componentsschemas_webhook_event_list_item_data in self.events:
                componentsschemas_webhook_event_list_item: str = (
                    componentsschemas_webhook_event_list_item_data
                )
                events.append(componentsschemas_webhook_event_list_item)

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if events is not UNSET:
            field_dict["events"] = events
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _events = d.pop("events", UNSET)
        events: list[SubscribableEventType] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for componentsschemas_webhook_event_list_item_data in _events:
                componentsschemas_webhook_event_list_item = check_subscribable_event_type(
                    componentsschemas_webhook_event_list_item_data
                )

                events.append(componentsschemas_webhook_event_list_item)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        enabled = d.pop("enabled", UNSET)

        webhook_update = cls(
            url=url,
            events=events,
            description=description,
            enabled=enabled,
        )

        return webhook_update
