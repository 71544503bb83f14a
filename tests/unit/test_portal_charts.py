"""The portal's bar charts: scale, labels and geometry, without a server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hirebridge.portal import charts
from hirebridge.portal.charts import Series, stacked_by_day

SERIES = [Series("2xx", "2xx", "chart-ok"), Series("4xx", "4xx", "chart-refused")]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (323, 500), (5000, 5000)]
)
def test_the_scale_ends_at_a_round_number(value: float, ceiling: int) -> None:
    assert charts.nice_ceiling(value) == ceiling


@pytest.mark.parametrize(
    ("value", "label"), [(0, "0"), (950, "950"), (1000, "1k"), (2500, "2.5k"), (2_000_000, "2M")]
)
def test_axis_labels_are_compact(value: int, label: str) -> None:
    assert charts.compact(value) == label


def test_bars_stack_each_day_in_proportion_and_the_line_sits_at_its_value() -> None:
    days = [date(2026, 12, 1) + timedelta(days=n) for n in range(30)]
    counts = {days[-1]: {"2xx": 6, "4xx": 4}, days[0]: {"4xx": 5}}
    chart = stacked_by_day("Requests", SERIES, days, counts, line=(5.0, "quota"))
    assert [row.total for row in chart.rows][:2] == [5, 0] and chart.rows[-1].counts == [6, 4]
    assert not chart.empty
    bottom = charts.TOP + charts.PLOT_HEIGHT
    ok, refused = [bar for bar in chart.bars if bar.x > charts.WIDTH / 2]
    # Top of the scale is 10: 6 of them are 60% of the plot, the 4 on top the next 40%.
    assert ok.css_class == "chart-ok" and ok.y + ok.height == pytest.approx(bottom)
    assert ok.height == pytest.approx(charts.PLOT_HEIGHT * 0.6, abs=0.02)
    assert refused.y == pytest.approx(charts.TOP, abs=0.02)
    assert refused.title == "30 Dec: 4 4xx"
    assert chart.line is not None and chart.line.y == pytest.approx(bottom - charts.PLOT_HEIGHT / 2)
    assert [tick.label for tick in chart.ticks] == ["0", "5", "10"]
    # Today and each week back are labelled.
    assert [label.label for label in chart.days] == ["30 Dec", "23 Dec", "16 Dec", "9 Dec", "2 Dec"]
    assert all(charts.LEFT <= bar.x <= charts.WIDTH - charts.RIGHT for bar in chart.bars)


def test_a_chart_without_counts_is_empty_and_draws_no_bar() -> None:
    days = [date(2026, 12, 1) + timedelta(days=n) for n in range(7)]
    chart = stacked_by_day("Deliveries", SERIES, days, {})
    assert chart.empty and chart.bars == [] and chart.line is None
    assert [tick.label for tick in chart.ticks] == ["0", "1"]
