"""The traffic light of a clock: green under 80 % of the limit used, yellow to 100 %, red over.

A deadline row carries `warn_at` (80 % of its limit, counted in its own working or natural
time), so comparing with it gives the share of the limit used without recounting the calendar.
"""
from flask_babel import gettext as _

from gridops.dispatch.clocks import OPEN

COLOURS = ("green", "yellow", "red")


def light(deadline, now):
    """Return green, yellow or red for a deadline row at `now` (a paused clock stands still)."""
    moment = deadline.paused_at or now
    if moment > deadline.due_at:
        return "red"
    return "yellow" if moment >= deadline.warn_at else "green"


def running_deadline(incident):
    """Return the case's open clock that sets its due time (the earliest running), or None."""
    running = [d for d in incident.deadlines if d.state in OPEN and d.paused_at is None]
    return min(running, key=lambda d: d.due_at, default=None)


def case_light(incident, now):
    """Return (colour or None, deadline or None) of a case: None when no clock runs."""
    deadline = running_deadline(incident)
    return (light(deadline, now), deadline) if deadline is not None else (None, None)


def duration_text(seconds):
    """Return a short readable duration such as 1d 3h, 2h 5min or 12min."""
    minutes = max(0, int(seconds)) // 60
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return _("%(days)sd %(hours)sh", days=days, hours=hours)
    if hours:
        return _("%(hours)sh %(minutes)smin", hours=hours, minutes=mins)
    return _("%(minutes)smin", minutes=mins)


def time_left(due_at, now):
    """Return how long until `due_at`, or how long past it."""
    seconds = (due_at - now).total_seconds()
    if seconds < 0:
        return _("%(time)s overdue", time=duration_text(-seconds))
    return _("%(time)s left", time=duration_text(seconds))
