"""/healthz and /readyz: alive without dependencies, ready with PostgreSQL, quick without one."""
import time

from ops.kit import closed_port


def timed_get(app, path, **kwargs):
    started = time.monotonic()
    response = app.test_client().get(path, **kwargs)
    return response, time.monotonic() - started


def test_healthz_answers_without_touching_postgresql_or_redis(make_app):
    nothing = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
                       SQLALCHEMY_DATABASE_URI=(
                           f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/gridops"))
    response, seconds = timed_get(nothing, "/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert seconds < 0.5


def test_readyz_is_ready_when_both_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready",
                             "components": {"postgresql": "up", "redis": "up"}}


def test_without_redis_readyz_says_degraded_quickly_but_stays_ready(redis_down):
    """Reports are still taken without Redis: a load balancer must keep the process."""
    response, seconds = timed_get(redis_down, "/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded",
                             "components": {"postgresql": "up", "redis": "down"}}
    assert seconds < 1


def test_without_postgresql_readyz_is_503_quickly_naming_it(database_down):
    response, seconds = timed_get(database_down, "/readyz",
                                  headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    body = response.json
    assert body["code"] == "not_ready" and body["status"] == 503
    assert body["components"] == {"postgresql": "down", "redis": "up"}
    assert body["detail"] == "Not ready: postgresql unreachable."
    assert seconds < 1


def test_the_problem_is_in_chinese_by_default(database_down):
    response = database_down.test_client().get("/readyz")
    assert response.json["detail"] == "未就绪：无法连接 postgresql。"


def test_healthz_is_public(client):
    response = client.get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 200
