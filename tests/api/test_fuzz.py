"""Property-based fuzzing of /api/v1 with Schemathesis, in-process against the WSGI app.

Every operation of the OpenAPI document is called with generated valid and invalid input, as
a grid worker, a dispatcher, a department and the district, in a small district with real
cases in every stage. No answer may be a 5xx, and every answer must be documented: its
status, its content type and its schema. The budget is bounded and the examples derandomized,
so CI runs the same cases every time; `schemathesis run` against a served app looks further
(docs/api.md, "Fuzzing").
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)
from sqlalchemy import select

from gridops.dispatch.catalog import active_categories
from gridops.dispatch.models import Incident, Whistle

GRID = "110199001001001"
ROLES = ("grid_worker", "dispatcher", "department", "district")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: Examples per operation and role: 35 operations x 4 roles x 10 is 1,400 requests.
EXAMPLES = 10
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),  # large schemas are slow to draw by its measure
    # No shrinking: each example changes the cases, so a replay is not the same test, and
    # the failing example is readable as it is (Schemathesis prints it as curl).
    phases=[Phase.explicit, Phase.generate])


def people(world):
    """Return one user of each role the fuzzer calls as."""
    return {
        "grid_worker": world.user("worker", "grid_worker", areas=[GRID]),
        "dispatcher": world.user("disp", "dispatcher", areas=["110199001"]),
        "department": world.user("hw", "department", unit="HW"),
        "district": world.user("district", "district", areas=["110199"]),
    }


def build_cases(client, world, users):
    """Report six cases and move them to screening, assignment, handling, supervision,
    evaluation and closed; blow a whistle on the one in assignment."""
    def call(user, path, body):
        response = client.post(f"/api/v1{path}", json=body,
                               headers={"Authorization": f"Bearer {users[user].token}"})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def act(user, case, action, **fields):
        return call(user, f"/incidents/{case['id']}/actions/{action}",
                    {"version": case["version"], **fields})

    lat, lon = world.center(GRID)
    steps = [("dispatcher", "accept", {"triage": "big"}), ("department", "sign", {}),
             ("department", "submit_result", {"note": "已清运"}),
             ("grid_worker", "verify", {"passed": True}),
             ("dispatcher", "close", {})]
    cases = []
    for n in range(len(steps) + 1):
        case = call("grid_worker", "/incidents", {
            "lat": lat + n * 0.001, "lon": lon, "category": "event:0102", "description": "垃圾"})
        for who, action, fields in steps[:n]:
            case = act(who, case, action, **fields)
        cases.append(case)
    act("dispatcher", cases[1], "whistle", reason="enforcement")


class Hints:
    """Real values mixed into most generated cases, so the fuzzer gets past 404 and 409
    to the rules themselves: ids that exist, the case's current version, points inside the
    district and category keys of the taxonomy."""

    def __init__(self, db, world):
        self.db = db
        self.ids = {"incident_id": db.scalars(select(Incident.id)).all(),
                    "whistle_id": db.scalars(select(Whistle.id)).all()}
        self.points = [world.center(code) for code in sorted(world.grids)]
        self.categories = [c.key for c in active_categories(db) if c.parent_code]

    def install(self, schema):
        @schema.hook
        def flatmap_case(context, case):
            real = st.fixed_dictionaries({
                **{name: st.sampled_from(ids) for name, ids in self.ids.items()},
                "point": st.sampled_from(self.points),
                "category": st.sampled_from(self.categories)})
            # Real values first: Hypothesis draws its first branch more often.
            return st.one_of(real.map(lambda values: self.fill(case, values)), st.just(case))

    def fill(self, case, values):
        """Return `case` with real values where it has those fields."""
        for name in set(self.ids) & set(case.path_parameters or {}):
            case.path_parameters[name] = values[name]
        body = case.body
        if not isinstance(body, dict):
            return case
        if "incident_id" in (case.path_parameters or {}) and "version" in body:
            body["version"] = self.db.scalar(select(Incident.version).where(
                Incident.id == case.path_parameters["incident_id"]))
        if case.operation.label == "POST /incidents":
            (body["lat"], body["lon"]), body["category"] = values["point"], values["category"]
        return case


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_contract(app, client, world, db, subtests, role):
    """Fuzz each operation as a subtest, so the district is built once per role.

    (schemathesis.pytest.from_fixture would do the same, but it sets the `_nodeid` that
    pytest 9.2 no longer has.)
    """
    users = people(world)
    build_cases(client, world, users)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    Hints(db, world).install(schema)
    auth = {"Authorization": f"Bearer {users[role].token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(operation.as_strategy(mode, headers=auth) for mode in GenerationMode)

        @given(case=cases)
        @FUZZ_SETTINGS
        def keeps_its_contract(case):
            try:
                case.call_and_validate(checks=CHECKS)
            finally:
                # The test client shares this test's app context, hence its session; end it
                # after each request, as a served request's teardown does.
                db.remove()

        with subtests.test(operation=operation.label):
            keeps_its_contract()
