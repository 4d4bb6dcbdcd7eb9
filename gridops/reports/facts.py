"""The facts every indicator is counted over, as SQL: one row per case per week, one per summons.

First the area's cases alive in any week of the report (the trend's eight included) and their
late clocks are staged into temporary tables (`stage_sql`), so the big tables are read once;
the trend and the facts both read the staged rows.

A case belongs to a week when it was alive in it: reported before the week ended and not
finished before it began. Its row carries the case's own columns plus what the indicator
conditions need, all as of the week's end (`we`), from timestamps rather than the current
state, so last month's report says today what it said then:

- ws, we: the week's bounds; wk: 1 for the report week, 2 for the one before, and so on.
- reported_at, accepted_at, handled_at, closed_at, state, self_handled, triage, rework_count,
  return_count, reassign_count, unit_score: the case's columns.
- late_since: the earliest due time of a step clock (甄别, 现场核实, 签收, 办理, 核查) that ran
  past it; handling_late_since: the same for handling clocks only. NULL when none did.
- overdue_at_end, handling_overdue_at_end: a step clock (a handling clock) was running at `we`
  and past its due time. A clock on hold (挂账) is not running.
- work_hours: working hours from acceptance to the handling result (see `workclock`).
- orders, whistles: supervision orders issued and whistles blown over the case in the week.
- escalated: the escalation policy took the case to the district in the week, or a whistle over
  it was escalated there for a missed check-in.
- visit_satisfaction, visit_contacted, visit_solved: the week's last return visit (evaluate).
- district, street, community, grid (codes), unit_id (lead unit), category_id: the dimensions.

Summons rows: one per unit summoned by a whistle blown in the week, with checkin_due_at,
checked_in_at, checkin_minutes (natural minutes from the summons to the check-in), whistle_id,
and the dimensions of the whistle's first case, except the unit, which is the summoned one.
"""
from gridops.reports.indicators import CASE, COUNT, SUMMONS, condition, of_fact
from gridops.reports.workclock import WORKCLOCK_CTES

#: Area level → the incident column holding the case's area at that level.
AREA_COLUMNS = {"district": "district_id", "street": "street_id", "community": "community_id",
                "grid": "grid_id"}
STEP_KINDS = "('screening', 'onsite_check', 'sign', 'handling', 'verification')"

# The span of all the weeks comes as parameters too (:first_start, :last_end), not from the
# weeks: the planner then estimates the case rows from the column statistics.
WEEKS = """
weeks AS (
    SELECT w.ws, w.we, CAST(w.wk AS int) AS wk
    FROM unnest(CAST(:starts AS timestamptz[]), CAST(:ends AS timestamptz[]))
         WITH ORDINALITY AS w(ws, we, wk)
)"""

#: The cases alive in any week of a report (trend included), staged once into a table that
#: the trend and the facts both read: the incident table is scanned once.
STAGE_CASES = """
CREATE TEMPORARY TABLE report_cases ON COMMIT DROP AS
SELECT i.id, i.case_number, i.reported_at, i.accepted_at, i.handled_at, i.closed_at,
       i.state, i.self_handled, i.triage, i.rework_count, i.return_count,
       i.reassign_count, i.unit_score, i.lead_unit_id AS unit_id, i.category_id,
       i.district_id, i.street_id, i.community_id, i.grid_id
FROM incident i
WHERE i.{column} = ANY(:area_ids)
  AND i.reported_at < :last_end
  AND (i.closed_at IS NULL OR i.closed_at >= :first_start)"""

#: The staged cases' step clocks that ran past their due time. Only those matter: a case is
#: late from the first one's due time, and overdue at an instant only while one is running.
STAGE_CLOCKS = f"""
CREATE TEMPORARY TABLE report_clocks ON COMMIT DROP AS
SELECT * FROM (
    SELECT d.incident_id AS id, d.kind, d.started_at, d.due_at,
           COALESCE(d.ended_at, d.paused_at, 'infinity') AS running_until
    FROM deadline d JOIN report_cases c ON c.id = d.incident_id
    WHERE d.kind IN {STEP_KINDS}
) k WHERE running_until > due_at"""

