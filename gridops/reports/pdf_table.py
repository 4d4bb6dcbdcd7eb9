"""Fixed-layout tables for the PDF, drawn cell by cell.

fpdf2's `table()` measures and wraps every cell, which costs about a millisecond each; a
district's tables have thousands of cells of short numbers that never wrap. Here every row
has one height, headers wrap once and repeat after a page break, and a cell may carry a
second, smaller line (the change against last week) and a link.
"""
from dataclasses import dataclass

ROW, ROW_TWO_LINES, HEAD_LINE = 4.2, 6.6, 3.0
HEAD_FILL, TOTAL_FILL = (238, 242, 248), (247, 247, 242)


@dataclass(frozen=True)
class Cell:
    text: str
    #: The smaller second line (the change against last week), or "".
    sub: str = ""
    link: str | None = None


def draw_table(pdf, family, heads, rows, widths, text_columns=(0, 1), size=6.5, total_row=None):
    """Draw `rows` (lists of Cell or str) under `heads` with column `widths` in millimetres."""
    two_lines = any(isinstance(c, Cell) and c.sub for row in rows for c in row)
    height = ROW_TWO_LINES if two_lines else ROW
    _heads(pdf, family, heads, widths, size)
    for n, row in enumerate(rows):
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            _heads(pdf, family, heads, widths, size)
        _row(pdf, family, row, widths, height, size, text_columns, n == total_row)
    pdf.set_x(pdf.l_margin)


def _heads(pdf, family, heads, widths, size):
    pdf.set_font(family, size=size)
    lines = max(len(pdf.multi_cell(w, HEAD_LINE, h, dry_run=True, output="LINES"))
                for w, h in zip(widths, heads))
    x, y, height = pdf.l_margin, pdf.get_y(), lines * HEAD_LINE + 1
    if y + height + ROW > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y()
    pdf.set_fill_color(*HEAD_FILL)
    for w, h in zip(widths, heads):
        pdf.rect(x, y, w, height, style="DF")
        pdf.set_xy(x, y + 0.5)
        pdf.multi_cell(w, HEAD_LINE, h, align="C")
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _row(pdf, family, row, widths, height, size, text_columns, total):
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_font(family, size=size)
    if total:
        pdf.set_fill_color(*TOTAL_FILL)
    for c, (w, value) in enumerate(zip(widths, row)):
        cell = value if isinstance(value, Cell) else Cell(str(value))
        align = "L" if c in text_columns else "R"
        pdf.rect(x, y, w, height, style="DF" if total else "D")
        pdf.set_xy(x, y)
        pdf.cell(w, ROW, _fit(pdf, cell.text, w), align=align, link=cell.link or "")
        if cell.sub:
            pdf.set_font_size(size - 1.5)
            pdf.set_text_color(120)
            pdf.set_xy(x, y + ROW - 1.2)
            pdf.cell(w, ROW, cell.sub, align=align)
            pdf.set_text_color(0)
            pdf.set_font_size(size)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _fit(pdf, text, width):
    """Return `text`, shortened with an ellipsis when it is wider than the cell."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text + "…"
