"""The report archive: every generated report and the files it was rendered to, with checksums."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gridops.extensions import db

TRIGGERS = ("schedule", "demand")


class ReportArchive(db.Model):
    """One generated report: which period and area, why it was made, and its headline numbers."""

    __tablename__ = "report_archive"
    __table_args__ = (
        CheckConstraint("kind IN ('weekly')", name="report_archive_kind"),
        CheckConstraint(f"trigger IN {TRIGGERS}", name="report_archive_trigger"),
        # The Monday job archives a week and area once, however many workers run it.
        Index("report_archive_scheduled", "kind", "period", "area_code", unique=True,
              postgresql_where=text("trigger = 'schedule'")),
        Index("report_archive_area_period", "area_code", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="weekly")
    #: The ISO week, e.g. 2026-W47.
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    area_code: Mapped[str] = mapped_column(String(32))
    area_name: Mapped[str] = mapped_column(String(200))
    #: "schedule" for the Monday job, "demand" for the CLI or a user.
    trigger: Mapped[str] = mapped_column(String(10))
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Headline values (received, 结案率 …) for lists and messages, as the report printed them.
    summary: Mapped[dict] = mapped_column(JSONB, default=dict)

    files = relationship("ReportFile", order_by="ReportFile.format", back_populates="archive",
                         cascade="all, delete-orphan")

    def file(self, fmt):
        """Return the file of format `fmt`, or None."""
        return next((f for f in self.files if f.format == fmt), None)


class ReportFile(db.Model):
    """One rendered file of an archived report, stored under the report directory."""

    __tablename__ = "report_file"
    __table_args__ = (
        CheckConstraint("format IN ('html', 'pdf', 'xlsx', 'csv')", name="report_file_format"),
        Index("report_file_archive_format", "archive_id", "format", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("report_archive.id", ondelete="CASCADE"))
    archive: Mapped[ReportArchive] = relationship(back_populates="files")
    format: Mapped[str] = mapped_column(String(8))
    #: Relative to the report directory (GRIDOPS_REPORT_DIR), so the directory can move.
    path: Mapped[str] = mapped_column(String(500))
    #: SHA-256 of the file's bytes, hex; checked again before every download.
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
