"""notify(): the inbox at once, one outbox row per outside channel, queued after the commit."""
from datetime import datetime, timezone

from rq import Queue
from sqlalchemy import select

from gridops.dispatch.models import Channel, InboxMessage, OutboxMessage
from gridops.notify import notify

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


def test_notify_fills_the_inbox_and_one_outbox_row_per_channel(world, redis):
    db, hw = world.session, world.units["HW"]
    user = world.user("disp", "dispatcher", ["110199001"])
    db.add_all([Channel(unit_id=hw.id, kind="wecom", target="https://qyapi.example/hook"),
                Channel(unit_id=hw.id, kind="email", target="hw@example.test", enabled=False),
                Channel(area_code="110199001", kind="dingtalk", target="https://ding.example/r"),
                Channel(area_code="110199002", kind="webhook", target="https://other.example/")])
    db.commit()
    rows = notify(db, "deadline.warned", None, "主题", "正文", NOW, units=[hw, hw], users=[user],
                  areas=["110199001"], payload={"kind": "sign"})
    db.commit()
    inbox = db.scalars(select(InboxMessage).order_by(InboxMessage.id)).all()
    assert [(m.unit_id, m.user_id) for m in inbox] == [(hw.id, None), (None, user.id)]
    kinds = sorted(db.get(Channel, r.channel_id).kind for r in rows)
    assert kinds == ["dingtalk", "wecom"]
    assert all(r.next_attempt_at == NOW and r.payload == {"kind": "sign"} for r in rows)
    queued = Queue("notify", connection=redis)
    assert all(queued.fetch_job(f"outbox-{r.id}-0") is not None for r in rows)


def test_a_rolled_back_notice_tells_nobody(world, redis):
    db, hw = world.session, world.units["HW"]
    db.add(Channel(unit_id=hw.id, kind="wecom", target="https://qyapi.example/hook"))
    db.commit()
    redis.flushdb()
    notify(db, "t", None, "主题", "正文", NOW, units=[hw])
    db.flush()
    db.rollback()
    db.commit()
    assert db.scalar(select(OutboxMessage)) is None and db.scalar(select(InboxMessage)) is None
    assert Queue("notify", connection=redis).count == 0
