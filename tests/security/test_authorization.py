"""Who may call what: every rule of the app's URL map × every role × our data and theirs.

`EXPECT` declares, per endpoint, who may call it and whether its URL names data of one side
of the scene. A rule whose endpoint is missing from it fails the test by name, so a new
endpoint is covered as soon as it exists. For each role the test calls every rule (GET, and
POST without valid input, with a proper CSRF token) and checks:

- anonymous: sent to the login page (pages) or 401 (JSON, reports), unless public;
- a role the endpoint is not for: 403;
- the right role on our data: 2xx/3xx for a GET; the refusal the endpoint declares (400,
  422 …) for a POST that sends nothing; never a 5xx;
- the right role on theirs: 403 or 404, and theirs is never in any body;
- and afterwards: no event was changed or deleted, and their cases did not move.
"""
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from gridops.dispatch.models import Event, Incident
from security.conftest import ROLES, WEEK, client_as, outside_client

PUBLIC = ("anonymous",) + ROLES[1:]
ANY = ROLES[1:]
CONSOLE = ("dispatcher", "district", "department", "admin")
QUEUE = ("dispatcher", "district", "admin")
REPORTS = ("dispatcher", "district", "admin")
#: Readiness and metrics: for monitoring (an allowed address or the metrics token), no role.
MONITORING = ()
#: The reporter's phone number: never shown on anything public.
PHONE = "13800000000"


@dataclass(frozen=True)
class Expect:
    """Who may call an endpoint, and what it names.

    `scoped`: the URL names one side's data (a case, a whistle, a photo, an area …), so the
    test calls it for ours and for theirs. `empty`: what an allowed caller gets for a POST
    without valid input. `values`: the rule's arguments where the common ones do not fit.
    """

    roles: tuple
    scoped: bool = False
    empty: tuple = (400, 422)
    query: str = ""
    values: object = lambda side: {}
    #: What an allowed caller gets for a GET (2xx or 3xx unless said otherwise).
    ok: tuple = tuple(range(200, 400))
    #: How theirs is refused (some refusals send the user back to their list).
    refused: tuple = (403, 404)
    #: Shows data of the side it names to anyone (the tracking link, Open311 by decision).
    public_data: bool = False
    #: Roles that may look but not act: their POST is refused with 403.
    watchers: tuple = ()


def TASK(side):
    return {"incident_id": side.task.id, "action": "confirm"}


def static(filename):
    return lambda side: {"filename": filename}


