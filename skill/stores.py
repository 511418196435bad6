"""Where a user's progress is kept: a store URL becomes an ask-sdk persistence adapter.

Store URLs (``--store`` or ``TPCOACH_STORE``)
    ``sqlite:PATH``     one SQLite file; the default for ``tpcoach serve`` and the local tools is
                        ``sqlite:`` + :func:`default_sqlite_path` (the user's data directory).
    ``memory``          a dict in this process: tests and throwaway runs.
    ``dynamodb:TABLE``  ask-sdk's ``DynamoDbAdapter`` on that table (HASH key ``id``, attribute
                        ``attributes``). ``TPCOACH_DYNAMODB_ENDPOINT`` points it at a
                        DynamoDB-compatible local server instead of AWS.

What every store promises
    * One JSON object per user, keyed by the Alexa user id (``context.System.user.userId``);
      a request reads and writes only its own user's row.
    * ``get_attributes`` returns plain JSON types (DynamoDB's ``Decimal`` is turned back into
      ``int``/``float``); ``save_attributes`` accepts exactly what ``json.dumps`` accepts.
    * Any failure (store down, file corrupt or unreadable, a stored document that is not a JSON
      object, attributes that are not JSON) raises
      :class:`ask_sdk_core.exceptions.PersistenceException` and nothing else, so the skill can
      tell the user their progress was not saved and keep answering.

Two requests of the same user at once (``sqlite`` and ``memory``)
    A save is one atomic read-and-write of the whole document (an SQLite ``BEGIN IMMEDIATE``
    transaction holding a single UPSERT), so a document is never half written. Each write stamps
    the row with a fresh random version. If the row still has the version this request read,
    the request's attributes are written as they are. If another request saved in between, the
    two are merged three ways against what this request read: every key this request added,
    changed or removed takes this request's value; every key it left alone keeps the other
    request's value; nested objects are merged key by key the same way. So progress written by
    one request is not wiped by a racing request that did not touch it; when both changed the
    same key, the later save wins for that key. Keep independent pieces of progress under
    independent keys to benefit. A save with no earlier read in the same request (attributes
    assigned wholesale) replaces the document.

    ``dynamodb`` keeps ask-sdk's behaviour: each save puts the whole document, last writer wins.

SQLite settings: WAL journal (readers never block the writer, several gunicorn workers share
the file), ``synchronous=NORMAL`` (a committed save survives a crash of the process; a power
cut may lose the last moments), a busy timeout of :data:`SQLITE_BUSY_TIMEOUT_S` seconds.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

STORE_ENV = "TPCOACH_STORE"
TABLE_ENV = "TPCOACH_TABLE"
DYNAMODB_ENDPOINT_ENV = "TPCOACH_DYNAMODB_ENDPOINT"

SQLITE_BUSY_TIMEOUT_S = 5.0
# DynamoDB answers in milliseconds; when it does not, a read and a save must both fail (at most
# about 3 s each, retry included) within the Lambda timeout (7 s) and Alexa's 8 s.
DYNAMODB_CONNECT_TIMEOUT_S = 0.5
DYNAMODB_READ_TIMEOUT_S = 0.8
DYNAMODB_MAX_ATTEMPTS = 2

Attributes = dict[str, Any]


def default_sqlite_path() -> Path:
    """``progress.sqlite3`` in the user's data directory (e.g. ``~/.local/share/tpcoach``)."""
    import platformdirs  # only the local entries need it

    return platformdirs.user_data_path("tpcoach") / "progress.sqlite3"


def default_store_url() -> str:
    return f"sqlite:{default_sqlite_path()}"


def store_url_from_env(default: str | None = None) -> str:
    """``TPCOACH_STORE`` if set, else ``default``, else the SQLite file in the user's data dir."""
    return os.environ.get(STORE_ENV) or default or default_store_url()


def open_store(url: str) -> AbstractPersistenceAdapter:
    """The persistence adapter for a store URL. Opening touches nothing: failures surface,
    as :class:`PersistenceException`, on the first read or write."""
    scheme, _, rest = url.partition(":")
    if scheme == "memory" and not rest:
        return MemoryStore()
    if scheme == "sqlite":
        return SqliteStore(Path(rest).expanduser() if rest else default_sqlite_path())
    if scheme == "dynamodb" and rest:
        return open_dynamodb_store(rest, endpoint_url=os.environ.get(DYNAMODB_ENDPOINT_ENV))
    raise ValueError(f"unknown store {url!r}: expected 'sqlite:PATH', 'memory' or 'dynamodb:TABLE'")


