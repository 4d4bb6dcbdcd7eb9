"""Notification channels of units (and of streets): where their notices are delivered."""
from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from gridops.console import admin_bp, labels
from gridops.console.access import missing
from gridops.console.admin.common import done, refused
from gridops.console.admin.operations import add_channel
from gridops.dispatch.models import Channel, OutboxMessage, Unit
from gridops.dispatch.models.notify import CHANNELS
from gridops.errors import DomainError
from gridops.extensions import db
from gridops.geo.models import Area


def _page(error=None, form=None):
    units = db.session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.active)
                               .order_by(Unit.kind, Unit.code)).all()
    streets = db.session.execute(select(Area.code, Area.name).where(
        Area.valid_to.is_(None), Area.level == "street").order_by(Area.code)).all()
    channels = db.session.scalars(select(Channel).order_by(Channel.unit_id, Channel.area_code,
                                                           Channel.id)).all()
    return render_template("console/admin/channels.html", channels=channels, units=units,
                           unit_names={u.id: u.name for u in units}, streets=streets,
                           street_names=dict(streets), kinds=CHANNELS, labels=labels,
                           error=error, form=form or {})


@admin_bp.get("/channels")
def channels():
    """Show every channel and the form to add one."""
    return _page()


@admin_bp.post("/channels")
def save_channel():
    """Add a channel to a unit or a street."""
    form = request.form
    owner = form.get("owner", "")
    kind_of_owner, _sep, code = owner.partition(":")
    try:
        add_channel(db.session, form.get("kind", ""), form.get("target", ""),
                    form.get("secret"), unit_code=code if kind_of_owner == "unit" else None,
                    area_code=code if kind_of_owner == "area" else None)
    except DomainError as error:
        return refused(error, lambda message: _page(message, form))
    return done(_("Channel added."), "console_admin.channels")


@admin_bp.post("/channels/<int:channel_id>/toggle")
def toggle_channel(channel_id):
    """Switch a channel off (notices wait in the outbox and die) or on again."""
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        return missing(_("There is no such channel."))
    channel.enabled = not channel.enabled
    return done(_("Channel switched on.") if channel.enabled else _("Channel switched off."),
                "console_admin.channels")


@admin_bp.post("/channels/<int:channel_id>/delete")
def delete_channel(channel_id):
    """Remove a channel."""
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        return missing(_("There is no such channel."))
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.channel_id == channel_id)
                         .limit(1)):
        # Its delivered and failed notices keep pointing at it: the history stays readable.
        return _page(_("This channel has notices in its history: switch it off instead.")), 409
    db.session.delete(channel)
    return done(_("Channel removed."), "console_admin.channels")
