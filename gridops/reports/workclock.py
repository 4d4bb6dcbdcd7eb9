"""Working hours in SQL: the working clock W(t) of `gridops.dispatch.workcal`, as CTEs.

W(t) is the office time elapsed from an origin up to t; working time from a to b is
W(b) - W(a). Per street, W(t) = (office minutes of the working days before t's local date)
+ (office minutes of t's day up to t). A running sum over one row per street and day makes
that a join, so thousands of cases cost no more than their rows: no loop, no per-case series.

The CTEs expect a CTE `timed(id, street, started, ended)` and yield `work(id, hours)`.
Holidays and 调休 working weekends come from `calendar_day`; office periods from
`office_hours` (the street's row, else the default row, else the built-in periods).
"""
import json

from sqlalchemy import text

from gridops.dispatch.workcal import DEFAULT_PERIODS

WORKCLOCK_CTES = """
streets AS (SELECT DISTINCT street FROM timed),
office AS (
    SELECT st.street,
           EXTRACT(EPOCH FROM CAST(p ->> 0 AS time)) / 60 AS s_min,
           EXTRACT(EPOCH FROM CAST(p ->> 1 AS time)) / 60 AS e_min
    FROM streets st
    CROSS JOIN LATERAL (
        SELECT o.periods FROM (
            SELECT oh.periods, 0 AS rank FROM office_hours oh WHERE oh.area_code = st.street
            UNION ALL SELECT oh.periods, 1 FROM office_hours oh WHERE oh.area_code IS NULL
            UNION ALL SELECT CAST(:default_periods AS jsonb), 2) o
        ORDER BY o.rank LIMIT 1) chosen
    CROSS JOIN LATERAL jsonb_array_elements(chosen.periods) p
),
day_length AS (SELECT street, sum(e_min - s_min) AS minutes FROM office GROUP BY street),
days AS (
    SELECT dl.street, CAST(d AS date) AS day,
           CASE WHEN COALESCE(cd.kind = 'workday', EXTRACT(ISODOW FROM d) < 6)
                THEN dl.minutes ELSE 0 END AS minutes
    FROM day_length dl
    CROSS JOIN generate_series(
        (SELECT min(CAST(started AT TIME ZONE :tz AS date)) FROM timed),
        (SELECT max(CAST(ended AT TIME ZONE :tz AS date)) FROM timed),
        interval '1 day') d
    LEFT JOIN calendar_day cd ON cd.day = CAST(d AS date)
),
clock AS (
    SELECT street, day, minutes,
           sum(minutes) OVER (PARTITION BY street ORDER BY day) - minutes AS before
    FROM days
),
moments AS (
    SELECT id, street, 0 AS side, started AT TIME ZONE :tz AS local FROM timed
    UNION ALL
    SELECT id, street, 1, ended AT TIME ZONE :tz FROM timed
),
clocked AS (
    SELECT m.id, m.side, c.before + CASE WHEN c.minutes = 0 THEN 0 ELSE sum(LEAST(GREATEST(
               EXTRACT(EPOCH FROM CAST(m.local AS time)) / 60 - o.s_min, 0), o.e_min - o.s_min))
               END AS w
    FROM moments m
    JOIN clock c ON c.street = m.street AND c.day = CAST(m.local AS date)
    JOIN office o ON o.street = m.street
    GROUP BY m.id, m.side, c.before, c.minutes
),
work AS (
    SELECT id, GREATEST(max(w) FILTER (WHERE side = 1) - max(w) FILTER (WHERE side = 0), 0) / 60
           AS hours
    FROM clocked GROUP BY id
)"""


def default_periods_json(periods=DEFAULT_PERIODS):
    """Return the built-in office periods as the JSON the `office_hours` table stores."""
    return json.dumps([[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in periods])


def working_hours(session, spans, tz="Asia/Shanghai"):
    """Return {id: working hours} for spans [(id, street code, start, end)], computed in SQL."""
    ids, streets, starts, ends = (list(column) for column in zip(*spans)) if spans else ([],) * 4
    rows = session.execute(text(
        "WITH timed AS (SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:streets AS text[]), "
        "CAST(:starts AS timestamptz[]), CAST(:ends AS timestamptz[])) "
        "AS t(id, street, started, ended)), " + WORKCLOCK_CTES + " SELECT id, hours FROM work"),
        {"ids": ids, "streets": streets, "starts": starts, "ends": ends, "tz": tz,
         "default_periods": default_periods_json()})
    return {id_: float(hours) for id_, hours in rows}
