"""The stores keep each user's progress, never touch another user's, and fail only with
PersistenceException."""

from __future__ import annotations

import multiprocessing
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill import stores
from skill.stores import MemoryStore, SqliteStore, merge_attributes, open_store
from tests.hosting_support import closed_loopback_port, envelope, launch_request, user_envelope

ALICE = "amzn1.ask.account.ALICE"
BOB = "amzn1.ask.account.BOB"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AbstractPersistenceAdapter:
    url = "memory" if request.param == "memory" else f"sqlite:{tmp_path / 'sub' / 'p.sqlite3'}"
    return open_store(url)


def load(store: AbstractPersistenceAdapter, user: str) -> dict[str, Any]:
    result: dict[str, Any] = store.get_attributes(user_envelope(user))
    return result


def test_a_saved_document_comes_back_in_a_later_request(store: AbstractPersistenceAdapter) -> None:
    first = user_envelope(ALICE)
    assert store.get_attributes(first) == {}, "a new user must start with no progress"
    saved = {"stage": "routine", "step": 3, "done": [1.5, "é"], "nested": {"a": {"b": None}}}
    store.save_attributes(first, saved)
    assert load(store, ALICE) == saved


def test_deleting_one_user_leaves_the_other_user_alone(store: AbstractPersistenceAdapter) -> None:
    store.save_attributes(user_envelope(ALICE), {"who": "alice"})
    store.save_attributes(user_envelope(BOB), {"who": "bob"})
    store.delete_attributes(user_envelope(ALICE))
    assert load(store, ALICE) == {}
    assert load(store, BOB) == {"who": "bob"}, "deleting Alice removed Bob's progress"


def test_racing_requests_of_one_user_keep_both_changes_each_value_whole(
    store: AbstractPersistenceAdapter,
) -> None:
    store.save_attributes(user_envelope(ALICE), {"kept": 1, "gone": 2, "n": {"x": 1}})
    first, second = user_envelope(ALICE), user_envelope(ALICE)
    a = store.get_attributes(first)
    b = store.get_attributes(second)
    a["a"] = "from first"
    a["n"]["y"] = 2
    del a["gone"]
    b["b"] = "from second"
    b["n"]["z"] = 3
    store.save_attributes(first, a)
    store.save_attributes(second, b)  # read before `first` saved: must not wipe its changes
    assert load(store, ALICE) == {
        "kept": 1,
        "a": "from first",
        "b": "from second",
        "n": {"x": 1, "z": 3},  # the later writer's whole value, not a blend of the two
    }


def test_two_devices_saving_a_place_at_once_leave_one_of_the_two_places(
    store: AbstractPersistenceAdapter,
) -> None:
    old = {"muscle": "tfl", "equipment": "lacrosse_ball", "step": 0}
    store.save_attributes(user_envelope(ALICE), {"progress": old, "known": True})
    phone, speaker = user_envelope(ALICE), user_envelope(ALICE)
    on_phone, on_speaker = store.get_attributes(phone), store.get_attributes(speaker)
    on_phone["progress"] = {"muscle": "tfl", "equipment": "lacrosse_ball", "step": 4}
    on_speaker["progress"] = {"muscle": "calf", "equipment": "foam_roller", "step": 0}
    store.save_attributes(phone, on_phone)
    store.save_attributes(speaker, on_speaker)
    assert load(store, ALICE)["progress"] in (on_phone["progress"], on_speaker["progress"])


def test_a_second_save_in_the_same_request_is_not_taken_for_a_race(
    store: AbstractPersistenceAdapter,
) -> None:
    request = user_envelope(ALICE)
    attributes = store.get_attributes(request)
    attributes["k"] = 1
    store.save_attributes(request, attributes)
    del attributes["k"]
    store.save_attributes(request, attributes)
    assert load(store, ALICE) == {}, "the removal in the second save was lost"


def test_a_request_that_read_before_a_delete_writes_only_what_it_changed(
    store: AbstractPersistenceAdapter,
) -> None:
    store.save_attributes(user_envelope(ALICE), {"old": 1})
    stale = user_envelope(ALICE)
    attributes = store.get_attributes(stale)
    store.delete_attributes(user_envelope(ALICE))
    attributes["new"] = 2
    store.save_attributes(stale, attributes)
    assert load(store, ALICE) == {"new": 2}, "a stale request resurrected deleted progress"


