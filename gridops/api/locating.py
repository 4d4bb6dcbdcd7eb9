"""The process's point locator, the one intake and /locate both use."""
from gridops.errors import DomainError
from gridops.geo.cache import EXTENSION_KEY, current_locator


class NoGridLayer(DomainError):
    code = "no_grid_layer"
    template = "No grid layer has been imported yet: run `gridops grids import` first."


def locator_for(app, session):
    """Return the current Locator of `app`'s grid layer, or raise NoGridLayer."""
    locator = current_locator(session, app.extensions[EXTENSION_KEY])
    if locator is None:
        raise NoGridLayer()
    return locator
