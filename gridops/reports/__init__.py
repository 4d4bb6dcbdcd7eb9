"""Weekly reports (周报): indicators in SQL, HTML/PDF/XLSX/CSV, an archive, delivery, drill-down.

`init_app` gives the app the report settings' defaults and registers the blueprint; the CLI
group is `gridops.reports.cli.report`; the Monday job is `gridops.reports.tasks.generate_weekly`.
"""
from gridops.config import Setting

SETTINGS = [
    Setting("GRIDOPS_REPORT_DIR", "GRIDOPS_REPORT_DIR", "var/reports",
            "Where archived report files are stored (one folder per week and area)"),
    Setting("GRIDOPS_REPORT_WEIGHTS", "GRIDOPS_REPORT_WEIGHTS", "0.1,0.5,0.4",
            "Weights of 响应率, 解决率 and 满意率 in the composite score"),
    Setting("GRIDOPS_REPORT_GRADES", "GRIDOPS_REPORT_GRADES", "A:90,B:75,C:60,D:40",
            "Lowest composite score of each grade; below the last is E"),
    Setting("GRIDOPS_REPORT_LEVELS", "GRIDOPS_REPORT_LEVELS", "district,street",
            "Area levels the Monday job reports on: one report per current area of each level"),
    Setting("GRIDOPS_REPORT_FORMATS", "GRIDOPS_REPORT_FORMATS", "html,pdf,xlsx,csv",
            "Formats the Monday job archives"),
    Setting("GRIDOPS_REPORT_PDF_GRID_ROWS", "GRIDOPS_REPORT_PDF_GRID_ROWS", "30",
            "Grids (and categories) in the PDF's tables, the busiest first; the other formats "
            "list all",
            int),
    Setting("GRIDOPS_REPORT_FONT", "GRIDOPS_REPORT_FONT",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "Noto Sans CJK collection the PDF embeds (Debian package fonts-noto-cjk)"),
]


def init_app(app):
    """Give the app the report settings' defaults and register the reports blueprint."""
    from gridops.reports.controllers import bp
    for setting in SETTINGS:
        app.config.setdefault(setting.key, setting.cast(setting.default))
    app.register_blueprint(bp)
