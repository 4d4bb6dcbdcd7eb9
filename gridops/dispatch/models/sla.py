"""The SLA policy: time limits per step, category and urgency, editable by an admin."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from gridops.extensions import db

SLA_STEPS = ("screening", "onsite_check", "sign", "handling", "verification", "evaluation",
             "checkin")


class SlaLimit(db.Model):
    """A time limit for one step, optionally narrowed to a category and an urgency.

    The most specific row wins; handling limits default to the category's own columns.
    """

    __tablename__ = "sla_limit"
    __table_args__ = (
        CheckConstraint(f"step IN {SLA_STEPS}", name="sla_step"),
        CheckConstraint("basis IN ('working', 'natural')", name="sla_basis"),
        Index("sla_limit_key", "step", "category_kind", "category_code", "urgency", unique=True,
              postgresql_nulls_not_distinct=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step: Mapped[str] = mapped_column(String(16))
    category_kind: Mapped[str | None] = mapped_column(String(10))
    category_code: Mapped[str | None] = mapped_column(String(16))
    urgency: Mapped[str | None] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
