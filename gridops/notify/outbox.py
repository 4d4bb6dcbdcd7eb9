"""Write notifications in the caller's transaction; queue their delivery once it commits."""
import logging
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, inspect

from gridops.dispatch.models import InboxMessage, OutboxMessage
from gridops.extensions import db
from gridops.notify.recipients import channels_for

log = logging.getLogger(__name__)

WRITTEN = "gridops.outbox"
IDS = "gridops.outbox_ids"
#: Notices are read by people in the office: local time.
LOCAL = ZoneInfo("Asia/Shanghai")


def notify(session, topic, incident, subject, body, now, units=(), users=(), areas=(),
           payload=None):
    """Tell `units`, `users` and the groups of `areas`: the inbox now, outside channels later.

    Returns the outbox rows; they are sent after the commit, so a rolled-back action tells
    nobody anything.
    """
    incident_id = incident.id if incident is not None else None
    units = list(dict.fromkeys(u for u in units if u is not None))
    users = list(dict.fromkeys(u for u in users if u is not None))
    for unit in units:
        session.add(InboxMessage(unit_id=unit.id, incident_id=incident_id, subject=subject,
                                 body=body, created_at=now))
    for user in users:
        session.add(InboxMessage(user_id=user.id, incident_id=incident_id, subject=subject,
                                 body=body, created_at=now))
    rows = [OutboxMessage(channel_id=channel.id, unit_id=channel.unit_id,
                          incident_id=incident_id, topic=topic, subject=subject, body=body,
                          payload=payload or {}, created_at=now, next_attempt_at=now)
            for channel in channels_for(session, [u.id for u in units], areas)]
    session.add_all(rows)
    session.info.setdefault(WRITTEN, []).extend(rows)
    return rows


def local_text(moment):
    """Return `moment` as a notice shows it: Shanghai time, to the minute."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def init_app(app):
    """Queue a delivery job for each outbox row once its transaction commits."""
    for name, listener in (("after_flush_postexec", _snapshot_after_flush),
                           ("after_commit", _queue_committed), ("after_rollback", _forget)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def queue_deliveries(app, ids_and_attempts):
    """Put a `deliver` job on the notify queue per (outbox id, attempts); ids are deterministic."""
    from gridops.dispatch import queues
    from gridops.dispatch.tasks import deliver
    queue = queues.queue_for(app, queues.NOTIFY)
    with queue.connection.pipeline() as pipe:
        for outbox_id, attempts in ids_and_attempts:
            queue.enqueue(deliver, outbox_id, job_id=f"outbox-{outbox_id}-{attempts}",
                          pipeline=pipe, result_ttl=60, failure_ttl=86400, job_timeout=120)
        pipe.execute()


def _snapshot_after_flush(session, flush_context):
    rows = session.info.pop(WRITTEN, None) or []
    ids = [inspect(row).dict.get("id") for row in rows]
    session.info.setdefault(IDS, []).extend(i for i in ids if i is not None)


def _queue_committed(session):
    ids = session.info.pop(IDS, None)
    session.info.pop(WRITTEN, None)
    if not ids or not has_app_context() or "gridops.timers" not in current_app.extensions:
        return
    try:
        queue_deliveries(current_app, [(i, 0) for i in ids])
    except RedisError as error:
        log.warning("could not queue %d deliveries (%s); the sweep will", len(ids), error)


def _forget(session):
    session.info.pop(WRITTEN, None)
    session.info.pop(IDS, None)