def test_attributes_that_are_not_json_raise_persistence_exception_and_keep_the_old_document(
    store: AbstractPersistenceAdapter,
) -> None:
    store.save_attributes(user_envelope(ALICE), {"ok": True})
    for bad in ({"when": object()}, {"nan": float("nan")}, ["not", "a", "dict"]):
        with pytest.raises(PersistenceException):
            store.save_attributes(user_envelope(ALICE), bad)  # type: ignore[arg-type]
    assert load(store, ALICE) == {"ok": True}


def test_a_request_without_a_user_id_raises_persistence_exception(
    store: AbstractPersistenceAdapter,
) -> None:
    body = launch_request()
    del body["context"]["System"]["user"]
    del body["session"]["user"]
    with pytest.raises(PersistenceException):
        store.get_attributes(envelope(body))


def test_merge_never_merges_inside_a_value() -> None:
    assert merge_attributes({}, {"n": {"a": 1}}, {"n": {"b": 2}}) == {"n": {"a": 1}}
    assert merge_attributes({}, {"n": {"a": 1}}, {"n": 5}) == {"n": {"a": 1}}


def test_merge_gives_each_key_to_whoever_changed_it() -> None:
    base = {"same": 1, "mine": 1, "theirs": 1, "both": 1, "removed": 1, "deep": {"m": 1, "t": 1}}
    mine = {"same": 1, "mine": 2, "theirs": 1, "both": 2, "deep": {"m": 2, "t": 1}, "added": 1}
    theirs = {"same": 1, "mine": 1, "theirs": 3, "both": 3, "removed": 1, "deep": {"m": 1, "t": 3}}
    assert merge_attributes(base, mine, theirs) == {
        "same": 1,
        "mine": 2,
        "theirs": 3,
        "both": 2,
        "deep": {"m": 2, "t": 1},
        "added": 1,
    }


# -- SQLite -----------------------------------------------------------------------------------


def test_the_sqlite_file_uses_a_rollback_journal_and_no_shared_memory_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.sqlite3"
    SqliteStore(path).save_attributes(user_envelope(ALICE), {"x": 1})
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not Path(f"{path}-shm").exists()


def test_a_store_converts_a_file_left_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    SqliteStore(path).save_attributes(user_envelope(ALICE), {"x": 1})
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_save_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = SqliteStore(path)
    store.save_attributes(user_envelope(ALICE), {"x": 1})
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another worker holds the write lock...
    release = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))  # ...for 0.3 s
    release.start()
    try:
        started = time.monotonic()
        store.save_attributes(user_envelope(ALICE), {"x": 2})
        waited = time.monotonic() - started
    finally:
        release.join()
        blocker.close()
    assert waited >= 0.2, "the save did not wait for the lock: was the busy timeout set?"
    assert load(store, ALICE) == {"x": 2}


