"""Delivery: one attempt per call, exponential backoff to a cap, then dead and shown to admins."""
from datetime import datetime, timedelta, timezone

import pytest

from gridops.dispatch import tasks
from gridops.dispatch.models import Channel, OutboxMessage
from gridops.notify import delivery

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(app):
    return {**app.config, "GRIDOPS_NOTIFY_MAX_ATTEMPTS": 4, "GRIDOPS_NOTIFY_BACKOFF_SECONDS": 30,
            "GRIDOPS_NOTIFY_BACKOFF_CAP_SECONDS": 90}


@pytest.fixture
def message(world, http_receiver):
    def make(target=None, enabled=True, kind="webhook"):
        db = world.session
        channel = Channel(unit_id=world.units["HW"].id, kind=kind, enabled=enabled,
                          target=target or http_receiver.url + "/hook", secret="k")
        db.add(channel)
        db.flush()
        row = OutboxMessage(channel_id=channel.id, unit_id=channel.unit_id, topic="t",
                            subject="主题", body="正文", payload={}, created_at=NOW,
                            next_attempt_at=NOW)
        db.add(row)
        db.commit()
        return row
    return make


def test_a_sent_message_is_marked_delivered(world, message, config, http_receiver):
    row = message()
    assert delivery.deliver(world.session, row.id, NOW, config).status == "sent"
    world.session.commit()
    assert row.delivered_at == NOW and row.attempts == 1 and len(http_receiver.requests) == 1
    assert delivery.deliver(world.session, row.id, NOW, config).status == "skipped"


def test_failures_back_off_exponentially_up_to_a_cap_then_die(world, message, config,
                                                              http_receiver):
    http_receiver.status = 500
    row, at, waits = message(), NOW, []
    for _ in range(3):
        outcome = delivery.deliver(world.session, row.id, at, config)
        world.session.commit()
        assert outcome.status == "retry" and "HTTP 500" in row.last_error
        waits.append(row.next_attempt_at - at)
        assert delivery.deliver(world.session, row.id, at, config).status == "skipped"
        at = row.next_attempt_at
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=90)]
    assert delivery.deliver(world.session, row.id, at, config).status == "dead"
    world.session.commit()
    assert row.dead and row.attempts == 4
    assert delivery.failing(world.session) == [row]


def test_a_disabled_channel_dies_at_once(world, message, config):
    row = message(enabled=False)
    assert delivery.deliver(world.session, row.id, NOW, config).status == "dead"
    world.session.commit()
    assert row.attempts == 1 and "disabled" in row.last_error


def test_the_failing_list_shows_live_failures_after_dead_ones(world, message, config,
                                                              http_receiver):
    dead = message(enabled=False)
    delivery.deliver(world.session, dead.id, NOW, config)
    http_receiver.status = 502
    failing = message()
    delivery.deliver(world.session, failing.id, NOW, config)
    ok = message()
    world.session.commit()
    assert delivery.failing(world.session) == [dead, failing]
    assert delivery.due(world.session, NOW) == [(ok.id, 0)]


def test_the_deliver_job_sends_and_commits(world, message, http_receiver):
    row = message()
    assert tasks.deliver(row.id) == "sent"
    world.session.expire_all()
    assert world.session.get(OutboxMessage, row.id).delivered_at is not None
