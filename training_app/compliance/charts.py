"""Chart geometry for the dashboard's server-rendered SVG: pure numbers, no drawing library.

The templates draw the shapes; this module only works out where they go, so the charts need
no script in the browser and the same figures fill the table shown beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The SVG's own coordinates; it scales to its box, and is drawn narrow enough that its text
# stays readable when a phone shrinks it.
WIDTH = 400
BAR_ROW = 46  # label line + bar
BAR_HEIGHT = 18
LINE_HEIGHT = 220
PLOT_LEFT = 40
PLOT_RIGHT = 16
PLOT_TOP = 16
PLOT_BOTTOM = 40


@dataclass(frozen=True)
class Bar:
    """One staff group's bar: its label, completed of required, and where it is drawn."""

    label: str
    completed: int
    required: int
    rate: float | None
    y: float
    width: float


@dataclass(frozen=True)
class Point:
    """One point of the completion-over-time line."""

    label: str
    day: date
    rate: float | None
    x: float
    y: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar per staff group, 0 to 100%."""

    bars: tuple[Bar, ...]
    width: int
    height: int


@dataclass(frozen=True)
class LineChart:
    """Completion rate at a series of dates, 0 to 100%."""

    points: tuple[Point, ...]
    width: int
    height: int
    path: str
    gridlines: tuple[tuple[int, float], ...]  # (percent, y)
    plot_left: int
    plot_right: int
    baseline: float


def bar_chart(rows: list[tuple[str, int, int]]) -> BarChart:
    """Bars for (label, completed, required) rows, in the order given."""
    bars = []
    for index, (label, completed, required) in enumerate(rows):
        rate = None if required == 0 else 100.0 * completed / required
        bars.append(
            Bar(
                label,
                completed,
                required,
                rate,
                y=index * BAR_ROW + 22,
                width=0.0 if rate is None else round(WIDTH * rate / 100, 1),
            )
        )
    return BarChart(tuple(bars), WIDTH, max(len(bars), 1) * BAR_ROW)


def _y(rate: float) -> float:
    plot = LINE_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    return round(PLOT_TOP + plot * (1 - rate / 100), 1)


def line_chart(series: list[tuple[str, date, float | None]]) -> LineChart:
    """A line through (label, date, rate) points, evenly spaced left to right."""
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT
    step = span / max(len(series) - 1, 1)
    points = tuple(
        Point(label, day, rate, round(PLOT_LEFT + i * step, 1), _y(rate or 0.0))
        for i, (label, day, rate) in enumerate(series)
    )
    drawn = [p for p in points if p.rate is not None]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(drawn))
    return LineChart(
        points,
        WIDTH,
        LINE_HEIGHT,
        path,
        tuple((pct, _y(pct)) for pct in (0, 25, 50, 75, 100)),
        PLOT_LEFT,
        WIDTH - PLOT_RIGHT,
        _y(0),
    )


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months` months before today's month, oldest first."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        end = first - timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return ends[::-1]
