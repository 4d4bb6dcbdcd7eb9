"""Render a WeeklyReport as PDF with fpdf2: the same numbers, formats and SVG charts as the HTML.

Why fpdf2 and not an HTML-to-PDF engine: WeasyPrint laid out tables at about a thousand cells
a second here, far too slow for a district; fpdf2 writes tables directly, draws the very SVG
the HTML page shows as vector graphics, and embeds Noto Sans CJK (Debian's fonts-noto-cjk, an
OpenType/CFF collection that reportlab cannot embed) as a subset, so Chinese is real text.
The PDF is the meeting copy: full street, community and unit tables, the busiest grids and
categories, the first escalations; the HTML and XLSX list everything.
"""
import io
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from gridops.reports.fmt import DIMENSION_NAMES, STATE_NAMES, change_text, local_time, value_text
from gridops.reports.indicators import GROUPS, INDICATORS, in_group
from gridops.reports.pdf_table import Cell, draw_table
from gridops.reports.render_html import OVERVIEW, report_charts

FAMILY = "Noto Sans CJK SC"  # the first family the SVG charts name
#: One face only: every face embedded costs a second of subsetting a CJK font per document.
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#: Index of the Simplified Chinese face in Debian's Noto CJK collections.
SC_INDEX = 2
HEADING = FontFace(fill_color=(238, 242, 248))
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_SIZE = re.compile(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"')


class FontMissing(RuntimeError):
    """The CJK font is not installed: the PDF would show boxes instead of Chinese."""


class ReportPDF(FPDF):
    def __init__(self, font=FONT):
        super().__init__(format="A4")
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, 14)
        if not Path(font).exists():
            raise FontMissing(f"{font} is missing: install Debian's fonts-noto-cjk")
        self.add_font(FAMILY, "", font, collection_font_number=SC_INDEX)
        self.set_font(FAMILY, size=8)
        # fontTools recomputes every subset glyph's bounds on saving: a second of CFF
        # charstring interpretation for a district's thousand distinct characters. The full
        # font's box is a valid box for its subset, so keep it.
        for face in self.fonts.values():
            if hasattr(getattr(face, "ttfont", None), "recalcBBoxes"):
                face.ttfont.recalcBBoxes = False

    def footer(self):
        self.set_y(-10)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")


def render_pdf(report, links, grid_rows=30, font=FONT):
    """Return the report as PDF bytes; grid and category tables list the busiest `grid_rows`."""
    pdf = ReportPDF(font)
    pdf.add_page()
    _header(pdf, report)
    _overview(pdf, report, links)
    charts = report_charts(report)
    _chart(pdf, "二、近8周趋势", charts["trend"])
    _chart(pdf, "三、环节漏斗（本周上报案件）", charts["funnel"])
    if not report.empty:
        _units(pdf, report, charts["ranking"], links)
        _hot_spots(pdf, report, charts["map"], links)
        _escalations(pdf, report)
        for dim, rows in report.tables.items():
            _dimension(pdf, report, dim, _busiest(dim, rows, grid_rows), len(rows), links)
    _appendix(pdf, report)
    return bytes(pdf.output())


