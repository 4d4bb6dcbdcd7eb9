"""Reference data the loop routes by: units, the category taxonomy, the responsibility list."""
from datetime import datetime

from sqlalchemy import (BigInteger, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer,
                        String, Table, func, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gridops.extensions import db

UNIT_KINDS = ("department", "company", "grid_station", "street_office", "district_centre")
URGENCIES = ("normal", "urgent")
CATEGORY_KINDS = ("event", "facility")


class Unit(db.Model):
    """A unit that receives work: a department, a public-service company or a grid station."""

    __tablename__ = "unit"
    __table_args__ = (CheckConstraint(f"kind IN {UNIT_KINDS}", name="unit_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: One of UNIT_KINDS. A grid station (网格工作站) handles its community's small matters (小事).
    kind: Mapped[str] = mapped_column(String(20))
    #: The area the unit belongs to: a community for a grid station, a street for a street
    #: office, the district for district departments.
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self):
        return f"<Unit {self.code} {self.name}>"


class Category(db.Model):
    """One node of a versioned taxonomy: a class (大类) or a sub-category (小类)."""

    __tablename__ = "category"
    __table_args__ = (
        CheckConstraint(f"kind IN {CATEGORY_KINDS}", name="category_kind"),
        CheckConstraint(f"default_urgency IN {URGENCIES}", name="category_urgency"),
        Index("category_code_taxonomy", "taxonomy", "kind", "code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The taxonomy version this node belongs to, e.g. "cjt214-2012".
    taxonomy: Mapped[str] = mapped_column(String(40))
    #: 事件 event or 部件 facility; the same code can exist in both.
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(String(16))
    default_urgency: Mapped[str] = mapped_column(String(10), default="normal")
    #: Handling limit of a normal case in working minutes.
    handling_minutes: Mapped[int | None] = mapped_column(Integer)
    #: Handling limit of an urgent case in natural minutes.
    urgent_minutes: Mapped[int | None] = mapped_column(Integer)
    #: Set when a newer taxonomy replaced this one; incidents keep pointing at it.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def key(self):
        """Return the code the API uses: kind prefix and code, e.g. "event:0102"."""
        return f"{self.kind}:{self.code}"

    def __repr__(self):
        return f"<Category {self.key} {self.name}>"


responsibility_co_unit = Table(
    "responsibility_co_unit", db.metadata,
    Column("responsibility_id", ForeignKey("responsibility.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class Responsibility(db.Model):
    """A line of the responsibility list (责任清单): category × area → lead and co-units.

    The most specific line wins: a sub-category beats its class, a grid beats its community,
    and so on up to the district.
    """

    __tablename__ = "responsibility"
    __table_args__ = (
        Index("responsibility_key", "category_kind", "category_code", "area_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_kind: Mapped[str] = mapped_column(String(10))
    #: A class code ("01") or a sub-category code ("0102").
    category_code: Mapped[str] = mapped_column(String(16))
    #: An area code at any level.
    area_code: Mapped[str] = mapped_column(String(32))
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    co_units: Mapped[list[Unit]] = relationship(secondary=responsibility_co_unit)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class ReferenceVersion(db.Model):
    """A kind of reference data's version stamp, set by a trigger whenever its tables change.

    It holds the id of the last transaction that changed them (migration 0015), so a process
    can keep its copy until the stamp moves (`gridops.dispatch.stamps`).
    """

    __tablename__ = "reference_version"

    #: calendar (calendar_day, calendar_year, office_hours), catalog (category, sla_limit),
    #: auth (app_user, user_area, api_token) or areas (area).
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
