"""GET tokens/{token}: a tracking token resolves to its service_request_id."""
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from gridops.dispatch.models import Incident


def test_token_resolves_to_the_request(db, o311, reported):
    number = reported()
    token = db.scalar(select(Incident.tracking_token).where(Incident.case_number == number))
    assert o311.get(f"/tokens/{token}.json").get_json() == [
        {"service_request_id": number, "token": token}]
    tree = ElementTree.fromstring(o311.get(f"/tokens/{token}.xml").data)
    assert tree.find("request/service_request_id").text == number
    assert o311.get(f"/tokens/{token}").mimetype == "application/json"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_token_is_404(world, o311, fmt):
    response = o311.get(f"/tokens/nope.{fmt}")
    assert response.status_code == 404
    assert "token 'nope' was not found" in response.get_data(as_text=True)
