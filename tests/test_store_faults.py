"""Store faults under a running skill: the progress is kept, or the listener is told; never a
claim of a save that was not made, never a silent start from nothing."""

from __future__ import annotations

import http.server
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill import stores
from skill.app import build_skill_builder
from skill.state import SESSION_KEY
from skill.stores import SqliteStore, open_store
from tests.hosting_support import user_envelope
from tpcoach.local import Client, SlotValue, in_process

ALICE = "amzn1.ask.account.ALICE"


def said(response: dict[str, Any]) -> list[str]:
    return list(response["sessionAttributes"][SESSION_KEY].get("said", []))


def to_step_three(client: Client) -> None:
    client.intent("RoutineIntent", {"muscle": SlotValue("tfl", id="tfl")})
    client.intent("AMAZON.NoIntent")
    client.intent("LeadReadyIntent")  # steps 1 and 2: step 1 flows on
    client.intent("AMAZON.NextIntent")  # steps 3 and 4: step 3 flows on to the hold
    client.intent("AMAZON.PreviousIntent")  # step 3, alone


def test_a_removed_file_is_reported_and_not_recreated_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "data" / "p.sqlite3"
    store = SqliteStore(path)
    store.save_attributes(user_envelope(ALICE), {"x": 1})
    path.unlink()
    with caplog.at_level(logging.ERROR, logger="skill.stores"):
        for _ in range(3):
            with pytest.raises(PersistenceException):
                store.save_attributes(user_envelope(ALICE), {"x": 2})
    assert not path.exists(), "a new empty store was made quietly"
    vanished = [r for r in caplog.records if "vanished" in r.getMessage()]
    assert len(vanished) == 1, "the loss is logged once"


def test_a_removed_directory_is_reported(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    store = SqliteStore(directory / "p.sqlite3")
    store.save_attributes(user_envelope(ALICE), {"x": 1})
    for name in os.listdir(directory):
        (directory / name).unlink()
    directory.rmdir()
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    assert not directory.exists()


def test_a_replaced_file_is_reported_once_then_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "p.sqlite3"
    store = SqliteStore(path)
    store.save_attributes(user_envelope(ALICE), {"who": "old"})
    other = tmp_path / "other.sqlite3"
    SqliteStore(other).save_attributes(user_envelope(ALICE), {"who": "restored"})
    os.replace(other, path)
    with caplog.at_level(logging.ERROR, logger="skill.stores"), pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    assert any("replaced" in r.getMessage() for r in caplog.records)
    assert store.get_attributes(user_envelope(ALICE)) == {"who": "restored"}


def test_a_new_store_file_is_announced_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.stores"):
        SqliteStore(tmp_path / "new.sqlite3").get_attributes(user_envelope(ALICE))
    assert any("new, empty progress store" in r.getMessage() for r in caplog.records)


def test_stop_after_the_file_vanished_does_not_claim_the_place_was_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    client = Client(in_process(build_skill_builder(open_store(f"sqlite:{path}"))))
    client.launch()
    to_step_three(client)
    path.unlink()
    response = client.intent("AMAZON.StopIntent")
    assert "stopped_kept" not in said(response)
    assert "stopped_unsaved" in said(response)
    assert "kept your place" not in response["response"]["outputSpeech"]["ssml"]


def test_a_mid_routine_step_after_the_file_vanished_tells_the_listener(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    client = Client(in_process(build_skill_builder(open_store(f"sqlite:{path}"))))
    client.launch()
    to_step_three(client)
    path.unlink()
    response = client.intent("AMAZON.NextIntent")
    assert {"store_unwritable", "store_unreadable"} & set(said(response))
    again = client.intent("AMAZON.NextIntent")
    assert not {"store_unwritable", "store_unreadable"} & set(said(again)), "told once"


def test_a_failed_pause_does_not_claim_the_place_was_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    client = Client(in_process(build_skill_builder(open_store(f"sqlite:{path}"))))
    client.launch()
    to_step_three(client)
    path.unlink()
    response = client.intent("AMAZON.PauseIntent")
    assert "paused" not in said(response) and "paused_unsaved" in said(response)


SHM_SCRIPT = """
import sys
from pathlib import Path
from skill.stores import SqliteStore
from tests.hosting_support import user_envelope
path = Path(sys.argv[1])
store = SqliteStore(path)
for i in range(20):
    store.save_attributes(user_envelope("amzn1.ask.account.ALICE"), {"i": i})
    # damage: a truncated shared-memory file, as a crash or a careless copy leaves it
    Path(f"{path}-shm").write_bytes(b"\\0" * 7)
    assert store.get_attributes(user_envelope("amzn1.ask.account.ALICE")) == {"i": i}
print("alive")
"""


def test_a_damaged_shm_file_does_not_kill_the_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SHM_SCRIPT, str(tmp_path / "p.sqlite3")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0 and "alive" in result.stdout, result.stderr


def test_a_finished_routine_is_not_offered_again(client: Client) -> None:
    client.launch()
    client.intent("RoutineIntent", {"muscle": SlotValue("tfl", id="tfl")})
    client.intent("AMAZON.NoIntent")
    response = client.intent("LeadReadyIntent")
    for _ in range(20):
        if response["sessionAttributes"][SESSION_KEY].get("pending") == "other_side":
            break
        response = client.intent("AMAZON.NextIntent")
    assert response["sessionAttributes"][SESSION_KEY]["pending"] == "other_side"
    response = client.intent("AMAZON.StopIntent")
    assert "stopped_kept" not in said(response)
    response = client.launch()
    assert "offer_resume" not in said(response), "a finished routine was offered to resume"


def test_a_finished_routine_is_not_kept_when_the_session_times_out(client: Client) -> None:
    client.launch()
    client.intent("RoutineIntent", {"muscle": SlotValue("tfl", id="tfl")})
    client.intent("AMAZON.NoIntent")
    response = client.intent("LeadReadyIntent")
    while response["sessionAttributes"][SESSION_KEY].get("pending") != "other_side":
        response = client.intent("AMAZON.NextIntent")
    client.end_session("EXCEEDED_MAX_REPROMPTS")
    assert "offer_resume" not in said(client.launch())


class _Failing(http.server.BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(500)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_dynamodb() -> Iterator[tuple[str, type[_Failing]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Failing.calls = 0
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Failing
    finally:
        server.shutdown()
        server.server_close()


def test_the_dynamodb_store_makes_exactly_the_documented_number_of_attempts(
    failing_dynamodb: tuple[str, type[_Failing]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = failing_dynamodb
    for name, value in [("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "x")]:
        monkeypatch.setenv(name, value)
    store = stores.open_dynamodb_store("progress", endpoint_url=url)
    with pytest.raises(PersistenceException):
        store.get_attributes(user_envelope(ALICE))
    assert handler.calls == stores.DYNAMODB_MAX_ATTEMPTS
