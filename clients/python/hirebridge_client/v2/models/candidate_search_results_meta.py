from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CandidateSearchResultsMeta")


@_attrs_define
class CandidateSearchResultsMeta:
    """
    Attributes:
        total (int): How many candidates match now, counted up to 10,000. When more match, `total` is 10000,
            `totalIsExact` is false, and the walk covers the 10,000 most recently active matches (the
            first 1,000 of them ranked by relevance); add terms or filters to narrow the search.
        total_is_exact (bool): False when more than 10,000 candidates match (see `total`).
    """

    total: int
    total_is_exact: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        total_is_exact = self.total_is_exact

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "totalIsExact": total_is_exact,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        total_is_exact = d.pop("totalIsExact")

        candidate_search_results_meta = cls(
            total=total,
            total_is_exact=total_is_exact,
        )

        candidate_search_results_meta.additional_properties = d
        return candidate_search_results_meta

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