def _header(pdf, report):
    pdf.set_font(FAMILY, size=16)
    pdf.multi_cell(0, 9, f"{report.area.name}网格化管理周报", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.multi_cell(0, 5, f"{report.week.label}（{report.week.monday} 至 {report.week.sunday}，"
                   f"北京时间）· 区域代码 {report.area.code} · 生成于 "
                   f"{local_time(report.generated_at)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=7.5)
    pdf.multi_cell(0, 4, "数字可点击查看对应案件清单；第二行为较上周变化（比率为百分点）。指标口径见附录。",
                   new_x="LMARGIN", new_y="NEXT")
    if report.empty:
        _heading(pdf, "本周无案件")
        pdf.multi_cell(0, 5, f"{report.week.monday} 至 {report.week.sunday}，{report.area.name}"
                       "没有上报、在办的案件，也没有吹哨：各项数量为 0，比率不适用。",
                       new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text, size=12, room=30):
    """Write a heading, on a new page unless `room` millimetres follow it on this one."""
    pdf.ln(3)
    if pdf.get_y() + room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(31, 78, 140)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(FAMILY, size=8)


def _overview(pdf, report, links):
    _heading(pdf, "一、总体情况")
    rows = [["指标", "本周", "上周", "变化", "口径"]]
    hrefs = [[None] * 5]
    for key in OVERVIEW:
        ind = INDICATORS[key]
        rows.append([ind.name, _value(report.total.values, key),
                     _value(report.total.previous, key),
                     change_text(report.total.change(key), ind.fmt), ind.formula])
        hrefs.append([None, _link(links, key), None, None, None])
    _table(pdf, rows, (24, 16, 16, 14, 116), hrefs, size=7.5, align="RIGHT", text_columns=(0, 4))


def _chart(pdf, title, svg):
    width, height = (float(v) for v in _SIZE.search(str(svg)).groups())
    _heading(pdf, title, room=10 + pdf.epw * height / width)
    data = _TITLE.sub("", str(svg)).encode("utf-8")
    pdf.image(io.BytesIO(data), w=pdf.epw)


def _units(pdf, report, chart, links):
    _chart(pdf, "四、部门综合得分排名", chart)
    keys = ("composite", "grade", "visited", "response_rate", "solve_rate", "satisfaction_rate",
            "on_time_handling_rate")
    _heading(pdf, "末三位部门", 10)
    if not report.bottom_units:
        pdf.multi_cell(0, 5, "本周无回访，无法排名。", new_x="LMARGIN", new_y="NEXT")
        return
    _ranked(pdf, report.bottom_units, keys, "unit", links, ("名次", "部门"),
            lambda n, row: [f"倒数第{n}", row.name])


def _hot_spots(pdf, report, chart, links):
    pdf.add_page()
    _chart(pdf, "五、热点网格与高发类别", chart)
    _heading(pdf, "热点网格", 10)
    _ranked(pdf, report.hot_grids, ("received", "open_end"), "grid", links, ("名次", "网格"),
            lambda n, row: [str(n), row.name])
    _heading(pdf, "高发类别", 10)
    _ranked(pdf, report.top_categories, ("received", "closed", "closure_rate"), "category",
            links, ("名次", "类别"), lambda n, row: [str(n), f"{row.code} {row.name}"])


def _ranked(pdf, rows, keys, dim, links, heads, first):
    table = [first(n, row) + [Cell(_value(row.values, k), link=_link(links, k, dim, row.key))
                              for k in keys] for n, row in enumerate(rows, start=1)]
    width = min(20, (pdf.epw - 68) / len(keys))
    draw_table(pdf, FAMILY, list(heads) + [INDICATORS[k].name for k in keys], table,
               (18, 50) + (width,) * len(keys), size=7)


ESCALATIONS_IN_PDF = 20


def _escalations(pdf, report):
    _heading(pdf, "六、升级到区级的案件")
    cases = report.escalations
    if not cases:
        pdf.multi_cell(0, 5, "本周无升级到区级的案件。", new_x="LMARGIN", new_y="NEXT")
    if len(cases) > ESCALATIONS_IN_PDF:
        pdf.multi_cell(0, 5, f"共 {len(cases)} 件，以下为最早的 {ESCALATIONS_IN_PDF} 件；"
                       "全部案件及时间线见 HTML 与 XLSX。", new_x="LMARGIN", new_y="NEXT")
    for case in cases[:ESCALATIONS_IN_PDF]:
        _heading(pdf, f"{case.case_number} · {case.category} · {case.street} {case.grid} · "
                      f"{STATE_NAMES.get(case.state, case.state)}", 9)
        rows = [["时间", "环节", "操作人", "说明"]]
        rows += [[local_time(at), action, actor, note] for at, action, actor, note in case.timeline]
        _table(pdf, rows, (30, 24, 30, 102), text_columns=(0, 1, 2, 3))


def _busiest(dim, rows, limit):
    if dim not in ("grid", "category") or not limit or len(rows) <= limit:
        return rows
    busy = sorted(rows, key=lambda r: (-(r.values.get("active") or 0), r.code))[:limit]
    return sorted(busy, key=lambda r: (r.key is None, r.code))


def _dimension(pdf, report, dim, rows, count, links):
    pdf.add_page()
    note = f"（在办最多的 {len(rows)} 个，全部 {count} 个见 HTML 与 XLSX）" if len(rows) < count else ""
    _heading(pdf, f"按{DIMENSION_NAMES[dim]}{note}")
    for group, title in GROUPS.items():
        keys = [ind.key for ind in in_group(group)]
        _heading(pdf, title, 9)
        table = [[report.total.code, "合计"] + [_cell(report.total, k, links) for k in keys]]
        table += [[row.code, row.name] + [_cell(row, k, links, dim) for k in keys]
                  for row in rows]
        width = (pdf.epw - 48) / len(keys)
        draw_table(pdf, FAMILY, ["代码", "名称"] + [INDICATORS[k].name for k in keys], table,
                   (20, 28) + (width,) * len(keys), total_row=0)


def _appendix(pdf, report):
    pdf.add_page()
    _heading(pdf, "附录：指标定义")
    weights = report.scoring.weights
    grades = "，".join(f"{letter} ≥ {floor:g}" for letter, floor in report.scoring.grades)
    pdf.multi_cell(0, 4.5, "统计周期为北京时间周一 00:00 至下周一 00:00；“期末”指下周一 00:00；"
                   "比率的分母为 0 时显示“不适用”。综合得分权重：响应率 "
                   f"{weights[0]}、解决率 {weights[1]}、满意率 {weights[2]}；等级：{grades}，其余为 E。",
                   new_x="LMARGIN", new_y="NEXT")
    rows = [["指标", "口径"]] + [[ind.name, ind.formula] for ind in INDICATORS.values()]
    _table(pdf, rows, (30, 156), text_columns=(0, 1))


def _table(pdf, rows, widths, hrefs=None, size=7, align="RIGHT", text_columns=()):
    """Draw a small table whose cells wrap (formulas, timeline notes) with fpdf2's table()."""
    pdf.set_font(FAMILY, size=size)
    with pdf.table(col_widths=widths, width=min(sum(widths), pdf.epw - 0.01), align="LEFT",
                   headings_style=HEADING, line_height=size * 0.5, text_align="LEFT",
                   first_row_as_headings=True, padding=0.8) as table:
        for n, values in enumerate(rows):
            row = table.row()
            for c, text in enumerate(values):
                href = hrefs[n][c] if hrefs else None
                row.cell(text, align="LEFT" if c in text_columns or n == 0 else align,
                         link=href or "")
    pdf.set_font(FAMILY, size=8)


def _value(values, key):
    return value_text(values.get(key), INDICATORS[key].fmt)


def _cell(row, key, links, dim="total"):
    """Return a table cell: this week's value, the change below it, the drill-down link."""
    member = None if dim == "total" else row.key
    return Cell(_value(row.values, key), change_text(row.change(key), INDICATORS[key].fmt),
                _link(links, key, dim, member))


def _link(links, key, dim="total", member=None):
    """Return the drill-down URL when it is absolute (a relative link means nothing in a PDF)."""
    href = links.drill(key, dim, member)
    return href if href and href.startswith("http") else None
