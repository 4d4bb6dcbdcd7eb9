"""Rates, composite scores and grades, derived from aggregated counts (a few hundred rows).

A rate whose denominator is zero is not applicable (None): a unit nobody whistled has no
check-in rate, and the report prints 不适用 rather than 0 % or a crash.
"""
from dataclasses import dataclass

from gridops.reports.indicators import GRADE, INDICATORS, RATE, SCORE

DEFAULT_WEIGHTS = (0.1, 0.5, 0.4)
DEFAULT_GRADES = (("A", 90.0), ("B", 75.0), ("C", 60.0), ("D", 40.0))
LOWEST_GRADE = "E"
#: The three rates of the composite score, in the order of the weights.
COMPOSITE_RATES = ("response_rate", "solve_rate", "satisfaction_rate")


@dataclass(frozen=True)
class Scoring:
    """Composite weights and grade thresholds, from configuration."""

    weights: tuple = DEFAULT_WEIGHTS
    grades: tuple = DEFAULT_GRADES

    @classmethod
    def from_config(cls, config):
        """Read GRIDOPS_REPORT_WEIGHTS ("0.1,0.5,0.4") and GRIDOPS_REPORT_GRADES ("A:90,…")."""
        weights = _floats(config.get("GRIDOPS_REPORT_WEIGHTS")) or DEFAULT_WEIGHTS
        if len(weights) != len(COMPOSITE_RATES):
            raise ValueError("GRIDOPS_REPORT_WEIGHTS needs three weights: 响应率, 解决率, 满意率")
        grades = _grades(config.get("GRIDOPS_REPORT_GRADES")) or DEFAULT_GRADES
        return cls(tuple(weights), grades)

    def grade(self, score):
        """Return the grade letter of a composite score, or None when it is not applicable."""
        if score is None:
            return None
        return next((letter for letter, floor in self.grades if score >= floor), LOWEST_GRADE)


def derive(values, scoring):
    """Return `values` (aggregated counts) with every rate, score and grade added."""
    out = dict(values)
    for row in INDICATORS.values():
        if row.kind == RATE:
            out[row.key] = rate(out, row)
    for row in INDICATORS.values():
        if row.kind == SCORE:
            out[row.key] = composite(out, scoring.weights)
        elif row.kind == GRADE:
            out[row.key] = scoring.grade(out.get("composite"))
    return out


def rate(values, row):
    """Return a rate indicator's value, or None when its denominator is zero or missing."""
    denominator = values.get(row.den) or 0
    if denominator == 0:
        return None
    return sum((values.get(key) or 0) * weight for key, weight in row.num) / denominator


def composite(values, weights):
    """Return 100 × the weighted sum of the three visit rates, or None without visits."""
    rates = [values.get(key) for key in COMPOSITE_RATES]
    if any(r is None for r in rates):
        return None
    return 100 * sum(w * r for w, r in zip(weights, rates))


def change(current, previous):
    """Return current − previous, or None when either is not applicable (or a grade)."""
    if not isinstance(current, (int, float)) or not isinstance(previous, (int, float)):
        return None
    return current - previous


def _floats(text):
    if not text:
        return None
    return [float(part) for part in str(text).split(",")]


def _grades(text):
    if not text:
        return None
    pairs = [part.split(":") for part in str(text).split(",")]
    return tuple(sorted(((letter.strip(), float(floor)) for letter, floor in pairs),
                        key=lambda pair: -pair[1]))
