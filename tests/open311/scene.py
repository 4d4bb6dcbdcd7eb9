"""Where the Open311 tests play: the reference time, a grid, and finding a case."""
from datetime import datetime, timezone

from sqlalchemy import select

from gridops.dispatch.decide import Actor
from gridops.dispatch.models import Incident

#: The world's reference time: Wednesday 2026-11-18 10:00 in Shanghai.
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
#: A grid of the east street, where event:0102 goes to 城管执法队 (CG) with 环卫中心 (HW).
EAST_GRID = "110199002001001"
#: A dispatcher of the whole district.
DISPATCHER = Actor("dispatcher", "调度员", area_codes=frozenset({"110199"}))


def case(db, number):
    """Return the case with this case number."""
    return db.scalar(select(Incident).where(Incident.case_number == number))
