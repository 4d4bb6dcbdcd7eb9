"""Render a WeeklyReport as XLSX: one sheet per table, Chinese headers, frozen header rows.

Every number can be traced: the 案件清单 sheet has one row per case of the week with a 1 in
the column of every count it is part of, so filtering a column gives the cases of a number.
Written in openpyxl's write-only mode; the case list's rows are added as XML (see xlsx_rows).
"""
import io
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gridops.reports.fmt import DIMENSION_NAMES, EXCEL_FORMATS, NOT_APPLICABLE, STATE_NAMES
from gridops.reports.indicators import CASE, COUNT, GROUPS, INDICATORS, SUMMONS, in_group, of_fact
from gridops.reports.lookups import CASE_LIST_HEADERS
from gridops.reports.trend import TREND_KEYS
from gridops.reports.xlsx_rows import add_rows, rows_xml

HEADER_FONT = Font(bold=True)
#: openpyxl stores a string starting with "=" as a formula.
FORMULA_START = "="
HEADER_FILL = PatternFill("solid", fgColor="EEF2F8")


class Sheets:
    """A write-only workbook and the helpers its sheets share."""

    def __init__(self, tz):
        self.book, self.zone = Workbook(write_only=True), ZoneInfo(tz)
        #: (sheet title, plain rows) added as XML after saving (see xlsx_rows).
        self.streamed = []

    def sheet(self, title, headers, widths=None, group_row=None):
        """Add a sheet with (an optional group row and) a header row, frozen below them."""
        ws = self.book.create_sheet(title)
        rows = ([group_row] if group_row else []) + [headers]
        ws.freeze_panes = f"{'C' if group_row else 'A'}{len(rows) + 1}"
        for n, width in enumerate(widths or [14] * len(headers), start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        for row in rows:
            ws.append([self.header(ws, text) for text in row])
        return ws

    def header(self, ws, text):
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def number(self, ws, value, fmt):
        """Return a cell with the indicator format; 不适用 where a rate has no denominator."""
        if value is None:
            return NOT_APPLICABLE if fmt != "int" else None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = EXCEL_FORMATS[fmt]
        return cell

    def moment(self, ws, value):
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value.astimezone(self.zone).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell

    def append(self, ws, values):
        """Append a row; text that Excel would read as a formula stays text (a unit or area
        named "=HYPERLINK(…)" must not become a live formula in a leader's spreadsheet)."""
        ws.append([self.string_cell(ws, v) if isinstance(v, str) and v.startswith(FORMULA_START)
                   else v for v in values])

    def string_cell(self, ws, value):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell

    def stream(self, ws, rows):
        """Queue plain rows (str, number or None) for `ws`, below its header."""
        self.streamed.append((ws.title, rows))

    def bytes(self):
        out = io.BytesIO()
        self.book.save(out)
        data = out.getvalue()
        for title, rows in self.streamed:
            width = max((len(r) for r in rows), default=1)
            data = add_rows(data, self.book.sheetnames.index(title) + 1, rows_xml(rows, 2),
                            f"{get_column_letter(width)}{len(rows) + 1}")
        return data


def render_xlsx(report):
    """Return the report as XLSX bytes."""
    sheets = Sheets(report.week.tz)
    _overview(sheets, report)
    _trend(sheets, report)
    for dim, rows in report.tables.items():
        _dimension(sheets, report, dim, rows)
    _ranked(sheets, "末三位部门", report.bottom_units, ("composite", "grade", "visited",
            "response_rate", "solve_rate", "satisfaction_rate", "on_time_handling_rate"))
    _ranked(sheets, "热点网格", report.hot_grids, ("received", "active", "open_end", "overdue_end"))
    _ranked(sheets, "高发类别", report.top_categories, ("received", "closed", "closure_rate"))
    _escalations(sheets, report)
    _cases(sheets, report)
    _summonses(sheets, report)
    _definitions(sheets)
    return sheets.bytes()


def _overview(sheets, report):
    ws = sheets.sheet("概览", ["指标", "本周", "上周", "变化", "口径"], [16, 12, 12, 12, 70])
    sheets.append(ws, [f"{report.area.name}（{report.area.code}）{report.week.label} "
               f"{report.week.monday}–{report.week.sunday}"])
    if report.empty:
        sheets.append(ws, ["本周无案件：没有上报、在办的案件，也没有吹哨。"])
    for ind in INDICATORS.values():
        total = report.total
        sheets.append(ws, [ind.name, sheets.number(ws, total.values.get(ind.key), ind.fmt),
                   sheets.number(ws, total.previous.get(ind.key), ind.fmt),
                   sheets.number(ws, total.change(ind.key), ind.fmt), ind.formula])


def _trend(sheets, report):
    ws = sheets.sheet("近8周趋势", ["周次", "周一"] + [INDICATORS[k].name for k in TREND_KEYS])
    for week, values in report.trend:
        sheets.append(ws, [week.label, str(week.monday)]
                  + [sheets.number(ws, values.get(k), INDICATORS[k].fmt) for k in TREND_KEYS])


def _dimension(sheets, report, dim, rows):
    keys = [ind.key for group in GROUPS for ind in in_group(group)]
    groups = ["", ""]
    for group, title in GROUPS.items():
        groups += [title] + [""] * (len(in_group(group)) - 1)
    ws = sheets.sheet(f"按{DIMENSION_NAMES[dim]}", ["代码", "名称"]
                      + [INDICATORS[k].name for k in keys], [16, 18] + [10] * len(keys), groups)
    for row in [report.total] + rows:
        name = "合计" if row is report.total else row.name
        sheets.append(ws, [row.code, name]
                  + [sheets.number(ws, row.values.get(k), INDICATORS[k].fmt) for k in keys])


def _ranked(sheets, title, rows, keys):
    ws = sheets.sheet(title, ["名次", "代码", "名称"] + [INDICATORS[k].name for k in keys])
    for n, row in enumerate(rows, start=1):
        sheets.append(ws, [n, row.code, row.name]
                  + [sheets.number(ws, row.values.get(k), INDICATORS[k].fmt) for k in keys])


def _escalations(sheets, report):
    ws = sheets.sheet("升级区级案件", ["案件编号", "类别", "街道", "网格", "当前状态", "时间",
                                   "环节", "操作人", "说明"], [18, 14, 12, 14, 10, 17, 12, 12, 30])
    for case in report.escalations:
        for at, action, actor, note in case.timeline:
            sheets.append(ws, [case.case_number, case.category, case.street, case.grid,
                       STATE_NAMES.get(case.state, case.state), sheets.moment(ws, at), action,
                       actor, note])


def _cases(sheets, report):
    flags = [row.key for row in of_fact(CASE, [COUNT])]
    ws = sheets.sheet("案件清单", CASE_LIST_HEADERS + [INDICATORS[k].name for k in flags],
                      [18, 17] + [12] * (len(CASE_LIST_HEADERS) - 2 + len(flags)))
    rows = [case[2:] for case in report.cases]  # without the id and the escalated flag
    for row in rows:
        row[2] = STATE_NAMES.get(row[2], row[2])
    sheets.stream(ws, rows)


def _summonses(sheets, report):
    flags = [row.key for row in of_fact(SUMMONS, [COUNT])]
    ws = sheets.sheet("报到明细", ["案件编号", "召集单位", "报到时限", "报到时间", "报到用时(分钟)"]
                      + [INDICATORS[k].name for k in flags], [18, 16, 17, 17, 12])
    for row in report.summonses:
        minutes = row.checkin_minutes
        sheets.append(ws, [row.case_number, row.unit_name, sheets.moment(ws, row.checkin_due_at),
                   sheets.moment(ws, row.checked_in_at),
                   None if minutes is None else sheets.number(ws, float(minutes), "minutes")]
                  + [1 if getattr(row, k) else None for k in flags])


def _definitions(sheets):
    ws = sheets.sheet("指标定义", ["指标", "代码", "分组", "口径"], [16, 24, 16, 90])
    for ind in INDICATORS.values():
        sheets.append(ws, [ind.name, ind.key, GROUPS[ind.group], ind.formula])
