import json

from click.testing import CliRunner
from shapely.geometry import mapping
from sqlalchemy import func, select

from gridops.geo.cli import grids
from gridops.geo.demo import demo_features
from gridops.geo.layer import export_layer
from gridops.geo.models import Area
from tests.geo.layerfiles import base_features, collection, replace, ring

G1 = "110199001001001"


def write(tmp_path, features, name="layer.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(collection(features), ensure_ascii=False), encoding="utf-8")
    return path


def demo_file(tmp_path):
    features = [{"type": "Feature", "geometry": mapping(f.geometry),
                 "properties": {"code": f.code, "name": f.name, "level": f.level,
                                "parent": f.parent}} for f in demo_features()]
    return write(tmp_path, features, "demo.geojson")


def test_validate_a_good_file(tmp_path):
    result = CliRunner().invoke(grids, ["validate", str(write(tmp_path, base_features()))])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "layer.geojson: 7 area(s), no errors, 0 warning(s), 0 fix(es)"


def test_validate_prints_one_line_per_problem_and_fails(tmp_path):
    features = replace(base_features(), G1, parent="110199001009")
    features = replace(features, "110199001001002", rings=[ring((1, 0), (2, 2), (2, 0), (1, 2))])
    result = CliRunner().invoke(grids, ["validate", str(write(tmp_path, features))])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f"error: {G1}: unknown parent 110199001009" in lines
    assert ("error: 110199001001002: invalid geometry: self-intersection at (116.415, 39.91)"
            in lines)
    assert f"error: {G1}: code does not start with its parent's code 110199001009" in lines
    assert lines[-1] == "error: 3 error(s) in layer.geojson"


def test_validate_fix_says_what_it_changed(tmp_path):
    features = replace(base_features(), G1, rings=[ring((0, 0), (1, 0), (1, 2), (0, 2), close=False)])
    result = CliRunner().invoke(grids, ["validate", "--fix", str(write(tmp_path, features))])
    assert result.exit_code == 0, result.output
    assert f"fixed: {G1}: closed ring 1 of polygon 1" in result.output


def test_an_unreadable_file_fails_with_one_line(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(grids, ["validate", str(path)])
    assert result.exit_code == 1 and result.stderr.startswith("error: bad.geojson: cannot read GeoJSON")


def test_import_dry_run_then_import_then_export(app, db, tmp_path):
    path = demo_file(tmp_path)
    runner = app.test_cli_runner()
    dry = runner.invoke(grids, ["import", "--dry-run", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "214 added" in dry.output and "dry run, nothing written" in dry.output
    assert db.scalar(select(func.count()).select_from(Area)) == 0
    done = runner.invoke(grids, ["import", str(path)])
    assert done.exit_code == 0, done.output
    assert "(layer version 1)" in done.output
    out = tmp_path / "export.geojson"
    exported = runner.invoke(grids, ["export", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text(encoding="utf-8")) == export_layer(db)
    again = runner.invoke(grids, ["import", str(path)])
    assert "214 kept" in again.output and "(layer version 2)" in again.output


def test_an_invalid_import_writes_nothing(app, db, tmp_path):
    features = replace(base_features(), G1, code="110199001001")
    result = app.test_cli_runner().invoke(grids, ["import", str(write(tmp_path, features))])
    assert result.exit_code == 1
    assert "nothing was imported" in result.stderr
    assert "error: 110199001001: code appears 2 times (features #3, #4)" in result.stderr
    assert db.scalar(select(func.count()).select_from(Area)) == 0
