"""Every table, imported in one place so the app and Alembic see the whole schema."""
from gridops.auth.models import ApiToken, IntegrationKey, User, UserArea  # noqa: F401
from gridops.dispatch.models import *  # noqa: F401,F403
from gridops.geo.models import Area, GridLayer  # noqa: F401
from gridops.reports.models import ReportArchive, ReportFile  # noqa: F401
