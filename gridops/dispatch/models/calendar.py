"""The working calendar: holidays, 调休 working weekends, confirmed years, office hours."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gridops.extensions import db


class CalendarDay(db.Model):
    """A date that breaks the weekday rule: a holiday on a weekday or a 调休 working weekend."""

    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="calendar_day_kind"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(100))
    #: chinese_calendar or admin.
    source: Mapped[str] = mapped_column(String(20))


class CalendarYear(db.Model):
    """Whether someone confirmed a year's holidays; unconfirmed years use the weekday rule."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmed: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OfficeHours(db.Model):
    """Office periods of a day, per street; the row without an area is the default."""

    __tablename__ = "office_hours"
    __table_args__ = (Index("office_hours_area", "area_code", unique=True,
                            postgresql_nulls_not_distinct=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str | None] = mapped_column(String(32))
    #: [["08:30", "12:00"], ["14:00", "17:30"]]
    periods: Mapped[list] = mapped_column(JSONB)
