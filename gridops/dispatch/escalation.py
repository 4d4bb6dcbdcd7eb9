"""What a case's clock does when it turns yellow or red, and the escalation policy after that.

At 80 % whoever must act is warned. At 100 % the responsible unit gets a supervision order
(督办单) on the case's timeline, the street is told, and the escalation policy takes over: its
rungs (grid → community → street → district) act at set margins after the breach, like an
on-call escalation policy. Each function here runs inside the sweep's transaction, on a
deadline row the sweep has already claimed, so it happens once.
"""
from datetime import timedelta

from sqlalchemy import func, select

from gridops.dispatch import clocks, operations, whistles
from gridops.dispatch.models import EscalationLevel, Incident, SupervisionOrder, Whistle
from gridops.notify import local_text, notify
from gridops.notify.recipients import at_level, must_act, per_transaction, unit_of_area

STEP_NAMES = {"screening": "甄别", "onsite_check": "现场核实", "sign": "签收", "handling": "办理",
              "verification": "核查", "evaluation": "评价", "checkin": "报到"}
#: What sets a rung off: the breach (after its margin), the case's acceptance, a second order.
TRIGGERS = ("breach", "accept", "second_order")
ACTIONS = ("notify", "supervise", "whistle", "district")


def default_escalation():
    """Return the built-in policy as rows, for seeding: every category, then emergencies (04)."""
    rung = EscalationLevel
    return [
        rung(position=1, area_level="community", after_minutes=0, action="notify",
             options={"on": "breach"}),
        rung(position=2, area_level="street", after_minutes=240, action="whistle",
             options={"on": "breach", "reason": "sla_breach"}),
        rung(position=3, area_level="district", after_minutes=1440, action="district",
             options={"on": "breach"}),
        rung(position=1, area_level="street", after_minutes=0, action="whistle",
             options={"on": "second_order", "reason": "sla_breach"}),
        rung(category_kind="event", category_code="04", position=1, area_level="street",
             after_minutes=0, action="whistle", options={"on": "accept", "reason": "emergency"}),
        rung(category_kind="event", category_code="04", position=1, area_level="street",
             after_minutes=0, action="whistle", options={"on": "breach", "reason": "sla_breach"}),
        rung(category_kind="event", category_code="04", position=2, area_level="district",
             after_minutes=60, action="district", options={"on": "breach"}),
    ]


def policy_for(session, category, trigger, step="handling"):
    """Return the rungs for `trigger` on `step` of a case of `category`, in order.

    The most specific policy wins whole: the sub-category's, else its class's, else the
    default one; with no default rows in the database, the built-in default.
    """
    rows = per_transaction(session, "gridops.escalation", _load_policy)
    for key in _policy_keys(category):
        if key in rows:
            return [r for r in rows[key] if _applies(r, trigger, step)]
    return []


def warn(session, deadline, incident, now):
    """Tell whoever must act that 80 % of the step's time is used (yellow)."""
    step = STEP_NAMES[deadline.kind]
    notify(session, "deadline.warned", incident, f"【预警】{incident.case_number} {step}即将超时",
           f"案卷 {incident.case_number} 的{step}时限将于 {local_text(deadline.due_at)} 到期。",
           now, **_fields(must_act(session, incident, deadline.kind)),
           payload={"kind": deadline.kind, "due_at": deadline.due_at.isoformat()})


def breach(session, deadline, incident, now):
    """Turn the case red: a supervision order, an event, the street told, the policy consulted."""
    order = issue_order(session, incident, deadline, now, f"{STEP_NAMES[deadline.kind]}超时")
    state = incident.state
    operations.record(session, incident, "deadline_breached", operations.SYSTEM, state, state, now,
                      {"kind": deadline.kind, "deadline_id": deadline.id,
                       "due_at": deadline.due_at.isoformat(), "unit": _code(order.unit)})
    step = STEP_NAMES[deadline.kind]
    audience = must_act(session, incident, deadline.kind) + at_level(session, incident, "street")
    notify(session, "deadline.breached", incident, f"【超时督办】{incident.case_number} {step}已超时",
           f"案卷 {incident.case_number} 的{step}时限已于 {local_text(deadline.due_at)} 到期,"
           "已自动下发督办单。", now, **_fields(audience),
           payload={"kind": deadline.kind, "due_at": deadline.due_at.isoformat()})
    climb(session, deadline, incident, now)
    after_order(session, incident, now)


def escalate(session, deadline, incident, now):
    """Act on the rungs whose time has come since the breach, then on a second order."""
    climb(session, deadline, incident, now)
    after_order(session, incident, now)


def climb(session, deadline, incident, now):
    """Act on every rung whose margin after the breach has passed; set when the next one acts."""
    rungs = [r for r in policy_for(session, incident.category, "breach", deadline.kind)
             if r.position > deadline.escalated_position]
    for rung in rungs:
        at = rung_time(session, incident, deadline, rung)
        if at > now:
            deadline.escalate_at = at
            return
        act(session, rung, incident, now, {"deadline_id": deadline.id})
        deadline.escalated_position = rung.position
    deadline.escalate_at = None


def rung_time(session, incident, deadline, rung):
    """Return when `rung` acts: its margin after the due time, natural or working minutes."""
    if (rung.options or {}).get("basis") == "working":
        calendar = clocks.calendar_for(session, incident.street.code)
        return calendar.deadline(deadline.due_at, rung.after_minutes).due
    return deadline.due_at + timedelta(minutes=rung.after_minutes)


