"""Stacked bar charts per day, drawn on the server as inline SVG (``templates/chart.html``).

No script and no style attribute: the pages' Content-Security-Policy allows neither inline, so
colours come from classes in ``portal.css``. The SVG is a picture of the numbers only
(``aria-hidden``); the same numbers go in a table for screen readers.

Coordinates are in a fixed ``viewBox`` that the stylesheet scales to the width of the screen;
the sizes below keep the text readable from a phone (about 360 pixels) to a desktop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 480
HEIGHT = 210
LEFT = 52
RIGHT = 24
TOP = 12
BOTTOM = 32
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BAR_SHARE = 0.7


@dataclass(frozen=True)
class Series:
    """One kind of count (``2xx``), its legend label and its CSS class (its colour)."""

    key: str
    label: str
    css_class: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class DayLabel:
    x: float
    label: str


@dataclass(frozen=True)
class Row:
    """A day as the table shows it."""

    day: date
    counts: list[int]
    total: int


@dataclass(frozen=True)
class Line:
    """A horizontal reference line (a daily share of the monthly quota)."""

    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[Series]
    bars: list[Bar]
    ticks: list[Tick]
    days: list[DayLabel]
    rows: list[Row]
    line: Line | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_bottom: int = TOP + PLOT_HEIGHT
    plot_right: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return all(row.total == 0 for row in self.rows)


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def compact(value: int) -> str:
    """``950``, ``1k``, ``2.5k``, ``10k``, ``2M``: axis labels that fit beside a phone's chart."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return str(value)


def _short(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def stacked_by_day(
    title: str,
    series: Sequence[Series],
    days: Sequence[date],
    counts: Mapping[date, Mapping[str, int]],
    *,
    line: tuple[float, str] | None = None,
) -> BarChart:
    """One stacked bar per day (oldest on the left), ``series`` from the bottom up; ``line``
    (value, label) draws a reference line across."""
    rows = [
        Row(
            day=day,
            counts=[counts.get(day, {}).get(one.key, 0) for one in series],
            total=sum(counts.get(day, {}).get(one.key, 0) for one in series),
        )
        for day in days
    ]
    top = nice_ceiling(max([row.total for row in rows] + [line[0] if line else 0]))
    band = PLOT_WIDTH / max(1, len(rows))
    width = band * BAR_SHARE

    def y_of(value: float) -> float:
        return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top

    bars: list[Bar] = []
    for index, row in enumerate(rows):
        base = 0
        for one, count in zip(series, row.counts, strict=True):
            if count:
                bars.append(
                    Bar(
                        x=round(LEFT + index * band + (band - width) / 2, 2),
                        y=round(y_of(base + count), 2),
                        width=round(width, 2),
                        height=round(y_of(base) - y_of(base + count), 2),
                        css_class=one.css_class,
                        title=f"{_short(row.day)}: {count:,} {one.label}",
                    )
                )
            base += count
    # Today and each week back from it.
    labelled = range(len(rows) - 1, -1, -7)
    return BarChart(
        title=title,
        series=list(series),
        bars=bars,
        ticks=[
            Tick(y=round(y_of(value), 2), label=compact(value))
            for value in sorted({0, top // 2, top})
        ],
        days=[
            DayLabel(x=round(LEFT + (index + 0.5) * band, 2), label=_short(rows[index].day))
            for index in labelled
        ],
        rows=rows,
        line=Line(y=round(y_of(line[0]), 2), label=line[1]) if line else None,
    )
