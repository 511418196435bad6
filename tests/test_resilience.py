"""Bad input gets a clear answer and loses nothing: a store that is down or corrupt, session
attributes that make no sense, saved progress from older content, an unexpected error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skill.app import build_skill_builder
from skill.state import SESSION_KEY
from skill.stores import open_store
from tests.ssml import assert_valid_response
from tpcoach.local import Client, SlotValue, ended, in_process


def said(response: dict[str, Any]) -> list[str]:
    return list(response["sessionAttributes"][SESSION_KEY].get("said", []))


def start_tfl(client: Client) -> None:
    client.intent("RoutineIntent", {"muscle": SlotValue("tfl", id="tfl")})
    client.intent("AMAZON.NoIntent")
    client.intent("LeadReadyIntent")


def test_a_corrupt_store_still_answers_and_says_progress_is_not_saved(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    client = Client(in_process(build_skill_builder(open_store(f"sqlite:{db}"))))
    response = client.launch()
    assert_valid_response(response)
    assert "store_unreadable" in said(response)
    assert not ended(response)
    # The conversation goes on: an answer, a routine, its steps.
    response = client.intent("PainIntent", {"region": SlotValue("knee outside", id="knee_outside")})
    assert response["sessionAttributes"][SESSION_KEY]["muscles"][0] == "tfl"
    start_tfl(client)  # ready: steps 1 and 2 (step 1 flows on)
    response = client.intent("AMAZON.NextIntent")  # steps 3 and 4
    assert response["sessionAttributes"][SESSION_KEY]["routine"]["step"] == 3
    # Told once a session, not at every step ...
    assert not {"store_unreadable", "store_unwritable"} & set(said(response))
    # ... but "stop" does not claim a place it could not keep.
    response = client.intent("AMAZON.StopIntent")
    assert "stopped_unsaved" in said(response) and "stopped_kept" not in said(response)
    # and the corrupt file is left as it was, not overwritten by what could not be read
    assert db.read_bytes().startswith(b"this is not a database")


def test_a_store_that_fails_only_on_write_keeps_answering() -> None:
    store = open_store("memory")

    def refuse(*_: object, **__: object) -> None:
        from ask_sdk_core.exceptions import PersistenceException

        raise PersistenceException("store is down")

    store.save_attributes = refuse  # type: ignore[method-assign]
    client = Client(in_process(build_skill_builder(store)))
    client.intent("RoutineIntent", {"muscle": SlotValue("tfl", id="tfl")})
    response = client.intent("AMAZON.NoIntent")
    assert "store_unwritable" in said(response)
    assert response["sessionAttributes"][SESSION_KEY]["pending"] == "ready"
    assert_valid_response(response)


def test_one_users_progress_is_not_touched_by_another(store: Any) -> None:
    alice = Client(in_process(build_skill_builder(store)), user_id="amzn1.ask.account.ALICE")
    bob = Client(in_process(build_skill_builder(store)), user_id="amzn1.ask.account.BOB")
    start_tfl(alice)
    alice.intent("AMAZON.NextIntent")
    alice.intent("AMAZON.StopIntent")
    response = bob.launch()
    assert "offer_resume" not in said(response)
    response = alice.launch()
    assert "offer_resume" in said(response)


@pytest.mark.parametrize(
    "attributes",
    [
        {SESSION_KEY: "garbage"},
        {SESSION_KEY: {"pending": "no such question", "routine": {"muscle": 5}}},
        {SESSION_KEY: {"routine": {"muscle": "tfl", "equipment": "lacrosse_ball", "step": "x"}}},
        {SESSION_KEY: {"muscles": "tfl", "misses": "many"}},
        {"something": "else"},
    ],
)
def test_nonsense_session_attributes_are_treated_as_a_fresh_start(
    client: Client, attributes: dict[str, Any]
) -> None:
    client.launch()
    client.attributes = attributes
    response = client.intent("AMAZON.NextIntent")
    assert_valid_response(response)
    assert "error" not in said(response)


def test_saved_progress_for_a_routine_that_no_longer_exists_is_not_offered(
    client: Client, store: Any
) -> None:
    start_tfl(client)
    client.intent("AMAZON.StopIntent")
    # Content changed since: the saved routine is gone.
    env = client.last_request
    assert env is not None
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    request_envelope = DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)
    saved = store.get_attributes(request_envelope)
    saved["progress"]["muscle"] = "a_muscle_no_longer_in_the_content"
    store.save_attributes(request_envelope, saved)
    response = client.launch()
    assert "offer_resume" not in said(response)
    assert not ended(response)


def test_an_unexpected_error_apologises_and_keeps_the_question(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.intent("PainIntent", {"region": SlotValue("knee", id="knee")})  # "which part?"

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("skill.handlers.ask.answer_outcome", broken)
    response = client.intent("PainIntent", {"aspect": SlotValue("outside", id="outside")})
    assert_valid_response(response)
    assert "error" in said(response)
    assert not ended(response)
    assert response["sessionAttributes"][SESSION_KEY]["pending"] == "aspect"
    monkeypatch.undo()
    response = client.intent("PainIntent", {"aspect": SlotValue("outside", id="outside")})
    assert response["sessionAttributes"][SESSION_KEY]["muscles"][0] == "tfl"


def test_text_that_needs_escaping_stays_valid_ssml(client: Client) -> None:
    response = client.intent("PainIntent", {"region": SlotValue("<tom> & 'jerry'")})
    assert_valid_response(response)
    assert "not_understood_place" in said(response)
