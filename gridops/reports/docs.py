"""Write docs/indicators.md from the definitions table, so the documentation cannot drift.

`gridops report docs` writes it; a test fails when the file differs from what this returns.
"""
from gridops.reports.derive import COMPOSITE_RATES, DEFAULT_GRADES, DEFAULT_WEIGHTS
from gridops.reports.indicators import (COUNT, GROUPS, INDICATORS, RATE, SUMMONS, condition,
                                        in_group)

KIND_NAMES = {"count": "计数", "sum": "合计", "distinct": "去重计数", "median": "中位数",
              "p90": "第 90 百分位数", "mean": "平均值", "rate": "比率", "score": "得分",
              "grade": "等级"}

INTRO = """# 周报指标定义 (weekly report indicators)

Generated from `gridops/reports/indicators.py` by `gridops report docs`; do not edit by hand.
The report's appendix prints the same formulas, and the SQL column below is the condition the
report counts with, so a number, its formula and its drill-down list always agree.

- **统计周期** A week is an ISO week in Asia/Shanghai: Monday 00:00 to the next Monday 00:00
  local time (a case reported Sunday 23:50 belongs to that week). "期末" (end of the week) is
  that next Monday 00:00.
- **Facts** Every count is taken over one row per case per week in which the case was alive
  (reported before the week ended, not finished before it began), or, for check-ins, one row
  per unit summoned by a whistle blown in the week. The row's columns (reported_at, late_since,
  overdue_at_end, visit_satisfaction …) are described in `gridops/reports/facts.py`; all are
  computed from timestamps, so a report made later says what it said on Monday.
- **Dimensions** district, street, community and grid are the areas the case was located in at
  intake; unit is the case's lead unit (主办单位), except for check-ins, where it is the summoned
  unit; category is the sub-category (小类).
- **Not applicable** A rate whose denominator is 0 is printed as 不适用 (the CSV leaves it
  empty); so are a median with nothing to measure and a score without return visits.
- **Working hours** Handling time counts office time only, on the street's working calendar
  (office hours, holidays and 调休 working weekends), computed in PostgreSQL.
"""


def indicators_markdown():
    """Return the text of docs/indicators.md."""
    parts = [INTRO, _scores()]
    for group, title in GROUPS.items():
        parts.append(f"\n## {title}\n\n| 指标 | key | 类型 | 公式 | SQL |\n|---|---|---|---|---|\n")
        parts += [_line(row) for row in in_group(group)]
    return "".join(parts)


def _scores():
    weights = "、".join(f"{INDICATORS[k].name} {w}" for k, w in zip(COMPOSITE_RATES,
                                                                    DEFAULT_WEIGHTS))
    grades = "，".join(f"{letter} ≥ {floor:g}" for letter, floor in DEFAULT_GRADES)
    return (f"- **Composite score and grade** default weights {weights} "
            "(GRIDOPS_REPORT_WEIGHTS); grades " + grades + ", below that E "
            "(GRIDOPS_REPORT_GRADES). The report prints the weights in force.\n")


def _line(row):
    fact = "（报到明细）" if row.fact == SUMMONS else ""
    return (f"| {row.name} | `{row.key}` | {KIND_NAMES[row.kind]}{fact} | {row.formula} | "
            f"{_sql(row)} |\n")


def _sql(row):
    if row.kind == COUNT:
        text = condition(row.key)
    elif row.kind == RATE:
        num = " + ".join(k if w == 1 else f"{w} × {k}" for k, w in row.num)
        text = f"({num}) / {row.den}, NULL when {row.den} = 0"
    elif row.sql:
        text = f"{row.kind}({row.sql}) over `{row.over}`"
    else:
        return "computed from the rates"
    return "`" + " ".join(text.split()).replace("|", "\\|") + "`"
