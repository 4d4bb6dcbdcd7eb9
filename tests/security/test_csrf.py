"""CSRF on every form: each unsafe rule of a cookie-session blueprint refuses a request without
the token, and every form the pages render carries it.

Both lists come from the app's URL map and its templates, so a new form or a new POST route is
checked without touching this file (`test_authorization.EXPECT` already names who may use it).
"""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

import gridops
from gridops.api.auth import actor_for
from gridops.dispatch.decide import Actor
from gridops.dispatch.models import Channel, Event, Incident, Responsibility, SlaLimit
from gridops.web.csrf import KEY_AUTHENTICATED
from security.conftest import GRID, ROLES, client_as
from security.test_authorization import EXPECT, calls, url_of

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PACKAGE = Path(gridops.__file__).parent
#: A form in a template that posts to a named endpoint.
TEMPLATE_FORM = re.compile(r"""<form\b[^>]*method="post"[^>]*action="{{ url_for\('([\w.]+)'""")


def unsafe_rules(app):
    """Yield (rule, method) of every rule a browser's cookies could authenticate."""
    for rule, method in calls(app):
        if method in UNSAFE and rule.endpoint.split(".")[0] not in KEY_AUTHENTICATED:
            yield rule, method


def caller(expect):
    """Return a signed-in role the endpoint is for (any, if it is public)."""
    return next(role for role in ROLES[1:] if role in expect.roles or not expect.roles
                or "anonymous" in expect.roles)


def counts(db):
    """Return how many rows the tables an unsafe request could touch hold, and the events."""
    db.expire_all()
    models = (Incident, Event, Channel, Responsibility, SlaLimit)
    return {m.__name__: db.scalar(select(func.count()).select_from(m)) for m in models} | {
        "events": db.execute(select(Event.id, Event.action, Event.at)).all()}


def test_every_unsafe_rule_refuses_a_session_without_the_token(app, db, scene):
    before = counts(db)
    clients, problems, checked = {}, [], 0
    for rule, method in unsafe_rules(app):
        expect = EXPECT[rule.endpoint]
        for role in ("anonymous", caller(expect)):
            if role not in clients:
                clients[role] = client_as(app, role, scene.users)
            url = url_of(rule, expect, scene, "ours")
            response = clients[role].open(url, method=method, data={"note": "no token"})
            checked += 1
            if response.status_code != 400 or not refused_for_csrf(response):
                problems.append(f"{method} {url} as {role}: {response.status_code}")
    assert not problems, "accepted without a CSRF token:\n" + "\n".join(problems)
    assert checked > 60 and counts(db) == before


def refused_for_csrf(response):
    """Tell whether the 400 is the CSRF refusal (problem code or the page's message)."""
    if response.is_json:
        return response.get_json()["code"] == "csrf_failed"
    return "页面已过期" in response.get_data(as_text=True)


class Forms(HTMLParser):
    """Collect every form of a page: its method, action and the fields it sends."""

    def __init__(self):
        super().__init__()
        self.forms, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = {"method": (attrs.get("method") or "get").lower(),
                          "action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button", "select", "textarea"):
            if attrs.get("name"):
                self._open["fields"][attrs["name"]] = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def forms_of(html):
    parser = Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def template_form_endpoints():
    """Return the endpoints that forms in the templates post to."""
    found = set()
    for path in PACKAGE.glob("*/templates/**/*.html"):
        found |= set(TEMPLATE_FORM.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.fixture
def stages(scene, world):
    """Add a case waiting for HW to sign for it, and a resident's case waiting for a rating."""
    build, worker = scene.build, scene.users["grid_worker"]
    hw = Actor("department", "HW", unit_id=world.units["HW"].id)
    waiting = build.report(GRID, "grid_worker", actor_for(worker), "等待签收")
    build.act(waiting, "accept", build.dispatcher, {"triage": "big", "lead_unit": "HW"}, 1)
    rated = build.report(GRID, "resident", Actor("resident", "resident"), "等待评价")
    steps = [("accept", build.dispatcher, {"triage": "big", "lead_unit": "HW"}),
             ("sign", hw, {}), ("submit_result", hw, {"note": "已处理"}),
             ("verify", build.dispatcher, {"passed": True})]
    for minute, (action, actor, fields) in enumerate(steps, start=1):
        build.act(rated, action, actor, fields, minute)
    return rated


def pages(app, scene, stages):
    """Yield (role, url) of every page each role may open, and the stages' own pages."""
    for role in ROLES:
        for rule, method in calls(app):
            expect = EXPECT[rule.endpoint]
            if method == "GET" and role in expect.roles and rule.endpoint != "web.static":
                yield role, url_of(rule, expect, scene, "ours")
    yield "dispatcher", f"/console/cases/{scene.ours.task.id}"  # screening: merge, accept …
    yield "anonymous", f"/t/{stages.tracking_token}"  # evaluation: the reporter's rating


def test_every_form_a_page_renders_carries_the_token(app, scene, stages):
    clients, problems, posted = {}, [], set()
    adapter = app.url_map.bind("localhost")
    for role, url in pages(app, scene, stages):
        if role not in clients:
            clients[role] = client_as(app, role, scene.users)
        response = clients[role].get(url)
        if response.mimetype != "text/html":
            response.close()
            continue
        for form in forms_of(response.get_data(as_text=True)):
            if form["method"] != "post":
                continue
            target = form["action"].split("?")[0] or url.split("?")[0]
            posted.add(adapter.match(target, method="POST")[0])
            if not form["fields"].get("csrf_token"):
                problems.append(f"{url} as {role}: a form to {target} has no csrf_token")
    assert not problems, "\n".join(problems)
    unseen = template_form_endpoints() - posted
    assert not unseen, f"forms in the templates this test never rendered: {sorted(unseen)}"
