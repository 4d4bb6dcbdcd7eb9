"""One entry point for every format: the report in, the file's bytes out."""
from gridops.reports.render_csv import render_csv
from gridops.reports.render_html import render_html
from gridops.reports.render_pdf import FONT, render_pdf
from gridops.reports.render_xlsx import render_xlsx

#: Format → (media type, file extension).
FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def render(report, fmt, links, config=None):
    """Return the report in format `fmt` as bytes, with the PDF options of `config`."""
    config = config or {}
    if fmt == "html":
        return render_html(report, links).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report, links, config.get("GRIDOPS_REPORT_PDF_GRID_ROWS", 30),
                          config.get("GRIDOPS_REPORT_FONT") or FONT)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "csv":
        return render_csv(report)
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
