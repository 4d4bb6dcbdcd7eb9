"""`gridops grids`: validate, import and export the grid layer from the command line."""
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask.cli import with_appcontext

from gridops.extensions import db
from gridops.geo.crs import CRS_NAMES
from gridops.geo.errors import LayerInvalid
from gridops.geo.layer import export_layer, import_layer
from gridops.geo.reader import LayerFileError, read_layer
from gridops.geo.validate import validate

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
CRS = click.option("--crs", default="wgs84", show_default=True, type=click.Choice(CRS_NAMES),
                   help="Coordinate system of the file's vertices; converted to WGS-84.")
FIX = click.option("--fix", is_flag=True,
                   help="Repair what is safe to (close rings, make_valid) and say what changed.")


@click.group("grids")
def grids():
    """Validate, import and export the grid layer (网格图层)."""


@grids.command("validate")
@click.argument("path", type=FILE)
@CRS
@FIX
def validate_command(path, crs, fix):
    """Check a GeoJSON or Shapefile layer and print every problem; exit 1 on any error."""
    report = validate(_read(path, crs), fix=fix)
    _print_problems(report.problems)
    if not report.ok:
        _fail(f"{len(report.errors)} error(s) in {path.name}")
    click.echo(f"{path.name}: {len(report.features)} area(s), no errors, "
               f"{len(report.warnings)} warning(s), {len(report.fixes)} fix(es)")


@grids.command("import")
@click.argument("path", type=FILE)
@CRS
@FIX
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@with_appcontext
def import_command(path, crs, fix, dry_run):
    """Make a layer file the current grid layer, all or nothing."""
    raw = _read(path, crs)
    try:
        result = import_layer(db.session, raw, datetime.now(timezone.utc), dry_run=dry_run,
                              source=path.name, fix=fix)
    except LayerInvalid as error:
        db.session.rollback()
        _print_problems(error.report.problems if error.report else error.problems)
        _fail(f"{len(error.problems)} error(s) in {path.name}; nothing was imported")
    _print_problems([p for p in result.report.problems if p.severity != "error"])
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    counts = ", ".join(f"{n} {what}" for what, n in result.summary().items())
    done = "dry run, nothing written" if dry_run else f"layer version {result.version}"
    click.echo(f"{path.name}: {counts} ({done})")


@grids.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@with_appcontext
def export_command(out):
    """Write the current grid layer as a GeoJSON FeatureCollection."""
    text = json.dumps(export_layer(db.session), ensure_ascii=False)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


def _read(path, crs):
    try:
        return read_layer(path, crs)
    except LayerFileError as error:
        _fail(str(error))


def _print_problems(problems):
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
