"""The queues: stage tabs with counts, deadline order, lights, filters in the URL, keyset pages."""
import re
from datetime import timedelta

from gridops.console import queries
from gridops.console.lights import duration_text, light
from gridops.dispatch.models import Deadline

from console.kit import OTHER_STREET_GRID, client_for

ROW = re.compile(r'<tr data-href="[^"]+" data-id="(\d+)"')


def ids_in(page):
    return [int(i) for i in ROW.findall(page)]


def test_tabs_count_each_stage_and_rows_come_soonest_deadline_first(app, staff, cases, db):
    early = cases.report()
    late = cases.report(grid="110199001002001")
    cases.move_clock(early, by=timedelta(hours=5))  # now due last
    cases.accepted()
    page = client_for(app, "disp").get("/console/queue").get_data(as_text=True)
    assert re.search(r'data-count="screening">2<', page)
    assert re.search(r'data-count="assignment">1<', page)
    assert ids_in(page) == [late.id, early.id]


def test_each_row_shows_its_light_and_time_left(app, staff, cases, db, monkeypatch):
    incident = cases.report()
    clock = incident.deadlines[0]
    now = {"green": clock.started_at + timedelta(minutes=1), "yellow": clock.warn_at,
           "red": clock.due_at + timedelta(minutes=90)}
    client = client_for(app, "disp")
    for colour, moment in now.items():
        monkeypatch.setattr("gridops.console.queue.now", lambda moment=moment: moment)
        page = client.get("/console/queue").get_data(as_text=True)
        assert f'data-light="{colour}"' in page, colour
    assert "超出 1小时30分" in page


def test_filters_live_in_the_url_and_narrow_the_queue(app, staff, cases):
    north = cases.report(grid="110199001002001", category="event:0101")
    south = cases.report(urgency="urgent")
    client = client_for(app, "disp")
    cases_of = {
        "community=110199001002": [north.id], "street=110199001&community=110199001001": [south.id],
        "community=110199001001&grid=110199001001001": [south.id],
        "category=event:0101": [north.id], "category=event:01": [south.id, north.id],
        "urgency=urgent": [south.id], "source=grid_worker": [south.id, north.id],
        "source=resident": [], "whistled=1": [],
    }
    for query, expected in cases_of.items():
        page = client.get(f"/console/queue?{query}").get_data(as_text=True)
        assert sorted(ids_in(page)) == sorted(expected), query
    # The tabs keep the filters, so a bookmark of any tab shows the same selection.
    page = client.get("/console/queue?urgency=urgent").get_data(as_text=True)
    assert "/console/queue/assignment?urgency=urgent" in page


def test_unit_overdue_and_whistled_filters(app, staff, cases):
    hw = cases.accepted()
    hard = cases.accepted(triage="hard")  # 难事: whistled at acceptance
    client = client_for(app, "disp")
    assert sorted(ids_in(client.get("/console/queue/assignment?unit=HW")
                         .get_data(as_text=True))) == sorted([hw.id, hard.id])
    assert ids_in(client.get("/console/queue/assignment?whistled=1")
                  .get_data(as_text=True)) == [hard.id]
    # The world's cases were reported a week ago: all their clocks are overdue by now.
    assert len(ids_in(client.get("/console/queue/assignment?overdue=1")
                      .get_data(as_text=True))) == 2


def test_a_filter_outside_the_users_choices_is_dropped_with_a_notice(app, staff, cases):
    mine = cases.report()
    cases.report(grid=OTHER_STREET_GRID)
    page = client_for(app, "disp").get("/console/queue?street=110199002&unit=NOPE") \
        .get_data(as_text=True)
    assert ids_in(page) == [mine.id]
    assert page.count("不在您的可选范围内") == 2


def test_keyset_pages_walk_the_whole_queue_once(app, staff, cases, db, monkeypatch):
    made = [cases.report() for _ in range(5)]
    # Two cases share a due time, one has no running clock (on hold): order still total.
    cases.move_clock(made[1], due_at=made[2].due_at)
    cases.move_clock(made[4], paused=True)
    monkeypatch.setitem(app.config, "GRIDOPS_CONSOLE_PAGE_SIZE", 2)
    client, seen, url = client_for(app, "disp"), [], "/console/queue"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += ids_in(page)
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found and found.group(1).replace("&amp;", "&")
    assert sorted(seen) == sorted(i.id for i in made) and len(seen) == len(set(seen))
    assert seen[-1] == made[4].id  # no due time: last


def test_the_cursor_is_checked(app, staff):
    assert queries.parse_cursor("2026-11-18T02:00:00+00:00~12")[1] == 12
    assert queries.parse_cursor("~7") == (None, 7)
    for bad in ("", "12", "yesterday~3", "2026-11-18T02:00:00~3", "2026-11-18T02:00:00+00:00~x"):
        assert queries.parse_cursor(bad) is None
    page = client_for(app, "disp").get("/console/queue?after=garbage")
    assert page.status_code == 200


def test_an_unknown_stage_is_not_found(app, staff):
    assert client_for(app, "disp").get("/console/queue/closed").status_code == 404


def test_the_fragment_is_the_list_alone(app, staff, cases):
    cases.report()
    page = client_for(app, "disp").get("/console/queue?fragment=1").get_data(as_text=True)
    assert "<table" in page and "<html" not in page


def test_lights_and_durations(world):
    clock = Deadline(started_at=world.now, warn_at=world.now + timedelta(minutes=48),
                     due_at=world.now + timedelta(minutes=60), paused_at=None)
    assert light(clock, world.now) == "green"
    assert light(clock, world.now + timedelta(minutes=48)) == "yellow"
    assert light(clock, world.now + timedelta(minutes=60)) == "yellow"
    assert light(clock, world.now + timedelta(minutes=61)) == "red"
    clock.paused_at = world.now + timedelta(minutes=10)
    assert light(clock, world.now + timedelta(days=3)) == "green"  # a held clock stands still
    from flask_babel import force_locale
    with force_locale("en"):
        assert duration_text(26 * 3600 + 59) == "1d 2h"
        assert duration_text(3 * 3600 + 5 * 60) == "3h 5min"
        assert duration_text(59) == "0min"
