"""Build a weekly report: the counts from SQL, then tables, rankings, trend and escalations.

Everything a renderer needs is in the `WeeklyReport` this returns; no renderer queries the
database, so HTML, PDF, XLSX and CSV show the same numbers.
"""
from dataclasses import dataclass
from datetime import datetime

from gridops.reports import aggregate as agg
from gridops.reports import lookups, trend
from gridops.reports.derive import Scoring, change, derive
from gridops.reports.indicators import (AGGREGATED, CASE, COUNT, DISTINCT, INDICATORS, SUM,
                                        SUMMONS)
from gridops.reports.week import Week

TREND_WEEKS = 8
TOP = 10
BOTTOM_UNITS = 3
NO_UNIT = "（未派遣）"


@dataclass
class Row:
    """One line of a table: a dimension's member with this week's and last week's values."""

    dim: str
    key: str | None
    code: str
    name: str
    values: dict
    previous: dict

    def change(self, key):
        return change(self.values.get(key), self.previous.get(key))


@dataclass
class WeeklyReport:
    week: Week
    area: lookups.AreaInfo
    generated_at: datetime
    scoring: Scoring
    total: Row
    tables: dict
    trend: list
    bottom_units: list
    top_categories: list
    hot_grids: list
    escalations: list
    cases: list
    summonses: list
    shapes: lookups.Shapes | None = None

    @property
    def empty(self):
        """Tell whether nothing happened in the area this week: no case alive, no whistle."""
        return not self.total.values.get("active") and not self.total.values.get("summoned")


def build_weekly(session, week, area_code, now, scoring=None, tz=None):
    """Return the WeeklyReport of `area_code` for `week`, as of the data at `now`."""
    scoring, tz = scoring or Scoring(), tz or week.tz
    area = lookups.area_info(session, area_code)
    dims = agg.dimensions_below(area.level)
    weeks = week.history(TREND_WEEKS)[::-1]  # the report week first: wk 1
    with agg.staged(session, area, weeks, tz):
        trend_weeks = _trend(session, area, weeks, tz, scoring)
        with agg.materialized(session, area, weeks[:2], tz):
            counted = agg.aggregate(session, CASE, dims) + agg.aggregate(session, SUMMONS, dims)
            cases = lookups.case_list(session, tz)
            summonses = lookups.summons_list(session)
    values = _merge(counted, scoring)
    names = lookups.names(session, [c for c in counted if c.wk == 1])
    tables = {dim: _table(values, names, dim, scoring) for dim in dims}
    total = _row(values, names, agg.TOTAL, None, scoring)
    total.code, total.name = area.code, area.name
    return WeeklyReport(
        week=week, area=area, generated_at=now, scoring=scoring, total=total, tables=tables,
        trend=trend_weeks,
        bottom_units=bottom_units(tables.get("unit", [])),
        top_categories=_top(tables.get("category", [])),
        hot_grids=_top(tables.get("grid", [])),
        escalations=lookups.escalations(session, [c[0] for c in cases if c[1]], week.end),
        cases=cases, summonses=summonses, shapes=lookups.shapes(session, area))


def _merge(counted, scoring):
    merged = {}
    for row in counted:
        merged.setdefault((row.wk, row.dim, row.key), zeros()).update(row.values)
    return {key: derive(values, scoring) for key, values in merged.items()}


def zeros():
    """Return the aggregated values of a row with no facts: zero counts, no medians."""
    return {row.key: 0 if row.kind in (COUNT, SUM, DISTINCT) else None
            for row in INDICATORS.values() if row.kind in AGGREGATED}


def _trend(session, area, weeks, tz, scoring):
    """Return [(week, values)] of the trend's weeks (given newest first), oldest first."""
    counts = trend.weekly_counts(session, area, weeks, tz)
    empty = dict.fromkeys(trend.counted_keys(), 0)
    return [(w, {k: v for k, v in derive(counts.get(n, empty), scoring).items()
                 if k in trend.TREND_KEYS})
            for n, w in reversed(list(enumerate(weeks, start=1)))]


def _row(values, names, dim, key, scoring):
    code, name = names.get((dim, key), (key or "", NO_UNIT if dim == "unit" else key or ""))
    nothing = derive(zeros(), scoring)
    return Row(dim, key, code, name, values.get((1, dim, key), nothing),
               values.get((2, dim, key), nothing))


def _table(values, names, dim, scoring):
    keys = {key for wk, d, key in values if d == dim and wk == 1}
    rows = [_row(values, names, dim, key, scoring) for key in keys]
    return sorted(rows, key=lambda r: (r.key is None, r.code))


def bottom_units(rows):
    """Return the three units with the lowest composite score (units never visited excluded)."""
    scored = [r for r in rows if r.key is not None and r.values.get("composite") is not None]
    ranked = sorted(scored, key=lambda r: (r.values["composite"],
                                           _or(r.values.get("on_time_handling_rate"), 1.0),
                                           r.code))
    return ranked[:BOTTOM_UNITS]


def ranking(rows):
    """Return units with a composite score, best first (the unit ranking chart)."""
    scored = [r for r in rows if r.key is not None and r.values.get("composite") is not None]
    return sorted(scored, key=lambda r: (-r.values["composite"], r.code))


def _top(rows, indicator="received"):
    busy = [r for r in rows if (r.values.get(indicator) or 0) > 0]
    return sorted(busy, key=lambda r: (-r.values[indicator], r.code))[:TOP]


def _or(value, default):
    return default if value is None else value
