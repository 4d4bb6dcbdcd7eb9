"""Render a WeeklyReport as one self-contained HTML page, charts inline as SVG."""
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from gridops.reports import charts
from gridops.reports.build import ranking
from gridops.reports.fmt import DIMENSION_NAMES, STATE_NAMES, change_text, local_time, value_text
from gridops.reports.indicators import GRADE, GROUPS, INDICATORS, SCORE, in_group

#: The indicators of the overview, in the order a leader reads them.
OVERVIEW = ("received", "accepted", "valid_rate", "self_handled_rate", "dispatched", "closed",
            "closure_rate", "on_time_closure_rate", "rework_rate", "on_time_handling_rate",
            "handling_hours_median", "handling_hours_p90", "open_end", "overdue_end",
            "supervision_orders", "whistled", "whistle_rate", "checkin_rate",
            "missed_checkins", "escalated", "response_rate", "solve_rate",
            "satisfaction_rate", "composite", "grade")


@dataclass(frozen=True)
class Links:
    """Builds drill-down links: the route that lists the cases behind a number."""

    base: str
    week: str
    area: str

    def drill(self, indicator, dim="total", key=None):
        """Return the link listing the cases behind `indicator` of a table cell, or None."""
        if INDICATORS[indicator].kind in (SCORE, GRADE):
            return None
        query = {"dim": dim} if key is None else {"dim": dim, "key": key}
        return (f"{self.base.rstrip('/')}/reports/drill/{self.week}/{self.area}/{indicator}"
                f"?{urlencode(query)}")


@functools.cache
def environment():
    """Return the Jinja environment of the report templates (no Flask app needed)."""
    env = Environment(loader=PackageLoader("gridops.reports", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(value=_value, change=_change, local=local_time)
    env.globals.update(INDICATORS=INDICATORS, GROUPS=GROUPS, in_group=in_group,
                       DIMENSION_NAMES=DIMENSION_NAMES, STATE_NAMES=STATE_NAMES)
    return env


def render_html(report, links):
    """Return the report as one HTML page with its charts inline."""
    return environment().get_template("reports/weekly.html").render(
        report=report, links=links, overview=[INDICATORS[k] for k in OVERVIEW],
        charts=report_charts(report))


def report_charts(report):
    """Return the report's four charts as SVG markup (the PDF draws the same markup)."""
    return {"trend": charts.trend_chart(report.trend),
            "funnel": charts.funnel_chart(report.total.values),
            "ranking": charts.ranking_chart(ranking(report.tables.get("unit", []))),
            "map": charts.hotspot_map(report.shapes, report.tables.get("grid", []),
                                      report.hot_grids)}


def _value(values, key):
    return value_text(values.get(key), INDICATORS[key].fmt)


def _change(row, key):
    return change_text(row.change(key), INDICATORS[key].fmt)
