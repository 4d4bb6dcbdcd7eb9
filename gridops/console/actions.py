"""The case page's action forms, derived from the transition table and its params models.

Which forms show is the table's answer for this user and this case now (role, scope, state,
and the guards that depend on the case alone); which fields each form has, and which are
required, comes from the action's pydantic model. Nothing here decides anew: `apply_action`
checks everything again when the form is sent.
"""
import types
import typing
from dataclasses import dataclass

from annotated_types import Ge, Gt, Le, MaxLen

from gridops.api.incidents import allowed_actions
from gridops.dispatch.decide import GUARDS
from gridops.dispatch.operations import facts_of
from gridops.dispatch.transitions import TABLE
from gridops.errors import InvalidTransition

#: Guards decided by the case alone: a form whose guard refuses now is not shown.
CASE_GUARDS = {"no_pending_request", "pending_request", "pending_extension", "on_hold",
               "not_on_hold"}
#: Guards that depend on what the form sends: the form shows, and a refusal is explained.
FIELD_GUARDS = {"advice_for_private", "score_by_dispatch", "lead_unit_set"}
#: Widgets for fields whose name says more than their type.
NAMED_WIDGETS = {"note": "textarea", "reason": "textarea", "lead_unit": "unit",
                 "co_units": "units", "units": "units", "category": "category",
                 "photos": "photos", "into": "case"}


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its widget, whether it is required, its choices and limits."""

    name: str
    widget: str
    required: bool
    choices: tuple = ()
    default: object = None
    max_length: int | None = None
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class ActionForm:
    action: str
    summary: str
    fields: tuple


def forms_for(incident, actor):
    """Return the ActionForms this actor may use on the case now, in table order."""
    facts = facts_of(incident)
    rows = [TABLE[(incident.state, action)] for action in allowed_actions(incident, actor)]
    return [ActionForm(row.action, row.summary, fields_of(row.params)) for row in rows
            if _guard_passes(row, facts, actor)]


def _guard_passes(row, facts, actor):
    if row.guard is None or row.guard in FIELD_GUARDS:
        return True
    try:
        GUARDS[row.guard](facts, {}, actor)
    except InvalidTransition:
        return False
    return True


def fields_of(model):
    """Return the FieldSpecs of a params model: required first, the note last."""
    specs = [_spec(name, info) for name, info in model.model_fields.items()]
    return tuple(sorted(specs, key=lambda s: (not s.required, s.name == "note")))


def _spec(name, info):
    annotation = _unwrap(info.annotation)
    limits = {type(m): m for m in info.metadata}
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    widget, choices = _widget(name, annotation, info.is_required(), default)
    low = getattr(limits.get(Ge), "ge", None)
    if Gt in limits:
        low = limits[Gt].gt + 1
    return FieldSpec(name, widget, info.is_required(), choices, default,
                     getattr(limits.get(MaxLen), "max_length", None), low,
                     getattr(limits.get(Le), "le", None))


def _unwrap(annotation):
    """Return the type inside an Optional."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def _widget(name, annotation, required, default):
    if typing.get_origin(annotation) is typing.Literal:
        return "choice", typing.get_args(annotation)
    if name in NAMED_WIDGETS:
        return NAMED_WIDGETS[name], ()
    if annotation is bool:
        # A bool with a default is a tick box; one without (or optional) asks yes or no.
        return ("check" if isinstance(default, bool) else "yesno"), ()
    if annotation is int:
        return "number", ()
    return "text", ()


def raw_fields(specs, form, photos=()):
    """Return the action's fields from a submitted form, as `apply_action` takes them.

    Empty answers are left out, so the params model names what is missing; `photos` are the
    ids of the photos stored from the upload.
    """
    raw = {}
    for spec in specs:
        value = _value(spec, form, photos)
        if value is not None:
            raw[spec.name] = value
    return raw


def _value(spec, form, photos):
    if spec.widget == "photos":
        return list(photos)
    if spec.widget == "units":
        return [code for code in form.getlist(spec.name) if code.strip()]
    if spec.widget == "check":
        return form.get(spec.name) == "yes"
    if spec.widget == "yesno":
        return {"yes": True, "no": False}.get(form.get(spec.name))
    text = (form.get(spec.name) or "").strip()
    return text or None


def start_values(form, prefill, sent=None):
    """Return {field: value} a form shows: what was sent (after a refusal), else the prefill."""
    if sent is not None:
        return {s.name: sent.getlist(s.name) if s.widget == "units" else sent.get(s.name, "")
                for s in form.fields}
    return {s.name: _shown(s, prefill.get(s.name, s.default)) for s in form.fields}


def _shown(spec, value):
    # Booleans show as the yes/no the form sends; None as an empty field.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value
