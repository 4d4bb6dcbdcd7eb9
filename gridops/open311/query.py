"""GET requests: the spec's filters plus page, page_size and bbox, read into one query.

Without dates the window is the last 90 days; a window may not span more than 90 days, and a
page holds at most 1000 requests (the spec's default limit). A service_request_id list
overrides every other filter, as the spec says.
"""
from dataclasses import dataclass
from datetime import timedelta

from geoalchemy2 import functions as geo
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from gridops.dispatch.models import Category, Incident
from gridops.dispatch.models.incident import TERMINAL_STATES as TERMINAL
from gridops.open311.errors import BadRequest
from gridops.open311.params import whole_number
from gridops.open311.services import category_key
from gridops.open311.times import parse_w3c

WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
STATUSES = ("open", "closed")
LOADED = (joinedload(Incident.category), joinedload(Incident.lead_unit),
          joinedload(Incident.grid), joinedload(Incident.community),
          joinedload(Incident.street), joinedload(Incident.district),
          selectinload(Incident.deadlines), selectinload(Incident.co_units))


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asked for."""

    ids: tuple = ()
    service_codes: tuple = ()
    start: object = None
    end: object = None
    statuses: frozenset = frozenset(STATUSES)
    #: (min long, min lat, max long, max lat) in WGS-84.
    bbox: tuple | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    extensions: bool = False


def read_query(params, now):
    """Return the RequestQuery the parameters describe, or raise BadRequest saying why."""
    start, end = date_window(params.one("start_date"), params.one("end_date"), now)
    statuses = frozenset(params.many("status") or STATUSES)
    if not statuses <= set(STATUSES):
        raise BadRequest("status must be open, closed or both (comma separated).")
    return RequestQuery(
        ids=tuple(params.many("service_request_id")),
        service_codes=tuple(params.many("service_code")), start=start, end=end,
        statuses=statuses, bbox=read_bbox(params.one("bbox")),
        page=whole_number(params, "page", 1, 1, 10**6),
        page_size=whole_number(params, "page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        extensions=params.flag("extensions"))


def date_window(start_text, end_text, now):
    """Return (start, end): as given, else 90 days before the end or after the start."""
    start = parse_w3c(start_text, "start_date") if start_text else None
    end = parse_w3c(end_text, "end_date") if end_text else None
    if start is None:
        end = end or now
        start = end - WINDOW
    end = end or start + WINDOW
    if start > end:
        raise BadRequest("start_date is after end_date.")
    if end - start > WINDOW:
        raise BadRequest("start_date and end_date may not span more than 90 days.")
    return start, end


def read_bbox(text):
    """Return bbox=min_long,min_lat,max_long,max_lat as floats, or None."""
    if text is None:
        return None
    try:
        box = tuple(float(part) for part in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        raise BadRequest("bbox must be min_long,min_lat,max_long,max_lat in WGS-84, "
                         "e.g. 116.40,39.90,116.44,39.94.")
    return box


def find_requests(session, query):
    """Return the page of cases `query` selects, newest first."""
    statement = select(Incident).options(*LOADED)
    if query.extensions:
        statement = statement.options(selectinload(Incident.events))
    statement = _filtered(statement, query)
    statement = (statement.order_by(Incident.reported_at.desc(), Incident.id.desc())
                 .limit(query.page_size).offset((query.page - 1) * query.page_size))
    return session.scalars(statement).unique().all()


def _filtered(statement, query):
    if query.ids:
        return statement.where(Incident.case_number.in_(query.ids))
    statement = statement.where(Incident.reported_at >= query.start,
                                Incident.reported_at <= query.end)
    if query.service_codes:
        statement = statement.where(Incident.category_id.in_(_categories(query.service_codes)))
    if query.statuses == {"open"}:
        statement = statement.where(Incident.state.not_in(TERMINAL))
    elif query.statuses == {"closed"}:
        statement = statement.where(Incident.state.in_(TERMINAL))
    if query.bbox:
        statement = statement.where(geo.ST_Intersects(
            Incident.point, geo.ST_MakeEnvelope(*query.bbox, 4326)))
    return statement


def _categories(codes):
    """Select the categories of service codes; a class code selects its sub-categories too."""
    keys = [category_key(code).partition(":") for code in codes]
    return select(Category.id).where(or_(*(
        and_(Category.kind == kind, or_(Category.code == code, Category.parent_code == code))
        for kind, _, code in keys)))


def incident_by_number(session, number):
    """Return the case with this case number, loaded for serialising, or None."""
    return session.scalars(select(Incident).options(*LOADED, selectinload(Incident.events))
                           .where(Incident.case_number == number)).unique().first()


def incident_by_token(session, token):
    """Return the case whose tracking token this is, or None."""
    return session.scalar(select(Incident).where(Incident.tracking_token == token))
