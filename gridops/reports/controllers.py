"""The reports blueprint: archived reports listed and downloaded, drill-down case lists.

Thin handlers: parse, check who is asking, call `archive` or `drill`, answer HTML or JSON.
Reports name areas and cases, so every route wants a signed-in dispatcher, district or admin
user, and the report's area must lie inside the user's scope.
"""
import csv
import io
import logging

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from gridops.errors import NotFound, ValidationError
from gridops.extensions import db
from gridops.reports.archive import ChecksumMismatch, read_verified, report_dir
from gridops.reports.drill import drill_down
from gridops.reports.fmt import DIMENSION_NAMES, STATE_NAMES, local_time
from gridops.reports.indicators import INDICATORS
from gridops.reports.lookups import area_info
from gridops.reports.models import ReportArchive
from gridops.reports.week import parse_week

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
log = logging.getLogger(__name__)
ROLES = ("dispatcher", "district", "admin")
PAGE = 50


@bp.before_request
def signed_in():
    """Let only signed-in dispatchers, district staff and admins through."""
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in ROLES:
        abort(403)


def in_scope(user, area_code):
    """Tell whether `area_code` lies inside the user's areas (codes nest by prefix)."""
    if user.role == "admin":
        return True
    return any(area_code.startswith(link.area_code) for link in user.area_links)


@bp.get("/")
def index():
    """List the archived reports the user may see, newest first."""
    rows = db.session.scalars(select(ReportArchive).order_by(
        ReportArchive.period_start.desc(), ReportArchive.area_code, ReportArchive.id.desc())
        .limit(PAGE * 4))
    visible = [r for r in rows if in_scope(current_user, r.area_code)][:PAGE]
    if _wants_json():
        return jsonify(reports=[_archive_json(r) for r in visible])
    return render_template("reports/list.html", reports=visible, local=local_time)


@bp.get("/<int:archive_id>")
def show(archive_id):
    """Show one archived report: its headline numbers and files with their checksums."""
    archive = _archive(archive_id)
    if _wants_json():
        return jsonify(_archive_json(archive))
    return render_template("reports/list.html", reports=[archive], local=local_time)


@bp.get("/<int:archive_id>/<fmt>")
def download(archive_id, fmt):
    """Send one file of an archived report after checking its SHA-256."""
    archive = _archive(archive_id)
    file = archive.file(fmt)
    if file is None:
        abort(404)
    try:
        data = read_verified(report_dir(current_app.config), file)
    except (ChecksumMismatch, OSError) as error:
        log.error("report %s %s: %s", archive_id, fmt, error)
        abort(500, description="The archived file is missing or no longer matches its checksum.")
    inline = fmt in ("html", "pdf") and not request.args.get("download")
    response = send_file(io.BytesIO(data), mimetype=file.media_type, as_attachment=not inline,
                         download_name=f"{archive.area_name}周报-{archive.period}.{fmt}")
    response.headers["X-Content-SHA256"] = file.sha256
    return response


@bp.get("/drill/<week>/<area>/<indicator>")
def drill(week, area, indicator):
    """List the cases behind one number of a report (HTML, JSON or CSV)."""
    if not in_scope(current_user, area):
        abort(403)
    try:
        tz = current_app.config.get("GRIDOPS_TZ", "Asia/Shanghai")
        the_week, the_area = parse_week(week, tz), area_info(db.session, area)
        dim, key = request.args.get("dim", "total"), request.args.get("key")
        listings = drill_down(db.session, the_week, the_area, indicator, dim, key, tz)
    except ValueError as error:
        abort(400, description=str(error))
    except (NotFound, ValidationError) as error:
        abort(404 if isinstance(error, NotFound) else 400, description=str(error))
    finally:
        db.session.rollback()  # the drill-down staged temporary tables; nothing to keep
    context = dict(week=the_week, area=the_area, indicator=INDICATORS[indicator], dim=dim,
                   key=key, listings=listings)
    fmt = request.args.get("format") or ("json" if _wants_json() else "html")
    if fmt == "json":
        return jsonify(_drill_json(context))
    if fmt == "csv":
        return _drill_csv(context)
    return render_template("reports/drill.html", **context, local=local_time,
                           DIMENSION_NAMES=DIMENSION_NAMES, STATE_NAMES=STATE_NAMES)


def _archive(archive_id):
    archive = db.session.get(ReportArchive, archive_id)
    if archive is None:
        abort(404)
    if not in_scope(current_user, archive.area_code):
        abort(403)
    return archive


def _wants_json():
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.args.get("format") == "json" or best == "application/json"


def _archive_json(archive):
    return {"id": archive.id, "period": archive.period, "area_code": archive.area_code,
            "area_name": archive.area_name, "trigger": archive.trigger,
            "generated_at": archive.generated_at.isoformat(), "summary": archive.summary,
            "files": [{"format": f.format, "sha256": f.sha256, "size": f.size,
                       "url": f"/reports/{archive.id}/{f.format}"} for f in archive.files]}


def _drill_json(c):
    return {"week": c["week"].label, "area": c["area"].code, "indicator": c["indicator"].key,
            "name": c["indicator"].name, "formula": c["indicator"].formula, "dim": c["dim"],
            "key": c["key"],
            "lists": [{"indicator": x.key, "name": x.name, "total": x.total,
                       "cases": [r["case_number"] for r in x.rows]} for x in c["listings"]]}


def _drill_csv(c):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["指标", "案件编号"])
    for listing in c["listings"]:
        writer.writerows([listing.name, r["case_number"]] for r in listing.rows)
    name = f"{c['week'].label}-{c['area'].code}-{c['indicator'].key}.csv"
    return send_file(io.BytesIO(("\ufeff" + out.getvalue()).encode("utf-8")),
                     mimetype="text/csv", as_attachment=True, download_name=name)