#: The staged cases alive in the weeks of this query, with their areas' codes.
CASES = """
cases AS (
    SELECT c.*, di.code AS district, st.code AS street, cm.code AS community, g.code AS grid
    FROM report_cases c
    JOIN area di ON di.id = c.district_id
    JOIN area st ON st.id = c.street_id
    JOIN area cm ON cm.id = c.community_id
    JOIN area g ON g.id = c.grid_id
    WHERE c.reported_at < :last_end AND (c.closed_at IS NULL OR c.closed_at >= :first_start)
)"""

#: When each case first ran late, and which were overdue at each week's end.
CLOCKS = """
late AS (
    SELECT id, min(due_at) AS late_since,
           min(due_at) FILTER (WHERE kind = 'handling') AS handling_late_since
    FROM report_clocks GROUP BY id
),
overdue AS (
    SELECT k.id, w.wk, bool_or(k.kind = 'handling') AS handling
    FROM report_clocks k
    JOIN weeks w ON k.started_at < w.we AND k.due_at < w.we AND k.running_until > w.we
    GROUP BY 1, 2
)"""

#: What only the full facts need: working hours, visits, escalations, orders, whistles.
DETAIL_INPUTS = f"""
timed AS (
    SELECT c.id, c.street, c.accepted_at AS started, c.handled_at AS ended
    FROM cases c
    WHERE c.accepted_at IS NOT NULL AND c.handled_at >= :first_start AND c.handled_at < :last_end
),
{WORKCLOCK_CTES},
case_events AS (
    SELECT e.id AS event_id, e.incident_id AS id, e.action, e.at, e.payload
    FROM event e JOIN cases c ON c.id = e.incident_id
    WHERE e.action IN ('evaluate', 'escalated') AND e.at >= :first_start AND e.at < :last_end
      AND (c.closed_at IS NULL OR c.closed_at >= :first_start)
),
visits AS (
    SELECT DISTINCT ON (e.id, w.wk) e.id, w.wk,
           e.payload ->> 'satisfaction' AS satisfaction,
           COALESCE(CAST(e.payload ->> 'contacted' AS boolean), TRUE) AS contacted,
           COALESCE(CAST(e.payload ->> 'solved' AS boolean),
                    e.payload ->> 'satisfaction' <> 'dissatisfied') AS solved
    FROM case_events e JOIN weeks w ON e.at >= w.ws AND e.at < w.we
    WHERE e.action = 'evaluate'
    ORDER BY e.id, w.wk, e.at DESC, e.event_id DESC
),
escalation_moments AS (
    SELECT e.id, e.at FROM case_events e
    WHERE e.action = 'escalated' AND e.payload ->> 'level' = 'district'
    UNION ALL
    SELECT wi.incident_id, wh.escalated_at
    FROM whistle wh JOIN whistle_incident wi ON wi.whistle_id = wh.id
    JOIN cases c ON c.id = wi.incident_id
    WHERE wh.escalated_at IS NOT NULL
    UNION ALL
    SELECT wi.incident_id, s.escalated_at
    FROM summons s JOIN whistle_incident wi ON wi.whistle_id = s.whistle_id
    JOIN cases c ON c.id = wi.incident_id
    WHERE s.escalated_at IS NOT NULL
),
escalations AS (
    SELECT x.id, w.wk, count(*) AS n
    FROM escalation_moments x JOIN weeks w ON x.at >= w.ws AND x.at < w.we GROUP BY 1, 2
),
orders AS (
    SELECT so.incident_id AS id, w.wk, count(*) AS n
    FROM supervision_order so JOIN cases c ON c.id = so.incident_id
    JOIN weeks w ON so.issued_at >= w.ws AND so.issued_at < w.we
    WHERE so.issued_at >= :first_start
    GROUP BY 1, 2
),
whistled AS (
    SELECT wi.incident_id AS id, w.wk, count(*) AS n
    FROM whistle wh JOIN whistle_incident wi ON wi.whistle_id = wh.id
    JOIN cases c ON c.id = wi.incident_id
    JOIN weeks w ON wh.blown_at >= w.ws AND wh.blown_at < w.we
    WHERE wh.blown_at >= :first_start
    GROUP BY 1, 2
)"""