OPEN311 = Expect(PUBLIC, empty=(403,))
EXPECT = {
    # Operations: liveness for anyone; readiness and metrics not from the scene's address.
    "ops.healthz": Expect(PUBLIC),
    "ops.readyz": Expect(MONITORING),
    "ops.metrics": Expect(MONITORING),
    # The web foundation.
    "web.home": Expect(ANY),
    "web.login": Expect(PUBLIC),
    "web.logout": Expect(PUBLIC, empty=(302,)),
    "web.static": Expect(PUBLIC, values=static("vendor/leaflet/leaflet.css")),
    "static": Expect(PUBLIC, values=static("nothing-here.css"), ok=(404,)),
    # The JSON API: any signed-in role; the case, whistle and action decide the rest.
    "api.categories": Expect(ANY),
    "api.units": Expect(ANY),
    "api.grids": Expect(ANY),
    "api.locate": Expect(ANY, query="lat=39.91&lon=116.405", empty=(400, 415)),
    "api.locate_batch": Expect(ANY, empty=(400, 415)),
    "api.openapi": Expect(PUBLIC),
    "api.create_token": Expect(PUBLIC, empty=(400, 415)),
    "api.create_incident": Expect(ANY, empty=(400, 415)),
    "api.list_incidents": Expect(ANY),
    "api.get_incident": Expect(ANY, scoped=True, refused=(404,)),
    "api.act": Expect(ANY, scoped=True, empty=(400, 415), refused=(404,)),
    "api.list_whistles": Expect(ANY),
    "api.check_in_to": Expect(ANY, scoped=True, empty=(400, 404, 415), refused=(404,)),
    "api.summon_units": Expect(ANY, scoped=True, empty=(400, 415), refused=(404,)),
    "api.score_units": Expect(ANY, scoped=True, empty=(400, 415), refused=(404,)),
    # Open311: keys, not roles; reading is public by the #8 decision, writing needs a key.
    "open311.discovery": OPEN311,
    "open311.services": OPEN311,
    "open311.service": Expect(PUBLIC, values=lambda side: {"name": "event-0102"}),
    "open311.create_request": OPEN311,
    "open311.requests": Expect(PUBLIC, public_data=True),
    "open311.request_by_id": Expect(PUBLIC, scoped=True, public_data=True,
                                    values=lambda side: {"name": side.case.case_number}),
    "open311.token": Expect(PUBLIC, scoped=True, public_data=True,
                            values=lambda side: {"name": side.task.tracking_token}),
    "open311.unknown_resource": Expect(PUBLIC, values=lambda side: {"anything": "nothing"},
                                       ok=(404,), empty=(404,)),
    # The grid worker's phone.
    "phone.report": Expect(("grid_worker",)),
    "phone.static": Expect(PUBLIC, values=static("app.js")),
    "phone.csrf_token": Expect(ANY),
    "phone.manifest": Expect(PUBLIC),
    "phone.service_worker": Expect(PUBLIC),
    "phone.my_reports": Expect(("grid_worker",)),
    "phone.submit": Expect(("grid_worker",)),
    "phone.add_photo": Expect(("grid_worker",), scoped=True, refused=(404,)),
    "phone.my_report": Expect(("grid_worker",), scoped=True, refused=(404,)),
    "phone.tasks": Expect(("grid_worker",)),
    "phone.task": Expect(("grid_worker",), scoped=True, refused=(404,), values=TASK),
    # A task that is not (or no longer) the worker's sends them back to their list.
    "phone.act": Expect(("grid_worker",), scoped=True, refused=(302,), values=TASK,
                        empty=(409,)),
    # Photos: only to those who may see their case.
    "photos.upload": Expect(ANY),
    "photos.show": Expect(ANY, scoped=True, refused=(404,)),
    # Residents' pages: public; posters for every signed-in role (they hold public links).
    "public.posters": Expect(ANY),
    "public.resident_form": Expect(PUBLIC),
    "public.resident_submit": Expect(PUBLIC),
    "public.resident_grids": Expect(PUBLIC),
    "public.poster": Expect(ANY),
    "public.poster_qr": Expect(ANY),
    "public.tracking": Expect(PUBLIC, scoped=True, public_data=True),
    "public.rate": Expect(PUBLIC, scoped=True, public_data=True, empty=(409,)),
    # The console.
    "console.home": Expect(CONSOLE),
    "console.static": Expect(PUBLIC, values=static("console.css")),
    "console.queue": Expect(QUEUE),
    "console.case": Expect(CONSOLE, scoped=True, refused=(404,)),
    # Without the version it saw, an action is refused as stale before its fields are read.
    # Admins read every case but take no action in the loop.
    "console.act": Expect(CONSOLE, scoped=True, refused=(404,), empty=(409,),
                          watchers=("admin",)),
    "console.district": Expect(("district", "admin")),
    "console.updates": Expect(CONSOLE, query="since=0"),
    "console.map_page": Expect(QUEUE),
    "console.map_cases": Expect(QUEUE),
    "console.board": Expect(CONSOLE),
    "console.checkin": Expect(CONSOLE, scoped=True, refused=(404,), empty=(400, 404, 422)),
    "console.summon": Expect(CONSOLE, scoped=True, refused=(404,), empty=(400, 403, 422)),
    "console.score": Expect(CONSOLE, scoped=True, refused=(404,), empty=(302,)),
    "console.workspace": Expect(("department",)),
    # Admin pages: admins only (a check on the whole blueprint).
    "console_admin.home": Expect(("admin",)),
    "console_admin.calendar": Expect(("admin",)),
    "console_admin.save_day": Expect(("admin",)),
    "console_admin.save_hours": Expect(("admin",)),
    "console_admin.import_year": Expect(("admin",)),
    "console_admin.channels": Expect(("admin",)),
    "console_admin.save_channel": Expect(("admin",)),
    "console_admin.delete_channel": Expect(("admin",), empty=(302,)),
    "console_admin.toggle_channel": Expect(("admin",), empty=(302,)),
    "console_admin.routing": Expect(("admin",)),
    "console_admin.save_line": Expect(("admin",)),
    "console_admin.delete_line": Expect(("admin",), empty=(302,)),
    "console_admin.sla": Expect(("admin",)),
    "console_admin.save_limit": Expect(("admin",)),
    "console_admin.delete_limit": Expect(("admin",), empty=(302,)),
    "console_admin.users": Expect(("admin",)),
    "console_admin.edit_user": Expect(("admin",)),
    "console_admin.update_user_page": Expect(("admin",)),
    "console_admin.new_user": Expect(("admin",)),
    "console_admin.create_user_page": Expect(("admin",)),
    # Weekly reports: dispatchers, district and admins, each within their areas.
    "reports.index": Expect(REPORTS),
    "reports.show": Expect(REPORTS, scoped=True, refused=(403,)),
    "reports.download": Expect(REPORTS, scoped=True, refused=(403,), values=lambda side: {"fmt": "csv"}),
    "reports.drill": Expect(REPORTS, scoped=True, refused=(403,)),
}
#: The RQ dashboard: admins only (checked before any of its views); its buttons change jobs.
EXPECT.update({f"rq_dashboard.{name}": Expect(("admin",), empty=(200,)) for name in (
    "queues_overview", "job_info", "list_jobs", "list_queues", "list_workers", "job_view",
    "jobs_overview", "workers_overview", "favicon", "compact_queue", "delete_job_view")})
