"""The console's queue notice: on every console page and in the live feed when timers will fire
late (Redis down, or no sweep lately), and nowhere when all is well."""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.security import generate_password_hash

from gridops.dispatch import timer_metrics
from gridops.ops import status
from web.kit import FAST_HASH, PASSWORD, sign_in

QUEUE_DOWN = "任务队列不可用：超时提醒将延迟，恢复后自动补发"
NO_SWEEP = "超时处理进程未运行：超时提醒将延迟，恢复后自动补发"
NOTICE = re.compile(r'<p id="queue-notice"[^>]*?( hidden)?>([^<]*)</p>')
PAGES = ["/console/queue", "/console/whistles", "/console/map"]


@pytest.fixture
def dispatcher(app, world):
    """A test client signed in as a dispatcher of street 1."""
    user = world.user("disp", "dispatcher", areas=["110199001"])
    user.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    world.session.commit()
    client = app.test_client()
    assert sign_in(client, "disp").status_code == 302
    return client


def swept(redis, seconds_ago=0):
    """Record a sweep as the workers do, `seconds_ago`."""
    at = datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)
    timer_metrics.store_lateness(redis, 0, at)


def notice_on(client, path):
    """Return the notice a console page shows, or None when it is hidden."""
    response = client.get(path)
    assert response.status_code == 200, path
    hidden, text = NOTICE.search(response.get_data(as_text=True)).groups()
    return None if hidden else text


def test_no_notice_while_the_queue_answers_and_the_sweep_is_recent(dispatcher, redis):
    swept(redis, seconds_ago=10)
    assert [notice_on(dispatcher, page) for page in PAGES] == [None] * len(PAGES)
    assert dispatcher.get("/console/live").json["queue_notice"] is None


@pytest.mark.parametrize("seconds_ago", [46, None])
def test_a_stale_or_missing_sweep_says_the_workers_are_not_running(dispatcher, redis,
                                                                    seconds_ago):
    if seconds_ago is not None:
        swept(redis, seconds_ago)  # more than three sweep periods of 15 s
    assert notice_on(dispatcher, "/console/queue") == NO_SWEEP
    assert dispatcher.get("/console/live?since=0").json["queue_notice"] == NO_SWEEP


def test_without_redis_every_console_page_and_the_live_feed_say_the_queue_is_down(
        dispatcher, redis_down):
    client = redis_down.test_client()
    client.set_cookie("session", dispatcher.get_cookie("session").value)
    started = time.monotonic()
    assert [notice_on(client, page) for page in PAGES] == [QUEUE_DOWN] * len(PAGES)
    live = client.get("/console/live?since=0", headers={"Accept-Language": "en"}).json
    assert live["queue_notice"].startswith("The job queue is unavailable")
    assert time.monotonic() - started < 2


def test_the_check_is_kept_for_a_few_seconds(app, redis, monkeypatch):
    assert status.queue_problem(app) == "sweep_stale"
    swept(redis)
    assert status.queue_problem(app) == "sweep_stale"  # the answer of a moment ago
    monkeypatch.setattr(status, "CACHE_SECONDS", 0)
    assert status.queue_problem(app) is None
