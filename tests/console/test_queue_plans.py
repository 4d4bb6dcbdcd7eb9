"""Queue pages at depth: the next page is an index range, the counts can read the index only.

A query the index cannot serve (an OR beside the keyset condition, a subquery in the scope,
a column the index lacks) falls back to filtering every earlier row or the whole table, which
is what made deep pages and the stage counts slow at scale (bench/load/bench_lists.py). The
test tables are tiny, so the planner would scan them whatever the indexes: sequential and
bitmap scans are switched off to ask what plan a query's shape allows.
"""
from datetime import datetime, timezone

import pytest
from sqlalchemy import Column, text
from sqlalchemy.sql import visitors

from gridops.console import queries
from gridops.console.filters import Filters
from gridops.extensions import db as _db

from console.kit import client_for

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


def plan_of(session, query):
    """Return the EXPLAIN text of a SELECT, with sequential and bitmap scans off."""
    compiled = query.compile(_db.engine, compile_kwargs={"literal_binds": True})
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    rows = session.execute(text(f"EXPLAIN {compiled}")).scalars().all()
    session.rollback()
    return "\n".join(rows)


@pytest.mark.parametrize("role", ["district", "dispatcher"])
def test_a_deep_page_starts_where_the_last_one_ended(staff, cases, db, role):
    made = cases.report()
    after = queries.parse_cursor(queries.cursor_of(made))
    query = (queries.open_cases(staff[role], Filters(), NOW)
             .where(queries.Incident.state == "screening", queries._after(*after))
             .order_by(*queries.QUEUE_ORDER).limit(51))
    plan = plan_of(db, query)
    assert "incident_open_queue" in plan, plan
    cond = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "ROW(COALESCE(due_at" in cond, plan


@pytest.mark.parametrize("role", ["district", "dispatcher"])
@pytest.mark.parametrize("filters", [{}, {"overdue": "1"}, {"category": "event:01"},
                                     {"unit": "HW"}])
def test_the_stage_counts_need_only_the_indexed_columns(staff, cases, db, role, filters):
    """The counts beside a page can be an index-only scan of the open cases, not the table."""
    cases.report()
    query = queries.open_cases(staff[role], Filters(filters), NOW).with_only_columns(
        queries.Incident.state)
    table = queries.Incident.__table__
    used = {element.name for element in visitors.iterate(query)
            if isinstance(element, Column) and element.table is table}
    index = next(ix for ix in table.indexes if ix.name == "incident_open_queue")
    covered = {"state", "id"} | set(index.dialect_options["postgresql"]["include"])
    assert used <= covered, used - covered


def test_a_cursor_beyond_any_case_id_is_ignored_by_the_queue(app, staff):
    page = client_for(app, "disp").get(f"/console/queue?after=~{2**40}")
    assert page.status_code == 200
    assert queries.parse_cursor(f"~{2**31}") is None
