"""Notifications: the outbox written with the event, delivered to each channel after the commit.

`notify` writes the in-app inbox at once (it is only rows) and one outbox row per outside
channel (WeCom, DingTalk, e-mail, webhook). After the commit a `deliver` job sends each; the
sweep re-sends whatever is still pending, with exponential backoff up to a cap.
"""
from gridops.config import Setting
from gridops.notify.outbox import init_app as _init_outbox
from gridops.notify.outbox import local_text, notify  # noqa: F401

SETTINGS = [
    Setting("GRIDOPS_NOTIFY_MAX_ATTEMPTS", "GRIDOPS_NOTIFY_MAX_ATTEMPTS", "8",
            "Delivery attempts before an outbox message is marked dead and shown to admins", int),
    Setting("GRIDOPS_NOTIFY_BACKOFF_SECONDS", "GRIDOPS_NOTIFY_BACKOFF_SECONDS", "30",
            "Wait after the first failed delivery; doubled after each further failure", int),
    Setting("GRIDOPS_NOTIFY_BACKOFF_CAP_SECONDS", "GRIDOPS_NOTIFY_BACKOFF_CAP_SECONDS", "3600",
            "Longest wait between two delivery attempts", int),
    Setting("GRIDOPS_WEBHOOK_TIMEOUT", "GRIDOPS_WEBHOOK_TIMEOUT", "10",
            "Seconds to wait for a webhook or robot to answer", float),
    Setting("GRIDOPS_WEBHOOK_ALLOW_HTTP", "GRIDOPS_WEBHOOK_ALLOW_HTTP", "0",
            "Allow plain-http webhook URLs to other hosts (http to 127.0.0.1 is always allowed)",
            int),
    Setting("GRIDOPS_SMTP_HOST", "GRIDOPS_SMTP_HOST", "",
            "SMTP server for e-mail channels; empty disables e-mail (messages fail, then die)"),
    Setting("GRIDOPS_SMTP_PORT", "GRIDOPS_SMTP_PORT", "587", "SMTP port", int),
    Setting("GRIDOPS_SMTP_SECURITY", "GRIDOPS_SMTP_SECURITY", "starttls",
            "starttls, ssl (implicit TLS, usually port 465) or none (local relays only)"),
    Setting("GRIDOPS_SMTP_USER", "GRIDOPS_SMTP_USER", "", "SMTP login; empty: no login"),
    Setting("GRIDOPS_SMTP_PASSWORD", "GRIDOPS_SMTP_PASSWORD", "", "SMTP password"),
    Setting("GRIDOPS_SMTP_FROM", "GRIDOPS_SMTP_FROM", "gridops@localhost",
            "Sender address of notification e-mails"),
]


def init_app(app):
    """Give the app the notification settings' defaults; queue deliveries after each commit."""
    from gridops.dispatch import queues
    queues.init_app(app, SETTINGS)
    _init_outbox(app)
