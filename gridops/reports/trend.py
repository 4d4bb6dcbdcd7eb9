"""The trend of the last weeks: a few indicators per week, from the same conditions, cheaply.

Eight weeks of full facts cost three times the report itself. The trend's indicators need
only the case's timestamps and state, when its clocks first ran late and whether one was
overdue at each week's end; so the trend computes exactly those columns, over the staged
cases alive in the eight weeks, and counts them with the conditions of `INDICATORS`.
"""
from sqlalchemy import text

from gridops.reports.aggregate import week_params
from gridops.reports.facts import CLOCKS, WEEKS
from gridops.reports.indicators import COUNT, INDICATORS, condition

#: What the trend shows for each week (counts, and the rates derived from them).
TREND_KEYS = ("received", "accepted", "active", "closed", "closed_on_time", "due_close",
              "closure_rate", "on_time_closure_rate", "open_end", "overdue_end")

CASE_WEEK = """
case_week AS (
    SELECT c.*, w.wk, w.ws, w.we, l.late_since, od.id IS NOT NULL AS overdue_at_end
    FROM report_cases c
    JOIN weeks w ON c.reported_at < w.we AND (c.closed_at IS NULL OR c.closed_at >= w.ws)
    LEFT JOIN late l ON l.id = c.id
    LEFT JOIN overdue od ON od.id = c.id AND od.wk = w.wk
)"""


def counted_keys():
    """Return the counts the trend's indicators are made of."""
    keys = []
    for key in TREND_KEYS:
        row = INDICATORS[key]
        keys += [key] if row.kind == COUNT else [k for k, _ in row.num] + [row.den]
    return list(dict.fromkeys(keys))


def trend_sql():
    """Return the query counting the trend's indicators per week over the staged cases."""
    counts = ",\n       ".join(f'count(*) FILTER (WHERE {condition(k)}) AS "{k}"'
                               for k in counted_keys())
    return ("WITH" + WEEKS + "," + CLOCKS + "," + CASE_WEEK
            + f"\nSELECT wk, {counts}\nFROM case_week GROUP BY wk")


def weekly_counts(session, area, weeks, tz):
    """Return {wk: counts} for `weeks` (wk 1 is the first), from cases staged for them all."""
    rows = session.execute(text(trend_sql()), week_params(weeks, area.ids, tz))
    return {row["wk"]: {k: row[k] for k in counted_keys()} for row in rows.mappings()}
