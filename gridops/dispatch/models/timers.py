"""Deadlines, supervision orders and the whistle (吹哨报到): the rows every timer lives in.

The database is the source of truth for every deadline; RQ jobs are only the fast path that
fires them, and a periodic sweep catches whatever Redis lost.
"""
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String,
                        Table, Text, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gridops.dispatch.models.reference import Unit
from gridops.extensions import db

DEADLINE_KINDS = ("screening", "onsite_check", "sign", "handling", "verification", "evaluation",
                  "checkin")
DEADLINE_STATES = ("pending", "warned", "breached", "met", "cancelled")
WHISTLE_REASONS = ("public_demand", "enforcement", "emergency", "sla_breach")


class Deadline(db.Model):
    """A step's time limit: warned at 80 %, breached at 100 %, met or cancelled by an action."""

    __tablename__ = "deadline"
    __table_args__ = (
        CheckConstraint(f"kind IN {DEADLINE_KINDS}", name="deadline_kind"),
        CheckConstraint(f"state IN {DEADLINE_STATES}", name="deadline_state"),
        CheckConstraint("basis IN ('working', 'natural')", name="deadline_basis"),
        CheckConstraint("(incident_id IS NULL) <> (summons_id IS NULL)", name="deadline_owner"),
        # The sweep's two queries: what is due to warn, what is due to breach.
        Index("deadline_warn_pending", "warn_at", postgresql_where=text("state = 'pending'")),
        Index("deadline_due_open", "due_at",
              postgresql_where=text("state IN ('pending', 'warned')")),
        # The sweep's third query: which breached clocks climb the escalation policy next.
        Index("deadline_escalate_breached", "escalate_at",
              postgresql_where=text("state = 'breached'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    summons_id: Mapped[int | None] = mapped_column(ForeignKey("summons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: Whether the limit counts working time (工作时) or natural time.
    basis: Mapped[str] = mapped_column(String(8))
    limit_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: When 80 % of the limit is used (yellow).
    warn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: When 100 % is used (red).
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    #: Set while the clock is stopped (挂账 hold); resuming moves warn_at and due_at on.
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    warned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    breached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When an action met or cancelled it.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last rung of the escalation policy acted on after the breach (0: none yet).
    escalated_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the next rung acts; NULL when none is left.
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupervisionOrder(db.Model):
    """A 督办单: a written order to a unit to act on an overdue or troubled case."""

    __tablename__ = "supervision_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    unit: Mapped[Unit | None] = relationship()
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    #: "sla_breach" when a timer issued it, "manual" when a dispatcher did.
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


whistle_incident = Table(
    "whistle_incident", db.metadata,
    Column("whistle_id", ForeignKey("whistle.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", ForeignKey("incident.id"), primary_key=True, index=True),
)


class Whistle(db.Model):
    """A 吹哨: the street summons units to a matter; it closes only when its cases close."""

    __tablename__ = "whistle"
    __table_args__ = (
        CheckConstraint(f"reason IN {WHISTLE_REASONS}", name="whistle_reason"),
        CheckConstraint("state IN ('active', 'closed')", name="whistle_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    state: Mapped[str] = mapped_column(String(8), default="active")
    #: 群众诉求 public_demand, 综合执法 enforcement, 应急处置 emergency, or an SLA breach.
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    #: NULL when the escalation policy blew it.
    blown_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    blown_by_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    blown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set when a missed check-in took it to the district command centre.
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    incidents = relationship("Incident", secondary=whistle_incident, order_by="Incident.id")
    summonses = relationship("Summons", order_by="Summons.id", back_populates="whistle")


class Summons(db.Model):
    """One unit called by a whistle, with its check-in (报到) deadline and check-in."""

    __tablename__ = "summons"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'checked_in', 'missed')", name="summons_status"),
        Index("summons_unit_whistle", "whistle_id", "unit_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    whistle_id: Mapped[int] = mapped_column(ForeignKey("whistle.id", ondelete="CASCADE"))
    whistle: Mapped[Whistle] = relationship(back_populates="summonses")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit: Mapped[Unit] = relationship()
    #: "policy" (lead and co-units from the responsibility list) or "hand".
    added_by: Mapped[str] = mapped_column(String(8), default="policy")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    checkin_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Who is coming, and when they will be there.
    attendee: Mapped[str | None] = mapped_column(String(200))
    arrive_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The street's score for the unit's response, 0–100.
    score: Mapped[int | None] = mapped_column(Integer)


class EscalationLevel(db.Model):
    """One rung of an escalation policy, ordered grid → community → street → district."""

    __tablename__ = "escalation_level"
    __table_args__ = (
        CheckConstraint("area_level IN ('grid', 'community', 'street', 'district')",
                        name="escalation_area_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL for the default policy; otherwise a class or sub-category code.
    category_kind: Mapped[str | None] = mapped_column(String(10))
    category_code: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    area_level: Mapped[str] = mapped_column(String(10))
    #: Minutes after the handling deadline is breached that this rung acts.
    after_minutes: Mapped[int] = mapped_column(Integer)
    #: What it does: notify, supervise (督办单), whistle, or district (escalate).
    action: Mapped[str] = mapped_column(String(12))
    options: Mapped[dict] = mapped_column(JSONB, default=dict)
