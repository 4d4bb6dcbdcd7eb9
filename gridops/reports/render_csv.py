"""Render a WeeklyReport as one CSV table: a row per dimension member, a column per indicator.

UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly; raw numbers
(rates as fractions), an empty cell where a rate is not applicable. A name a spreadsheet
would read as a formula (starting with = + - @) gets a leading apostrophe, as OWASP advises
for CSV: names come from admins' input, and the file is opened in Excel.
"""
import csv
import io

from gridops.reports.fmt import DIMENSION_NAMES
from gridops.reports.indicators import INDICATORS

#: What Excel, LibreOffice and Sheets take as the start of a formula in a CSV cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report):
    """Return the report's tables as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    keys = list(INDICATORS)
    writer.writerow(["周次", "维度", "代码", "名称"] + [INDICATORS[k].name for k in keys]
                    + [f"{INDICATORS[k].name}较上周" for k in keys])
    for dim, row in [("total", report.total)] + [
            (dim, row) for dim, rows in report.tables.items() for row in rows]:
        writer.writerow([report.week.label, DIMENSION_NAMES[dim], _text(row.code),
                         _text(row.name)]
                        + [_cell(row.values.get(k)) for k in keys]
                        + [_cell(row.change(k)) for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value):
    return "'" + value if value and value[0] in FORMULA_START else value


def _cell(value):
    if value is None:
        return ""
    return round(value, 6) if isinstance(value, float) else value
