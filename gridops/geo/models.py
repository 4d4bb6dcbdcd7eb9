"""The area hierarchy district → street → community → grid, with history."""
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from gridops.extensions import db

LEVELS = ("district", "street", "community", "grid")


class Area(db.Model):
    """One version of an area polygon; a re-import retires it by setting `valid_to`."""

    __tablename__ = "area"
    __table_args__ = (
        CheckConstraint(f"level IN {LEVELS}", name="area_level"),
        # Only one current row per code; retired rows keep their history.
        Index("area_current_code", "code", unique=True, postgresql_where=text("valid_to IS NULL")),
        Index("area_parent_code", "parent_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Structured code kept as a string (15 digits for a grid in Beijing's scheme).
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    #: One of LEVELS.
    level: Mapped[str] = mapped_column(String(16))
    #: The parent's code; empty for the top level. Codes, not ids, so history survives re-imports.
    parent_code: Mapped[str | None] = mapped_column(String(32))
    #: Deferred: a district's polygon runs to thousands of vertices, and a case loading its
    #: areas wants their codes and names. Load it with `undefer(Area.geom)` where needed.
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False,
                         deferred=True)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: NULL while current.
    valid_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The grid layer version that introduced this row.
    layer_version: Mapped[int] = mapped_column(ForeignKey("grid_layer.version"))

    def __repr__(self):
        return f"<Area {self.level} {self.code} {self.name}>"


class GridLayer(db.Model):
    """One import of the grid layer; the highest version is the stamp every locator checks."""

    __tablename__ = "grid_layer"

    version: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: File name or "demo".
    source: Mapped[str] = mapped_column(String(500))
    #: Counts of added, retired and kept areas, as the importer reported them.
    summary: Mapped[dict] = mapped_column(JSONB, default=dict)