# Empties the failed jobs, so compacting still finds the waiting ones (rq cannot compact an
# empty queue).
EXPECT["rq_dashboard.empty_queue"] = Expect(("admin",), empty=(200,),
                                            values=lambda side: {"registry_name": "failed"})
# Only a failed job can be requeued; the scene's job is waiting in its queue.
EXPECT["rq_dashboard.requeue_job_view"] = Expect(("admin",), empty=(409,))
EXPECT["rq_dashboard.static"] = Expect(("admin",), values=static("css/main.css"))
# Requeueing every failed job changes state: never on a GET a link could trigger.
EXPECT["rq_dashboard.requeue_all"] = Expect(("admin",), empty=(200,), ok=(405,))


def common_values(scene, side):
    """Return a value for every rule argument the URL map uses, from one side of the scene."""
    return {
        "incident_id": side.case.id, "action": "comment", "whistle_id": side.whistle,
        "sha256": side.photo, "client_id": side.case.client_id, "code": side.community,
        "token": side.task.tracking_token, "archive_id": side.archive, "fmt": "json",
        "week": WEEK, "area": side.area, "indicator": "received", "stage": "handling",
        "user_id": scene.users["grid_worker"].id, "channel_id": scene.channel,
        "line_id": scene.line, "limit_id": scene.limit, "instance_number": 0,
        "job_id": scene.job, "queue_name": "default", "registry_name": "queued",
        "per_page": 10, "order": "asc", "page": 1,
    }


def url_of(rule, expect, scene, which):
    side = scene.side(which)
    values = {**common_values(scene, side), **expect.values(side)}
    needed = {name: values[name] for name in rule.arguments - set(rule.defaults or ())}
    path = rule.build(needed, append_unknown=False)[1]
    return f"{path}?{expect.query}" if expect.query else path


def calls(app):
    """Yield (rule, method) for every rule and method of the URL map; deleting and signing out
    come last, so every other rule still finds what they remove."""
    order = (lambda r: (r.endpoint == "web.logout", "delete" in r.rule, r.rule, r.endpoint))
    for rule in sorted(app.url_map.iter_rules(), key=order):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_endpoint_has_a_declared_expectation(app):
    missing = sorted({rule.endpoint for rule, _method in calls(app)} - set(EXPECT))
    assert not missing, f"endpoints without an access expectation in EXPECT: {missing}"
    stale = sorted(set(EXPECT) - {rule.endpoint for rule, _method in calls(app)})
    assert not stale, f"EXPECT names endpoints the app no longer has: {stale}"


