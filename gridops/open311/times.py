"""Dates in the W3C profile of ISO 8601 the spec requires, always with an offset."""
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from gridops.open311.errors import BadRequest

LOCAL = ZoneInfo("Asia/Shanghai")
#: "+08:00" whose "+" a client forgot to escape arrives as " 08:00".
UNESCAPED_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def w3c(moment):
    """Return `moment` as W3C date-time in Shanghai time, e.g. 2026-11-18T10:00:00+08:00."""
    return moment.astimezone(LOCAL).isoformat(timespec="seconds") if moment else None


def parse_w3c(text, name):
    """Return the aware datetime `text` names; a date or a time without offset is Shanghai's."""
    cleaned = UNESCAPED_PLUS.sub(r"+\1", text.strip())
    try:
        moment = _parse(cleaned)
    except ValueError:
        raise BadRequest(f"{name} must be a W3C date-time such as 2026-11-18T10:00:00+08:00, "
                         f"not {text!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def _parse(text):
    if re.fullmatch(r"\d{4}", text):
        return datetime(int(text), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return datetime.strptime(text, "%Y-%m")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time())
    return datetime.fromisoformat(text)
