"""Notifications: the outbox written with the event, delivered to each channel after the commit.

`notify` writes the in-app inbox at once (it is only rows) and one outbox row per outside
channel (WeCom, DingTalk, e-mail, webhook). After the commit a `deliver` job sends each; the
sweep re-sends whatever is still pending, with exponential backoff up to a cap.
"""
from gridops.notify.outbox import init_app as _init_outbox
from gridops.notify.outbox import local_text, notify  # noqa: F401

def init_app(app):
    """Queue deliveries after each commit (the settings are in gridops.config)."""
    _init_outbox(app)
