"""Keyset pages: the items of a list that come after a position in its order.

A list's order is a tuple of columns whose last one is unique, so every item has its own position
and "after this position" means the same set of items however many rows were added or removed
before it. That is what makes a walk through the pages stable: an item that stays in the list for
the whole walk is met exactly once, whatever else changes (unlike page numbers, where one insert
shifts every later page by one item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Label, Select, bindparam, literal, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import KeyedColumnElement

T = TypeVar("T")

# The values of an order's columns for one item, e.g. (created_at, id).
Position = tuple[Any, ...]


def total_column(count: Select[Any]) -> Label[Any]:
    """``count`` (a list's count of all its items) as the last column of the statement that reads
    one numbered page of the list: run once, as a subquery of its own, from the list's index.

    ``count(*) OVER ()`` gave the same number but read every item of the list whole, with its
    joins, to count them, whatever the page: for an employer of 6,000 jobs, 4.5-8.8 ms of
    PostgreSQL's CPU for a page of 50, against 0.8-1.3 ms with the count's own subquery (within
    the noise at 60 jobs; bench/list_statements.py, bench/RESULTS.md, issue 25, "a page's
    count"). The count's tables are its
    own, not the page's (no correlation). Same statement, same snapshot: the page and its count
    agree.
    """
    return count.correlate(None).scalar_subquery().label("total_matches")


@dataclass(frozen=True)
class Order:
    """A total order over a list: ``columns`` all descending (newest first) or all ascending."""

    # Mapped attributes (``Job.id``), or a table's columns for lists read as rows.
    columns: tuple[InstrumentedAttribute[Any] | KeyedColumnElement[Any], ...]
    descending: bool = True

    def clauses(self) -> list[ColumnElement[Any]]:
        return [column.desc() if self.descending else column.asc() for column in self.columns]

    def position(self, item: Any) -> Position:
        return tuple(getattr(item, column.key) for column in self.columns)

    def after(self, position: Position) -> ColumnElement[bool]:
        """The items that come after ``position`` in this order (a row-value comparison, which
        both PostgreSQL and SQLite evaluate, and PostgreSQL answers from the order's index)."""
        self._check(position)
        values = zip(self.columns, position, strict=True)
        return self._comes_after(tuple_(*(literal(value, column.type) for column, value in values)))

    def after_bound(self) -> ColumnElement[bool]:
        """``after`` for a statement built once: the position is bound parameters, one per
        column (``after_<column>``), whose values ``bound_position`` gives at each call."""
        bound = (bindparam(f"after_{column.key}", type_=column.type) for column in self.columns)
        return self._comes_after(tuple_(*bound))

    def bound_position(self, position: Position) -> dict[str, Any]:
        """The values of ``after_bound``'s parameters for ``position``."""
        self._check(position)
        return {
            f"after_{column.key}": value
            for column, value in zip(self.columns, position, strict=True)
        }

    def _check(self, position: Position) -> None:
        if len(position) != len(self.columns):
            raise ValueError("a position has one value per order column")

    def _comes_after(self, values: ColumnElement[Any]) -> ColumnElement[bool]:
        row = tuple_(*self.columns)
        return row < values if self.descending else row > values


@dataclass(frozen=True)
class Slice(Generic[T]):
    """Up to ``limit`` items after a position, and whether any follow them."""

    items: list[T]
    has_more: bool
    last: Position | None

    @classmethod
    def of(cls, rows: Sequence[T], limit: int, order: Order) -> Slice[T]:
        items = list(rows[:limit])
        return cls(
            items=items,
            has_more=len(rows) > limit,
            last=order.position(items[-1]) if items else None,
        )


def keyset_slice(
    session: Session, query: Select[T], order: Order, after: Position | None, limit: int
) -> Slice[T]:
    """The first ``limit`` rows of ``query`` after ``after`` (from the start when ``None``).

    One row more than asked is read, to know whether another page follows without counting.
    """
    if after is not None:
        query = query.where(order.after(after))
    rows = list(session.scalars(query.order_by(*order.clauses()).limit(limit + 1)))
    return Slice.of(rows, limit, order)
