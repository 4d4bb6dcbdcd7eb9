"""The outbox and the channels it delivers to; rows are written with the event, sent after commit."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gridops.extensions import db

CHANNELS = ("inbox", "wecom", "dingtalk", "email", "webhook")


class Channel(db.Model):
    """Where a unit or a street wants its notifications: a webhook, an address, the inbox."""

    __tablename__ = "channel"
    __table_args__ = (CheckConstraint(f"kind IN {CHANNELS}", name="channel_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: A street's own channel (its command centre's group chat), when unit_id is NULL.
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: URL or e-mail address.
    target: Mapped[str] = mapped_column(String(500))
    #: DingTalk signing secret or webhook HMAC key.
    secret: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(default=True)


class OutboxMessage(db.Model):
    """A notification to deliver, with its retry count and schedule kept in columns."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("outbox_undelivered", "next_attempt_at",
              postgresql_where=text("delivered_at IS NULL AND NOT dead")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    #: The in-app inbox needs no channel row: it names the unit or user directly.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    #: What happened, e.g. "deadline.warned", "whistle.blown".
    topic: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Gave up after the retry cap; shown to admins.
    dead: Mapped[bool] = mapped_column(default=False)


class InboxMessage(db.Model):
    """A message in the in-app inbox of a unit or a user."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PeriodicRun(db.Model):
    """One run of a periodic job per period; the primary key makes it happen once."""

    __tablename__ = "periodic_run"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
