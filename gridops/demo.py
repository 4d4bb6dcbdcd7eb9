"""`gridops demo seed`: a deterministic demo district with units, routing, users and calendar.

The grid layer comes from `gridops.geo.demo`; this module adds everything a street office
needs on top of it, so `make run` shows a working system on first start.
"""
from datetime import datetime, timezone

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from gridops.auth.operations import create_user
from gridops.auth.passwords import hash_password
from gridops.dispatch import catalog, sla
from gridops.dispatch.calendar_store import seed_calendar
from gridops.dispatch.models import Responsibility, Unit
from gridops.extensions import db
from gridops.geo.demo import demo_features
from gridops.geo.layer import import_layer
from gridops.geo.models import Area

DEMO_PASSWORD = "gridops-demo"

#: District departments and public-service companies: (code, name, kind).
DEPARTMENTS = [
    ("CG", "区城管执法局", "department"), ("ZJ", "区住房和城乡建设委员会", "department"),
    ("HW", "区环境卫生服务中心", "department"), ("SW", "区水务局", "department"),
    ("YL", "区园林绿化局", "department"), ("SJ", "区市场监督管理局", "department"),
    ("JJ", "交警支队", "department"), ("ZLS", "自来水集团", "company"),
    ("RQ", "燃气集团", "company"), ("GD", "供电公司", "company"),
]

#: The responsibility list at district level: (kind, category code, lead, co-units).
ROUTING = [
    ("event", "01", "HW", ["CG"]), ("event", "0101", "CG", ["ZJ"]), ("event", "02", "CG", []),
    ("event", "03", "ZJ", ["CG"]), ("event", "0401", "ZJ", ["SW", "JJ"]),
    ("event", "0402", "ZLS", ["SW"]), ("event", "0403", "RQ", ["CG"]),
    ("event", "0406", "SW", ["CG"]), ("event", "04", "ZJ", ["CG"]),
    ("event", "05", "CG", []), ("event", "0505", "JJ", ["CG"]),
    ("facility", "01", "SW", []), ("facility", "0110", "GD", []), ("facility", "02", "JJ", []),
    ("facility", "03", "HW", []), ("facility", "04", "YL", []), ("facility", "05", "ZJ", []),
    ("facility", "06", "CG", []),
]


def seed_demo(session, now):
    """Build the whole demo in the session; return the accounts as (user, role, scope)."""
    import_layer(session, demo_features(), now, source="demo")
    areas = {level: session.scalars(select(Area).where(Area.level == level,
                                                       Area.valid_to.is_(None))
                                    .order_by(Area.code)).all()
             for level in ("district", "street", "community", "grid")}
    catalog.load_taxonomy(session, catalog.read_taxonomy(), now)
    session.add_all(sla.default_rows())
    seed_calendar(session, now)
    units = _units(session, areas)
    _routing(session, units, areas["district"][0].code)
    return _users(session, areas)


def _units(session, areas):
    district = areas["district"][0].code
    units = [Unit(code=c, name=n, kind=k, area_code=district) for c, n, k in DEPARTMENTS]
    units += [Unit(code=f"JD{s.code[-3:]}", name=f"{s.name}办事处", kind="street_office",
                   area_code=s.code) for s in areas["street"]]
    units += [Unit(code=f"GS{c.code[-6:]}", name=f"{c.name}网格工作站", kind="grid_station",
                   area_code=c.code) for c in areas["community"]]
    units.append(Unit(code="QZX", name="区城市运行管理指挥中心", kind="district_centre",
                      area_code=district))
    session.add_all(units)
    session.flush()
    return {u.code: u for u in units}


def _routing(session, units, district):
    for kind, code, lead, co in ROUTING:
        session.add(Responsibility(category_kind=kind, category_code=code, area_code=district,
                                   lead_unit=units[lead], co_units=[units[c] for c in co]))


def _users(session, areas):
    password = hash_password(DEMO_PASSWORD)
    accounts = [("admin", "admin", [], None, "系统管理员"),
                ("district", "district", [areas["district"][0].code], None, "区指挥中心")]
    for i, street in enumerate(areas["street"][:2], 1):
        accounts.append((f"dispatcher{i}", "dispatcher", [street.code], None, f"{street.name}调度员"))
    for code in ("HW", "CG", "SW"):
        accounts.append((f"dept-{code.lower()}", "department", [], code, f"{code}处置员"))
    first_grids = [g for g in areas["grid"] if g.parent_code == areas["community"][0].code][:3]
    accounts.append(("worker1", "grid_worker", [g.code for g in first_grids], None, "网格员张三"))
    rows = []
    for username, role, scope, unit, name in accounts:
        create_user(session, username, role, scope, unit, name, password)
        rows.append((username, role, unit or ",".join(scope) or "-"))
    return rows


@click.group("demo")
def demo():
    """Demo data for a first look."""


@demo.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has areas.")
@with_appcontext
def seed(if_empty):
    """Build the demo district, its units, routing and users; print the accounts."""
    if db.session.scalar(select(func.count()).select_from(Area)):
        if if_empty:
            click.echo("database not empty: demo seed skipped")
            return
        raise click.ClickException("the database already has areas; seed an empty database")
    accounts = seed_demo(db.session, datetime.now(timezone.utc))
    db.session.commit()
    click.echo(f"demo seeded; every account's password is {DEMO_PASSWORD!r}")
    for username, role, scope in accounts:
        click.echo(f"  {username:<14}{role:<13}{scope}")
