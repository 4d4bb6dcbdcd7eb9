"""The words a reporter reads: the stage a case is in, and what will happen to it.

Chinese first, for the residents, then English for integrators' logs and foreign clients.
"""
from gridops.dispatch.sla import limit_for

STAGES = {
    "screening": ("甄别中", "Received, being screened"),
    "assignment": ("已受理，待责任单位签收", "Accepted, waiting for the responsible unit"),
    "handling": ("办理中", "Being handled by the responsible unit"),
    "supervision": ("已反馈，核查中", "Reported done, being checked on site"),
    "evaluation": ("已核查，待评价", "Checked, awaiting evaluation"),
    "closed": ("已结案", "Closed"),
    "rejected": ("不予受理", "Not accepted"),
    "merged": ("已合并", "Merged as a duplicate"),
}
ON_HOLD = ("挂账（长期整治）", "on hold as a long-term case")
#: Minutes in a working day with the default office hours, and in a calendar day.
WORKING_DAY, DAY = 420, 1440


def stage_name(state):
    """Return the Chinese name of the stage a case is in."""
    return STAGES[state][0]


def status_notes(incident, merged_into=None):
    """Return the stage in words, with the hold, the duplicate or the closing note."""
    zh, en = STAGES[incident.state]
    if incident.on_hold_since is not None:
        zh, en = f"{zh}，{ON_HOLD[0]}", f"{en}, {ON_HOLD[1]}"
    if merged_into:
        zh, en = f"{zh}（{merged_into}）", f"{en} of {merged_into}"
    text = f"{zh} / {en}"
    if incident.state in ("closed", "rejected") and incident.closing_note:
        text += f": {incident.closing_note}"
    return text


def handling_notice(session, category, urgency, cache=None):
    """Return the promise the SLA makes for a category and urgency, in words."""
    cache = {} if cache is None else cache
    if (category.id, urgency) not in cache:
        limit = limit_for(session, "handling", urgency, category)
        zh, en = duration(limit.minutes, limit.basis)
        cache[(category.id, urgency)] = (f"受理后{zh}内办结 / To be handled within {en} "
                                         "of acceptance")
    return cache[(category.id, urgency)]


def duration(minutes, basis):
    """Return (Chinese, English) words for a limit: days when whole, else hours."""
    working = basis == "working"
    day = WORKING_DAY if working else DAY
    if minutes % day == 0:
        count = minutes // day
        return (f"{count}个工作日" if working else f"{count}天",
                f"{count} working day{'s' * (count != 1)}" if working
                else f"{count} day{'s' * (count != 1)}")
    hours = f"{minutes / 60:g}"
    return (f"{hours}个工作小时" if working else f"{hours}小时",
            f"{hours} working hours" if working else f"{hours} hours")
