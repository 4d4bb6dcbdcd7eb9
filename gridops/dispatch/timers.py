"""Timer scheduling: after a commit, queue the RQ job of every deadline the transaction touched.

Placeholder for the timer work of issue 4; `init_app` is already called by `create_app`.
"""


def init_app(app):
    """Hook the after-commit scheduler into the app (nothing yet)."""
