"""Validate a grid layer and report every problem at once, each naming the feature's code."""
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely

from gridops.geo import topology
from gridops.geo.features import LEVELS, Feature
from gridops.geo.frame import LocalFrame, wgs84_geod
from gridops.geo.rings import build_geometry


@dataclass(frozen=True)
class Rules:
    """What a valid layer looks like; the defaults follow Beijing's 6/9/12/15-digit scheme."""

    code_lengths: tuple = (("district", 6), ("street", 9), ("community", 12), ("grid", 15))
    digits_only: bool = True
    child_code_extends_parent: bool = True
    outside_tolerance_m: float = 1.0
    overlap_tolerance_m2: float = 0.1
    gap_tolerance_m2: float = 1.0


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: str = "error"  # error, warning or fixed

    def __str__(self):
        return f"{self.severity}: {self.code}: {self.message}"


@dataclass
class Report:
    """The outcome of a validation: the features that could be built and every problem."""

    features: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def fixes(self):
        return [p for p in self.problems if p.severity == "fixed"]

    @property
    def ok(self):
        return not self.errors

    def add(self, code, message, severity="error"):
        self.problems.append(Problem(code, message, severity))


def validate(raw_features, rules=Rules(), fix=False):
    """Return a Report on `raw_features` (from reader.py); `fix` repairs what is safe to."""
    report, geod = Report(), wgs84_geod()
    _check_properties(raw_features, report)
    _check_duplicates(raw_features, report)
    for raw in raw_features:
        built = build_geometry(raw, geod, fix)
        for message in built.errors:
            report.add(raw.label, message)
        for message in built.fixes:
            report.add(raw.label, message, "fixed")
        if built.geometry is not None:
            report.features.append(Feature(raw.code, raw.level, raw.parent, built.geometry, raw.name))
    by_code = _first_by_code(report.features)
    _check_hierarchy(raw_features, {r.code: r for r in reversed(raw_features)}, rules, report)
    _check_topology(list(by_code.values()), by_code, rules, geod, report)
    return report


def _check_properties(raw_features, report):
    for raw in raw_features:
        if not raw.code:
            report.add(raw.label, "has no code")
        if raw.level not in LEVELS:
            report.add(raw.label, f"level {raw.level!r} is not one of {', '.join(LEVELS)}")
        if not raw.name:
            report.add(raw.label, "has no name", "warning")


def _check_duplicates(raw_features, report):
    counts = Counter(r.code for r in raw_features if r.code)
    for code, n in sorted(counts.items()):
        if n > 1:
            where = ", ".join(f"#{r.index + 1}" for r in raw_features if r.code == code)
            report.add(code, f"code appears {n} times (features {where})")


def _first_by_code(features):
    by_code = {}
    for f in features:
        by_code.setdefault(f.code, f)
    return by_code


def _check_hierarchy(raw_features, raw_by_code, rules, report):
    lengths = dict(rules.code_lengths)
    for raw in raw_features:
        if raw.level not in LEVELS or not raw.code:
            continue
        for message in _parent_problems(raw, raw_by_code) + _code_problems(raw, lengths, rules):
            report.add(raw.code, message)


def _parent_problems(raw, raw_by_code):
    depth = LEVELS.index(raw.level)
    if not raw.parent:
        return [] if depth == 0 else [f"is a {raw.level} without a parent; only a {LEVELS[0]} "
                                      "may be at the top"]
    parent = raw_by_code.get(raw.parent)
    if parent is None:
        return [f"unknown parent {raw.parent}"]
    if depth == 0 or parent.level != LEVELS[depth - 1]:
        expected = f"a {LEVELS[depth - 1]}" if depth else "no parent"
        return [f"is a {raw.level} but its parent {raw.parent} is a {parent.level or '?'}; "
                f"expected {expected}"]
    return []


def _code_problems(raw, lengths, rules):
    problems = []
    want = lengths.get(raw.level)
    if want is not None and len(raw.code) != want:
        problems.append(f"code has {len(raw.code)} characters; a {raw.level} code has {want}")
    if rules.digits_only and not raw.code.isdigit():
        problems.append("code must be digits only")
    if rules.child_code_extends_parent and raw.parent and not raw.code.startswith(raw.parent):
        problems.append(f"code does not start with its parent's code {raw.parent}")
    return problems


def _check_topology(features, by_code, rules, geod, report):
    if not features:
        return
    frame = LocalFrame.around(shapely.total_bounds(
        np.array([f.geometry for f in features], dtype=object)))
    for code, message in topology.outside_parents(features, by_code, frame, geod,
                                                  rules.outside_tolerance_m):
        report.add(code, message)
    for code, message in topology.overlaps(features, geod, rules.overlap_tolerance_m2):
        report.add(code, message)
    for code, message in topology.gaps(features, by_code, geod, rules.gap_tolerance_m2):
        report.add(code, message, "warning")
