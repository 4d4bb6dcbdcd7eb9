"""What a report shows besides counts: names, the case list, escalation timelines, grid shapes."""
from dataclasses import dataclass, field
from math import cos, radians

from sqlalchemy import text

from gridops.errors import NotFound
from gridops.reports.aggregate import table_name
from gridops.reports.indicators import CASE, COUNT, SUMMONS, of_fact

#: Timeline wording of the actions the loop and its timers record.
ACTION_NAMES = {
    "report": "上报", "confirm": "现场核实", "accept": "受理", "reject": "不予受理", "merge": "合并",
    "sign": "签收", "return": "退回", "assign": "改派", "request_extension": "申请延期",
    "request_hold": "申请挂账", "approve_extension": "批准延期", "deny_extension": "驳回申请",
    "hold": "挂账", "resume": "恢复办理", "submit_result": "反馈处置结果", "verify": "核查",
    "evaluate": "回访评价", "close": "结案", "reopen": "重新办理", "supervise": "督办",
    "whistle": "吹哨", "comment": "备注", "deadline_breached": "超时", "escalated": "升级",
    "checked_in": "报到", "checkin_missed": "未按时报到",
}
_AREA_NAMES = """
SELECT DISTINCT ON (code) code, name FROM area WHERE code = ANY(:codes)
ORDER BY code, valid_to DESC NULLS FIRST"""


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    level: str
    #: Every version's row id: cases point at the version in force when they were reported.
    ids: tuple = ()


@dataclass
class Escalation:
    """A case that went to the district, with its whole timeline up to the week's end."""

    case_number: str
    category: str
    street: str
    grid: str
    state: str
    reported_at: object
    timeline: list = field(default_factory=list)


@dataclass
class Shapes:
    """Grid polygons as SVG path data (y already flipped), and the box that holds them."""

    paths: dict
    names: dict
    #: A point inside each grid, in the same flipped coordinates, for its label.
    labels: dict
    box: tuple
    #: Horizontal scale that keeps a degree of longitude as wide as it is on the ground.
    x_scale: float


def area_info(session, code):
    """Return the area `code` names (its current row, else its latest), or raise NotFound."""
    row = session.execute(text(
        "SELECT code, name, level FROM area WHERE code = :code "
        "ORDER BY valid_to DESC NULLS FIRST LIMIT 1"), {"code": code}).first()
    if row is None:
        raise NotFound("No area %(code)s.", code=code)
    ids = session.scalars(text("SELECT id FROM area WHERE code = :code"), {"code": code})
    return AreaInfo(*row, ids=tuple(ids))


def names(session, counted):
    """Return {(dim, key): (code, name)} for the members of the counted rows."""
    keys = {(c.dim, c.key) for c in counted if c.key is not None}
    found = {}
    area_codes = [k for d, k in keys if d in ("district", "street", "community", "grid")]
    area_names = dict(session.execute(text(_AREA_NAMES), {"codes": area_codes}).all())
    for dim, key in keys:
        if dim in ("district", "street", "community", "grid"):
            found[(dim, key)] = (key, area_names.get(key, key))
    ids = [int(k) for d, k in keys if d == "unit"]
    for id_, code, name in session.execute(text(
            "SELECT id, code, name FROM unit WHERE id = ANY(:ids)"), {"ids": ids}):
        found[("unit", str(id_))] = (code, name)
    ids = [int(k) for d, k in keys if d == "category"]
    for id_, code, name in session.execute(text(
            "SELECT id, code, name FROM category WHERE id = ANY(:ids)"), {"ids": ids}):
        found[("category", str(id_))] = (code, name)
    return found


#: The case list's columns after the case id, as the XLSX sheet shows them.
CASE_LIST_HEADERS = ["案件编号", "上报时间", "当前状态", "街道", "社区", "网格", "主办单位", "类别",
                     "处置用时(工作时)", "督办单数"]


