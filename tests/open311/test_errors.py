"""Refusals outside any one resource: unknown paths, wrong methods, other jurisdictions."""
import pytest


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_path_is_404_in_the_format_asked(world, o311, fmt):
    response = o311.get(f"/potholes.{fmt}")
    assert response.status_code == 404
    assert response.mimetype == {"json": "application/json", "xml": "text/xml"}[fmt]


@pytest.mark.parametrize("method, path, allowed", [
    ("POST", "/services.json", "GET"), ("DELETE", "/requests.json", "GET, POST"),
    ("PUT", "/discovery.xml", "GET")])
def test_wrong_method_is_405_with_allow(world, o311, method, path, allowed):
    response = o311.call(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed


@pytest.mark.parametrize("path", ["/services.json", "/requests.json", "/services/event-0102.xml",
                                  "/discovery.json"])
def test_other_jurisdiction_is_404(world, o311, path):
    response = o311.get(path, query_string={"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert "jurisdiction_id 'sfgov.org' was not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("jurisdiction", ["", "gridops.local", "GridOps.Local"])
def test_our_or_empty_jurisdiction_is_served(world, o311, jurisdiction):
    response = o311.get("/services.json", query_string={"jurisdiction_id": jurisdiction})
    assert response.status_code == 200


def test_configured_jurisdiction(world, o311, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_JURISDICTION", "chaoyang.gov.cn")
    assert o311.get("/services.json?jurisdiction_id=chaoyang.gov.cn").status_code == 200
    assert o311.get("/services.json?jurisdiction_id=gridops.local").status_code == 404
