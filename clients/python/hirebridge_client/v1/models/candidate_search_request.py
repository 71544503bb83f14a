from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CandidateSearchRequest")


@_attrs_define
class CandidateSearchRequest:
    """
    Attributes:
        query (str): The boolean query (see "CV search query language"): not blank, at most 512
            characters and 50 terms. A query refused here or by the query language is
            `400 invalid_query` (`x-error-code`).
             Example: kubernetes AND (aws OR gcp) AND NOT junior.
        preferred_country_ids (list[int] | Unset): Only candidates who would work in at least one of these countries.
        active_within_days (int | Unset): Only candidates active on the platform within this many days. Example: 90.
        page_number (int | Unset): The page of results, from 1. `pageNumber` × `pageSize` may not pass 10,000. Default:
            1.
        page_size (int | Unset):  Default: 20.
    """

    query: str
    preferred_country_ids: list[int] | Unset = UNSET
    active_within_days: int | Unset = UNSET
    page_number: int | Unset = 1
    page_size: int | Unset = 20

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        preferred_country_ids: list[int] | Unset = UNSET
        if not isinstance(self.preferred_country_ids, Unset):
            preferred_country_ids = self.preferred_country_ids

        active_within_days = self.active_within_days

        page_number = self.page_number

        page_size = self.page_size

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "query": query,
            }
        )
        if preferred_country_ids is not UNSET:
            field_dict["preferredCountryIds"] = preferred_country_ids
        if active_within_days is not UNSET:
            field_dict["activeWithinDays"] = active_within_days
        if page_number is not UNSET:
            field_dict["pageNumber"] = page_number
        if page_size is not UNSET:
            field_dict["pageSize"] = page_size

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        query = d.pop("query")

        preferred_country_ids = cast(list[int], d.pop("preferredCountryIds", UNSET))

        active_within_days = d.pop("activeWithinDays", UNSET)

        page_number = d.pop("pageNumber", UNSET)

        page_size = d.pop("pageSize", UNSET)

        candidate_search_request = cls(
            query=query,
            preferred_country_ids=preferred_country_ids,
            active_within_days=active_within_days,
            page_number=page_number,
            page_size=page_size,
        )

        return candidate_search_request