def test_a_corrupt_sqlite_file_raises_persistence_exception(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just some text " * 200)
    store = SqliteStore(path)
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    with pytest.raises(PersistenceException):
        store.save_attributes(user_envelope(ALICE), {"x": 1})
    with pytest.raises(PersistenceException):
        store.delete_attributes(user_envelope(ALICE))


def test_an_unusable_sqlite_path_raises_persistence_exception(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("a file where a directory should be")
    store = SqliteStore(tmp_path / "a-file" / "p.sqlite3")
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    directory_in_the_way = tmp_path / "dir.sqlite3"
    directory_in_the_way.mkdir()
    with pytest.raises(PersistenceException):
        SqliteStore(directory_in_the_way).save_attributes(user_envelope(ALICE), {"x": 1})


def test_one_users_corrupt_document_does_not_hide_another_users(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = SqliteStore(path)
    store.save_attributes(user_envelope(ALICE), {"x": 1})
    store.save_attributes(user_envelope(BOB), {"y": 2})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE progress SET doc = '{broken' WHERE id = ?", (ALICE,))
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    assert load(store, BOB) == {"y": 2}


def test_the_store_recovers_once_a_broken_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    store = SqliteStore(path)
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    path.unlink()
    store.save_attributes(user_envelope(ALICE), {"back": True})
    assert load(store, ALICE) == {"back": True}


ROUNDS = 40


def _bump_own_counter(path: str, worker: int, start: Any) -> None:
    store = SqliteStore(path)
    start.wait()
    for _ in range(ROUNDS):
        request = user_envelope(ALICE)
        attributes = store.get_attributes(request)
        attributes[f"count-{worker}"] = attributes.get(f"count-{worker}", 0) + 1
        attributes[f"last-{worker}"] = attributes[f"count-{worker}"]
        store.save_attributes(request, attributes)


def test_concurrent_writer_processes_of_one_user_lose_no_progress(tmp_path: Path) -> None:
    path = str(tmp_path / "p.sqlite3")
    SqliteStore(path).save_attributes(user_envelope(ALICE), {})
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_bump_own_counter, args=(path, worker, start)) for worker in range(4)
    ]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(timeout=60)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    final = load(SqliteStore(path), ALICE)
    assert [final[f"count-{worker}"] for worker in range(4)] == [ROUNDS] * 4, "saves were lost"
    assert all(final[f"last-{worker}"] == ROUNDS for worker in range(4))


def test_store_urls_name_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    sqlite_store = open_store(f"sqlite:{tmp_path}/x.sqlite3")
    assert isinstance(sqlite_store, SqliteStore)
    assert sqlite_store.path == tmp_path / "x.sqlite3"
    for bad in ("", "memory:x", "dynamodb:", "postgres://db", "sqlite3:x"):
        with pytest.raises(ValueError):
            open_store(bad)
    monkeypatch.delenv(stores.STORE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "tpcoach" / "progress.sqlite3"
    assert stores.local_store_url() == f"sqlite:{expected}"
    monkeypatch.setenv(stores.STORE_ENV, "memory")
    assert stores.local_store_url() == "memory"


# -- DynamoDB ---------------------------------------------------------------------------------


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv(stores.DYNAMODB_ENDPOINT_ENV, raising=False)


def test_dynamodb_round_trip_with_plain_json_types(aws_env: None) -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName="progress",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        store = open_store("dynamodb:progress")
        assert load(store, ALICE) == {}
        saved = {"step": 3, "ratio": 0.25, "list": [1, 2.5, "x"], "deep": {"n": 7}, "flag": True}
        store.save_attributes(user_envelope(ALICE), saved)
        store.save_attributes(user_envelope(BOB), {"who": "bob"})
        back = load(store, ALICE)
        assert back == saved
        assert type(back["step"]) is int and type(back["ratio"]) is float, "Decimal leaked out"
        item = boto3.resource("dynamodb").Table("progress").get_item(Key={"id": ALICE})["Item"]
        assert item["attributes"]["deep"]["n"] == 7, "not stored under HASH key id / attributes"
        store.delete_attributes(user_envelope(ALICE))
        assert load(store, ALICE) == {}
        assert load(store, BOB) == {"who": "bob"}


def test_a_missing_dynamodb_table_raises_persistence_exception(aws_env: None) -> None:
    from moto import mock_aws

    with mock_aws():
        store = open_store("dynamodb:no-such-table")
        with pytest.raises(PersistenceException):
            store.get_attributes(user_envelope(ALICE))
        with pytest.raises(PersistenceException):
            store.save_attributes(user_envelope(ALICE), {"x": 1})


def test_a_dynamodb_endpoint_that_is_down_raises_persistence_exception_quickly(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(stores.DYNAMODB_ENDPOINT_ENV, f"http://127.0.0.1:{closed_loopback_port()}")
    store = open_store("dynamodb:progress")
    started = time.monotonic()
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    with pytest.raises(PersistenceException):
        store.save_attributes(user_envelope(ALICE), {"x": 1})
    with pytest.raises(PersistenceException):
        store.delete_attributes(user_envelope(ALICE))
    assert time.monotonic() - started < 6, "a down store must fail well inside Alexa's 8 s"


def test_the_dynamodb_store_needs_no_region_when_an_endpoint_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv(stores.DYNAMODB_ENDPOINT_ENV, "http://127.0.0.1:8000")
    assert open_store("dynamodb:progress") is not None
    monkeypatch.delenv(stores.DYNAMODB_ENDPOINT_ENV)
    with pytest.raises(ValueError, match="region"):
        open_store("dynamodb:progress")


def test_a_dynamodb_endpoint_that_never_answers_times_out_within_the_lambda_budget(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes connections; nobody ever answers
        monkeypatch.setenv(
            stores.DYNAMODB_ENDPOINT_ENV, f"http://127.0.0.1:{silent.getsockname()[1]}"
        )
        store = open_store("dynamodb:progress")
        started = time.monotonic()
        with pytest.raises(PersistenceException):
            store.get_attributes(user_envelope(ALICE))
        elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"one call to a silent store took {elapsed:.1f} s; two must fit in 7 s"
