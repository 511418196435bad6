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
    two are merged three ways against what this request read, top-level key by key: every key
    this request added, changed or removed takes this request's whole value; every key it left
    alone keeps the other request's value. Values are never merged inside, so a routine's place
    (one key) is always one writer's whole record, never one device's muscle with another's
    step; when both changed the same key, the later save wins. A save with no earlier read in
    the same request (attributes assigned wholesale) replaces the document.

    ``dynamodb`` keeps ask-sdk's behaviour: each save puts the whole document, last writer wins.

SQLite settings: a rollback journal, not WAL: WAL maps a shared-memory file (``-shm``) into
every process, and a damaged or truncated one kills the process with SIGBUS, which no Python
code can catch; the rollback journal maps nothing. Saves are a few hundred bytes and
milliseconds long, so readers waiting on a writer cost nothing noticeable.
``synchronous=FULL`` (a committed save survives a crash or a power cut), a busy timeout of
:data:`SQLITE_BUSY_TIMEOUT_S` seconds.

The file is watched: before each read or save the store checks that the path still names the
file it opened. A file removed (or its directory) or replaced under a running process is
reported (logged once, and the request fails as a store failure, so the listener is told),
never written as a ghost. A file this process has opened is never quietly created again: once
gone it stays an error until the file is put back (a replacement is adopted after it is
reported). Creating a new file, at the first start, is logged as a warning.
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill.safelog import logger

if TYPE_CHECKING:
    # Imported where they are used: a Lambda on DynamoDB or in memory never needs sqlite3, and
    # decimal and urllib cost milliseconds of every cold start.
    import sqlite3

log = logger(__name__)  # logging is imported when something is logged

STORE_ENV = "TPCOACH_STORE"
TABLE_ENV = "TPCOACH_TABLE"
DYNAMODB_ENDPOINT_ENV = "TPCOACH_DYNAMODB_ENDPOINT"

SQLITE_BUSY_TIMEOUT_S = 5.0
# DynamoDB answers in milliseconds; when it does not, a read and a save must both fail (at most
# about 3 s each, retry included) within the Lambda timeout (7 s) and Alexa's 8 s.
DYNAMODB_CONNECT_TIMEOUT_S = 0.5
DYNAMODB_READ_TIMEOUT_S = 0.8
DYNAMODB_MAX_ATTEMPTS = 2  # calls in all, the first one included

Attributes = dict[str, Any]


def default_sqlite_path() -> Path:
    """``progress.sqlite3`` in the user's data directory (e.g. ``~/.local/share/tpcoach``)."""
    import platformdirs  # only the local entries need it

    return platformdirs.user_data_path("tpcoach") / "progress.sqlite3"


def default_store_url() -> str:
    return f"sqlite:{default_sqlite_path()}"


def local_store_url(default: str | None = None) -> str:
    """The store of a local run (``tpcoach serve``, chat, gunicorn): ``TPCOACH_STORE`` if set,
    else ``default``, else the SQLite file in the user's data dir."""
    return os.environ.get(STORE_ENV) or default or default_store_url()


def lambda_store_url() -> str:
    """The store on Lambda: ``TPCOACH_STORE``, else ``dynamodb:$TPCOACH_TABLE``; no silent
    fallback to a local file."""
    url = os.environ.get(STORE_ENV)
    if url:
        return url
    table = os.environ.get(TABLE_ENV)
    if table:
        return f"dynamodb:{table}"
    raise RuntimeError(
        f"no store configured: set {TABLE_ENV} to the DynamoDB table (template.yaml does), "
        f"or {STORE_ENV} to a store URL"
    )


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

    Keys ``mine`` added, changed or removed take ``mine``'s whole value (or go); the rest keep
    ``theirs``. Values are never merged inside: each is one writer's.
    """
    merged = dict(theirs)
    for key in base.keys() | mine.keys():
        if key not in mine:
            merged.pop(key, None)  # removed by this request
        elif key not in base or mine[key] != base[key]:
            # The whole value, never a blend: two devices saving a routine's place at once
            # must leave one of the two places, not one's muscle with the other's step.
            merged[key] = mine[key]
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
    # os.urandom is what secrets.randbits reads, without importing hashlib at every cold start.
    return (int.from_bytes(os.urandom(8), "big") >> 2) + 1


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
    """One SQLite file with a rollback journal; safe for several processes and threads."""

    def __init__(self, path: Path | str, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> None:
        super().__init__()
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()  # one connection per thread, per process
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        self._reported: tuple[object, object] | None = None  # the last change logged
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        except NotADirectoryError:
            return None
        return info.st_dev, info.st_ino

    def _check_file(self, opened: tuple[int, int]) -> None:
        """Raise if the file a connection opened is gone or another file took its path."""
        import sqlite3

        current = self._file_identity()
        if current == opened:
            return
        with self._lock:
            first = self._reported != (opened, current)
            self._reported = (opened, current)
            if current is not None:
                self._identity = current  # the replacement is used from the next connection
        if current is None:
            if first:
                log.error(
                    "progress store %s has vanished (the file or its directory removed): "
                    "progress is not saved until it is put back",
                    self.path,
                )
            raise sqlite3.OperationalError(f"{self.path} has vanished")
        if first:
            log.error("progress store %s was replaced by another file", self.path)
        raise sqlite3.OperationalError(f"{self.path} was replaced by another file")

    def _open(self) -> tuple[sqlite3.Connection, tuple[int, int]]:
        import sqlite3
        from urllib.parse import quote

        if self._identity is None:
            existed = self._file_identity() is not None
            if not existed:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            mode = "rw" if existed else "rwc"
        else:
            mode = "rw"  # opened before: never quietly make a new, empty one
        uri = f"file:{quote(str(self.path.absolute()))}?mode={mode}"
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=self.busy_timeout_s,
            isolation_level=None,
            check_same_thread=True,
        )
        try:
            journal = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(journal).lower() != "delete":
                log.warning(
                    "progress store %s stays in %s mode while another process has it open",
                    self.path,
                    journal,
                )
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(_SCHEMA)
            identity = self._file_identity()
            if identity is None:
                raise sqlite3.OperationalError(f"{self.path} vanished while being opened")
            with self._lock:
                if self._identity is None and mode == "rwc":
                    log.warning("created a new, empty progress store at %s", self.path)
                elif self._identity not in (None, identity):
                    log.warning("progress store %s is another file now: using it", self.path)
                self._identity = identity
        except BaseException:
            conn.close()
            raise
        return conn, identity

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        import sqlite3

        local = self._local
        try:
            if getattr(local, "pid", None) != os.getpid():  # new thread, or a forked worker
                local.conn, local.pid = None, os.getpid()
            if local.conn is not None:
                self._check_file(local.opened)
            if local.conn is None:
                local.conn, local.opened = self._open()
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
    from decimal import Decimal

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
        # total_max_attempts counts the first try; botocore's max_attempts counts retries only
        # (max_attempts=2 made three calls).
        retries={"total_max_attempts": DYNAMODB_MAX_ATTEMPTS, "mode": "standard"},
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
            from decimal import Decimal

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