def user_key(request_envelope: RequestEnvelope) -> str:
    """The Alexa user id: the one key a request may read or write."""
    for holder in (
        request_envelope.context and request_envelope.context.system,
        request_envelope.session,
    ):
        user = getattr(holder, "user", None)
        user_id = getattr(user, "user_id", None)
        if isinstance(user_id, str) and user_id:
            return user_id
    raise PersistenceException("the request names no user id: nothing to load or save")


def merge_attributes(base: Attributes, mine: Attributes, theirs: Attributes) -> Attributes:
    """Three-way merge: ``mine`` was derived from ``base``; ``theirs`` was saved meanwhile.

    Keys ``mine`` added, changed or removed take ``mine``'s value (or go); the rest keep
    ``theirs``. Where all three hold objects under a key, that key is merged the same way.
    """
    merged = dict(theirs)
    for key in base.keys() | mine.keys():
        if key not in mine:
            merged.pop(key, None)  # removed by this request
        elif key not in base or mine[key] != base[key]:
            ours, old, other = mine[key], base.get(key, {}), theirs.get(key)
            if isinstance(ours, dict) and isinstance(old, dict) and isinstance(other, dict):
                merged[key] = merge_attributes(old, ours, other)  # also when both added it
            else:
                merged[key] = ours
    return merged


def _encode(attributes: Attributes) -> str:
    if not isinstance(attributes, dict):
        raise PersistenceException(f"attributes must be a dict, not {type(attributes).__name__}")
    try:
        return json.dumps(attributes, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise PersistenceException(f"attributes are not JSON: {error}") from error


def _decode(doc: str) -> Attributes:
    try:
        value = json.loads(doc)
    except ValueError as error:
        raise PersistenceException(f"stored progress is not JSON: {error}") from error
    if not isinstance(value, dict):
        raise PersistenceException("stored progress is not a JSON object")
    return value


@dataclass(frozen=True)
class _Row:
    version: int
    doc: str


_ABSENT = _Row(0, "{}")


class _DocumentStore(AbstractPersistenceAdapter):
    """One JSON document per user with versioned, merging saves (see the module docstring)."""

    def __init__(self) -> None:
        # What each in-flight request read, keyed by id() of its envelope and dropped when the
        # envelope is garbage collected (envelopes are unhashable, so no WeakKeyDictionary).
        self._read_rows: dict[int, _Row] = {}

    # -- storage primitives -------------------------------------------------------------------
    def _read(self, key: str) -> _Row | None:
        raise NotImplementedError

    def _update(self, key: str, decide: Callable[[_Row | None], str]) -> _Row:
        """Atomically: read the row, write ``decide(row)`` with a new version, return it."""
        raise NotImplementedError

    def _remove(self, key: str) -> None:
        raise NotImplementedError

    # -- AbstractPersistenceAdapter -----------------------------------------------------------
    def get_attributes(self, request_envelope: RequestEnvelope) -> Attributes:
        key = user_key(request_envelope)
        row = self._read(key) or _ABSENT
        attributes = _decode(row.doc)
        self._remember(request_envelope, row)
        return attributes

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: Attributes) -> None:
        key = user_key(request_envelope)
        mine = _encode(attributes)
        read = self._read_rows.get(id(request_envelope))

        def decide(current: _Row | None) -> str:
            current = current or _ABSENT
            if read is None or read.version == current.version:
                return mine
            return _encode(merge_attributes(_decode(read.doc), attributes, _decode(current.doc)))

        self._remember(request_envelope, self._update(key, decide))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._remove(user_key(request_envelope))
        self._remember(request_envelope, _ABSENT)

    def _remember(self, request_envelope: RequestEnvelope, row: _Row) -> None:
        envelope_id = id(request_envelope)
        if envelope_id not in self._read_rows:
            weakref.finalize(request_envelope, self._read_rows.pop, envelope_id, None)
        self._read_rows[envelope_id] = row


def _new_version() -> int:
    # Random, not a counter: a row deleted and written again never reuses an old version.
    return secrets.randbits(62) + 1


class MemoryStore(_DocumentStore):
    """Documents in a dict of this process. Same semantics as the SQLite store."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, _Row] = {}
        self._lock = threading.Lock()

    def _read(self, key: str) -> _Row | None:
        return self._rows.get(key)

    def _update(self, key: str, decide: Callable[[_Row | None], str]) -> _Row:
        with self._lock:
            row = _Row(_new_version(), decide(self._rows.get(key)))
            self._rows[key] = row
            return row

    def _remove(self, key: str) -> None:
        with self._lock:
            self._rows.pop(key, None)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress (
    id         TEXT PRIMARY KEY,   -- Alexa user id
    version    INTEGER NOT NULL,   -- random, new on every write
    doc        TEXT NOT NULL,      -- the user's attributes, a JSON object
    updated_at REAL NOT NULL       -- unix time of the last write
)
"""
_SELECT = "SELECT version, doc FROM progress WHERE id = ?"
_UPSERT = """
INSERT INTO progress (id, version, doc, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    version = excluded.version, doc = excluded.doc, updated_at = excluded.updated_at
"""


