"""Every indicator of the weekly report, defined once: name, formula, and the SQL that counts it.

`docs/indicators.md`, the report's appendix, the SQL aggregates and the drill-down lists are
all generated from `INDICATORS`, so a formula printed next to a number is the formula that
computed it. A count's `sql` is a condition on one row of the facts (one case in one week, or
one summons of a week's whistle; the columns are listed in `gridops.reports.facts`); `{key}`
stands for another indicator's condition. Rates are ratios of counts with an explicit
denominator: when it is zero the rate is not applicable (None), never a division by zero.
"""
import re
from dataclasses import dataclass

COUNT, SUM, DISTINCT, MEDIAN, P90, MEAN, RATE, SCORE, GRADE = (
    "count", "sum", "distinct", "median", "p90", "mean", "rate", "score", "grade")
CASE, SUMMONS = "case", "summons"
#: Kinds computed in SQL; the others are computed from them after aggregation.
AGGREGATED = (COUNT, SUM, DISTINCT, MEDIAN, P90, MEAN)


@dataclass(frozen=True)
class Indicator:
    key: str
    #: The Chinese name printed in reports.
    name: str
    kind: str
    #: The written formula, printed in the appendix and in docs/indicators.md.
    formula: str
    #: Table group the indicator is shown in.
    group: str
    #: Facts it is computed over: one row per case-week, or per summons-week.
    fact: str = CASE
    #: count: a condition; sum/distinct: a value; median/p90/mean: the value measured.
    sql: str = ""
    #: median/p90/mean: the count whose rows are measured; sum/distinct: the drill-down rows.
    over: str = ""
    #: rate: numerator as ((count key, weight), …) and the denominator's count key.
    num: tuple = ()
    den: str = ""
    #: int, pct, hours, minutes, score, grade or number.
    fmt: str = "int"

    @property
    def drill_keys(self):
        """Return the counts whose rows stand behind this number (for drill-down links)."""
        if self.kind == COUNT:
            return (self.key,)
        if self.kind == RATE:
            return tuple(dict.fromkeys([k for k, _ in self.num] + [self.den]))
        if self.kind in (SCORE, GRADE):
            return ("visited",)
        return (self.over,)


GROUPS = {
    "intake": "受理与派遣", "closure": "结案", "handling": "处置", "backlog": "积存、督办与吹哨",
    "checkin": "吹哨报到", "visit": "回访评价",
}

_LATE_CLOCKS = "甄别、现场核实、签收、办理、核查"