def call(clients, role, rule, method, url):
    """Call `url` as `role`: the API with a bearer token, everything else with the session."""
    if rule.endpoint.startswith("api."):
        client, headers = clients["api"], {}
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {clients['token']}"
        return client.open(url, method=method, headers=headers,
                           json={} if method != "GET" else None)
    client = clients["session"]
    if method == "GET":
        return client.get(url)
    data = {} if rule.endpoint.startswith("open311.") else {"csrf_token": client.csrf}
    return client.open(url, method=method, data=data)


def judge(app, role, rule, method, which, expect, response):
    """Return what is wrong with `response`, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status == 308 and canonical(app, rule, response.headers["Location"]):
        return None  # the router's redirect to the same view's other rule, checked there
    if role not in expect.roles:
        if role == "anonymous" and expect.roles != MONITORING:
            if rule.endpoint.startswith(("api.", "reports.")):
                return None if status == 401 else f"{status}, not 401"
            location = response.headers.get("Location", "")
            return None if status == 302 and location.startswith("/login") else \
                f"{status} {location}, not sent to /login"
        return None if status == 403 else f"{status}, not 403 for {role}"
    if method != "GET" and role in expect.watchers:
        return None if status == 403 else f"{status}, not 403 for {role}, who only looks"
    if which == "theirs" and role != "admin" and not expect.public_data:
        return None if status in expect.refused else f"{status} on theirs, not {expect.refused}"
    wanted = expect.ok if method == "GET" else expect.empty
    return None if status in wanted else f"{status}, not {wanted}"


def canonical(app, rule, location):
    """Tell whether `location` is a URL of the same endpoint (a default's canonical form)."""
    endpoint, _values = app.url_map.bind("localhost").match(urlsplit(location).path)
    return endpoint == rule.endpoint


def leaks(role, expect, scene, response):
    """Return what the body shows that this caller must not see, or None."""
    body = response.get_data().decode("utf-8", "replace")
    if "anonymous" in expect.roles and PHONE in body:
        return f"a public endpoint shows the reporter's phone {PHONE}"
    if role == "admin" or expect.public_data:
        return None
    shown = [text for text in scene.theirs.secrets if text in body]
    return f"shows theirs: {shown}" if shown else None


def event_log(db):
    """Return every event as a hashable row, to compare before and after."""
    rows = db.execute(select(Event.id, Event.incident_id, Event.action, Event.actor_label,
                             Event.payload, Event.at, Event.from_state, Event.to_state))
    return {(*row[:4], json.dumps(row.payload, sort_keys=True), *row[5:]) for row in rows}


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role_on_our_data_and_theirs(app, db, scene, role):
    clients = {"session": client_as(app, role, scene.users), "api": outside_client(app),
               "token": scene.users[role].token if role != "anonymous" else None}
    events = event_log(db)
    theirs = {i.id: i.version for i in (scene.theirs.case, scene.theirs.task)}
    problems = []
    for rule, method in calls(app):
        expect = EXPECT.get(rule.endpoint)
        if expect is None:
            continue  # named by test_every_endpoint_has_a_declared_expectation
        for which in ("ours", "theirs") if expect.scoped else ("ours",):
            url = url_of(rule, expect, scene, which)
            response = call(clients, role, rule, method, url)
            wrong = judge(app, role, rule, method, which, expect, response) or \
                leaks(role, expect, scene, response)
            response.close()
            if wrong:
                problems.append(f"{method} {url} ({rule.endpoint}, {which}): {wrong}")
    db.expire_all()
    assert not problems, f"{role}:\n" + "\n".join(problems)
    assert events <= event_log(db), "an event was changed or deleted"
    assert {i: db.get(Incident, i).version for i in theirs} == theirs
