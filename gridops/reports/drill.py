"""The cases behind a number: the same facts and conditions as the report, for one cell.

A count lists the cases it counted; a rate lists its numerator's and denominator's cases; a
median lists the cases it measured, with their values. Check-in numbers list the summonses.
"""
from dataclasses import dataclass

from sqlalchemy import text

from gridops.errors import NotFound, ValidationError
from gridops.reports.aggregate import DIMENSIONS, TOTAL, staged, week_params
from gridops.reports.facts import facts_sql
from gridops.reports.indicators import CASE, INDICATORS

#: Most rows a listing returns; the count says how many there are in all.
LIMIT = 2000
CASE_COLUMNS = """
SELECT f.case_number, i.reported_at, i.state, st.name AS street, g.name AS grid,
       u.name AS unit, c.code || ' ' || c.name AS category, f.work_hours, {flags}
FROM facts f JOIN incident i ON i.id = f.id
JOIN area st ON st.id = i.street_id JOIN area g ON g.id = i.grid_id
LEFT JOIN unit u ON u.id = f.unit_id JOIN category c ON c.id = f.category_id"""
SUMMONS_COLUMNS = """
SELECT f.case_number, u.name AS unit, f.checkin_due_at, f.checked_in_at, f.checkin_minutes, {flags}
FROM facts f JOIN unit u ON u.id = f.unit_id"""


@dataclass
class Listing:
    """The rows behind one count: its name, how many, and up to LIMIT of them."""

    key: str
    name: str
    total: int
    rows: list


def drill_down(session, week, area, indicator, dim, key, tz):
    """Return a Listing per count behind `indicator` in the cell (`dim`, `key`) of the report."""
    row = INDICATORS.get(indicator)
    if row is None:
        raise NotFound("No indicator %(key)s.", key=indicator)
    if dim != TOTAL and dim not in DIMENSIONS:
        raise ValidationError("Unknown dimension %(dim)s.", dim=dim)
    keys = row.drill_keys
    flags = [f'f."{k}"' for k in keys]
    base = CASE_COLUMNS if row.fact == CASE else SUMMONS_COLUMNS
    where, params = _cell_filter(dim, key)
    sql = (facts_sql(row.fact, area.level) + base.format(flags=", ".join(flags))
           + f" WHERE f.wk = 1 AND ({' OR '.join(flags)}){where} ORDER BY f.case_number")
    with staged(session, area, [week], tz):
        found = session.execute(text(sql), {**week_params([week], area.ids, tz), **params})
        rows = [dict(r) for r in found.mappings()]
    return [Listing(k, INDICATORS[k].name, sum(1 for r in rows if r[k]),
                    [r for r in rows if r[k]][:LIMIT]) for k in keys]


def _cell_filter(dim, key):
    if dim == TOTAL:
        return "", {}
    column = DIMENSIONS[dim]
    if key in (None, ""):
        return f" AND f.{column} IS NULL", {}
    if column.endswith("_id"):
        if not str(key).isdigit():
            raise ValidationError("Key %(key)s is not an id.", key=key)
        return f" AND f.{column} = :member", {"member": int(key)}
    return f" AND f.{column} = :member", {"member": key}
