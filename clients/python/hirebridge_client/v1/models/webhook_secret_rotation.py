from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookSecretRotation")


@_attrs_define
class WebhookSecretRotation:
    """
    Attributes:
        secret (str): The signing secret: the HMAC-SHA256 key of `X-Webhook-Signature` (the whole string,
            `whsec_` included). Shown only when the webhook is created and when it is rotated.
             Example: whsec_Qm9vb2tTaGVsZlJhaW5ib3dDb21wYXNzU3RlYW1Cb2F0.
        previous_secret_expires_at (datetime.datetime): When the secret just replaced stops signing (24 hours from the
            rotation). Example: 2026-05-02T09:00:00Z.
    """

    secret: str
    previous_secret_expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        previous_secret_expires_at = self.previous_secret_expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "secret": secret,
                "previousSecretExpiresAt": previous_secret_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        secret = d.pop("secret")

        previous_secret_expires_at = datetime.datetime.fromisoformat(
            d.pop("previousSecretExpiresAt")
        )

        webhook_secret_rotation = cls(
            secret=secret,
            previous_secret_expires_at=previous_secret_expires_at,
        )

        webhook_secret_rotation.additional_properties = d
        return webhook_secret_rotation

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