def _rows():
    i = Indicator
    # Intake: the cases reported this week (a cohort), and what became of them by the week's end.
    yield i("received", "上报数", COUNT, "本周上报的案件数（上报时间在本周内）", "intake",
            sql="reported_at >= ws AND reported_at < we")
    yield i("accepted", "立案数", COUNT,
            "本周上报、周末前已受理（或自行处置）的案件数", "intake",
            sql="{received} AND (self_handled OR accepted_at < we)")
    yield i("valid_rate", "有效上报率", RATE, "立案数 ÷ 上报数", "intake",
            num=(("accepted", 1),), den="received", fmt="pct")
    yield i("self_handled", "自行处置数", COUNT, "本周上报、网格员现场自行处置的案件数", "intake",
            sql="{received} AND self_handled")
    yield i("self_handled_rate", "自行处置率", RATE, "自行处置数 ÷ 立案数", "intake",
            num=(("self_handled", 1),), den="accepted", fmt="pct")
    yield i("dispatched", "派遣数", COUNT,
            "本周上报、周末前已受理并派遣给处置单位（部门或网格工作站）的案件数（私事与自行处置除外）",
            "intake",
            sql="{received} AND NOT self_handled AND accepted_at < we AND triage <> 'private'")
    yield i("dispatched_clean", "准确派遣数", COUNT, "派遣后无退回、无改派的派遣案件数", "intake",
            sql="{dispatched} AND return_count = 0 AND reassign_count = 0")
    yield i("dispatch_accuracy", "准确派遣率", RATE, "准确派遣数 ÷ 派遣数", "intake",
            num=(("dispatched_clean", 1),), den="dispatched", fmt="pct")
    yield i("cohort_handled", "本周上报已处置", COUNT,
            "本周上报、周末前已反馈处置结果、自行处置或私事已答复的案件数", "intake",
            sql="{received} AND (self_handled OR handled_at < we"
                " OR (triage = 'private' AND accepted_at < we))")
    yield i("cohort_closed", "本周上报已结案", COUNT, "本周上报、周末前已结案的案件数", "intake",
            sql="{received} AND state = 'closed' AND closed_at < we")
    # Closure: what closed this week against what was due to close.
    yield i("closed", "结案数", COUNT, "结案时间在本周内的案件数（不予受理、合并的不计）", "closure",
            sql="state = 'closed' AND closed_at >= ws AND closed_at < we")
    yield i("closed_on_time", "按期结案数", COUNT,
            f"本周结案、且{_LATE_CLOCKS}各环节均未超过时限的案件数", "closure",
            sql="{closed} AND (late_since IS NULL OR late_since >= closed_at)")
    yield i("due_close", "应结案数", COUNT, "结案数 + 期末超期未结数", "closure",
            sql="{closed} OR {overdue_end}")
    yield i("closure_rate", "结案率", RATE, "结案数 ÷ 应结案数", "closure",
            num=(("closed", 1),), den="due_close", fmt="pct")
    yield i("on_time_closure_rate", "按期结案率", RATE, "按期结案数 ÷ 应结案数", "closure",
            num=(("closed_on_time", 1),), den="due_close", fmt="pct")
    yield i("reworked", "返工数", COUNT, "应结案件中核查不通过或回访后重办过（返工次数 > 0）的案件数",
            "closure", sql="{due_close} AND rework_count > 0")
    yield i("rework_rate", "返工率", RATE, "返工数 ÷ 应结案数", "closure",
            num=(("reworked", 1),), den="due_close", fmt="pct")
    # Handling: the departments' part, against the handling limit.
    yield i("handled", "处置数", COUNT, "本周反馈处置结果的案件数（处置时间在本周内）", "handling",
            sql="handled_at >= ws AND handled_at < we")
    yield i("handled_on_time", "按时处置数", COUNT, "本周处置、且办理时限从未超时的案件数",
            "handling",
            sql="{handled} AND (handling_late_since IS NULL OR handling_late_since >= handled_at)")
    yield i("due_handle", "应处置数", COUNT, "处置数 + 期末办理已超时仍未反馈的案件数", "handling",
            sql="{handled} OR ({open_end} AND handling_overdue_at_end)")
    yield i("on_time_handling_rate", "按时处置率", RATE, "按时处置数 ÷ 应处置数", "handling",
            num=(("handled_on_time", 1),), den="due_handle", fmt="pct")
    yield i("handling_hours_median", "处置用时中位数", MEDIAN,
            "本周处置案件从受理到反馈处置结果的工作时（按街道工作日历，扣除午休、夜间与节假日）的中位数",
            "handling", sql="work_hours", over="handled", fmt="hours")
    yield i("handling_hours_p90", "处置用时P90", P90, "同上，第 90 百分位数", "handling",
            sql="work_hours", over="handled", fmt="hours")
    # Backlog, supervision and whistles.
    yield i("active", "本周在办案件数", COUNT, "周末前上报、周初尚未办结的案件数", "backlog",
            sql="reported_at < we AND (closed_at IS NULL OR closed_at >= ws)")
    yield i("open_end", "期末积存数", COUNT, "周末（下周一 00:00）时仍未办结的案件数", "backlog",
            sql="reported_at < we AND (closed_at IS NULL OR closed_at >= we)")
    yield i("overdue_end", "期末超期数", COUNT,
            f"期末积存中、{_LATE_CLOCKS}某一环节正在计时且已超过时限的案件数", "backlog",
            sql="{open_end} AND overdue_at_end")
    yield i("supervision_orders", "督办单数", SUM, "本周下发的督办单数（计入案件所在区域与主办单位）",
            "backlog", sql="orders", over="supervised")
    yield i("supervised", "被督办案件数", COUNT, "本周收到督办单的案件数", "backlog",
            sql="orders > 0")
    yield i("whistled", "吹哨案件数", COUNT, "本周被吹哨（街乡吹哨、部门报到）的案件数", "backlog",
            sql="whistles > 0")
    yield i("whistle_rate", "吹哨率", RATE, "吹哨案件数 ÷ 本周在办案件数", "backlog",
            num=(("whistled", 1),), den="active", fmt="pct")
    yield i("escalated", "升级区级案件数", COUNT,
            "本周按升级规则上报区级，或因未按时报到升级到区级的案件数", "backlog",
            sql="escalated")
    # Check-ins (报到): one row per unit summoned by a whistle blown this week.
    yield i("whistles", "吹哨次数", DISTINCT, "本周吹哨次数（同一哨召集多个单位计一次）", "checkin",
            fact=SUMMONS, sql="whistle_id", over="summoned")
    yield i("summoned", "召集单位次数", COUNT, "本周吹哨召集的单位次数", "checkin", fact=SUMMONS,
            sql="TRUE")
    yield i("checked_in", "报到数", COUNT, "召集后周末前已报到的单位次数", "checkin", fact=SUMMONS,
            sql="checked_in_at < we")
    yield i("checked_in_on_time", "按时报到数", COUNT, "在报到时限内报到的单位次数", "checkin",
            fact=SUMMONS, sql="{checked_in} AND checked_in_at <= checkin_due_at")
    yield i("missed_checkins", "未按时报到数", COUNT, "报到时限已过而未报到或迟到的单位次数",
            "checkin", fact=SUMMONS,
            sql="checkin_due_at < we AND (checked_in_at IS NULL OR checked_in_at > checkin_due_at)")
    yield i("due_checkins", "应报到数", COUNT, "报到时限在周末前已到、或已报到的单位次数", "checkin",
            fact=SUMMONS, sql="checkin_due_at < we OR {checked_in}")
    yield i("checkin_rate", "按时报到率", RATE, "按时报到数 ÷ 应报到数", "checkin",
            fact=SUMMONS, num=(("checked_in_on_time", 1),), den="due_checkins", fmt="pct")
    yield i("checkin_minutes_median", "报到用时中位数", MEDIAN,
            "从召集到报到的自然分钟数的中位数", "checkin", fact=SUMMONS,
            sql="checkin_minutes", over="checked_in", fmt="minutes")
    yield i("checkin_minutes_p90", "报到用时P90", P90, "同上，第 90 百分位数", "checkin",
            fact=SUMMONS, sql="checkin_minutes", over="checked_in", fmt="minutes")
    # Return visits (回访): the latest visit of each case this week.
    yield i("visited", "回访数", COUNT, "本周回访（评价）的案件数；一案多次回访取本周最后一次", "visit",
            sql="visit_satisfaction IS NOT NULL")
    yield i("contacted", "联系上数", COUNT, "回访中联系上诉求人的案件数", "visit",
            sql="{visited} AND visit_contacted")
    yield i("solved", "解决数", COUNT,
            "回访中表示问题已解决的案件数（未询问是否解决时，满意或基本满意视为解决）", "visit",
            sql="{visited} AND visit_solved")
    yield i("satisfied", "满意数", COUNT, "回访评价为满意的案件数", "visit",
            sql="visit_satisfaction = 'satisfied'")
    yield i("basically_satisfied", "基本满意数", COUNT, "回访评价为基本满意的案件数", "visit",
            sql="visit_satisfaction = 'basically_satisfied'")
    yield i("dissatisfied", "不满意数", COUNT, "回访评价为不满意的案件数", "visit",
            sql="visit_satisfaction = 'dissatisfied'")
    yield i("response_rate", "响应率", RATE, "联系上数 ÷ 回访数", "visit",
            num=(("contacted", 1),), den="visited", fmt="pct")
    yield i("solve_rate", "解决率", RATE, "解决数 ÷ 回访数", "visit",
            num=(("solved", 1),), den="visited", fmt="pct")
    yield i("satisfaction_rate", "满意率", RATE, "（满意数 + 0.9 × 基本满意数）÷ 回访数", "visit",
            num=(("satisfied", 1), ("basically_satisfied", 0.9)), den="visited", fmt="pct")
    yield i("unit_score_mean", "部门评分均值", MEAN, "本周回访案件中指挥中心给主办单位打分（0–100）的平均值",
            "visit", sql="unit_score", over="visited", fmt="number")
    yield i("composite", "综合得分", SCORE,
            "100 ×（a × 响应率 + b × 解决率 + c × 满意率），默认 a = 0.1、b = 0.5、c = 0.4（可配置）",
            "visit", fmt="score")
    yield i("grade", "等级", GRADE,
            "综合得分 ≥ 90 为 A，≥ 75 为 B，≥ 60 为 C，≥ 40 为 D，其余为 E（阈值可配置）", "visit",
            fmt="grade")


INDICATORS = {row.key: row for row in _rows()}
_REFERENCE = re.compile(r"\{(\w+)\}")


def condition(key):
    """Return the SQL condition of count `key` with every `{other}` expanded, parenthesised."""
    row = INDICATORS[key]
    if row.kind != COUNT:
        raise ValueError(f"{key} is a {row.kind}, not a count: it has no condition")
    return "(" + _REFERENCE.sub(lambda m: condition(m[1]), row.sql) + ")"


def of_fact(fact, kinds=None):
    """Return the indicators computed over `fact`, optionally only those of `kinds`."""
    return [row for row in INDICATORS.values()
            if row.fact == fact and (kinds is None or row.kind in kinds)]


def in_group(group):
    """Return the indicators shown in table group `group`, in definition order."""
    return [row for row in INDICATORS.values() if row.group == group]
