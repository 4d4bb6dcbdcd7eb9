"""Count the facts in PostgreSQL: facts once into a temporary table, then every dimension at once.

The facts of the report week and the week before are computed once, into a temporary table
that the aggregate, the case list and the escalation list all read. GROUPING SETS give the
total and each dimension's rows of both weeks in one pass. Rates are derived afterwards from
these counts (`gridops.reports.derive`), never from case rows.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import text

from gridops.reports.facts import AREA_COLUMNS, facts_sql, stage_sql
from gridops.reports.indicators import (AGGREGATED, CASE, COUNT, DISTINCT, MEAN, MEDIAN, P90,
                                        SUM, SUMMONS, of_fact)
from gridops.reports.workclock import default_periods_json

#: Report dimensions, in display order, and the facts column each groups by.
DIMENSIONS = {"district": "district", "street": "street", "community": "community",
              "grid": "grid", "unit": "unit_id", "category": "category_id"}
TOTAL = "total"
WORK_MEM = "64MB"


@dataclass
class Counted:
    """The aggregated values of one row: a week, a dimension and its key."""

    wk: int
    dim: str
    key: str | None
    values: dict = field(default_factory=dict)


def dimensions_below(level):
    """Return the dimensions a report on an area of `level` breaks down by."""
    areas = list(AREA_COLUMNS)
    return areas[areas.index(level) + 1:] + ["unit", "category"]


def table_name(fact):
    """Return the name of the temporary table holding the facts of `fact`."""
    return f"report_{fact}_facts"


@contextmanager
def staged(session, area, weeks, tz):
    """Stage the area's cases and clocks of all `weeks` into temporary tables; drop them after.

    For this transaction only, work memory is raised, so the hash joins and sorts of a
    district's weeks stay in memory, and JIT is off: compiling the facts query (hundreds of
    expressions, costed high) took 3 s of its 4.5 s, to save milliseconds.
    """
    session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    session.execute(text("SET LOCAL jit = off"))
    params = week_params(weeks, area.ids, tz)
    for statement in stage_sql(area.level):
        session.execute(text(statement), params)
    # No `finally`: after an error the transaction is aborted and a rollback undoes the tables.
    yield
    session.execute(text("DROP TABLE report_clocks, report_cases"))


@contextmanager
def materialized(session, area, weeks, tz):
    """Compute the case and summons facts of `weeks` into temporary tables; drop them after.

    Needs the staged cases (`staged`) of a span that covers `weeks`.
    """
    params = week_params(weeks, area.ids, tz)
    for fact in (CASE, SUMMONS):
        session.execute(text(f"CREATE TEMPORARY TABLE {table_name(fact)} ON COMMIT DROP AS "
                             f"{facts_sql(fact, area.level)} SELECT * FROM facts"), params)
    yield
    session.execute(text(f"DROP TABLE {table_name(CASE)}, {table_name(SUMMONS)}"))


def aggregate_sql(fact, dims):
    """Return the aggregate query over the materialized facts of `fact`, by total and `dims`."""
    select = ",\n       ".join(f'{_aggregate(row)} AS "{row.key}"'
                               for row in of_fact(fact, AGGREGATED))
    columns = ", ".join(DIMENSIONS[d] for d in dims)
    sets = ", ".join(["(wk)"] + [f"(wk, {DIMENSIONS[d]})" for d in dims])
    return f"""
SELECT wk, GROUPING({columns}) AS grouping, {columns},
       {select}
FROM {table_name(fact)} GROUP BY GROUPING SETS ({sets})"""


def _aggregate(row):
    if row.kind == COUNT:
        return f'count(*) FILTER (WHERE "{row.key}")'
    if row.kind == SUM:
        return f"COALESCE(sum({row.sql}), 0)"
    if row.kind == DISTINCT:
        return f"count(DISTINCT {row.sql})"
    if row.kind in (MEDIAN, P90):
        share = 0.5 if row.kind == MEDIAN else 0.9
        return (f"percentile_cont({share}) WITHIN GROUP (ORDER BY {row.sql}) "
                f'FILTER (WHERE "{row.over}")')
    if row.kind == MEAN:
        return f'avg({row.sql}) FILTER (WHERE "{row.over}")'
    raise ValueError(f"{row.key}: {row.kind} is not computed in SQL")


def week_params(weeks, area_ids, tz):
    """Return the bind parameters of a facts query over `weeks` for the areas `area_ids`."""
    return {"starts": [w.start for w in weeks], "ends": [w.end for w in weeks],
            "first_start": min(w.start for w in weeks), "last_end": max(w.end for w in weeks),
            "area_ids": list(area_ids), "tz": tz, "default_periods": default_periods_json()}


def aggregate(session, fact, dims):
    """Return the Counted rows of the materialized facts of `fact`, by total and `dims`."""
    rows = session.execute(text(aggregate_sql(fact, dims))).mappings()
    return [_counted(row, fact, dims) for row in rows]


def _counted(row, fact, dims):
    dim = _dimension(row["grouping"], dims)
    key = None if dim == TOTAL else row[DIMENSIONS[dim]]
    values = {r.key: _number(row[r.key]) for r in of_fact(fact, AGGREGATED)}
    return Counted(row["wk"], dim, None if key is None else str(key), values)


def _dimension(mask, dims):
    """Name the grouping set of a row from its GROUPING() mask (a set bit: not grouped)."""
    if mask == (1 << len(dims)) - 1:
        return TOTAL
    return next(d for i, d in enumerate(dims) if not mask & (1 << (len(dims) - 1 - i)))


def _number(value):
    # percentile_cont and avg return Decimal or float; counts return int. Reports want floats.
    return value if value is None or isinstance(value, int) else float(value)
