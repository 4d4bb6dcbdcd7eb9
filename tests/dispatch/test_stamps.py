"""The process's copies of reference data (the calendar, the taxonomy, the SLA policy): kept
while unchanged, rebuilt as soon as they change, however they were changed."""
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import event, text

from gridops.dispatch import calendar_store as store
from gridops.dispatch import catalog, clocks, sla, stamps
from gridops.dispatch.models import SlaLimit
from gridops.extensions import db as _db

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
STREET = "110105001"
NATIONAL_DAY = date(2026, 10, 1)  # a holiday the seed knows


@pytest.fixture
def seeded(db):
    store.seed_calendar(db, NOW)
    db.commit()
    return db


def count_statements(db, call):
    seen = []
    engine = _db.engine

    def record(*args):
        seen.append(args[2])
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, seen


def calendar(cache, db):
    return cache.get(db, STREET, lambda: store.load_calendar(db, STREET))


def test_an_unchanged_calendar_costs_one_small_query_per_transaction(seeded):
    cache = stamps.Cache("calendar")
    first = calendar(cache, seeded)
    seeded.commit()
    again, statements = count_statements(seeded, lambda: calendar(cache, seeded))
    assert again is first
    assert len(statements) == 1 and "reference_version" in statements[0]
    # The rest of the transaction asks nothing more.
    assert count_statements(seeded, lambda: calendar(cache, seeded)) == (first, [])


@pytest.mark.parametrize("change", ["set_day", "office_hours", "notice", "sql", "truncate"])
def test_any_change_is_seen_at_once(seeded, change, tmp_path):
    cache = stamps.Cache("calendar")
    before = calendar(cache, seeded)
    assert not before.is_workday(NATIONAL_DAY)
    if change == "set_day":
        store.set_day(seeded, NATIONAL_DAY, "workday", "街道值班")
    elif change == "office_hours":
        store.set_office_hours(seeded, [(time(9), time(12)), (time(13), time(17))], STREET)
    elif change == "notice":
        notice = tmp_path / "2027.txt"
        notice.write_text("year 2027\nstatus official\nholiday 2027-01-01 元旦\n")
        store.import_notice(seeded, notice, NOW)
    elif change == "sql":
        seeded.execute(text("UPDATE calendar_day SET kind = 'workday' WHERE day = :d"),
                       {"d": NATIONAL_DAY})
    else:
        seeded.execute(text("TRUNCATE calendar_day"))
    # Seen inside the changing transaction, and by everyone once it commits.
    inside = calendar(cache, seeded)
    seeded.commit()
    after = calendar(cache, seeded)
    assert inside is not before and after is not before
    assert after == store.load_calendar(seeded, STREET)


def test_a_rolled_back_change_is_forgotten(seeded):
    cache = stamps.Cache("calendar")
    before = calendar(cache, seeded)
    store.set_day(seeded, NATIONAL_DAY, "workday")
    assert calendar(cache, seeded).is_workday(NATIONAL_DAY)
    seeded.rollback()
    assert not calendar(cache, seeded).is_workday(NATIONAL_DAY)
    assert before == calendar(cache, seeded)


def test_requests_share_the_process_calendar(app, seeded):
    with app.app_context():
        first = clocks.calendar_for(_db.session, STREET)
        _db.session.remove()
        second = clocks.calendar_for(_db.session, STREET)
    assert second is first


@pytest.fixture
def taxonomy(app, db):
    catalog.load_taxonomy(db, catalog.read_taxonomy(), NOW)
    db.add_all(sla.default_rows())
    db.commit()
    return db


def test_the_taxonomy_and_the_sla_cost_no_query_while_unchanged(app, taxonomy):
    sla.limit_for(taxonomy, "handling", "normal", catalog.category_by_key(taxonomy, "event:0102"))
    taxonomy.commit()
    stamps.stamps(taxonomy)  # the transaction's one query

    def lookups():
        category = catalog.category_by_key(taxonomy, "event:0102")
        return category, sla.limit_for(taxonomy, "handling", "normal", category)
    (category, limit), statements = count_statements(taxonomy, lookups)
    assert statements == []
    assert (category.key, category.id) == ("event:0102", taxonomy.scalar(
        text("SELECT id FROM category WHERE kind = 'event' AND code = '0102'")))
    app.extensions.pop(stamps.EXTENSION)  # read afresh: the copies must match the tables
    assert limit == sla.limit_for(taxonomy, "handling", "normal",
                                  catalog.category_by_key(taxonomy, "event:0102"))


@pytest.mark.parametrize("change", ["orm", "sql"])
def test_an_sla_change_is_seen_at_once(app, taxonomy, change):
    category = catalog.category_by_key(taxonomy, "event:0102")
    before = sla.limit_for(taxonomy, "screening", "normal", category)
    if change == "orm":
        taxonomy.add(SlaLimit(step="screening", urgency="normal", category_kind="event",
                              category_code="0102", minutes=before.minutes + 7, basis="natural"))
        taxonomy.flush()
    else:
        taxonomy.execute(text("UPDATE sla_limit SET minutes = minutes + 7 "
                              "WHERE step = 'screening' AND urgency = 'normal'"))
    inside = sla.limit_for(taxonomy, "screening", "normal", category)
    taxonomy.commit()
    assert inside.minutes == before.minutes + 7
    assert sla.limit_for(taxonomy, "screening", "normal", category) == inside


def test_a_retired_category_is_refused_at_once(app, taxonomy):
    catalog.category_by_key(taxonomy, "event:0102")
    taxonomy.execute(text("UPDATE category SET retired_at = now() WHERE code = '0102'"))
    taxonomy.commit()
    with pytest.raises(catalog.UnknownCategory):
        catalog.category_by_key(taxonomy, "event:0102")


def test_unknown_keys_are_not_kept(app, taxonomy):
    for n in range(50):
        with pytest.raises(catalog.UnknownCategory):
            catalog.category_by_key(taxonomy, f"event:x{n}")
    kept = app.extensions[stamps.EXTENSION]["catalog"]._state[1]
    assert not any("x" in str(key) for key in kept)
