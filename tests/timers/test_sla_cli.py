"""`gridops sla …` as an admin types it: the policy in force, edits, one-line errors."""
import pytest
from sqlalchemy import select

from gridops.dispatch.models import SlaLimit
from gridops.dispatch.sla import limit_for
from gridops.dispatch.catalog import category_by_key
from gridops.dispatch.sla_cli import sla


@pytest.fixture
def run(app, world):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(sla, [str(a) for a in args])


def test_show_lists_the_built_in_limits(run):
    result = run("show", "--step", "checkin")
    assert result.exit_code == 0
    assert "checkin       *              urgent         30  natural  built-in" in result.output


def test_set_then_the_policy_uses_it(run, world):
    result = run("set", "handling", 300, "--basis", "working", "--category", "event:0102",
                 "--urgency", "normal")
    assert result.exit_code == 0, result.output
    assert "300 working minutes" in result.output
    category = category_by_key(world.session, "event:0102")
    assert limit_for(world.session, "handling", "normal", category).minutes == 300
    assert run("set", "handling", 360, "--basis", "working", "--category", "event:0102",
               "--urgency", "normal").exit_code == 0
    world.session.expire_all()
    assert world.session.scalar(select(SlaLimit.minutes).where(
        SlaLimit.category_code == "0102")) == 360
    assert "event:0102" in run("show", "--step", "handling").output


def test_unset_removes_a_limit(run, world):
    run("set", "sign", 45, "--basis", "working")
    assert run("unset", "sign").exit_code == 0
    assert world.session.scalar(select(SlaLimit).where(
        SlaLimit.step == "sign", SlaLimit.minutes == 45)) is None
    result = run("unset", "sign", "--urgency", "urgent", "--category", "event:0102")
    assert result.exit_code != 0 and "no limit is set" in result.output


@pytest.mark.parametrize("args,problem", [
    (("set", "lunch", 10, "--basis", "working"), "Invalid value for 'STEP'"),
    (("set", "sign", 0, "--basis", "working"), "Invalid value for 'MINUTES'"),
    (("set", "sign", 10), "Missing option '--basis'"),
    (("set", "sign", 10, "--basis", "lunar"), "Invalid value for '--basis'"),
    (("set", "sign", 10, "--basis", "working", "--category", "event:9999"), "unknown category"),
])
def test_mistakes_get_a_clear_error(run, args, problem):
    result = run(*args)
    assert result.exit_code != 0 and problem in result.output
