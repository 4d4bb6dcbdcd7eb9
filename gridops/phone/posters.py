"""QR-code posters: one per community, leading residents to its public report page."""
import io

import segno
from flask import current_app, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select

from gridops.extensions import db
from gridops.geo.models import Area
from gridops.phone import public
from gridops.phone.context import scope_codes
from gridops.phone.resident import community_or_404
from gridops.web.access import signed_in

#: Roles that see every community; the others see those in their scope.
SEE_ALL = ("admin", "district")


def public_url(code):
    """Return the absolute address of a community's report page, as printed on the poster."""
    base = current_app.config["GRIDOPS_PUBLIC_URL"].rstrip("/")
    path = url_for("public.resident_form", code=code)
    return base + path if base else url_for("public.resident_form", code=code, _external=True)


def qr_svg(text, scale=8):
    """Return an inline SVG QR code for `text` (error correction M survives a worn print)."""
    return segno.make(text, error="m", micro=False).svg_inline(scale=scale, border=4)


def communities_for(user):
    query = select(Area).where(Area.level == "community", Area.valid_to.is_(None))
    if user.role not in SEE_ALL:
        codes = scope_codes(user)
        parents_of_grids = select(Area.parent_code).where(Area.code.in_(codes),
                                                          Area.valid_to.is_(None))
        query = query.where(or_(Area.code.in_(codes), Area.parent_code.in_(codes),
                                Area.code.in_(parents_of_grids)))
    return db.session.scalars(query.order_by(Area.code)).all()


@public.get("/posters")
@signed_in()
def posters():
    """List the communities whose posters this user may print."""
    return render_template("phone/posters.html", communities=communities_for(current_user))


@public.get("/r/<code>/poster")
@signed_in()
def poster(code):
    """Show the printable poster of one community."""
    community = community_or_404(code)
    url = public_url(community.code)
    return render_template("phone/poster.html", community=community, url=url,
                           qr=Markup(qr_svg(url)))


@public.get("/r/<code>/qr.svg")
@signed_in()
def poster_qr(code):
    """Return the community's QR code as an SVG file, for print shops."""
    community = community_or_404(code)
    out = io.BytesIO()
    segno.make(public_url(community.code), error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, xmldecl=True)
    return out.getvalue(), 200, {"Content-Type": "image/svg+xml",
                                 "Content-Disposition": f"inline; filename=qr-{code}.svg"}

