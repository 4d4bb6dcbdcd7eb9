"""A case pushed through every stage of the loop through the API."""


def post(client, user, path, body):
    return client.post(f"/api/v1{path}", json=body,
                       headers={"Authorization": f"Bearer {user.token}"})


def test_smoke(world, client):
    worker = world.user("w1", "grid_worker", areas=["110199001001001"])
    lat, lon = world.center("110199001001001")
    r = post(client, worker, "/incidents", {"lat": lat, "lon": lon, "category": "event:0102",
                                            "description": "垃圾", "client_id": "abcdefgh1"})
    assert r.status_code == 201, r.json
    assert r.json["grid"]["code"] == "110199001001001"
