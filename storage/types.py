"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, Numeric, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone, so values come back naive there; this type makes both databases
    return the same aware UTC datetimes and refuses naive ones on the way in. PostgreSQL's
    sessions run in UTC (``storage.db``), so its values come back in ``UTC`` already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:
            return value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class FiniteNumeric(TypeDecorator[Decimal]):
    """A ``NUMERIC`` that holds numbers only: never ``NaN`` or an infinity.

    PostgreSQL's ``numeric`` stores ``NaN`` (and, since version 14, infinities), which no JSON
    document can carry. Writing one raises; one stored before this type existed reads as NULL, so
    no reply can ever be made of it.
    """

    impl = Numeric
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | None:
        if value is not None and not value.is_finite():
            raise ValueError(f"{value} is not stored in a numeric column")
        return value

    def process_result_value(self, value: Decimal | None, dialect: Dialect) -> Decimal | None:
        return value if value is None or value.is_finite() else None


def string_enum(enum_class: type[enum.Enum], length: int = 24) -> Enum:
    """An enum stored as its value in a VARCHAR, so adding a member needs no type migration."""

    def values(members: Any) -> list[str]:
        return [member.value for member in members]

    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=values,
        validate_strings=True,
    )
