"""A search row is masked where it is read: its type carries initials, never a name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.search.request import MaskedProfile, initials

MOMENT = datetime(2026, 12, 1, tzinfo=UTC)


def masked(shown: str) -> MaskedProfile:
    return MaskedProfile(
        id=1,
        initials=shown,
        headline=None,
        skills=[],
        city=None,
        country_id=None,
        preferred_country_ids=[],
        last_active_at=MOMENT,
        created_at=MOMENT,
    )


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("Priya Evans", "P*** E***"),
        ("anne-marie  o'neil", "A*** M*** O***"),
        ("ßtefan Ölz", "SS*** Ö***"),
        ("   ", "***"),
    ],
)
def test_initials_keep_one_letter_per_name(full_name: str, shown: str) -> None:
    assert initials(full_name) == shown
    assert masked(initials(full_name)).initials == shown


@pytest.mark.parametrize("name", ["Priya Evans", "Priya", "P*** Evans", "P***E***", ""])
def test_a_masked_profile_refuses_a_name(name: str) -> None:
    with pytest.raises(ValueError, match="initials only"):
        masked(name)
