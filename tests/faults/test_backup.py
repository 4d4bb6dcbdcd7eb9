"""A backup made the way docs/operations.md says restores every case, event and photo.

scripts/backup.sh dumps the test database and copies the photo and report folders; the restore
goes into an empty database next to it, `<test database>_restore`: made fresh when the test
role is a superuser, otherwise the one scripts/services.sh makes (owned by the test role, with
PostGIS), emptied before and after.
"""
import hashlib
import io
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from web.kit import photo_bytes, resident_report, to_supervision

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup.sh"
#: Tables compared row by row; every other table is compared by its count.
COMPARED = ("incident", "event", "photo", "deadline")


def engine_for(url):
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def rendered(url):
    return url.render_as_string(hide_password=False)


@pytest.fixture
def empty_database(app):
    """Return the URL of an empty database with PostGIS, removed or emptied afterwards."""
    source = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    url = source.set(database=f"{source.database}_restore")
    admin = engine_for(source)
    with admin.connect() as conn:
        superuser = conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": url.database})
        if superuser:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    if not superuser and not exists:
        pytest.skip(f"needs database {url.database} with PostGIS (scripts/services.sh makes it) "
                    "or a superuser test role")
    target = engine_for(url)
    with target.connect() as conn:
        if superuser:
            conn.execute(text("SET client_min_messages = warning"))
            conn.execute(text("CREATE EXTENSION postgis"))
        else:
            conn.execute(text("DROP OWNED BY CURRENT_USER"))
    yield url
    if superuser:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
    else:
        with target.connect() as conn:
            conn.execute(text("DROP OWNED BY CURRENT_USER"))
    target.dispose()
    admin.dispose()


def run(command, folder, database_url, uploads, reports):
    """Run scripts/backup.sh `command` `folder` with the app's settings; return its stdout."""
    env = {**os.environ, "DATABASE_URL": database_url, "GRIDOPS_UPLOAD_DIR": str(uploads),
           "GRIDOPS_REPORT_DIR": str(reports)}
    done = subprocess.run(["bash", str(SCRIPT), command, str(folder)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def a_small_world(app, world, worker_client, reports):
    """Cases with events, deadlines and photos, and an archived report file."""
    incident = resident_report(world.session, app, world)
    to_supervision(world.session, world, incident)
    resident_report(world.session, app, world, grid="110199002001001")
    lat, lon = world.center("110199001001001")
    headers = {"X-CSRFToken": worker_client.csrf, "Accept": "application/json"}
    assert worker_client.post("/phone/reports", headers=headers, json={
        "client_id": "backup-case-1", "lat": lat, "lon": lon, "category": "event:0102",
        "description": "路边堆了三袋垃圾"}).status_code == 201
    for color in ("red", "green"):
        assert worker_client.post("/phone/reports/backup-case-1/photos", headers=headers, data={
            "role": "report", "photo": (io.BytesIO(photo_bytes(color=color)), "IMG.JPG"),
        }).status_code == 201
    (reports / "2026-W47").mkdir(parents=True)
    (reports / "2026-W47" / "district.csv").write_text("指标,值\n解决率,0.9\n")


def files(folder):
    """Return {relative path: sha256} of every file under `folder`."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(engine):
    """Return the compared tables' rows and every table's count."""
    with engine.connect() as conn:
        tables = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                   "ORDER BY tablename")).all()
        counts = {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
        rows = {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in COMPARED}
    return counts, rows


def test_a_backup_restores_into_an_empty_database_with_every_case_event_and_photo(
        app, world, worker_client, empty_database, tmp_path):
    uploads, reports = Path(app.config["GRIDOPS_UPLOAD_DIR"]), tmp_path / "reports"
    a_small_world(app, world, worker_client, reports)
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    folder = run("backup", tmp_path / "backups", source_url, uploads, reports)
    assert sorted(p.name for p in Path(folder).iterdir()) == \
        ["SHA256SUMS", "database.dump", "reports.tar", "uploads.tar"]

    restored = tmp_path / "restored"
    run("restore", folder, rendered(empty_database), restored / "uploads", restored / "reports")

    source, target = engine_for(source_url), engine_for(empty_database)
    counts, rows = snapshot(source)
    assert counts["incident"] == 3 and counts["event"] > 3 and counts["photo"] == 2
    assert snapshot(target) == (counts, rows)
    # The photos came back byte for byte, each named by its hash as the photo rows say.
    assert files(restored / "uploads") == files(uploads)
    for row in rows["photo"]:
        path = restored / "uploads" / row.sha256[:2] / f"{row.sha256}.jpg"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
    assert files(restored / "reports") == files(reports)
    # The restored event log still refuses changes: its trigger came back too.
    with target.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE event SET actor_label = 'changed'"))
    source.dispose()
    target.dispose()


def test_a_restore_refuses_a_database_that_is_not_empty(app, world, tmp_path):
    uploads, reports = tmp_path / "uploads", tmp_path / "reports"
    folder = run("backup", tmp_path / "backups", app.config["SQLALCHEMY_DATABASE_URI"],
                 uploads, reports)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "GRIDOPS_UPLOAD_DIR": str(uploads), "GRIDOPS_REPORT_DIR": str(reports)}
    done = subprocess.run(["bash", str(SCRIPT), "restore", folder], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "not empty" in done.stderr
