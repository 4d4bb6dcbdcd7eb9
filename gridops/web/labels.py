"""Names people read for the loop's codes: stages, actions, deadlines, satisfaction.

English msgids, translated when rendered (Chinese by default), so templates never show a code.
"""
from flask_babel import lazy_gettext as _l

STAGES = {
    "screening": _l("Screening"), "assignment": _l("Assignment"), "handling": _l("Handling"),
    "supervision": _l("Checking"), "evaluation": _l("Evaluation"), "closed": _l("Closed"),
    "rejected": _l("Not accepted"), "merged": _l("Merged"),
}
#: The six stages of the loop in order, for the progress bar.
LOOP = ("discovery", "screening", "assignment", "handling", "supervision", "evaluation")
LOOP_NAMES = {"discovery": _l("Reported"), **STAGES}

ACTIONS = {
    "report": _l("Reported"), "confirm": _l("Checked on site"), "accept": _l("Accepted"),
    "reject": _l("Not accepted"), "merge": _l("Merged as a duplicate"),
    "sign": _l("Signed for by the department"), "return": _l("Returned by the department"),
    "assign": _l("Assigned"), "request_extension": _l("Extension requested"),
    "request_hold": _l("Hold requested"), "approve_extension": _l("Extension granted"),
    "deny_extension": _l("Request refused"), "hold": _l("On hold"), "resume": _l("Resumed"),
    "submit_result": _l("Result reported"), "verify": _l("Result checked"),
    "evaluate": _l("Return visit"), "close": _l("Closed"), "reopen": _l("Sent back to handling"),
    "supervise": _l("Supervision order"), "whistle": _l("Whistle blown"),
    "comment": _l("Note"),
}
DEADLINES = {
    "screening": _l("Screening"), "onsite_check": _l("On-site check"), "sign": _l("Sign-for"),
    "handling": _l("Handling"), "verification": _l("Result check"),
    "evaluation": _l("Return visit"), "checkin": _l("Check-in"),
}
SATISFACTION = {
    "satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"),
    "dissatisfied": _l("Dissatisfied"),
}
URGENCY = {"normal": _l("Normal"), "urgent": _l("Urgent")}
#: Who acted, for labels that are not a person's name.
ACTORS = {"system": _l("System"), "resident": _l("Resident"), "reporter": _l("Reporter")}


def stage_index(state):
    """Return the position of a state in LOOP (terminal states count as the end)."""
    if state in LOOP:
        return LOOP.index(state)
    return len(LOOP) if state == "closed" else LOOP.index("screening")
