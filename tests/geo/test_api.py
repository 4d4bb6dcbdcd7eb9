"""GET /grids, GET and POST /locate over HTTP, each response checked against the OpenAPI doc."""
from datetime import datetime, timezone

import pytest
import shapely

from gridops.auth.models import User
from gridops.auth.tokens import issue_token
from gridops.geo.crs import from_wgs84
from gridops.geo.demo import demo_features
from gridops.geo.layer import import_layer
from tests.api.conftest import Api

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
SCHOOL = "110199001001013"


@pytest.fixture
def api(client):
    return Api(client, client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def user(db):
    person = User(username="disp", display_name="调度员", role="dispatcher")
    db.add(person)
    db.flush()
    person.token = issue_token(db, person)
    db.commit()
    return person


@pytest.fixture
def layer(db):
    import_layer(db, demo_features(), NOW, source="demo")
    db.commit()
    return {f.code: f for f in demo_features()}


def inside(layer, code):
    point = layer[code].geometry.representative_point()
    return point.x, point.y


def test_locate_one_point(api, user, layer):
    lon, lat = inside(layer, SCHOOL)
    response = api.get(f"/locate?lat={lat}&lon={lon}", user)
    assert response.status_code == 200
    body = response.get_json()
    assert body["match"] == "inside" and body["grid"] == {"code": SCHOOL, "name": layer[SCHOOL].name}
    assert body["community"]["code"] == "110199001001" and body["district"]["name"] == "示范区"
    assert body["layer_version"] == 1


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_locate_converts_shifted_coordinates(api, user, layer, crs):
    wgs = inside(layer, SCHOOL)
    lon, lat = from_wgs84(*wgs, crs)
    body = api.get(f"/locate?lat={lat}&lon={lon}&crs={crs}", user).get_json()
    assert body["grid"]["code"] == SCHOOL and body["crs"] == crs
    assert body["lon"] == pytest.approx(wgs[0], abs=1e-8)


@pytest.mark.parametrize("query, detail", [
    ("lat=116.45&lon=39.93", "look swapped"),
    ("lat=nan&lon=116.45", "not a finite number"),
    ("lat=abc&lon=116.45", "is not a number"),
    ("lon=116.45", "lat is missing"),
    ("lat=39.93&lon=116.45&crs=epsg3857", "unknown coordinate system"),
])
def test_bad_coordinates_are_400(api, user, layer, query, detail):
    response = api.get(f"/locate?{query}", user)
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "invalid_coordinates" and detail in body["detail"]


def test_far_away_is_422_out_of_area(api, user, layer):
    response = api.get("/locate?lat=31.23&lon=121.47", user)
    assert response.status_code == 422 and response.get_json()["code"] == "out_of_area"


def test_locate_needs_credentials(api, layer):
    assert api.get("/locate?lat=39.93&lon=116.45").status_code == 401


def test_locate_a_batch(api, user, layer):
    lon, lat = inside(layer, SCHOOL)
    glon, glat = from_wgs84(lon, lat, "gcj02")
    points = [{"id": "a", "lat": lat, "lon": lon},
              {"id": "b", "lat": glat, "lon": glon, "crs": "gcj02"},
              {"id": "c", "lat": 120.0, "lon": 30.0},
              {"id": "d", "lat": 31.23, "lon": 121.47},
              {"id": "e", "lat": None, "lon": 116.4}]
    response = api.post("/locate", user, {"points": points})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == ["a", "b", "c", "d", "e"]
    assert results[0]["grid"]["code"] == SCHOOL == results[1]["grid"]["code"]
    assert results[2]["error"]["code"] == "invalid_coordinates"
    assert results[3]["error"]["code"] == "out_of_area"
    assert results[4]["error"] == {"code": "invalid_coordinates", "detail": "lat is missing"}


def test_a_batch_over_ten_thousand_is_refused(api, user, layer):
    response = api.post("/locate", user, {"points": [{"lat": 39.93, "lon": 116.45}] * 10_001})
    assert response.status_code == 400 and "10000" in response.get_json()["detail"].replace(",", "")


def test_grids_by_level_and_box(api, user, layer):
    response = api.get("/grids?level=street", user)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert [f["properties"]["code"] for f in features] == [
        "110199001", "110199002", "110199003", "110199100"]
    assert features[0]["properties"] == {"code": "110199001", "name": "和平街道",
                                         "level": "street", "parent": "110199"}
    box = api.get("/grids?level=grid&bbox=116.40,39.90,116.41,39.905", user).get_json()
    assert 0 < len(box["features"]) < 10


def test_grids_simplified_for_a_zoom_keep_shared_edges(api, user, layer):
    full = api.get("/grids?level=grid", user).get_json()["features"]
    coarse = api.get("/grids?level=grid&simplify=13", user).get_json()["features"]
    vertices = [len(shapely.get_coordinates(shapely.geometry.shape(f["geometry"])))
                for f in (full, coarse) for f in f]
    assert sum(vertices[len(full):]) < sum(vertices[:len(full)])
    shapes = [shapely.geometry.shape(f["geometry"]) for f in coarse]
    assert shapely.coverage_is_valid(shapes)


def test_grids_shifted_for_gcj02_tiles(api, user, layer):
    plain = api.get("/grids?level=district", user).get_json()["features"][0]["geometry"]
    shifted = api.get("/grids?level=district&crs=gcj02", user).get_json()["features"][0]["geometry"]
    x, y = plain["coordinates"][0][0][0]
    assert shifted["coordinates"][0][0][0] == pytest.approx(list(from_wgs84(x, y, "gcj02")))


@pytest.mark.parametrize("query", ["level=cell", "bbox=1,2,3", "bbox=116.5,39.9,116.4,39.95",
                                   "simplify=30", "simplify=x"])
def test_bad_grid_queries_are_400(api, user, layer, query):
    assert api.get(f"/grids?{query}", user).status_code == 400


def test_before_any_import_locate_says_there_is_no_layer(api, user):
    response = api.get("/locate?lat=39.93&lon=116.45", user)
    assert response.status_code == 422 and response.get_json()["code"] == "no_grid_layer"
