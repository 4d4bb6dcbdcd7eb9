"""Input no page can use is refused with 400 before any view reads it (the API has its own
problem codes for the same: tests/api)."""

DEEP = "[" * 100_000 + "]" * 100_000  # deeper than Python's JSON parser recurses


def test_json_nested_past_the_parser_is_a_400_not_a_500(client):
    response = client.post("/open311/v2/requests.json", data=DEEP,
                           content_type="application/json")
    assert response.status_code == 400


def test_a_nul_character_in_a_form_is_a_400(client):
    response = client.post("/open311/v2/requests.json",
                           data={"service_code": "event:0101", "description": "a\x00b"})
    assert response.status_code == 400
