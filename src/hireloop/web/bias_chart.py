"""The bias report's chart, drawn on the server as SVG: per group, a bar for each impact
ratio, and a line at four fifths. No script and no style attributes (the page's CSP
allows neither); colours come from classes in app.css. The table under each chart gives
the same figures as text, so the chart itself is decoration for screen readers."""

from __future__ import annotations

from dataclasses import dataclass

from hireloop.fairness.report import METRICS
from hireloop.fairness.schemas import DimensionReport, MetricResult

WIDTH = 640
LABEL_WIDTH = 250
BAR_AREA = 300  # an impact ratio of 1.0
BAR_HEIGHT = 10
BAR_GAP = 3
GROUP_GAP = 12
TOP = 24  # room for the axis labels
METRIC_NAMES = {"selection": "Selection", "offer": "Offer", "scoring": "Scoring"}


@dataclass(frozen=True)
class Bar:
    metric: str
    y: int
    width: float
    text: str
    text_x: float
    flagged: bool


@dataclass(frozen=True)
class ChartGroup:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    label_width: int
    bar_area: int
    threshold_x: float
    groups: list[ChartGroup]


def _bar(metric: str, result: MetricResult, y: int) -> Bar:
    if result.impact_ratio is None:
        words = {"too_small": "too small", "no_data": "no data"}
        text = words.get(result.status, "no ratio")
        return Bar(metric, y, 0, text, LABEL_WIDTH + 4, False)
    width = BAR_AREA * min(result.impact_ratio, 1.0)
    flagged = result.status == "below_four_fifths"
    text = f"{result.impact_ratio:.2f}" + (" below 4/5" if flagged else "")
    return Bar(metric, y, width, text, LABEL_WIDTH + width + 4, flagged)


def chart_of(dimension: DimensionReport) -> Chart:
    """Compared groups with anyone in them: declined and not provided have no impact
    ratio, and empty categories are only listed in the table."""
    groups: list[ChartGroup] = []
    y = TOP
    for row in dimension.groups:
        if not row.compared or row.applicants == 0:
            continue
        bars = []
        for index, metric in enumerate(METRICS):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            bars.append(_bar(metric, getattr(row, metric), bar_y))
        label_y = y + (len(METRICS) * (BAR_HEIGHT + BAR_GAP)) // 2 + 3
        groups.append(ChartGroup(row.label, label_y, bars))
        y += len(METRICS) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    return Chart(
        title=f"Impact ratios by {dimension.title.lower()}",
        width=WIDTH,
        height=y,
        label_width=LABEL_WIDTH,
        bar_area=BAR_AREA,
        threshold_x=LABEL_WIDTH + BAR_AREA * 0.8,
        groups=groups,
    )
