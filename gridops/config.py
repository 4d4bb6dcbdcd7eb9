"""Configuration from the environment, with documented defaults.

Every setting is read here once, at app creation; nothing else reads the environment.
`SETTINGS` is the single list the README's settings table is generated from.
"""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: object
    meaning: str
    cast: type = str


SETTINGS = [
    Setting("DATABASE_URL", "SQLALCHEMY_DATABASE_URI",
            "postgresql+psycopg://gridops@127.0.0.1:55432/gridops",
            "PostgreSQL+PostGIS connection URL (the private instance `make run` starts)"),
    Setting("REDIS_URL", "REDIS_URL", "redis://127.0.0.1:56379/0",
            "Redis URL for RQ queues, the scheduler and rate limits"),
    Setting("SECRET_KEY", "SECRET_KEY", "dev-only-change-me",
            "Signs session cookies and CSRF tokens; set a long random value in production"),
    Setting("GRIDOPS_TZ", "GRIDOPS_TZ", "Asia/Shanghai", "Local time zone for display and calendars"),
    Setting("GRIDOPS_DEMO", "GRIDOPS_DEMO", "1",
            "`make run` seeds the demo district into an empty database unless this is 0"),
    Setting("GRIDOPS_TRUSTED_PROXIES", "GRIDOPS_TRUSTED_PROXIES", "0",
            "Reverse proxies in front (nginx: 1): how many X-Forwarded-For/-Proto hops to "
            "trust for the client address (rate limits) and https", int),
    Setting("GRIDOPS_SECURE_COOKIES", "SESSION_COOKIE_SECURE", "0",
            "Send cookies only over HTTPS, and HSTS (1 in production behind TLS; on by itself "
            "when GRIDOPS_PUBLIC_URL is https)", int),
    Setting("GRIDOPS_MAX_BODY_BYTES", "MAX_CONTENT_LENGTH", "26214400",
            "Largest request body accepted, in bytes (6 photos of ~4 MB)", int),
    Setting("GRIDOPS_PAGE_SIZE", "GRIDOPS_PAGE_SIZE", "50", "Default page size of list endpoints", int),
    Setting("GRIDOPS_NEAREST_TOLERANCE_M", "GRIDOPS_NEAREST_TOLERANCE_M", "50",
            "A point outside every grid but this close (metres) is assigned to the nearest grid", float),
    Setting("GRIDOPS_DUPLICATE_RADIUS_M", "GRIDOPS_DUPLICATE_RADIUS_M", "50",
            "Open incidents of the same category this close are suggested as duplicates", float),
    Setting("GRIDOPS_DUPLICATE_HOURS", "GRIDOPS_DUPLICATE_HOURS", "72",
            "… and reported within this many hours", float),
    Setting("GRIDOPS_SELF_HANDLED_STATE", "GRIDOPS_SELF_HANDLED_STATE", "supervision",
            "Where a self-handled (自行处置) report starts: supervision (checked) or evaluation", str),
    Setting("GRIDOPS_UPLOAD_DIR", "GRIDOPS_UPLOAD_DIR", "var/uploads", "Where photos are stored"),
    Setting("GRIDOPS_PHOTO_MAX_BYTES", "GRIDOPS_PHOTO_MAX_BYTES", "12582912",
            "Largest photo accepted, in bytes (phones scale photos to 1600 px first)", int),
    Setting("GRIDOPS_PHOTO_MAX_PIXELS", "GRIDOPS_PHOTO_MAX_PIXELS", "40000000",
            "Photos with more pixels are refused as possible decompression bombs", int),
    Setting("GRIDOPS_RESIDENT_REPORTS_PER_HOUR", "GRIDOPS_RESIDENT_REPORTS_PER_HOUR", "10",
            "Public (resident) reports one client may send per hour", int),
    Setting("GRIDOPS_LOGIN_FAILURES_PER_HOUR", "GRIDOPS_LOGIN_FAILURES_PER_HOUR", "20",
            "Failed sign-ins (web form and API tokens together) per username and per client "
            "address per hour before refusing with 429", int),
    Setting("GRIDOPS_MAP_TILE_URL", "GRIDOPS_MAP_TILE_URL", "",
            "Map tile URL template; empty shows grid outlines only (works offline)"),
    Setting("GRIDOPS_MAP_TILE_ATTRIBUTION", "GRIDOPS_MAP_TILE_ATTRIBUTION", "",
            "Attribution text for the tile layer"),
    Setting("GRIDOPS_MAP_TILE_CRS", "GRIDOPS_MAP_TILE_CRS", "wgs84",
            "Coordinate system of the map tiles (wgs84, cgcs2000, gcj02 for AMap/Tencent, bd09): "
            "overlays are shifted to match"),
    Setting("GRIDOPS_CONSOLE_POLL_SECONDS", "GRIDOPS_CONSOLE_POLL_SECONDS", "5",
            "How often an open console page asks for new reports and check-ins (seconds)", int),
    Setting("GRIDOPS_CONSOLE_PAGE_SIZE", "GRIDOPS_CONSOLE_PAGE_SIZE", "50",
            "Cases per queue page", int),
    Setting("GRIDOPS_PUBLIC_URL", "GRIDOPS_PUBLIC_URL", "",
            "Base URL printed on resident QR posters (default: the request's host)"),
    Setting("GRIDOPS_REPORT_DIR", "GRIDOPS_REPORT_DIR", "var/reports",
            "Where archived report files are stored (one folder per week and area)"),
    Setting("GRIDOPS_REPORT_WEIGHTS", "GRIDOPS_REPORT_WEIGHTS", "0.1,0.5,0.4",
            "Weights of 响应率, 解决率 and 满意率 in the composite score"),
    Setting("GRIDOPS_REPORT_GRADES", "GRIDOPS_REPORT_GRADES", "A:90,B:75,C:60,D:40",
            "Lowest composite score of each grade; below the last is E"),
    Setting("GRIDOPS_REPORT_LEVELS", "GRIDOPS_REPORT_LEVELS", "district,street",
            "Area levels the Monday job reports on: one report per current area of each level"),
    Setting("GRIDOPS_REPORT_FORMATS", "GRIDOPS_REPORT_FORMATS", "html,pdf,xlsx,csv",
            "Formats the Monday job archives"),
    Setting("GRIDOPS_REPORT_PDF_GRID_ROWS", "GRIDOPS_REPORT_PDF_GRID_ROWS", "30",
            "Grids (and categories) in the PDF's tables, the busiest first; the other formats "
            "list all",
            int),
    Setting("GRIDOPS_REPORT_FONT", "GRIDOPS_REPORT_FONT",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "Noto Sans CJK collection the PDF embeds (Debian package fonts-noto-cjk)"),
    Setting("GRIDOPS_SWEEP_SECONDS", "GRIDOPS_SWEEP_SECONDS", "15",
            "How often the sweep fires overdue deadlines and re-queues lost jobs (seconds)", int),
    Setting("GRIDOPS_TIMER_BATCH", "GRIDOPS_TIMER_BATCH", "200",
            "Deadlines claimed and fired per transaction", int),
    Setting("GRIDOPS_TIMER_HELPERS", "GRIDOPS_TIMER_HELPERS", "3",
            "Extra jobs a large burst of due deadlines fans out to, so idle workers join in", int),
    Setting("GRIDOPS_REDIS_TIMEOUT", "GRIDOPS_REDIS_TIMEOUT", "2",
            "Seconds a request waits for Redis before giving up on queuing (the sweep catches up)",
            float),
    Setting("GRIDOPS_METRICS_ALLOW", "GRIDOPS_METRICS_ALLOW", "127.0.0.0/8,::1",
            "Addresses and CIDR blocks (comma-separated) that may read /metrics and /readyz"),
    Setting("GRIDOPS_METRICS_TOKEN", "GRIDOPS_METRICS_TOKEN", "",
            "Bearer token that lets a scraper read /metrics and /readyz from any address; "
            "empty: none"),
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
    Setting("PORT", "PORT", "5000", "Port `make run` serves on", int),
    Setting("OPEN311_JURISDICTION", "OPEN311_JURISDICTION", "gridops.local",
            "The Open311 jurisdiction_id this server answers to (empty also means it)"),
    Setting("OPEN311_CONTACT", "OPEN311_CONTACT",
            "街道指挥中心 The street office's command centre runs this endpoint.",
            "Contact line shown in the Open311 discovery document"),
]


#: Seconds to wait for PostgreSQL to accept a connection (libpq's connect_timeout).
DB_CONNECT_TIMEOUT = 5


def from_environment(environ=None):
    """Return the app configuration read from `environ` (default: the process environment)."""
    environ = os.environ if environ is None else environ
    config = {s.key: s.cast(environ.get(s.env, s.default)) for s in SETTINGS}
    config.update(
        # Ping each pooled connection before use, so the app recovers from a database restart
        # by itself; and give up connecting after a few seconds, so requests during the gap
        # answer 503 (gridops.api.errors) instead of hanging.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                   "connect_args": {"connect_timeout": DB_CONNECT_TIMEOUT}},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="zh",
        JSON_AS_ASCII=False,
    )
    # A public https address means the site is served over TLS: cookies never travel in clear.
    config["SESSION_COOKIE_SECURE"] = (bool(config["SESSION_COOKIE_SECURE"])
                                       or config["GRIDOPS_PUBLIC_URL"].startswith("https://"))
    return config
