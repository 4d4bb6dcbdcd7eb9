"""Each format, produced and opened again: HTML parsed, XLSX loaded, PDF text read, CSV read."""
import csv
import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from gridops.reports.build import build_weekly
from gridops.reports.indicators import INDICATORS
from gridops.reports.render import render
from gridops.reports.render_html import Links
from gridops.reports.week import parse_week

W47 = parse_week("2026-W47")
BASE = "https://gridops.example"


@pytest.fixture
def report(week47, db):
    return build_weekly(db, W47, "110199", week47["A"].reported_at)


@pytest.fixture
def links():
    return Links(BASE, W47.label, "110199")


class Page(HTMLParser):
    """Collect the links, SVG charts and text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.svgs, self.text = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        self.svgs += tag == "svg"

    def handle_data(self, data):
        self.text.append(data)


def test_html_has_charts_drill_down_links_and_the_appendix(report, links):
    page = Page()
    page.feed(render(report, "html", links).decode("utf-8"))
    text = "".join(page.text)
    assert page.svgs == 4                          # trend, funnel, ranking, map
    assert "测试区网格化管理周报" in text and "附录：指标定义" in text
    assert all(row.formula in text for row in INDICATORS.values())
    drill = f"{BASE}/reports/drill/2026-W47/110199/closed?dim=street&key=110199001"
    assert drill in page.links
    assert f"{BASE}/reports/drill/2026-W47/110199/closure_rate?dim=total" in page.links
    assert "不适用" in text                        # e.g. HW's check-in rate


def test_xlsx_has_a_sheet_per_table_with_formats_and_the_case_list(report, links):
    book = load_workbook(io.BytesIO(render(report, "xlsx", links)))
    assert book.sheetnames[:7] == ["概览", "近8周趋势", "按街道", "按社区", "按网格", "按部门",
                                   "按类别"]
    assert {"末三位部门", "热点网格", "高发类别", "升级区级案件", "案件清单", "报到明细",
            "指标定义"} <= set(book.sheetnames)
    streets = book["按街道"]
    assert streets.freeze_panes == "C3"
    headers = [c.value for c in streets[2]]
    rate = headers.index("结案率") + 1
    assert streets.cell(3, rate).number_format == "0.0%"
    assert streets.cell(3, rate).value == pytest.approx(6 / 9)             # the total row
    cases = book["案件清单"]
    assert cases.freeze_panes == "A2"
    header = [c.value for c in cases[1]]
    rows = list(cases.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12                         # every case alive in the week
    for key in ("closed", "due_close", "received", "escalated"):   # each number, traced
        column = header.index(INDICATORS[key].name)
        assert sum(r[column] or 0 for r in rows) == report.total.values[key]
    checkins = book["报到明细"]
    assert checkins.max_row == 1 + 3


def pdf_text(data, tmp_path):
    """Return the text of a PDF as poppler's pdftotext extracts it (Debian: poppler-utils).

    Not pypdf: it misreads the CID font encoding fpdf2 embeds (NULs and wrong characters),
    where poppler, like the viewers people use, reads it right.
    """
    assert shutil.which("pdftotext"), "install Debian's poppler-utils to read PDFs in tests"
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_is_chinese_text_with_the_same_numbers(report, links, tmp_path):
    data = render(report, "pdf", links)
    assert b"+NotoSansCJKSC" in data                  # the CJK font, embedded as a subset
    text = pdf_text(data, tmp_path)
    assert "测试区网格化管理周报" in text and "附录：指标定义" in text
    for words in ("结案率", "按期结案率", "吹哨率", "满意率", "热点网格", "近8周趋势", "环节漏斗",
                  "升级到区级的案件", "按街道", "按部门"):
        assert words in text
    assert "66.7%" in text and "不适用" in text
    assert all(row.formula.split("（")[0][:12] in text.replace("\n", "")
               for row in INDICATORS.values())
    drill = f"/URI ({BASE}/reports/drill/2026-W47/110199/closed?dim=street&key=110199001)"
    assert drill.encode() in data


def test_csv_is_one_table_with_chinese_headers(report, links):
    data = render(report, "csv", links)
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    total = rows[0]
    assert (total["维度"], total["代码"], total["名称"]) == ("合计", "110199", "测试区")
    assert total["上报数"] == "9" and float(total["结案率"]) == pytest.approx(6 / 9, abs=1e-6)
    hw = next(r for r in rows if r["维度"] == "部门" and r["名称"] == "环卫中心")
    assert hw["按时报到率"] == ""                  # never whistled: not applicable
    assert {r["维度"] for r in rows} == {"合计", "街道", "社区", "网格", "部门", "类别"}


FORMULA = '=HYPERLINK("http://203.0.113.9/","点此")'


def test_a_name_that_looks_like_a_formula_stays_text(week47, db, links):
    """Unit and area names come from admins' input; a spreadsheet must not run them."""
    from sqlalchemy import update

    from gridops.dispatch.models import Unit
    db.execute(update(Unit).where(Unit.code == "HW").values(name=FORMULA))
    db.commit()
    report = build_weekly(db, W47, "110199", week47["A"].reported_at)

    book = load_workbook(io.BytesIO(render(report, "xlsx", links)))
    cells = [c for row in book["按部门"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)

    rows = csv.DictReader(io.StringIO(render(report, "csv", links).decode("utf-8-sig")))
    assert "'" + FORMULA in {r["名称"] for r in rows}
