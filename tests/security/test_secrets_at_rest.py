"""Secrets at rest: passwords only as scrypt hashes, API tokens and Open311 keys only as
SHA-256 digests. Each secret is made through the door people use, then every row of every
table is searched for it in clear."""
import ast
import hashlib
from pathlib import Path

from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

import gridops
from gridops.auth.cli import users
from gridops.auth.models import User
from gridops.auth.passwords import authenticate, hash_password
from gridops.open311.cli import open311
from web.kit import FAST_HASH, PASSWORD, csrf_of, sign_in

SECRET_PASSWORD = "plain-Secret-8421"


def everything_stored(db):
    """Return every row of every GridOps table, as text."""
    db.commit()
    tables = db.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                             "AND tablename <> 'spatial_ref_sys'")).all()
    return "\n".join(row for table in tables
                     for row in db.scalars(text(f'SELECT t::text FROM "{table}" t')))


def run(app, group, *args):
    result = app.test_cli_runner().invoke(group, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()


def assert_scrypt(db, username):
    stored = db.scalar(select(User.password_hash).where(User.username == username))
    assert stored.startswith("scrypt:"), stored
    assert authenticate(db, username, SECRET_PASSWORD).username == username
    assert authenticate(db, username, SECRET_PASSWORD.lower()) is None


def test_passwords_set_on_the_command_line_are_scrypt_hashes(app, db, world):
    run(app, users, "create", "cli-admin", "--role", "admin", "--password", SECRET_PASSWORD)
    assert_scrypt(db, "cli-admin")
    assert SECRET_PASSWORD not in everything_stored(db)


def test_passwords_set_by_an_admin_are_scrypt_hashes(app, db, world):
    admin = world.user("root", "admin")
    admin.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    db.commit()
    client = app.test_client()
    assert sign_in(client, "root").status_code == 302
    created = client.post("/console/admin/users/new", data={
        "csrf_token": csrf_of(client, "/console/admin/users/new"), "username": "disp9",
        "role": "dispatcher", "areas": "110199001", "password": SECRET_PASSWORD})
    assert created.status_code == 302
    assert_scrypt(db, "disp9")
    assert SECRET_PASSWORD not in everything_stored(db)


def test_only_the_password_module_hashes_passwords():
    # One helper, one method: no other module may call werkzeug's hashing with its own idea.
    callers = set()
    for path in Path(gridops.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id in ("generate_password_hash",
                                                          "check_password_hash"):
                callers.add(path.name)
    assert callers == {"passwords.py"}
    assert hash_password("x").startswith("scrypt:")


def test_api_tokens_are_stored_only_as_digests(app, db, world):
    user = world.user("wang", "grid_worker", areas=["110199001001"])
    user.password_hash = hash_password(SECRET_PASSWORD)
    db.commit()
    issued = [user.token, run(app, users, "token", "wang")[-1]]
    answer = app.test_client().post("/api/v1/tokens",
                                    json={"username": "wang", "password": SECRET_PASSWORD})
    issued.append(answer.get_json()["token"])
    stored = everything_stored(db)
    for token in issued:
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert SECRET_PASSWORD not in stored


def test_open311_keys_are_stored_only_as_digests(app, db, world):
    key = run(app, open311, "keys", "create", "fixmystreet")[-1]
    assert key.startswith("o311_")
    stored = everything_stored(db)
    assert key not in stored and key.removeprefix("o311_") not in stored
    assert hashlib.sha256(key.encode()).hexdigest() in stored