CASE_WEEK = """
case_week AS (
    SELECT c.*, w.wk, w.ws, w.we, l.late_since, l.handling_late_since,
           od.id IS NOT NULL AS overdue_at_end,
           COALESCE(od.handling, FALSE) AS handling_overdue_at_end,
           wo.hours AS work_hours, COALESCE(o.n, 0) AS orders, COALESCE(wh.n, 0) AS whistles,
           x.n IS NOT NULL AS escalated, v.satisfaction AS visit_satisfaction,
           v.contacted AS visit_contacted, v.solved AS visit_solved
    FROM cases c
    JOIN weeks w ON c.reported_at < w.we AND (c.closed_at IS NULL OR c.closed_at >= w.ws)
    LEFT JOIN late l ON l.id = c.id
    LEFT JOIN work wo ON wo.id = c.id
    LEFT JOIN orders o ON o.id = c.id AND o.wk = w.wk
    LEFT JOIN whistled wh ON wh.id = c.id AND wh.wk = w.wk
    LEFT JOIN escalations x ON x.id = c.id AND x.wk = w.wk
    LEFT JOIN visits v ON v.id = c.id AND v.wk = w.wk
    LEFT JOIN overdue od ON od.id = c.id AND od.wk = w.wk
)"""

SUMMONS_WEEK = """
summons_week AS (
    SELECT s.id, s.whistle_id, s.unit_id, w.wk, w.ws, w.we, s.checkin_due_at, s.checked_in_at,
           EXTRACT(EPOCH FROM s.checked_in_at - COALESCE(dl.started_at, wh.blown_at)) / 60
               AS checkin_minutes,
           c.id AS case_id, c.case_number, c.district, c.street, c.community, c.grid,
           c.category_id
    FROM whistle wh
    JOIN weeks w ON wh.blown_at >= w.ws AND wh.blown_at < w.we
    JOIN summons s ON s.whistle_id = wh.id
    JOIN LATERAL (
        SELECT i.id, i.case_number, i.category_id, di.code AS district, st.code AS street,
               cm.code AS community, g.code AS grid
        FROM whistle_incident wi JOIN incident i ON i.id = wi.incident_id
        JOIN area di ON di.id = i.district_id
        JOIN area st ON st.id = i.street_id
        JOIN area cm ON cm.id = i.community_id
        JOIN area g ON g.id = i.grid_id
        WHERE wi.whistle_id = wh.id AND i.{column} = ANY(:area_ids)
        ORDER BY i.id LIMIT 1
    ) c ON TRUE
    LEFT JOIN LATERAL (
        SELECT d.started_at FROM deadline d WHERE d.summons_id = s.id ORDER BY d.id LIMIT 1
    ) dl ON TRUE
)"""

DIMENSION_COLUMNS = "district, street, community, grid, unit_id, category_id"


def stage_sql(level):
    """Return the statements that stage the cases and clocks of a report's weeks."""
    column = AREA_COLUMNS[level]
    return [STAGE_CASES.format(column=column), "ANALYZE report_cases", STAGE_CLOCKS]


def case_facts_sql(level):
    """Return the CTEs ending in `facts`: case-week rows with a column per count indicator.

    They read the staged cases and clocks (`stage_sql`), which the area already narrowed.
    """
    flags = ",\n           ".join(f'{condition(row.key)} AS "{row.key}"'
                                  for row in of_fact(CASE, [COUNT]))
    return ("WITH" + WEEKS + "," + CASES + "," + CLOCKS + ","
            + DETAIL_INPUTS + "," + CASE_WEEK + f""",
facts AS (
    SELECT id, case_number, wk, {DIMENSION_COLUMNS}, work_hours, orders, unit_score,
           {flags}
    FROM case_week
)""")


def summons_facts_sql(level):
    """Return the CTEs ending in `facts`: summons-week rows with a column per count indicator."""
    column = AREA_COLUMNS[level]
    flags = ",\n           ".join(f'{condition(row.key)} AS "{row.key}"'
                                  for row in of_fact(SUMMONS, [COUNT]))
    return ("WITH" + WEEKS + "," + SUMMONS_WEEK.format(column=column) + f""",
facts AS (
    SELECT id, case_id, case_number, wk, {DIMENSION_COLUMNS}, whistle_id, checkin_minutes,
           checked_in_at, checkin_due_at,
           {flags}
    FROM summons_week
)""")


def facts_sql(fact, level):
    """Return the facts CTEs of `fact` (case or summons) for a report on an area of `level`."""
    return case_facts_sql(level) if fact == CASE else summons_facts_sql(level)
