"""Discovery, the service list and service definitions, in both formats."""
from xml.etree import ElementTree

import pytest

from tests.open311.spec import as_text, xml_data


def xml(response):
    return ElementTree.fromstring(response.data)


@pytest.mark.parametrize("path", ["/discovery.json", "/discovery", "/", "/discovery.JSON"])
def test_discovery_json(world, o311, path):
    response = o311.get(path)
    assert response.status_code == 200
    endpoint = response.get_json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]


def test_discovery_xml_mirrors_json(world, o311):
    as_json = o311.get("/discovery.json").get_json()
    assert xml_data(xml(o311.get("/discovery.xml"))) == as_text(as_json)
    assert o311.get("/discovery?format=xml").mimetype == "text/xml"


def test_services_are_the_sub_categories_grouped_by_class(world, o311):
    services = o311.get("/services.json").get_json()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["event-0102"] == {
        "service_code": "event-0102", "service_name": "暴露垃圾",
        "description": "事件 · 市容环境 · 暴露垃圾", "metadata": True, "type": "realtime",
        "keywords": "事件, 市容环境, 暴露垃圾, event:0102", "group": "市容环境"}
    assert "event-01" not in by_code  # classes are groups, not services
    assert all(s["metadata"] and s["group"] for s in services)


def test_services_xml_mirrors_json(world, o311):
    as_json = o311.get("/services.json").get_json()
    assert xml_data(xml(o311.get("/services.xml"))) == as_text(as_json)


def test_services_default_to_json_without_suffix(world, o311):
    assert o311.get("/services").mimetype == "application/json"
    assert o311.get("/services?format=xml").mimetype == "text/xml"


@pytest.mark.parametrize("code", ["event-0102", "event:0102"])
def test_service_definition_lists_the_attributes(world, o311, code):
    definition = o311.get(f"/services/{code}.json").get_json()
    assert definition["service_code"] == code
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    assert attributes["urgency"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attributes["urgency"]["values"]] == ["normal", "urgent"]
    assert [v["key"] for v in attributes["crs"]["values"]] == ["wgs84", "cgcs2000", "gcj02",
                                                                "bd09"]
    assert attributes["client_id"]["datatype"] == "string"
    assert not any(a["required"] for a in attributes.values())


def test_service_definition_xml_mirrors_json(world, o311):
    as_json = o311.get("/services/event-0102.json").get_json()
    tree = xml(o311.get("/services/event-0102.xml"))
    assert tree.find("attributes/attribute/values/value/key").text == "normal"
    assert xml_data(tree) == as_text(as_json)


@pytest.mark.parametrize("code", ["event-9999", "event-01", "nonsense"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404(world, o311, code, fmt):
    response = o311.get(f"/services/{code}.{fmt}")
    assert response.status_code == 404
    assert repr(code) in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/services.html", "/services?format=csv",
                                  "/services/event-0102.yaml"])
def test_unsupported_format_is_400_in_json(world, o311, path):
    response = o311.get(path)
    assert response.status_code == 400
    assert "Unsupported format" in response.get_json()[0]["description"]
