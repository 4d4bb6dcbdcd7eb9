"""The incident (案卷): one report travelling the closed loop."""
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (BigInteger, CheckConstraint, Column, DateTime, Float, ForeignKey, Index,
                        Integer, Sequence, String, Table, Text, func, literal_column, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gridops.dispatch.models.reference import Category, Unit
from gridops.extensions import db
from gridops.geo.models import Area

STATES = ("screening", "assignment", "handling", "supervision", "evaluation",
          "closed", "rejected", "merged")
TERMINAL_STATES = ("closed", "rejected", "merged")
OPEN_STATES = tuple(state for state in STATES if state not in TERMINAL_STATES)
QUEUE_INCLUDES = ["due_at", "district_id", "street_id", "category_id", "lead_unit_id"]
SOURCES = ("grid_worker", "resident", "api", "open311")
TRIAGES = ("private", "small", "big", "hard")
CRS = ("wgs84", "cgcs2000", "gcj02", "bd09")
SATISFACTIONS = ("satisfied", "basically_satisfied", "dissatisfied")

#: Feeds case numbers; a sequence never blocks concurrent intakes the way a counter row would.
case_number_seq = Sequence("incident_case_number_seq", metadata=db.metadata)

incident_co_unit = Table(
    "incident_co_unit", db.metadata,
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class Incident(db.Model):
    """A case with its place, category, current state and the units working on it."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES}", name="incident_state"),
        CheckConstraint(f"source IN {SOURCES}", name="incident_source"),
        CheckConstraint(f"triage IS NULL OR triage IN {TRIAGES}", name="incident_triage"),
        CheckConstraint(f"crs IN {CRS}", name="incident_crs"),
        CheckConstraint("urgency IN ('normal', 'urgent')", name="incident_urgency"),
        Index("incident_open_due", "state", "due_at", postgresql_where=text(
            "state NOT IN ('closed', 'rejected', 'merged')")),
        Index("incident_street_state", "street_id", "state"),
        Index("incident_reported_at", "reported_at"),
        # The console's queues: a stage's open cases by due time (on hold last, see SORT_DUE)
        # and id, for keyset pages. The included columns let the stage counts beside a page
        # read this index only, under the scope and the usual filters (due_at itself too:
        # PostgreSQL needs an expression's columns for that, not just the expression).
        Index("incident_open_queue", "state", text("COALESCE(due_at, 'infinity'::timestamptz)"),
              "id", postgresql_include=QUEUE_INCLUDES,
              postgresql_where=text(f"state IN {OPEN_STATES}")),
        # The weekly reports' cases closed in a period.
        Index("incident_closed_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Readable case number, e.g. 20261125-000042: local report date and a global serial.
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    #: Set by the client (phone outbox, API caller) so a retried submission returns this row.
    client_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    #: Which integration or client the report came through (API token name, Open311 key name).
    source_detail: Mapped[str | None] = mapped_column(String(100))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Resident contact; personal data, never shown on the public tracking page.
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    #: Secret for the public tracking link.
    tracking_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    #: The place in WGS-84, whatever the reporter's map used.
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    #: The coordinate system the point arrived in, and the raw values, for audit.
    crs: Mapped[str] = mapped_column(String(10), default="wgs84")
    source_lon: Mapped[float] = mapped_column(Float)
    source_lat: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    #: How the locator matched: inside, boundary or nearest.
    location_match: Mapped[str] = mapped_column(String(10))
    #: The areas recorded at intake: the row versions in force then, kept when the layer changes.
    grid_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))

    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    #: 四事分流 class set at screening: private, small, big or hard.
    triage: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[str] = mapped_column(String(16))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: Bumped by every action; a client sends the version it saw (optimistic locking).
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Deadline of the step the case is in now (copied from its open deadline row, for sorting).
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The limits the case was given at intake and acceptance (from the SLA policy then in force).
    limits: Mapped[dict] = mapped_column(JSONB, default=dict)

    self_handled: Mapped[bool] = mapped_column(default=False)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reassign_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Set while the case is on hold (挂账); the handling clock is stopped.
    on_hold_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A pending extension request: {"minutes": n, "reason": "..."}.
    extension_request: Mapped[dict | None] = mapped_column(JSONB)
    #: Set by the grid worker's on-site check (核实) of a resident report.
    verified_on_site: Mapped[bool | None] = mapped_column()
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    unit_score: Mapped[int | None] = mapped_column(Integer)
    result_note: Mapped[str | None] = mapped_column(Text)
    #: Why the case ended as it did: rejection reason, advice for a private matter.
    closing_note: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))

    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    category: Mapped[Category] = relationship()
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    co_units: Mapped[list[Unit]] = relationship(secondary=incident_co_unit, order_by=Unit.code)
    grid: Mapped[Area] = relationship(foreign_keys=[grid_id])
    community: Mapped[Area] = relationship(foreign_keys=[community_id])
    street: Mapped[Area] = relationship(foreign_keys=[street_id])
    district: Mapped[Area] = relationship(foreign_keys=[district_id])
    events = relationship("Event", order_by="Event.id", viewonly=True)
    deadlines = relationship("Deadline", order_by="Deadline.id", viewonly=True)
    photos = relationship("Photo", order_by="Photo.id", viewonly=True)
    supervision_orders = relationship("SupervisionOrder", order_by="SupervisionOrder.id",
                                      viewonly=True)
    whistles = relationship("Whistle", secondary="whistle_incident", order_by="Whistle.id",
                            viewonly=True)

    @property
    def is_open(self):
        return self.state not in TERMINAL_STATES

    def __repr__(self):
        return f"<Incident {self.case_number} {self.state}>"


#: Later than every due time: where cases without a running clock (on hold) sort.
FOREVER = literal_column("'infinity'::timestamptz", DateTime(timezone=True))
#: A case's place in its queue, the expression incident_open_queue indexes.
SORT_DUE = func.coalesce(Incident.due_at, FOREVER)


class Event(db.Model):
    """One action on an incident. Append-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "event"
    #: The weekly reports' evaluations and actions in a period.
    __table_args__ = (Index("event_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    #: NULL for the system (timers, escalation policy).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Who acted, as shown on the timeline: a user's name, "system", "resident".
    actor_label: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    #: The action's fields (reason, triage, units, satisfaction …) as given.
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Photo(db.Model):
    """A photo attached to an incident, stored once by content hash."""

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    #: report, before, after or result.
    role: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
