"""The queues: one tab per stage with counts, filters in the URL, keyset pages."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from gridops.console import bp, filters, labels, live, queries
from gridops.console.access import console_user, now, queue_user
from gridops.extensions import db

#: Where each role starts in the console.
HOME = {"department": "console.workspace", "admin": "console_admin.home"}


@bp.get("/")
@console_user
def home():
    """Send the user to their own starting page."""
    return redirect(url_for(HOME.get(current_user.role, "console.queue")))


@bp.get("/queue", defaults={"stage": "screening"})
@bp.get("/queue/<stage>")
@queue_user
def queue(stage):
    """Show one stage's cases, soonest deadline first, with the stage tabs and their counts."""
    if stage not in queries.STAGES:
        abort(404)
    moment = now()
    chosen, choices = filters.parse(db.session, current_user, request.args)
    size = current_app.config["GRIDOPS_CONSOLE_PAGE_SIZE"]
    after = queries.parse_cursor(request.args.get("after"))
    rows, cursor = queries.queue_page(db.session, current_user, stage, chosen, moment, size,
                                      after)
    page = dict(stage=stage, rows=rows, cursor=cursor, filters=chosen, choices=choices,
                counts=queries.stage_counts(db.session, current_user, chosen, moment),
                paged=after is not None, labels=labels,
                since=live.latest_event_id(db.session))
    if request.args.get("fragment"):
        return render_template("console/_queue.html", **page)
    return render_template("console/queue.html", **page)