class SqliteStore(_DocumentStore):
    """One SQLite file in WAL mode; safe for several processes and threads at once."""

    def __init__(self, path: Path | str, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> None:
        super().__init__()
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()  # one connection per thread, per process

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=True
        )
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot switch {self.path} to WAL (got {mode})")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        local = self._local
        try:
            if getattr(local, "pid", None) != os.getpid():  # new thread, or a forked worker
                local.conn, local.pid = None, os.getpid()
            if local.conn is None:
                local.conn = self._open()
            yield local.conn
        except (sqlite3.Error, OSError) as error:
            conn, local.conn = local.conn, None  # reconnect next time: the file may be repaired
            if conn is not None:
                conn.close()
            raise PersistenceException(f"progress store {self.path} failed: {error}") from error

    def _read(self, key: str) -> _Row | None:
        with self._connection() as conn:
            found = conn.execute(_SELECT, (key,)).fetchone()
        return None if found is None else _Row(int(found[0]), str(found[1]))

    def _update(self, key: str, decide: Callable[[_Row | None], str]) -> _Row:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock before reading
            try:
                found = conn.execute(_SELECT, (key,)).fetchone()
                row = _Row(_new_version(), decide(None if found is None else _Row(*found)))
                conn.execute(_UPSERT, (key, row.version, row.doc, time.time()))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return row

    def _remove(self, key: str) -> None:
        with self._connection() as conn:
            conn.execute("DELETE FROM progress WHERE id = ?", (key,))


# -- DynamoDB -------------------------------------------------------------------------------------


def _from_dynamodb(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_dynamodb(item) for item in value]
    return value


@contextmanager
def _region_for_import(region: str) -> Iterator[None]:
    """ask_sdk_dynamodb.adapter builds ``boto3.resource("dynamodb")`` as a default argument,
    at import: without a configured region that import raises NoRegionError."""
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        if saved is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved


def open_dynamodb_store(
    table_name: str, endpoint_url: str | None = None, region: str | None = None
) -> AbstractPersistenceAdapter:
    """ask-sdk's DynamoDbAdapter on ``table_name``, with short timeouts and plain JSON types.

    ``endpoint_url`` (or ``TPCOACH_DYNAMODB_ENDPOINT``) targets a DynamoDB-compatible local
    server; the region then defaults to us-east-1. Against AWS the region comes from the usual
    boto3 chain (``AWS_REGION`` in Lambda).
    """
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(region_name=region)
    region = session.region_name or ("us-east-1" if endpoint_url else None)
    if region is None:
        raise ValueError(f"the dynamodb store needs a region: set AWS_REGION (table {table_name})")
    with _region_for_import(region):
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    config = Config(
        connect_timeout=DYNAMODB_CONNECT_TIMEOUT_S,
        read_timeout=DYNAMODB_READ_TIMEOUT_S,
        retries={"max_attempts": DYNAMODB_MAX_ATTEMPTS, "mode": "standard"},
    )
    resource = session.resource(
        "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
    )

    class DynamoDbStore(DynamoDbAdapter):
        """The SDK adapter, keyed like the other stores, speaking plain JSON types."""

        def get_attributes(self, request_envelope: RequestEnvelope) -> Attributes:
            attributes = _from_dynamodb(super().get_attributes(request_envelope))
            if not isinstance(attributes, dict):
                raise PersistenceException("stored progress is not a map")
            return attributes

        def save_attributes(
            self, request_envelope: RequestEnvelope, attributes: Attributes
        ) -> None:
            # DynamoDB takes numbers as Decimal and refuses float.
            as_dynamodb = json.loads(_encode(attributes), parse_float=Decimal)
            super().save_attributes(request_envelope, as_dynamodb)

        def __repr__(self) -> str:
            return f"DynamoDbStore({table_name!r}, endpoint_url={endpoint_url!r})"

    store: AbstractPersistenceAdapter = DynamoDbStore(
        table_name=table_name,
        partition_key_name="id",
        attribute_name="attributes",
        create_table=False,
        partition_keygen=user_key,
        dynamodb_resource=resource,
    )
    return store
