"""The comparison's bar chart as plain geometry for an inline SVG (no script, no inline style:
the CSP allows neither). One small chart per area, a bar per version; the table beside it holds
the same figures, so the chart is a picture of the table, never the only place a number is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

LABEL_WIDTH = 84
BAR_UNIT = 48  # pixels per step of the scale: four steps fill 192 px
BAR_HEIGHT = 14
GAP = 6
WIDTH = 320  # fits a 360 px wide screen beside the page's margins
LATEST = "#1f4e8c"
EARLIER = "#5f6b7a"


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    width: int
    label: str
    value: str
    fill: str
    value_x: int


@dataclass(frozen=True)
class AreaChart:
    label: str
    description: str
    height: int
    bars: list[Bar]


def area_chart(area, versions, cells) -> AreaChart:
    bars, parts = [], []
    for index, (version, cell) in enumerate(zip(versions, cells, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        value = cell.level.value if cell.level else 0
        label = _("Version %(number)s") % {"number": version.number}
        shown = f"{value} {cell.level.display}" if cell.level else _("not assessed")
        width = value * BAR_UNIT
        bars.append(
            Bar(
                y=y, text_y=y + BAR_HEIGHT - 3, width=width, label=label,
                value=str(value) if value else _("not assessed"),
                fill=LATEST if index == len(versions) - 1 else EARLIER,
                value_x=LABEL_WIDTH + width + 4,
            )
        )  # fmt: skip
        parts.append(f"{label}: {shown}")
    return AreaChart(
        label=area.label,
        description="; ".join(parts),
        height=GAP + len(bars) * (BAR_HEIGHT + GAP),
        bars=bars,
    )


def charts(comparison) -> list[tuple[object, list[AreaChart]]]:
    """Per side of the triangle, a chart per area rated in any of the compared versions (an
    area none of them assessed has nothing to draw; the table still lists it)."""
    drawn = []
    for rows in comparison.sides:
        rated = [row for row in rows.rows if any(cell.level for cell in row.cells)]
        if rated:
            drawn.append(
                (rows.side, [area_chart(row.area, comparison.versions, row.cells) for row in rated])
            )
    return drawn
