"""The admin commands: clear errors with a non-zero exit, nothing stored on a refusal."""
import json

import pytest
from sqlalchemy import func, select

from gridops.auth.cli import users
from gridops.auth.models import ApiToken, User
from gridops.auth.tokens import token_hash
from gridops.dispatch.catalog_cli import categories
from gridops.dispatch.models import Category


@pytest.fixture
def run(app, world):
    runner = app.test_cli_runner()
    return lambda group, *args: runner.invoke(group, list(args))


def test_create_a_dispatcher_with_a_token(run, db):
    result = run(users, "create", "li", "--role", "dispatcher", "--area", "110199001", "--token")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    user = db.scalar(select(User).where(User.username == "li"))
    assert [link.area_code for link in user.area_links] == ["110199001"]
    assert db.scalar(select(ApiToken.user_id).where(ApiToken.token_hash == token_hash(token))) \
        == user.id


@pytest.mark.parametrize("args,message", [
    (["--role", "pilot"], "pilot"),
    (["--role", "department"], "--unit"),
    (["--role", "department", "--unit", "NOPE"], "NOPE"),
    (["--role", "dispatcher"], "--area"),
    (["--role", "dispatcher", "--area", "999999"], "999999"),
    (["--role", "dispatcher", "--area", "110199001001001"], "grid"),
])
def test_bad_users_are_refused_and_nothing_is_stored(run, db, args, message):
    before = db.scalar(select(func.count()).select_from(User))
    result = run(users, "create", "bad", *args)
    assert result.exit_code != 0 and message in result.output
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_a_duplicate_username_is_refused(run):
    assert run(users, "create", "zhang", "--role", "admin").exit_code == 0
    result = run(users, "create", "zhang", "--role", "admin")
    assert result.exit_code == 1 and "zhang" in result.output


def test_load_a_new_taxonomy_version(run, db, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"taxonomy": "v2026", "categories": [
        {"kind": "event", "code": "10101", "name": "新分类", "children": [
            {"code": "1010101", "name": "新小类", "handling_minutes": 60, "urgent_minutes": 30}]}]}))
    result = run(categories, "load", str(path))
    assert result.exit_code == 0 and "loaded 2" in result.output
    active = db.scalars(select(Category.taxonomy).where(Category.retired_at.is_(None))).all()
    assert set(active) == {"v2026"}


@pytest.mark.parametrize("content", ["{not json", json.dumps({"categories": []}),
                                     json.dumps({"taxonomy": "x", "categories": [{"kind": "e"}]})])
def test_a_bad_taxonomy_file_changes_nothing(run, db, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    before = db.scalar(select(func.count()).select_from(Category))
    result = run(categories, "load", str(path))
    assert result.exit_code == 1 and "bad.json" in result.output
    assert db.scalar(select(func.count()).select_from(Category)) == before


def test_a_missing_taxonomy_file(run, tmp_path):
    result = run(categories, "load", str(tmp_path / "none.json"))
    assert result.exit_code == 1 and "none.json" in result.output
