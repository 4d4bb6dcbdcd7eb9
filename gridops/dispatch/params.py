"""The fields each action takes: validated by pydantic, the same models the OpenAPI document uses."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Triage = Literal["private", "small", "big", "hard"]
Urgency = Literal["normal", "urgent"]
Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]
WhistleReason = Literal["public_demand", "enforcement", "emergency", "sla_breach"]
Text = Field(min_length=1, max_length=2000)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NoteParams(Params):
    note: str | None = Field(None, max_length=2000)


class AcceptParams(NoteParams):
    """Accept at screening with a 四事分流 triage; units default from the responsibility list."""

    triage: Triage
    category: str | None = Field(None, description="Category key such as event:0102")
    urgency: Urgency | None = None
    lead_unit: str | None = Field(None, description="Unit code; default from the responsibility list")
    co_units: list[str] | None = None


class ReasonParams(Params):
    reason: str = Text


class MergeParams(NoteParams):
    into: str = Field(description="Case number of the incident this one duplicates")


class ConfirmParams(NoteParams):
    """A grid worker's on-site check (核实) of a resident report."""

    found: bool


class AssignParams(NoteParams):
    lead_unit: str
    co_units: list[str] | None = None


class ExtensionParams(Params):
    minutes: int = Field(gt=0, le=60 * 24 * 90, description="Extra limit, in the limit's own time")
    reason: str = Text


class DenyParams(Params):
    reason: str | None = Field(None, max_length=2000)


class ResultParams(Params):
    note: str = Text
    photos: list[str] = Field(default_factory=list, max_length=6,
                              description="Photo ids returned by the upload endpoint")


class VerifyParams(NoteParams):
    passed: bool
    photos: list[str] = Field(default_factory=list, max_length=6)


class EvaluateParams(NoteParams):
    """A return visit (回访) or the reporter's own rating, and the dispatcher's unit score."""

    satisfaction: Satisfaction
    contacted: bool = True
    solved: bool | None = None
    unit_score: int | None = Field(None, ge=0, le=100)


class SuperviseParams(Params):
    note: str = Text


class WhistleParams(NoteParams):
    reason: WhistleReason
    units: list[str] = Field(default_factory=list, description="Units summoned besides the lead and co-units")


class CommentParams(Params):
    note: str = Text