def case_list(session, tz):
    """Return the report week's cases: [id, escalated, then a value per case-list column].

    Values come out of SQL as the sheet shows them (text times, 1 or NULL for each count the
    case is in), so twenty thousand rows need no per-cell work in Python.
    """
    flags = ", ".join(f'CASE WHEN f."{row.key}" THEN 1 END' for row in of_fact(CASE, [COUNT]))
    return [list(row) for row in session.execute(text(f"""
        SELECT f.id, f.escalated, f.case_number,
               to_char(i.reported_at AT TIME ZONE :tz, 'YYYY-MM-DD HH24:MI'), i.state,
               f.street, f.community, f.grid, u.name, c.code || ' ' || c.name,
               round(CAST(f.work_hours AS numeric), 2)::float8, f.orders, {flags}
        FROM {table_name(CASE)} f
        JOIN incident i ON i.id = f.id
        LEFT JOIN unit u ON u.id = f.unit_id
        JOIN category c ON c.id = f.category_id
        WHERE f.wk = 1 ORDER BY f.case_number"""), {"tz": tz})]


def summons_list(session):
    """Return the report week's summons facts with unit names, one row per summons."""
    return session.execute(text(f"""
        SELECT f.*, u.code AS unit_code, u.name AS unit_name
        FROM {table_name(SUMMONS)} f JOIN unit u ON u.id = f.unit_id
        WHERE f.wk = 1 ORDER BY f.case_number, u.code""")).all()


def escalations(session, ids, end):
    """Return the Escalation of each case in `ids`, with its events before `end`."""
    if not ids:
        return []
    cases = session.execute(text("""
        SELECT i.id, i.case_number, c.name AS category, st.name AS street, g.name AS grid,
               i.state, i.reported_at
        FROM incident i JOIN category c ON c.id = i.category_id
        JOIN area st ON st.id = i.street_id JOIN area g ON g.id = i.grid_id
        WHERE i.id = ANY(:ids) ORDER BY i.reported_at, i.id"""), {"ids": ids}).mappings().all()
    events = session.execute(text("""
        SELECT incident_id, at, action, actor_label, payload FROM event
        WHERE incident_id = ANY(:ids) AND at < :end ORDER BY at, id"""),
        {"ids": ids, "end": end}).mappings().all()
    found = {c["id"]: Escalation(c["case_number"], c["category"], c["street"], c["grid"],
                                 c["state"], c["reported_at"]) for c in cases}
    for e in events:
        found[e["incident_id"]].timeline.append(
            (e["at"], ACTION_NAMES.get(e["action"], e["action"]), e["actor_label"],
             _note(e["payload"])))
    return list(found.values())


#: Timeline wording of the coded values a payload may carry.
VALUE_NAMES = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意",
               "grid": "网格", "community": "社区", "street": "街道", "district": "区级",
               "screening": "甄别", "onsite_check": "现场核实", "sign": "签收", "handling": "办理",
               "verification": "核查", "evaluation": "评价", "checkin": "报到"}


def _note(payload):
    for key in ("note", "reason", "satisfaction", "level", "kind", "attendee"):
        if payload.get(key):
            return VALUE_NAMES.get(str(payload[key]), str(payload[key]))
    return ""


def shapes(session, area):
    """Return the current grid polygons inside `area` as SVG paths, or None without grids."""
    box = session.execute(text(_SUBTREE + """
        SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
        FROM (SELECT ST_Extent(a.geom) AS e FROM grids a) x"""), {"area": area.code}).first()
    if box is None or box[0] is None:
        return None
    tolerance = max(box[2] - box[0], box[3] - box[1]) / 2000
    rows = session.execute(text(_SUBTREE + """
        SELECT code, name, ST_AsSVG(ST_SimplifyPreserveTopology(geom, :tol), 0, 6),
               ST_X(ST_PointOnSurface(geom)), -ST_Y(ST_PointOnSurface(geom))
        FROM grids ORDER BY code"""), {"area": area.code, "tol": tolerance}).all()
    return Shapes({r[0]: r[2] for r in rows}, {r[0]: r[1] for r in rows},
                  {r[0]: (r[3], r[4]) for r in rows}, tuple(box),
                  cos(radians((box[1] + box[3]) / 2)))


_SUBTREE = """
WITH RECURSIVE tree AS (
    SELECT code, level, geom, name FROM area WHERE code = :area AND valid_to IS NULL
    UNION ALL
    SELECT a.code, a.level, a.geom, a.name FROM area a JOIN tree t ON a.parent_code = t.code
    WHERE a.valid_to IS NULL
),
grids AS (SELECT * FROM tree WHERE level = 'grid')"""
