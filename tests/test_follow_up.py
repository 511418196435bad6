"""The history behind the follow-up: the record's format across versions, days from request
timestamps, deletion from every store, and the follow-up's dispatch and speech limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import state as state_module
from skill.app import build_skill_builder
from skill.history import History, Place, Report, Session
from skill.state import SAVED_VERSION, Saved, request_day
from skill.stores import open_store
from skill.text import plain
from tests.dialogue import Clock, conversations, run, saved_record
from tests.hosting_support import user_envelope
from tpcoach.local import (
    LOCAL_USER_ID,
    Client,
    SlotValue,
    envelope,
    in_process,
    launch_request,
    speech_of,
)

# A record as version 1 wrote it (no "v", no history): a routine stopped at step 3.
OLD_RECORD: dict[str, Any] = {
    "progress": {
        "muscle": "tfl",
        "equipment": "lacrosse_ball",
        "side": "left",
        "step": 2,
        "started": True,
        "sides_done": [],
        "muscles": ["tfl", "vastus_lateralis"],
    },
    "screen": "clear",
    "known": True,
    "saved_at": "2025-11-02T08:00:00+00:00",
}


def test_an_old_format_record_loads_without_loss_and_is_written_back_whole() -> None:
    saved = Saved.from_dict(OLD_RECORD)
    assert saved.progress is not None and saved.progress.step == 2
    assert saved.progress.muscles == ["tfl", "vastus_lateralis"]
    assert (saved.screen, saved.known, saved.saved_at) == ("clear", True, OLD_RECORD["saved_at"])
    assert saved.history.places == []
    written = saved.to_dict()
    assert written["v"] == SAVED_VERSION and written["history"] == []
    for key, value in OLD_RECORD.items():
        if key == "progress":
            assert {k: written[key][k] for k in value} == value, "a progress field was lost"
        else:
            assert written[key] == value, f"{key} was lost"
    # ... and so does a record that says version 1.
    assert Saved.from_dict({**OLD_RECORD, "v": 1}).progress == saved.progress


def test_an_old_format_record_in_the_store_is_offered_and_kept_through_a_session(
    store: Any, client: Client
) -> None:
    store.save_attributes(user_envelope(LOCAL_USER_ID), dict(OLD_RECORD))
    response = client.launch()
    said = response["sessionAttributes"]["tpc"]["said"]
    assert "offer_resume" in said, said
    client.intent("AMAZON.YesIntent")  # pick up there: the screen first
    client.intent("AMAZON.NoIntent")  # clear: step 3, and the place written back
    record = saved_record(client, store)
    assert record["progress"]["step"] == 2 and record["progress"]["muscle"] == "tfl"
    assert record["progress"]["muscles"] == ["tfl", "vastus_lateralis"]
    assert record["known"] is True and record["v"] == SAVED_VERSION and record["history"] == []


def test_a_version_2_record_round_trips() -> None:
    history = History(
        [
            Place(
                "knee/outside",
                "knee",
                "outside",
                [Session("2026-03-02", "tfl", "lacrosse_ball", "left")],
                [Report("2026-03-03", "same")],
                asked="2026-03-03",
            )
        ]
    )
    record = Saved(known=True, history=history).to_dict()
    back = Saved.from_dict(json.loads(json.dumps(record)))
    assert back.history == history


@pytest.mark.parametrize(
    "poison",
    [
        "not a list",
        [{"key": "knee/outside", "sessions": [{"day": "yesterday", "muscle": "tfl"}]}],
        [{"key": "knee/outside", "reports": [{"day": "2026-03-02", "change": "great"}]}],
        [{"key": "a"}, {"key": "a"}],
    ],
)
def test_a_history_that_does_not_parse_is_kept_as_it_was_and_nothing_is_added(
    poison: Any, store: Any, client: Client
) -> None:
    store.save_attributes(user_envelope(LOCAL_USER_ID), {**OLD_RECORD, "v": 2, "history": poison})
    saved = Saved.from_dict({**OLD_RECORD, "v": 2, "history": poison})
    assert saved.progress is not None, "the progress must survive a bad history"
    assert saved.to_dict()["history"] == poison
    # A whole routine: the progress moves on, the unreadable history is written back untouched.
    client.launch()
    client.intent("AMAZON.NoIntent")
    record = saved_record(client, store)
    assert record["history"] == poison


def test_a_record_of_a_later_version_is_not_read() -> None:
    with pytest.raises(state_module.Unreadable):
        Saved.from_dict({**OLD_RECORD, "v": SAVED_VERSION + 1})


def _handler_input(request: dict[str, Any]) -> HandlerInput:
    env = envelope(request, session_id="s", new=True, attributes={})
    request_envelope = DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)
    return HandlerInput(
        request_envelope=request_envelope,
        attributes_manager=AttributesManager(request_envelope=request_envelope),
    )


def test_days_are_counted_from_the_request_timestamp_not_the_machine_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state_module, "clock", lambda: datetime(2031, 1, 1, tzinfo=UTC))
    request = launch_request()
    request["timestamp"] = "2026-03-02T23:59:30Z"
    assert request_day(_handler_input(request)) == "2026-03-02"
    # Without a timestamp the injected clock decides.
    del request["timestamp"]
    assert request_day(_handler_input(request)) == "2031-01-01"


def a_routine_then_stop(client: Client) -> None:
    """A whole TFL routine for the outside of the knee, kept in the history."""
    client.intent(
        "PainIntent",
        {"region": SlotValue("knee", id="knee"), "aspect": SlotValue("outside", id="outside")},
    )
    for name in (
        "AMAZON.YesIntent",
        "AMAZON.NoIntent",
        "LeadReadyIntent",
        *["AMAZON.NextIntent"] * 5,
    ):
        client.intent(name)
    client.intent("AMAZON.StopIntent")


def a_routine_then_forget_me(client: Client) -> list[str]:
    """A whole TFL routine (kept in the history), then "forget me" and "yes": what was said."""
    a_routine_then_stop(client)
    client.intent("ForgetIntent")
    response = client.intent("AMAZON.YesIntent")
    said: list[str] = response["sessionAttributes"]["tpc"]["said"]
    return said


def test_forget_me_deletes_the_record_from_sqlite(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "progress.sqlite3"
    store = open_store(f"sqlite:{db}")
    client = Client(in_process(build_skill_builder(store)), clock=Clock())
    client.launch()  # a new user: the record is written
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM progress").fetchone() == (1,)
    assert "deleted" in a_routine_then_forget_me(client)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM progress").fetchone() == (0,), "still there"


def test_forget_me_deletes_the_item_from_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("TPCOACH_DYNAMODB_ENDPOINT", raising=False)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName="progress",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table = boto3.resource("dynamodb").Table("progress")
        store = open_store("dynamodb:progress")
        client = Client(in_process(build_skill_builder(store)), clock=Clock())
        client.launch()  # a new user: the record is written
        assert "Item" in table.get_item(Key={"id": LOCAL_USER_ID})
        assert "deleted" in a_routine_then_forget_me(client)
        assert "Item" not in table.get_item(Key={"id": LOCAL_USER_ID}), "the item is still there"


def test_a_delete_that_fails_says_so_and_claims_nothing(store: Any, client: Client) -> None:
    def refuse(request_envelope: Any) -> None:
        raise PersistenceException("store down")

    store.delete_attributes = refuse
    said = a_routine_then_forget_me(client)
    assert "forget_failed" in said and "forgotten" not in said and "deleted" not in said
    assert saved_record(client, store)["history"], "the history must still be there"


def test_the_follow_up_turns_are_each_one_breath() -> None:
    """At most 45 words aloud (the red-flag advice's limit) on every turn of the follow-up
    dialogues after the first answer of the day."""
    for name, conv in conversations():
        if not name.startswith("follow_up"):
            continue
        store = open_store("memory")
        client = Client(in_process(build_skill_builder(store)))
        transcript = run(conv, client, store)
        for response in transcript.responses:
            said = (
                response["sessionAttributes"]["tpc"].get("said", [])
                if response.get("sessionAttributes")
                else []
            )
            if any(k.startswith(("follow_up", "progress", "forget")) for k in said):
                words = plain(speech_of(response)).split()
                assert len(words) <= 45, (name, said, len(words), " ".join(words))


@pytest.mark.parametrize(
    ("words", "pending", "intent"),
    [
        # Answers to the follow-up, in natural words.
        ("much better", "follow_up", "BetterIntent"),
        ("a bit", "follow_up", "BetterIntent"),
        ("it's a little better on the outside", "follow_up", "BetterIntent"),
        ("no change", "follow_up", "SameIntent"),
        ("about the same", "follow_up", "SameIntent"),
        ("it's not helping", "follow_up", "SameIntent"),
        ("no better", "follow_up", "SameIntent"),
        ("worse", "follow_up", "WorseIntent"),
        ("it's gone", "follow_up", "GoneIntent"),
        # A red flag said in the answer is the red flag; a question stays a question.
        ("it's worse and it's swollen", "follow_up", "SymptomIntent"),
        ("should i see a physio", "follow_up", "AboutIntent"),
        ("why does my heel hurt", "follow_up", "PainIntent"),
        # Elsewhere, "a bit" and "the same" are words around a place, as they were.
        ("it's a bit sore on the outside", None, "PainIntent"),
        ("a bit of a niggle at the back", "aspect", "PainIntent"),
        ("it's not helping", None, "AboutIntent"),
        # "How am I doing" and "forget me" anywhere.
        ("how am i doing", "offer_routine", "ProgressIntent"),
        ("delete my data", None, "ForgetIntent"),
        ("forget it", None, "AMAZON.CancelIntent"),
    ],
)
def test_the_follow_up_answers_are_read_only_where_they_answer(
    words: str, pending: str | None, intent: str
) -> None:
    from skill.content import catalogue
    from skill.understand import understand

    assert understand(catalogue(), words, pending).intent == intent


def test_a_store_that_fails_at_the_answer_says_so_and_the_history_keeps_what_it_had(
    store: Any,
) -> None:
    client = Client(in_process(build_skill_builder(store)), clock=Clock())
    a_routine_then_stop(client)
    assert isinstance(client.clock, Clock)
    client.clock.days(1)
    assert "follow_up" in client.launch()["sessionAttributes"]["tpc"]["said"]
    before = saved_record(client, store)

    def refuse(request_envelope: Any, attributes: Any) -> None:
        raise PersistenceException("store down")

    store.save_attributes = refuse
    response = client.intent("SameIntent")
    said = response["sessionAttributes"]["tpc"]["said"]
    assert "follow_up_same" in said and "store_unwritable" in said, said
    del store.save_attributes
    assert saved_record(client, store) == before, "a failed save changed the record"


def test_a_store_that_cannot_be_read_asks_no_follow_up_and_writes_nothing(store: Any) -> None:
    client = Client(in_process(build_skill_builder(store)), clock=Clock())
    a_routine_then_stop(client)
    assert isinstance(client.clock, Clock)
    client.clock.days(1)
    before = saved_record(client, store)

    def unreadable(request_envelope: Any) -> Any:
        raise PersistenceException("store down")

    store.get_attributes = unreadable
    said = client.launch()["sessionAttributes"]["tpc"]["said"]
    assert "follow_up" not in said and "store_unreadable" in said, said
    del store.get_attributes
    assert saved_record(client, store) == before
