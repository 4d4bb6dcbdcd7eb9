"""The closed loop as data: every (state, action) the loop allows, who may do it, what it takes.

The API, the web forms and docs/architecture.md are all derived from `TABLE`; nothing else
decides whether an action is allowed.
"""
from dataclasses import dataclass

from gridops.dispatch import params as p

OPEN_STATES = ("screening", "assignment", "handling", "supervision", "evaluation")
DISPATCH = ("dispatcher", "district")


@dataclass(frozen=True)
class Transition:
    state: str
    action: str
    #: The next state; a dict picks it by the value of the field named in `branch`.
    to: str | dict
    roles: tuple
    params: type = p.NoteParams
    branch: str | None = None
    #: Name of an extra precondition in `gridops.dispatch.decide.GUARDS`.
    guard: str | None = None
    summary: str = ""

    def target(self, fields):
        """Return the next state for validated `fields`."""
        if self.branch is None:
            return self.to
        return self.to.get(fields[self.branch], self.to.get("*"))


def _rows():
    t = Transition
    yield t("screening", "accept", {"private": "closed", "*": "assignment"}, DISPATCH,
            p.AcceptParams, branch="triage", guard="advice_for_private",
            summary="Accept with a triage; a private matter closes with the advice given")
    yield t("screening", "reject", "rejected", DISPATCH, p.ReasonParams,
            summary="Refuse to take the case (不予受理) or mark it outside jurisdiction")
    yield t("screening", "merge", "merged", DISPATCH, p.MergeParams,
            summary="Close as a duplicate of an open case")
    yield t("screening", "confirm", "screening", ("grid_worker",) + DISPATCH, p.ConfirmParams,
            summary="Record the on-site check (核实) of a resident report")
    yield t("assignment", "sign", "handling", ("department",), p.NoteParams,
            summary="Sign for the task (签收); the handling clock starts")
    yield t("assignment", "return", "screening", ("department",), p.ReasonParams,
            summary="Hand the task back (退回) to the dispatcher with a reason")
    for state in ("assignment", "handling"):
        yield t(state, "assign", "assignment", DISPATCH, p.AssignParams,
                summary="Route the case to another lead unit")
    yield t("handling", "request_extension", "handling", ("department",), p.ExtensionParams,
            guard="no_pending_request", summary="Ask for more time (延期)")
    yield t("handling", "request_hold", "handling", ("department",), p.ReasonParams,
            guard="no_pending_request", summary="Ask to put a long-term case on hold (挂账)")
    yield t("handling", "approve_extension", "handling", DISPATCH, p.NoteParams,
            guard="pending_extension", summary="Grant the extension; the deadline moves")
    yield t("handling", "deny_extension", "handling", DISPATCH, p.DenyParams,
            guard="pending_request", summary="Refuse the pending extension or hold request")
    yield t("handling", "hold", "handling", DISPATCH, p.ReasonParams, guard="not_on_hold",
            summary="Put the case on hold; the handling clock stops")
    yield t("handling", "resume", "handling", DISPATCH + ("department",), p.NoteParams,
            guard="on_hold", summary="End the hold; the handling clock runs again")
    yield t("handling", "submit_result", "supervision", ("department",), p.ResultParams,
            summary="Report the result with photos (反馈)")
    yield t("supervision", "verify", {True: "evaluation", False: "handling"},
            ("grid_worker",) + DISPATCH, p.VerifyParams, branch="passed",
            summary="Check the result on site (核查); a failure is rework (返工)")
    yield t("evaluation", "evaluate", "evaluation", ("grid_worker", "reporter") + DISPATCH,
            p.EvaluateParams, guard="score_by_dispatch",
            summary="Record satisfaction from a return visit (回访) and score the unit")
    yield t("evaluation", "close", "closed", DISPATCH, p.NoteParams,
            summary="Close the case (结案)")
    yield t("evaluation", "reopen", "handling", DISPATCH, p.ReasonParams,
            summary="Send the case back to handling after a dissatisfied evaluation")
    for state in ("assignment", "handling", "supervision"):
        yield t(state, "supervise", state, DISPATCH, p.SuperviseParams,
                summary="Issue a supervision order (督办单) to the lead unit")
    for state in ("screening", "assignment", "handling"):
        yield t(state, "whistle", state, DISPATCH + ("department",), p.WhistleParams,
                guard="lead_unit_set", summary="Blow the whistle (吹哨): summon units to the case")
    for state in OPEN_STATES:
        yield t(state, "comment", state, ("grid_worker",) + DISPATCH + ("department",),
                p.CommentParams, summary="Add a note to the timeline")


TABLE = {(row.state, row.action): row for row in _rows()}
ACTIONS = sorted({action for _, action in TABLE})


def transitions_from(state):
    """Return the transitions allowed in `state`, in table order."""
    return [row for (s, _), row in TABLE.items() if s == state]
