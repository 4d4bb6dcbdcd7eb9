"""The blueprint: drill-down lists behind a number, who may see them, archive downloads."""
import hashlib

import pytest

from gridops.reports.archive import report_dir
from gridops.reports.tasks import run_weekly

DRILL = "/reports/drill/2026-W47/110199"


@pytest.fixture
def district(world):
    return world.user("qu", "district", ["110199"])


def get(client, user, url, headers=None):
    return client.get(url, headers={"Authorization": f"Bearer {user.token}", **(headers or {})})


def numbers(week47, *letters):
    return sorted(week47[letter].case_number for letter in letters)


def test_a_count_lists_exactly_its_cases(client, week47, district):
    body = get(client, district, f"{DRILL}/closed?format=json").get_json()
    assert body["name"] == "结案数" and "结案时间在本周内" in body["formula"]
    [closed] = body["lists"]
    assert (closed["total"], closed["cases"]) == (6, numbers(week47, "A", "B", "C", "D", "I",
                                                            "P2"))


def test_a_rate_lists_its_numerator_and_its_denominator(client, week47, district):
    body = get(client, district, f"{DRILL}/closure_rate?dim=street&key=110199002",
               headers={"Accept": "application/json"}).get_json()
    lists = {x["indicator"]: x["cases"] for x in body["lists"]}
    assert lists == {"closed": [], "due_close": numbers(week47, "F", "J")}


def test_a_unit_cell_and_the_check_ins_of_a_unit(client, world, week47, district):
    rq = world.units["RQ"].id                         # summoned over I, missed its check-in
    body = get(client, district, f"{DRILL}/missed_checkins?dim=unit&key={rq}&format=json")
    assert body.get_json()["lists"][0]["cases"] == numbers(week47, "I")
    median = get(client, district, f"{DRILL}/handling_hours_median?format=json").get_json()
    assert median["lists"][0]["cases"] == numbers(week47, "A", "B", "I")


def test_the_html_and_csv_lists(client, week47, district):
    page = get(client, district, f"{DRILL}/overdue_end?dim=total")
    assert page.status_code == 200 and "期末超期数：3 件" in page.get_data(as_text=True)
    listing = get(client, district, f"{DRILL}/overdue_end?format=csv")
    assert listing.mimetype == "text/csv"
    assert week47["F"].case_number in listing.get_data(as_text=True)


def test_strangers_and_other_roles_are_refused(client, world, week47):
    assert client.get(f"{DRILL}/closed").status_code == 401
    department = world.user("hw", "department", unit="HW")
    assert get(client, department, f"{DRILL}/closed").status_code == 403
    street_two = world.user("jd2", "dispatcher", ["110199002"])
    assert get(client, street_two, f"{DRILL}/closed").status_code == 403
    own = get(client, street_two, "/reports/drill/2026-W47/110199002/closed?format=json")
    assert own.status_code == 200


def test_bad_requests_are_named(client, week47, district):
    assert get(client, district, f"{DRILL}/no_such_thing").status_code == 404
    assert get(client, district, "/reports/drill/2026-47/110199/closed").status_code == 400
    assert get(client, district, f"{DRILL}/closed?dim=planet&key=1").status_code == 400


def test_archived_reports_are_listed_and_downloaded_with_their_checksum(
        client, app, db, week47, district, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_FORMATS", "pdf,csv")
    run_weekly(db, app.config, week47["A"].reported_at.replace(day=23, hour=0))
    listing = get(client, district, "/reports/?format=json").get_json()["reports"]
    assert [(r["period"], r["area_code"]) for r in listing] == [
        ("2026-W47", "110199"), ("2026-W47", "110199001"), ("2026-W47", "110199002")]
    pdf = next(f for f in listing[0]["files"] if f["format"] == "pdf")
    response = get(client, district, pdf["url"])
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == pdf["sha256"]
    assert response.headers["X-Content-SHA256"] == pdf["sha256"]
    assert "周报归档" in get(client, district, "/reports/").get_data(as_text=True)


def test_a_tampered_file_is_not_served(client, app, db, week47, district, tmp_path,
                                       monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_FORMATS", "csv")
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_LEVELS", "district")
    [archive_id] = run_weekly(db, app.config, week47["A"].reported_at.replace(day=23, hour=0))
    [path] = list(report_dir(app.config).rglob("*.csv"))
    path.write_bytes(path.read_bytes() + b"\r\n")
    assert get(client, district, f"/reports/{archive_id}/csv").status_code == 500
