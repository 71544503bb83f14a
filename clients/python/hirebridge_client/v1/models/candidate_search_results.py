from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.candidate_search_result import CandidateSearchResult


T = TypeVar("T", bound="CandidateSearchResults")


@_attrs_define
class CandidateSearchResults:
    """
    Attributes:
        total (int): How many candidates match, counted up to 10,000. When more match, `total` is 10000,
            `totalIsExact` is false, and the pages hold the 10,000 most recently active matches
            (the first 1,000 of them ranked by relevance); add terms or filters to narrow the
            search.
        total_is_exact (bool): False when more than 10,000 candidates match (see `total`).
        page (int):
        page_size (int):
        items (list[CandidateSearchResult]):
    """

    total: int
    total_is_exact: bool
    page: int
    page_size: int
    items: list[CandidateSearchResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        total_is_exact = self.total_is_exact

        page = self.page

        page_size = self.page_size

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "totalIsExact": total_is_exact,
                "page": page,
                "pageSize": page_size,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.candidate_search_result import CandidateSearchResult

        d = dict(src_dict)
        total = d.pop("total")

        total_is_exact = d.pop("totalIsExact")

        page = d.pop("page")

        page_size = d.pop("pageSize")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CandidateSearchResult.from_dict(items_item_data)

            items.append(items_item)

        candidate_search_results = cls(
            total=total,
            total_is_exact=total_is_exact,
            page=page,
            page_size=page_size,
            items=items,
        )

        candidate_search_results.additional_properties = d
        return candidate_search_results

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
