"""How numbers read in a report: percentages, hours, grades, and 不适用 for a rate without cases."""
from zoneinfo import ZoneInfo

NOT_APPLICABLE = "不适用"
#: Excel number formats per indicator format.
EXCEL_FORMATS = {"int": "#,##0", "pct": "0.0%", "hours": "0.0", "minutes": "0.0",
                 "score": "0.0", "number": "0.0", "grade": "@"}
DIMENSION_NAMES = {"total": "合计", "district": "区", "street": "街道", "community": "社区",
                   "grid": "网格", "unit": "部门", "category": "类别"}
STATE_NAMES = {"screening": "甄别", "assignment": "交办", "handling": "办理",
               "supervision": "督办", "evaluation": "评价", "closed": "已结案",
               "rejected": "不予受理", "merged": "已合并"}


def value_text(value, fmt):
    """Return a value as printed: 66.7%, 2.3, B, 1,234, or 不适用 when there is none."""
    if value is None:
        return NOT_APPLICABLE
    if fmt == "grade":
        return str(value)
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt in ("hours", "minutes", "score", "number"):
        return f"{value:.1f}"
    return f"{value:,}"


def change_text(delta, fmt):
    """Return a change against last week: +3, −2.5 (percentage points for rates), or ''."""
    if delta is None:
        return ""
    if fmt == "pct":
        delta *= 100
    if fmt == "int":
        amount = f"{abs(delta):,}"
    else:
        amount = f"{abs(delta):.1f}"
    if amount.strip("0.,") == "":
        return "持平"
    return ("+" if delta > 0 else "−") + amount


def local_time(moment, tz="Asia/Shanghai", pattern="%Y-%m-%d %H:%M"):
    """Return an aware instant as local wall-clock text."""
    return moment.astimezone(ZoneInfo(tz)).strftime(pattern) if moment else ""
