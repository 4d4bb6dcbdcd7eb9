"""Import and export against the real database (fixtures from tests/conftest.py)."""
from datetime import datetime, timedelta, timezone

import pytest
import shapely
from sqlalchemy import func, select

from gridops.geo.cache import LocatorCache, current_locator
from gridops.geo.demo import demo_features
from gridops.geo.errors import LayerInvalid
from gridops.geo.layer import export_layer, import_layer
from gridops.geo.models import Area, GridLayer

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=30)


def rows(db):
    return {(a.code, a.valid_to is None): a for a in db.scalars(select(Area))}


def test_import_then_export_gives_the_layer_back(db):
    result = import_layer(db, demo_features(), T0, source="demo")
    db.commit()
    assert result.version == 1 and len(result.added) == 214
    layer = db.get(GridLayer, 1)
    assert (layer.source, layer.summary["added"], layer.imported_at) == ("demo", 214, T0)
    exported = export_layer(db)
    assert exported["type"] == "FeatureCollection" and len(exported["features"]) == 214
    first = exported["features"][0]
    assert first["properties"] == {"code": "110199", "name": "示范区", "level": "district",
                                   "parent": ""}
    by_code = {f.code: f for f in demo_features()}
    for feature in exported["features"]:
        original = by_code[feature["properties"]["code"]].geometry
        assert shapely.geometry.shape(feature["geometry"]).equals_exact(original, 1e-9)


def test_a_dry_run_writes_nothing(db):
    result = import_layer(db, demo_features(), T0, dry_run=True)
    assert result.version is None and len(result.added) == 214
    assert db.scalar(select(func.count()).select_from(Area)) == 0
    assert db.scalar(select(func.count()).select_from(GridLayer)) == 0


def test_reimport_retires_changed_and_removed_and_keeps_the_rest(db):
    import_layer(db, demo_features(), T0)
    db.commit()
    before = rows(db)
    features = demo_features()
    moved = "110199001001002"
    gone = "110199001001013"  # the school campus grid: its host grid absorbs it
    host = "110199001001001"
    by_code = {f.code: f for f in features}
    merged = shapely.union_all([by_code[host].geometry, by_code[gone].geometry])
    features = [f._replace(geometry=shapely.MultiPolygon([merged])) if f.code == host else
                f._replace(name="改名网格") if f.code == moved else f
                for f in features if f.code != gone]
    result = import_layer(db, features, T1, source="v2")
    db.commit()
    assert result.version == 2
    assert sorted(f.code for f in result.changed) == [host, moved]
    assert result.retired == [gone] and result.added == []
    after = rows(db)
    assert after[(gone, False)].id == before[(gone, True)].id      # retired, not deleted
    assert after[(gone, False)].valid_to == T1
    assert after[(moved, False)].id == before[(moved, True)].id
    assert after[(moved, True)].name == "改名网格" and after[(moved, True)].valid_from == T1
    kept = "110199001001003"
    assert after[(kept, True)].id == before[(kept, True)].id and after[(kept, True)].layer_version == 1
    assert db.scalar(select(func.count()).select_from(Area).where(Area.valid_to.is_(None))) == 213


def test_an_invalid_import_leaves_the_previous_layer_untouched(db):
    import_layer(db, demo_features(), T0)
    db.commit()
    before = {(a.id, a.code, a.valid_to) for a in db.scalars(select(Area))}
    features = [f._replace(parent="110199009") if f.code == "110199001001" else f
                for f in demo_features()]
    features.append(features[-1])  # a duplicate code too
    with pytest.raises(LayerInvalid) as info:
        import_layer(db, features, T1)
    db.rollback()
    messages = [str(p) for p in info.value.problems]
    assert "error: 110199001001: unknown parent 110199009" in messages
    assert any("code appears 2 times" in m for m in messages)
    assert {(a.id, a.code, a.valid_to) for a in db.scalars(select(Area))} == before
    assert db.scalar(select(func.max(GridLayer.version))) == 1


def test_every_process_picks_up_a_new_layer_by_its_version(db):
    cache = LocatorCache()
    assert current_locator(db, cache, now=0.0) is None
    import_layer(db, demo_features(), T0)
    db.commit()
    first = current_locator(db, cache, now=1.0)
    found = first.locate(116.45, 39.93)
    assert found.grid_id == db.scalar(select(Area.id).where(Area.code == found.grid,
                                                            Area.valid_to.is_(None)))
    features = [f._replace(name="新名字") if f.code == found.grid else f for f in demo_features()]
    import_layer(db, features, T1)
    db.commit()
    assert current_locator(db, cache, now=1.5) is first     # checked less than a second ago
    second = current_locator(db, cache, now=2.5)
    assert second is not first and second.version == 2
    assert second.locate(116.45, 39.93).grid_id != found.grid_id
