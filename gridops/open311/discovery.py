"""The service discovery document: where the endpoint is, its formats, whom to ask for a key."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from gridops.dispatch.models import Category
from gridops.open311.times import w3c

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: The changeset before any taxonomy was replaced: when this endpoint first shipped.
FIRST_CHANGESET = datetime(2026, 11, 25, tzinfo=timezone.utc)
DEFAULT_KEY_SERVICE = ("Ask the GridOps administrator for an integration key "
                       "(gridops open311 keys create NAME); GET needs none.")


def discovery_document(session, config, url):
    """Return the discovery document of the endpoint at `url`."""
    changeset = w3c(changed_at(session))
    return {
        "changeset": changeset,
        "contact": config["OPEN311_CONTACT"],
        "key_service": config.get("OPEN311_KEY_SERVICE", DEFAULT_KEY_SERVICE),
        "endpoints": [{
            "specification": SPECIFICATION, "url": url, "changeset": changeset,
            "type": config.get("OPEN311_ENDPOINT_TYPE", "production"),
            "formats": ["text/xml", "application/json"],
        }],
    }


def changed_at(session):
    """Return when the service list last changed: the last time a taxonomy was replaced."""
    replaced = session.scalar(select(func.max(Category.retired_at)))
    return max(replaced, FIRST_CHANGESET) if replaced else FIRST_CHANGESET
