def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_world_login(world, login):
    c = login(world.coach_a1.user)
    assert c.get("/p/alpha/coach/").status_code == 200
    assert c.get("/p/beta/coach/").status_code == 404