def on_accept(session, incident, now):
    """Blow the whistle at acceptance when the category's policy says so (emergencies)."""
    for rung in policy_for(session, incident.category, "accept"):
        act(session, rung, incident, now, {"on": "accept"})


def after_order(session, incident, now):
    """Act on the `second_order` rungs when the case has two or more supervision orders.

    Call it after issuing an order (a dispatcher's too). Its whistle is blown at most once while
    active; its other rungs act each time the policy is consulted with two or more orders.
    """
    orders = order_counts(session, [incident.id])[incident.id]
    if orders >= 2:
        for rung in policy_for(session, incident.category, "second_order"):
            act(session, rung, incident, now, {"on": "second_order", "orders": orders})


def order_counts(session, incident_ids):
    """Return {case id: supervision orders}, counted once per transaction and kept up to date.

    A sweep firing a few hundred clocks asks once for all their cases (see `sweep`) instead of
    flushing and counting for each one.
    """
    counts = per_transaction(session, "gridops.order_counts", lambda s: {})
    unknown = [i for i in incident_ids if i not in counts]
    if unknown:
        counts.update(dict.fromkeys(unknown, 0))
        counts.update(session.execute(select(SupervisionOrder.incident_id, func.count()).where(
            SupervisionOrder.incident_id.in_(unknown))
            .group_by(SupervisionOrder.incident_id)).all())
    return counts


def act(session, rung, incident, now, payload):
    """Carry out one rung on the case and put it on the timeline."""
    done = RUNG_ACTIONS[rung.action](session, rung, incident, now)
    if done is False:
        return
    state = incident.state
    operations.record(session, incident, "escalated", operations.SYSTEM, state, state, now,
                      {**payload, "position": rung.position, "level": rung.area_level,
                       "escalation": rung.action, **(done or {})})


def issue_order(session, incident, deadline, now, note):
    """Issue a supervision order for a breached clock to the unit that must act."""
    unit = responsible_unit(session, incident, deadline.kind if deadline else "handling")
    counts = order_counts(session, [incident.id])  # counted before the new one is added
    order = SupervisionOrder(incident_id=incident.id, unit=unit, reason="sla_breach", note=note,
                             deadline_id=deadline.id if deadline else None, issued_at=now)
    session.add(order)
    counts[incident.id] += 1
    return order


def responsible_unit(session, incident, step):
    """Return the unit a breach of `step` is held against: the lead unit, else the area's."""
    if step in ("sign", "handling") and incident.lead_unit is not None:
        return incident.lead_unit
    if step == "onsite_check":
        return unit_of_area(session, "grid_station", incident.community.code)
    return unit_of_area(session, "street_office", incident.street.code)


def _notify_level(session, rung, incident, now):
    level = rung.area_level
    notify(session, "escalation.notified", incident, f"【升级提醒】{incident.case_number} 已超时",
           f"案卷 {incident.case_number} 超时未办结,按升级规则通知{_LEVEL_NAMES[level]}。", now,
           **_fields(at_level(session, incident, level)))


def _supervise(session, rung, incident, now):
    # No `after_order` here: the caller consults the second-order rungs once, at the end.
    order = issue_order(session, incident, None, now, "超时升级督办")
    notify(session, "deadline.supervised", incident, f"【督办】{incident.case_number}",
           f"案卷 {incident.case_number} 超时升级,再次督办。", now,
           units=(order.unit,) if order.unit else ())


def _whistle(session, rung, incident, now):
    if _active_whistle(session, incident) is not None:
        return False  # 事不完、人不撤: the units already summoned stay; no second whistle
    if incident.lead_unit is None:
        return False  # nobody to summon yet; a later rung or the dispatcher will
    blown = whistles.blow(session, [incident], (rung.options or {}).get("reason", "sla_breach"),
                          operations.SYSTEM, now, note="按升级规则自动吹哨")
    return {"whistle_id": blown.id}


def _district(session, rung, incident, now):
    notify(session, "escalation.district", incident, f"【上报区级】{incident.case_number}",
           f"案卷 {incident.case_number} 超时未办结,按升级规则上报区级指挥中心。", now,
           **_fields(at_level(session, incident, "district")))


RUNG_ACTIONS = {"notify": _notify_level, "supervise": _supervise, "whistle": _whistle,
                "district": _district}
_LEVEL_NAMES = {"grid": "网格", "community": "社区", "street": "街道", "district": "区级指挥中心"}


def _active_whistle(session, incident):
    return session.scalar(select(Whistle.id).where(
        Whistle.state == "active", Whistle.incidents.any(Incident.id == incident.id)).limit(1))


def _load_policy(session):
    stored = list(session.scalars(select(EscalationLevel).order_by(
        EscalationLevel.position, EscalationLevel.id)))
    rows = {}
    # An empty table means nobody has set a policy yet: the built-in one stands in.
    for row in stored or default_escalation():
        rows.setdefault((row.category_kind, row.category_code), []).append(row)
    return rows


def _policy_keys(category):
    keys = [(category.kind, category.code)] if category is not None else []
    if category is not None and category.parent_code:
        keys.append((category.kind, category.parent_code))
    return keys + [(None, None)]


def _applies(rung, trigger, step):
    options = rung.options or {}
    return (options.get("on", "breach") == trigger
            and step in options.get("kinds", ["handling"]))


def _fields(audience):
    return {"units": audience.units, "users": audience.users, "areas": audience.areas}


def _code(unit):
    return unit.code if unit is not None else None
