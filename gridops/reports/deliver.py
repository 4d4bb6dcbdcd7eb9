"""Send an archived report to the area's channels: outbox rows the notify package delivers.

E-mail gets the PDF and the XLSX attached (referenced by path and checksum in the payload);
WeCom and DingTalk robots get the headline numbers and a link; webhooks get the summary as
JSON. Rows are written in the caller's transaction and queued after its commit.
"""
from sqlalchemy import select

from gridops.dispatch.models import Channel, OutboxMessage
from gridops.notify.outbox import WRITTEN
from gridops.reports.archive import report_dir
from gridops.reports.fmt import value_text
from gridops.reports.indicators import INDICATORS

TOPIC = "report.weekly"
ATTACHED = ("pdf", "xlsx")
LINE = ("received", "closed", "closure_rate", "on_time_closure_rate", "overdue_end",
        "satisfaction_rate", "composite", "grade")


def report_url(config, archive, fmt=None):
    """Return the console link of an archived report (or of one of its files)."""
    base = (config.get("GRIDOPS_PUBLIC_URL") or "").rstrip("/")
    return f"{base}/reports/{archive.id}" + (f"/{fmt}" if fmt else "")


def summary_text(archive):
    """Return the report's headline as one paragraph of Chinese."""
    values = archive.summary.get("values", {})
    if archive.summary.get("empty"):
        return f"{archive.area_name}{archive.period}：本周无案件。"
    parts = [f"{INDICATORS[k].name} {value_text(values.get(k), INDICATORS[k].fmt)}"
             for k in LINE]
    bottom = archive.summary.get("bottom_units") or []
    tail = f"；末三位部门：{'、'.join(bottom)}" if bottom else ""
    escalated = archive.summary.get("escalated") or 0
    return (f"{archive.area_name}{archive.period}：" + "，".join(parts) + tail
            + f"；升级区级案件 {escalated} 件。")


def deliver(session, archive, config, now):
    """Write one outbox row per enabled channel of the report's area; return the rows."""
    channels = session.scalars(select(Channel).where(
        Channel.area_code == archive.area_code, Channel.unit_id.is_(None), Channel.enabled,
        Channel.kind.in_(("email", "wecom", "dingtalk", "webhook"))).order_by(Channel.id))
    rows = [_message(channel, archive, config, now) for channel in channels]
    session.add_all(rows)
    session.info.setdefault(WRITTEN, []).extend(rows)
    return rows


def _message(channel, archive, config, now):
    subject = f"【周报】{archive.area_name} {archive.period}"
    link = report_url(config, archive)
    payload = {"report_id": archive.id, "period": archive.period, "area": archive.area_code,
               "url": link, "summary": archive.summary}
    if channel.kind == "email":
        payload["attachments"] = _attachments(archive, config)
        body = f"{summary_text(archive)}\n\n附件为周报 PDF 与 XLSX；在线查看：{link}"
    else:
        body = f"{summary_text(archive)}\n\n[查看周报]({link})"
    return OutboxMessage(channel_id=channel.id, topic=TOPIC, subject=subject, body=body,
                         payload=payload, created_at=now, next_attempt_at=now)


def _attachments(archive, config):
    root = report_dir(config).resolve()
    return [{"path": str(root / f.path), "filename": f.path.rsplit("/", 1)[-1],
             "media_type": f.media_type, "sha256": f.sha256, "size": f.size}
            for f in archive.files if f.format in ATTACHED]
