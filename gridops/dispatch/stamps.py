"""Reference data each process keeps in memory while its version stamp holds.

The working calendar, the category taxonomy, the SLA policy, the areas and who each API token
belongs to change a few times a year, or a day, and every report reads them: hundreds of times
a second at peak. Each kind has a stamp
in `reference_version`, set by a trigger to the id of the transaction that last changed its
tables, however they were changed (migration 0015).

A transaction reads all the stamps in one small query, the first time it needs one, and again
after anything in it may have written: a flush, or a statement that is not a SELECT. So a
change is seen at once by the transaction making it, and by every process once it commits. A
copy is filed under the stamp read before it was built, never a later one: at worst a copy
newer than its stamp is rebuilt once more.

Outside an app (a script, a shell) nothing is kept: every call reads the database.
"""
import threading

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from gridops.dispatch.models import ReferenceVersion

MEMO = "gridops.stamps"
EXTENSION = "gridops.reference"


def stamps(session):
    """Return {kind: version} as this transaction sees it (one query per transaction)."""
    memo = session.info.get(MEMO)
    if memo is None:
        memo = dict(session.execute(select(ReferenceVersion.kind, ReferenceVersion.version)).all())
        session.info[MEMO] = memo
    return memo


class Cache:
    """Values built from one kind of reference data, dropped together when its stamp moves."""

    def __init__(self, kind):
        self.kind = kind
        self._state = (object(), {})  # (stamp, {key: value})
        self._lock = threading.Lock()

    def get(self, session, key, build):
        """Return the value for `key`, calling `build()` only if this stamp has none yet.

        None is returned but not kept, so asking for keys that do not exist (a client making
        up categories) costs queries, not memory.
        """
        stamp = stamps(session).get(self.kind)
        with self._lock:
            held, values = self._state
            if held != stamp:
                values = {}
                self._state = (stamp, values)
            if key in values:
                return values[key]
        value = build()  # outside the lock: a race only builds the same value twice
        if value is not None:
            values[key] = value
        return value


def cached(session, kind, key, build):
    """Return `build()` for `key`, kept in this app's cache of `kind` while its stamp holds."""
    if not has_app_context():
        return build()
    caches = current_app.extensions.setdefault(EXTENSION, {})
    cache = caches.get(kind) or caches.setdefault(kind, Cache(kind))
    return cache.get(session, key, build)


def snapshot(row):
    """Return the loaded column values of a row (deferred ones left out), to keep beyond its
    session."""
    state = inspect(row)
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs
            if attr.key in state.dict}


def attach(session, model, values):
    """Return the row of `model` kept as `values` as a clean object of `session`, with no query
    (the session's own copy if it holds one already)."""
    row = model(**values)
    make_transient_to_detached(row)
    return session.merge(row, load=False)


def _forget(session, *_):
    session.info.pop(MEMO, None)


def _forget_unless_select(state):
    if not state.is_select:
        _forget(state.session)


# On the Session class, so every session of every app is covered, the tests' ones included.
event.listen(Session, "after_flush", _forget)
event.listen(Session, "after_transaction_end", _forget)
event.listen(Session, "do_orm_execute", _forget_unless_select)
