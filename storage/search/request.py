"""What a CV search is asked (``SearchRequest``) and what it answers (``SearchPage`` of masked
rows)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# One initial per name, each followed by three stars (``P*** E***``); an initial is what
# ``str.upper`` makes of one character, which may be up to three (``ß`` -> ``SS``).
_INITIALS = re.compile(r"[^\s*]{1,3}\*\*\*( [^\s*]{1,3}\*\*\*)*|\*\*\*")


@dataclass(frozen=True)
class SearchRequest:
    query: str
    preferred_country_ids: tuple[int, ...] = ()
    active_within_days: int | None = None
    page: int = 1
    page_size: int = 20

    @property
    def page_end(self) -> int:
        """The place in the results of the page's last row (from 1)."""
        return self.page * self.page_size


def initials(full_name: str) -> str:
    """``Priya Evans`` -> ``P*** E***``: an initial per name, nothing else."""
    parts = [part for part in full_name.replace("-", " ").split() if part]
    return " ".join(f"{part[0].upper()}***" for part in parts) or "***"


@dataclass(frozen=True)
class MaskedProfile:
    """What a search row may show of a profile (docs/requirements.md#j2): the name's initials,
    no contact details, summary or CV text. The search never reads those columns, and this type
    has no field that could carry them: ``initials`` refuses anything but initials."""

    id: int
    initials: str
    headline: str | None
    skills: list[str]
    city: str | None
    country_id: int | None
    preferred_country_ids: list[int]
    last_active_at: datetime
    created_at: datetime

    def __post_init__(self) -> None:
        if not _INITIALS.fullmatch(self.initials):
            raise ValueError("A masked profile carries the name's initials only (P*** E***).")


@dataclass(frozen=True)
class SearchHit:
    candidate: MaskedProfile
    is_unlocked: bool


@dataclass(frozen=True)
class SearchPage:
    total: int
    total_is_exact: bool
    hits: list[SearchHit]
