"""Render a WeeklyReport as one CSV table: a row per dimension member, a column per indicator.

UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly; raw numbers
(rates as fractions), an empty cell where a rate is not applicable.
"""
import csv
import io

from gridops.reports.fmt import DIMENSION_NAMES
from gridops.reports.indicators import INDICATORS


def render_csv(report):
    """Return the report's tables as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    keys = list(INDICATORS)
    writer.writerow(["周次", "维度", "代码", "名称"] + [INDICATORS[k].name for k in keys]
                    + [f"{INDICATORS[k].name}较上周" for k in keys])
    for dim, row in [("total", report.total)] + [
            (dim, row) for dim, rows in report.tables.items() for row in rows]:
        writer.writerow([report.week.label, DIMENSION_NAMES[dim], row.code, row.name]
                        + [_cell(row.values.get(k)) for k in keys]
                        + [_cell(row.change(k)) for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value):
    if value is None:
        return ""
    return round(value, 6) if isinstance(value, float) else value
