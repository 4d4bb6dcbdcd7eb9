"""The CLI, the Monday job, the archive's checksums and once-only rule, delivery to channels."""
import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridops.dispatch.models import Channel, OutboxMessage
from gridops.reports.archive import store
from gridops.reports.cli import report
from gridops.reports.docs import indicators_markdown
from gridops.reports.generate import make_weekly
from gridops.reports.models import ReportArchive, ReportFile
from gridops.reports.tasks import generate_weekly
from gridops.reports.week import parse_week

MONDAY_8AM = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)            # 08:00 in Shanghai
DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


@pytest.fixture
def report_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_DIR", str(tmp_path / "reports"))
    monkeypatch.setitem(app.config, "GRIDOPS_PUBLIC_URL", "https://gridops.example")
    return tmp_path / "reports"


@pytest.mark.parametrize("fmt", ["html", "xlsx", "pdf", "csv"])
def test_the_cli_writes_and_archives_one_format(app, db, week47, report_dir, tmp_path, fmt):
    out = tmp_path / f"weekly.{fmt}"
    result = app.test_cli_runner().invoke(report, [
        "weekly", "--week", "2026-W47", "--area", "110199", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in result.output
    stored = db.scalar(select(ReportFile))
    assert (stored.format, stored.sha256, stored.archive.trigger) == (fmt, digest, "demand")
    assert (report_dir / stored.path).read_bytes() == out.read_bytes()


def test_the_cli_defaults_to_last_week_and_the_district(app, db, world, tmp_path):
    out = tmp_path / "weekly.csv"
    result = app.test_cli_runner().invoke(report, [
        "weekly", "--format", "csv", "--out", str(out), "--no-archive"])
    assert result.exit_code == 0, result.output
    assert " 110199 csv" in result.output and out.read_bytes().startswith("\ufeff".encode())
    assert db.scalar(select(func.count()).select_from(ReportArchive)) == 0


def test_the_cli_names_a_bad_week_or_area(app, world, tmp_path):
    runner = app.test_cli_runner()
    bad_week = runner.invoke(report, ["weekly", "--week", "47", "--out", str(tmp_path / "x")])
    assert bad_week.exit_code != 0 and "2026-W47" in bad_week.output
    bad_area = runner.invoke(report, ["weekly", "--area", "999", "--out", str(tmp_path / "x")])
    assert bad_area.exit_code != 0 and "No area 999" in bad_area.output


def test_the_monday_job_archives_and_delivers_each_report_once(app, db, week47, report_dir):
    db.add_all([Channel(area_code="110199", kind="email", target="leader@example.gov.cn"),
                Channel(area_code="110199", kind="wecom",
                        target="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
                Channel(area_code="110199001", kind="dingtalk",
                        target="https://oapi.dingtalk.com/robot/send?access_token=t")])
    db.commit()
    done = generate_weekly(MONDAY_8AM)
    assert len(done) == 3 and generate_weekly(MONDAY_8AM) == []             # once per week
    archives = db.scalars(select(ReportArchive).order_by(ReportArchive.area_code)).all()
    assert [(a.period, a.area_code, a.trigger) for a in archives] == [
        ("2026-W47", "110199", "schedule"), ("2026-W47", "110199001", "schedule"),
        ("2026-W47", "110199002", "schedule")]
    assert sorted(f.format for f in archives[0].files) == ["csv", "html", "pdf", "xlsx"]
    for file in archives[0].files:
        assert hashlib.sha256((report_dir / file.path).read_bytes()).hexdigest() == file.sha256
    assert db.scalar(select(func.count()).where(OutboxMessage.topic == "report.weekly")) == 3
    email, wecom, dingtalk = (db.scalar(select(OutboxMessage).join(
        Channel, Channel.id == OutboxMessage.channel_id).where(Channel.kind == kind))
        for kind in ("email", "wecom", "dingtalk"))
    attached = {a["filename"].rsplit(".", 1)[1]: a for a in email.payload["attachments"]}
    assert sorted(attached) == ["pdf", "xlsx"]
    assert hashlib.sha256(Path(attached["pdf"]["path"]).read_bytes()).hexdigest() == \
        attached["pdf"]["sha256"]
    assert "上报数 9" in wecom.body and "结案率 66.7%" in wecom.body
    assert f"https://gridops.example/reports/{archives[0].id}" in wecom.body
    assert "街道1" in dingtalk.subject and dingtalk.payload["area"] == "110199001"


def test_two_scheduled_runs_racing_archive_once(app, db, week47, report_dir):
    made, files = make_weekly(db, app.config, parse_week("2026-W47"), "110199", ["csv"],
                              MONDAY_8AM)
    first = store(db, made, files, "schedule", report_dir)
    assert first is not None and store(db, made, files, "schedule", report_dir) is None
    assert store(db, made, files, "demand", report_dir) is not None      # on demand: always


def test_the_monday_job_keeps_archiving_on_one_connection(app, db, week47, report_dir):
    """The Monday job archives every area on one connection. Once psycopg prepares the
    statement and PostgreSQL plans it generically, a bound value in ON CONFLICT's WHERE no
    longer matches the partial unique index: each store after the first few would fail."""
    made, files = make_weekly(db, app.config, parse_week("2026-W47"), "110199", ["csv"],
                              MONDAY_8AM)
    results = [store(db, made, files, "schedule", report_dir) for _ in range(15)]
    assert results[0] is not None and results[1:] == [None] * 14


def test_an_empty_week_is_archived_and_says_so(app, db, world, report_dir):
    [archive_id] = generate_weekly(datetime(2026, 10, 5, tzinfo=timezone.utc))[:1]
    archive = db.get(ReportArchive, archive_id)
    assert archive.period == "2026-W40" and archive.summary["empty"] is True


def test_the_indicator_docs_are_generated_from_the_definitions(app, tmp_path):
    assert DOCS.read_text(encoding="utf-8") == indicators_markdown(), \
        "docs/indicators.md is stale: run `gridops report docs`"
    out = tmp_path / "indicators.md"
    result = app.test_cli_runner().invoke(report, ["docs", "--out", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == DOCS.read_text("utf-8")


def test_reports_fall_due_at_monday_eight_local():
    from datetime import datetime, timezone

    from gridops.reports.tasks import reports_due

    utc = timezone.utc
    assert not reports_due(datetime(2026, 11, 22, 23, 59, tzinfo=utc), "Asia/Shanghai")  # 07:59
    assert reports_due(datetime(2026, 11, 23, 0, 0, tzinfo=utc), "Asia/Shanghai")  # Mon 08:00
    assert reports_due(datetime(2026, 11, 27, 9, 0, tzinfo=utc), "Asia/Shanghai")  # Friday
    assert not reports_due(datetime(2026, 11, 29, 23, 0, tzinfo=utc), "Asia/Shanghai")  # Mon 07:00
