"""Geometry for the per-skill results chart, drawn as inline SVG by the template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHART_WIDTH = 640
LABEL_WIDTH = 200
BAR_AREA = 360
ROW_HEIGHT = 36
BAR_HEIGHT = 20
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    level: str
    score: float | None
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


def skill_bars(skill_results: list[dict[str, Any]]) -> tuple[list[Bar], int]:
    """One bar per skill (score 0-100); unassessed skills get a label and no bar."""
    bars = []
    for index, result in enumerate(skill_results):
        score = result.get("score")
        bars.append(
            Bar(
                label=str(result.get("skill_name", result.get("skill_id", "Skill"))),
                level=str(result.get("level", "not_assessed")),
                score=None if score is None else float(score),
                y=TOP + index * ROW_HEIGHT,
                width=0.0
                if score is None
                else round(BAR_AREA * max(0.0, min(100.0, score)) / 100, 1),
            )
        )
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    return bars, height


CHART = {
    "width": CHART_WIDTH,
    "label_width": LABEL_WIDTH,
    "bar_area": BAR_AREA,
    "bar_height": BAR_HEIGHT,
}
