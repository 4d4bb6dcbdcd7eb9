"""Weekly reports (周报): indicators in SQL, HTML/PDF/XLSX/CSV, an archive, delivery, drill-down.

`init_app` registers the blueprint; the CLI
group is `gridops.reports.cli.report`; the Monday job is `gridops.reports.tasks.generate_weekly`.
"""
def init_app(app):
    """Register the reports blueprint (its settings are in gridops.config)."""
    from gridops.reports.controllers import bp
    app.register_blueprint(bp)
