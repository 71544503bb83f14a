from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebhookReplayRequest")


@_attrs_define
class WebhookReplayRequest:
    """
    Attributes:
        since (datetime.datetime): Replay the failed deliveries created at or after this time. Example:
            2026-05-10T22:00:00Z.
    """

    since: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        since = self.since.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        since = datetime.datetime.fromisoformat(d.pop("since"))

        webhook_replay_request = cls(
            since=since,
        )

        return webhook_replay_request
