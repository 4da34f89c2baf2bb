"""The world fixture builds and the main pages answer through the HTTP stack."""

import json


def test_public_definition_and_results(world):
    client = world.client(None)
    r = client.get(f"/api/v1/public/surveys/{world.skm.code}")
    assert r.status_code == 200
    keys = [q["key"] for q in r.json()["questions"]]
    assert keys == [f"U{i}" for i in range(1, 10)]
    r = world.api("alice").get(f"/api/v1/surveys/{world.skm.code}/results")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["responses"] == 3
    assert body["ikm"]["elements"]["U1"]["nrr"] == (3 + 4 + 1) / 3
    r = world.api("bob").get(f"/api/v1/surveys/{world.skm.code}/results")
    assert r.json()["responses"] == 2  # upt1 and loket1, not upt2
    assert world.api("charlie").get(f"/api/v1/surveys/{world.skm.code}/results").status_code == 404
    assert world.api(None).get(f"/api/v1/surveys/{world.skm.code}/results").status_code == 401


def test_results_page(world):
    r = world.client("alice").get(f"/app/surveys/{world.skm.code}/")
    assert r.status_code == 200
    assert b"response-count" in r.content
    assert world.client("charlie").get(f"/app/surveys/{world.skm.code}/").status_code == 404
    assert json.loads(world.client(None).get("/api/openapi.json").content)["openapi"].startswith(
        "3"
    )
