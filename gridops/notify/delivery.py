"""Deliver outbox messages: one attempt per call, retried with exponential backoff up to a cap.

A message is locked while it is sent, so the job queued after the commit and the sweep never
send it twice at once. A crash between sending and committing can still send it again: the
receiver sees the same `X-GridOps-Delivery` id (at least once, never silently lost).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from gridops.dispatch.models import Channel, OutboxMessage
from gridops.notify.http import DeliveryError
from gridops.notify.mail import send_email
from gridops.notify.robots import send_dingtalk, send_wecom
from gridops.notify.webhook import send_webhook

SENDERS = {"wecom": send_wecom, "dingtalk": send_dingtalk, "webhook": send_webhook,
           "email": send_email}


@dataclass(frozen=True)
class Outcome:
    outbox_id: int
    #: "sent", "retry", "dead", or "skipped" (already sent, dead, locked or not yet due).
    status: str
    next_attempt_at: datetime | None = None
    error: str | None = None


def deliver(session, outbox_id, now, config, senders=SENDERS):
    """Try to send one outbox message now; record the result on its row (the caller commits)."""
    message = session.scalar(select(OutboxMessage).where(
        OutboxMessage.id == outbox_id, OutboxMessage.delivered_at.is_(None),
        ~OutboxMessage.dead, OutboxMessage.next_attempt_at <= now)
        .with_for_update(skip_locked=True))
    if message is None:
        return Outcome(outbox_id, "skipped")
    channel = session.get(Channel, message.channel_id) if message.channel_id else None
    try:
        _send(channel, message, config, now, senders)
    except DeliveryError as error:
        return _failed(message, error, now, config)
    message.attempts += 1
    message.delivered_at, message.last_error = now, None
    return Outcome(outbox_id, "sent")


def backoff(attempts, config):
    """Return the wait after the `attempts`-th failure: doubling from the base, up to the cap."""
    base = config["GRIDOPS_NOTIFY_BACKOFF_SECONDS"]
    return timedelta(seconds=min(config["GRIDOPS_NOTIFY_BACKOFF_CAP_SECONDS"],
                                 base * 2 ** (attempts - 1)))


def due(session, now, limit=500):
    """Return (id, attempts) of the messages waiting to be (re)sent now, oldest first."""
    query = select(OutboxMessage.id, OutboxMessage.attempts).where(
        OutboxMessage.delivered_at.is_(None), ~OutboxMessage.dead,
        OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.next_attempt_at).limit(limit)
    return [tuple(row) for row in session.execute(query)]


def failing(session, limit=100):
    """Return the messages an admin should look at: dead ones, and live ones that have failed."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.delivered_at.is_(None),
        or_(OutboxMessage.dead, OutboxMessage.attempts > 0))
        .order_by(OutboxMessage.dead.desc(), OutboxMessage.created_at.desc()).limit(limit)))


def _send(channel, message, config, now, senders):
    if channel is None or not channel.enabled:
        raise DeliveryError("the channel was removed or disabled", permanent=True)
    sender = senders.get(channel.kind)
    if sender is None:
        raise DeliveryError(f"no sender for channel kind {channel.kind}", permanent=True)
    sender(channel, message, config, now)


def _failed(message, error, now, config):
    message.attempts += 1
    message.last_error = str(error)[:2000]
    if error.permanent or message.attempts >= config["GRIDOPS_NOTIFY_MAX_ATTEMPTS"]:
        message.dead = True
        return Outcome(message.id, "dead", error=message.last_error)
    message.next_attempt_at = now + backoff(message.attempts, config)
    return Outcome(message.id, "retry", message.next_attempt_at, message.last_error)
