"""Names the console shows for codes: action verbs and their keys, fields, choices, roles.

English msgids, translated when rendered (Chinese by default). The web foundation's
`gridops.web.labels` names stages, past actions and deadlines; these are the console's own.
"""
from flask_babel import lazy_gettext as _l

from gridops.web.labels import ACTIONS as PAST_ACTIONS
from gridops.web.labels import SATISFACTION, URGENCY

#: What an action's button says, and the key that opens its form on the case page.
ACTIONS = {
    "accept": (_l("Accept"), "a"), "reject": (_l("Reject"), "x"),
    "merge": (_l("Merge as duplicate"), "m"), "confirm": (_l("Record on-site check"), "f"),
    "sign": (_l("Sign for"), "s"), "return": (_l("Return with reason"), "b"),
    "assign": (_l("Reassign"), "g"), "request_extension": (_l("Ask for an extension"), "e"),
    "request_hold": (_l("Ask for a hold"), "l"), "approve_extension": (_l("Grant extension"), "y"),
    "deny_extension": (_l("Refuse the request"), "n"), "hold": (_l("Put on hold"), "h"),
    "resume": (_l("Resume"), "r"), "submit_result": (_l("Submit the result"), "d"),
    "verify": (_l("Check the result"), "v"), "evaluate": (_l("Record the evaluation"), "p"),
    "close": (_l("Close the case"), "c"), "reopen": (_l("Send back to handling"), "o"),
    "supervise": (_l("Issue a supervision order"), "u"), "whistle": (_l("Blow the whistle"), "w"),
    "comment": (_l("Add a note"), "t"),
}
#: Timeline entries that are not actions of the table.
EVENTS = {
    "checked_in": _l("Unit checked in"), "checkin_missed": _l("Check-in missed"),
    "deadline_breached": _l("Time limit passed"), "escalated": _l("Escalated"),
}
FIELDS = {
    "note": _l("Note"), "reason": _l("Reason"), "triage": _l("Triage (四事分流)"),
    "category": _l("Category"), "urgency": _l("Urgency"), "lead_unit": _l("Lead unit"),
    "co_units": _l("Co-units"), "into": _l("Duplicate of case"), "found": _l("Found on site?"),
    "minutes": _l("Extra time (minutes of the limit's own time)"), "photos": _l("Photos"),
    "passed": _l("Is the problem solved?"), "satisfaction": _l("Satisfaction"),
    "contacted": _l("Reporter reached"), "solved": _l("Solved in the reporter's view?"),
    "unit_score": _l("Score for the unit (0–100)"),
    "units": _l("Units to summon besides the lead and co-units"),
    "version": _l("Version"), "attendee": _l("Who is coming"), "arrive_at": _l("Arrival"),
    "score": _l("Score"),
}
CHOICES = {
    "triage": {"private": _l("Private matter (私事)"), "small": _l("Small matter (小事)"),
               "big": _l("Big matter (大事)"), "hard": _l("Hard matter (难事)")},
    "reason": {"public_demand": _l("Public demand (群众诉求)"),
               "enforcement": _l("Enforcement (综合执法)"), "emergency": _l("Emergency (应急处置)"),
               "sla_breach": _l("Time limit breached")},
    "urgency": URGENCY, "satisfaction": SATISFACTION,
}
FILTERS = {
    "street": _l("Street"), "community": _l("Community"), "grid": _l("Grid"),
    "category": _l("Category"), "unit": _l("Unit"), "urgency": _l("Urgency"),
    "source": _l("Source"), "overdue": _l("Overdue"), "whistled": _l("Whistled"),
}
SOURCES = {"grid_worker": _l("Grid worker"), "resident": _l("Resident"), "api": _l("API"),
           "open311": _l("Open311")}
SUMMONS = {"pending": _l("Waiting"), "checked_in": _l("Checked in"), "missed": _l("Missed")}
ROLES = {"grid_worker": _l("Grid worker"), "dispatcher": _l("Street dispatcher"),
         "department": _l("Department"), "district": _l("District centre"), "admin": _l("Admin")}
LIGHTS = {"green": _l("On time"), "yellow": _l("Due soon"), "red": _l("Overdue")}
BASIS = {"working": _l("working time"), "natural": _l("natural time")}
DEADLINE_STATES = {"pending": _l("Running"), "warned": _l("Warned"), "breached": _l("Breached"),
                   "met": _l("Met"), "cancelled": _l("Cancelled")}


def verb(action):
    return ACTIONS.get(action, (action, ""))[0]


def key(action):
    return ACTIONS.get(action, ("", ""))[1]


def choice(field, value):
    """Return the readable name of a choice value of an action field."""
    return CHOICES.get(field, {}).get(value, value)


def event_name(action):
    """Return the timeline name of an event: a past action or one of the timer events."""
    return PAST_ACTIONS.get(action) or EVENTS.get(action) or action
