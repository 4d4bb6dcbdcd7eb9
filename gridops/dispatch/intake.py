"""Intake (发现): turn a report into a case, once, located in the grid it fell in."""
import functools
import secrets
from typing import Any
from datetime import timezone
from zoneinfo import ZoneInfo

from geoalchemy2.elements import WKTElement
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, bindparam, func, select, union_all
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm.attributes import set_committed_value

from gridops.dispatch import clocks, operations, stamps
from gridops.dispatch.catalog import category_by_key
from gridops.dispatch.decide import validate_fields
from gridops.dispatch.models import Deadline, Event, Incident
from gridops.dispatch.models.incident import case_number_seq
from gridops.dispatch.params import Urgency
from gridops.dispatch.sla import Limit, limit_for
from gridops.errors import DomainError
from gridops.geo.crs import check_point, normalize_crs, to_wgs84
from gridops.geo.errors import GeoError
from gridops.geo.models import Area

LOCAL = ZoneInfo("Asia/Shanghai")


class Report(BaseModel):
    """A report as any channel sends it: phone form, API, Open311."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    #: Checked by the geo package, which tells a swapped pair from a bad one.
    lat: Any = None
    lon: Any = None
    crs: str = "wgs84"
    accuracy_m: float | None = Field(None, ge=0, le=100000)
    category: str = Field(min_length=3, max_length=40, description="Category key, e.g. event:0102")
    description: str = Field("", max_length=4000)
    urgency: Urgency | None = None
    address: str | None = Field(None, max_length=300)
    client_id: str | None = Field(None, min_length=8, max_length=100)
    reporter_name: str | None = Field(None, max_length=100)
    reporter_phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9 \-]{5,32}$")
    self_handled: bool = False


def report_incident(session, raw, source, actor, now, locate, self_handled_state="supervision",
                    source_detail=None):
    """Create the case for `raw` and return (incident, created); a repeated client_id returns
    the case it created the first time."""
    report = Report.model_validate(raw) if isinstance(raw, dict) else raw
    try:
        lat, lon = check_point(report.lat, report.lon)
        wlon, wlat = to_wgs84(lon, lat, report.crs)
        place = locate(wlon, wlat)
        areas = current_areas(session, place)
        category = category_by_key(session, report.category)
    except (DomainError, GeoError):
        # A phone retrying a report accepted before the grid layer or the taxonomy changed:
        # the case stands, whatever the report would meet today.
        existing = _already_reported(session, report.client_id)
        if existing is None:
            raise
        return existing, False
    state = self_handled_state if report.self_handled else "screening"
    steps = _first_clocks(session, source, state, report.urgency or category.default_urgency,
                          category, areas["street"].code, now)
    event = operations.event_values("report", actor, None, state, now, {
        "source": source, "self_handled": report.self_handled, "match": place.match,
        "grid": place.grid})
    incident = _insert(session, _case_values(report, source, actor, now, (lat, lon), (wlon, wlat),
                                             place, areas, category, source_detail, state, steps),
                       list(steps.values()), event)
    if incident is None:
        # The client_id is taken: a phone retrying a report already accepted, perhaps still
        # in flight. That one is the case.
        return _already_reported(session, report.client_id), False
    for row in steps.values():
        clocks.track(session, row)
    # What the response shows, without loading it again: the rows read above, no co-units
    # yet, and the clocks as planned (the same values, inserted with the case).
    held = {"category": category, **areas, "co_units": [], "deadlines": list(steps.values())}
    for name, value in held.items():
        set_committed_value(incident, name, value)
    return incident, True


def _insert(session, case, clocks_planned, event):
    """INSERT the case with its first clocks and its first event, in one statement; return the
    case, or None if its client_id is taken (then nothing is inserted).

    One round trip for all three: at peak every round trip counts twice, as CPU and as time a
    web process waits. The unique index settles a repeated client_id (ON CONFLICT DO NOTHING)
    rather than a question asked first: most reports are new, and a concurrent retry is
    caught the same way, without a savepoint.
    """
    params = {**case, **{f"event_{name}": value for name, value in event.items()}}
    for n, row in enumerate(clocks_planned):
        params.update({f"clock{n}_{name}": getattr(row, name) for name in CLOCK_COLUMNS})
    statement = _insert_statement(tuple(name for name in case if name != "case_date"),
                                  len(clocks_planned), tuple(event))
    return session.scalars(statement, params).one_or_none()


CLOCK_COLUMNS = ("kind", "basis", "limit_minutes", "started_at", "warn_at", "due_at", "state")


@functools.cache
def _insert_statement(case_columns, clock_count, event_columns):
    """Return the statement `_insert` runs, with a parameter for every value."""
    case_table, clock_table, event_table = (Incident.__table__, Deadline.__table__,
                                            Event.__table__)
    # The case number is drawn in the INSERT: the local date given, then the next serial,
    # zero-padded to six digits (more once a million are reached).
    number = func.concat(bindparam("case_date", type_=String), "-", func.to_char(
        case_number_seq.next_value(), "FM999999999999000000"))
    # Inside a WITH the INSERT gets no column defaults from SQLAlchemy: they go in as values.
    defaults = {column.name: column.default.arg for column in case_table.c
                if column.default is not None and column.default.is_scalar
                and column.name not in case_columns}
    new_case = (insert(Incident)
                .values({**{name: _param(name, case_table.c[name]) for name in case_columns},
                         **defaults, "case_number": number})
                .on_conflict_do_nothing(index_elements=[Incident.client_id])
                .returning(*case_table.c).cte("new_case"))
    rows = [select(new_case.c.id, *(_param(f"clock{n}_{name}", clock_table.c[name])
                                     for name in CLOCK_COLUMNS))
            for n in range(clock_count)]
    new_clocks = insert(Deadline).from_select(
        ["incident_id", *CLOCK_COLUMNS], union_all(*rows) if len(rows) > 1 else rows[0],
        include_defaults=False).cte("new_clocks")
    new_event = insert(Event).from_select(
        ["incident_id", *event_columns],
        select(new_case.c.id, *(_param(f"event_{name}", event_table.c[name])
                                for name in event_columns)),
        include_defaults=False).cte("new_event")
    return select(Incident).from_statement(select(new_case).add_cte(new_clocks, new_event))


def _param(name, column):
    return bindparam(name, type_=column.type)


def _already_reported(session, client_id):
    if not client_id:
        return None
    return session.scalar(select(Incident).where(Incident.client_id == client_id))


def validate_report(raw):
    """Return the report validated, or raise the ValidationError naming each bad field."""
    return Report(**validate_fields(Report, raw))


def current_areas(session, place):
    """Return the current area rows of the located grid and its parents, keyed by level.

    Each process keeps the current areas (a city's few thousand, without their polygons) while
    the areas' version stamp holds (`stamps`): only a layer import changes them.
    """
    current = stamps.cached(session, "areas", "current", lambda: {
        row.code: stamps.snapshot(row)
        for row in session.scalars(select(Area).where(Area.valid_to.is_(None)))})
    codes = (place.grid, place.community, place.street, place.district)
    return {current[code]["level"]: stamps.attach(session, Area, current[code])
            for code in codes if code in current}


def _case_values(report, source, actor, now, raw_point, point, place, areas, category,
                 source_detail, state, steps):
    return dict(
        case_date=f"{now.astimezone(LOCAL):%Y%m%d}", client_id=report.client_id,
        source=source, source_detail=source_detail, reporter_id=actor.user_id,
        reporter_name=report.reporter_name, reporter_phone=report.reporter_phone,
        tracking_token=secrets.token_urlsafe(24) if source in ("resident", "open311") else None,
        point=WKTElement(f"POINT({point[0]} {point[1]})", srid=4326), crs=normalize_crs(report.crs),
        source_lat=raw_point[0], source_lon=raw_point[1], accuracy_m=report.accuracy_m,
        location_match=place.match, grid_id=areas["grid"].id,
        community_id=areas["community"].id, street_id=areas["street"].id,
        district_id=areas["district"].id, address=report.address,
        category_id=category.id, urgency=report.urgency or category.default_urgency,
        description=report.description, self_handled=report.self_handled,
        reported_at=now.astimezone(timezone.utc), updated_at=now, state=state,
        limits={kind: Limit(row.limit_minutes, row.basis).as_dict()
                for kind, row in steps.items()},
        # A new case's clocks are exactly these, none paused: the earliest is its due time.
        due_at=min(row.due_at for row in steps.values()))


def _first_clocks(session, source, state, urgency, category, street_code, now):
    """Return {kind: deadline row} of the clocks a new case starts with (rows of no case yet)."""
    calendar = clocks.calendar_for(session, street_code)
    steps = {"screening": ["screening"] + (["onsite_check"] if source != "grid_worker" else []),
             "supervision": ["verification"], "evaluation": ["evaluation"]}[state]
    return {step: clocks.plan(step, limit_for(session, step, urgency, category), now, calendar)
            for step in steps}
