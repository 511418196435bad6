"""Real request shapes (tests/envelopes/*.json: console captures and Amazon's documented
shapes, identifiers replaced) through both entries: a valid answer for each type, never an
exception, never a 5xx."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from skill import web
from skill.app import build_skill_builder
from skill.stores import MemoryStore
from tests.envelope_checks import assert_valid_for_type

ENVELOPES = sorted((Path(__file__).parent / "envelopes").glob("*.json"))


def load(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((Path(__file__).parent / "envelopes" / name).read_text())
    return result


Handler = Any


@pytest.fixture(scope="module")
def lambda_handler() -> Handler:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TPCOACH_STORE", "memory")
        from skill import lambda_function

        return lambda_function.make_handler(MemoryStore(), None)


@pytest.fixture(scope="module")
def web_client() -> Any:
    return web.create_app(build_skill_builder(MemoryStore()), verify=False).test_client()


def post(client: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post("/alexa", data=json.dumps(body), content_type="application/json")
    return response.status_code, response.get_json()


@pytest.mark.parametrize("path", ENVELOPES, ids=lambda p: p.stem)
def test_each_real_shape_gets_a_valid_answer_from_both_entries(
    path: Path,
    lambda_handler: Handler,
    web_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = json.loads(path.read_text())
    with caplog.at_level(logging.WARNING):
        answer = lambda_handler(json.loads(json.dumps(body)), None)
        assert_valid_for_type(body, answer, path.name)
        status, web_answer = post(web_client, body)
    assert status == 200, web_answer
    assert_valid_for_type(body, web_answer, path.name)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an error was logged"
    assert all("\n" not in r.getMessage() or r.exc_info is None for r in caplog.records)


def test_the_corpus_covers_every_shape_the_issue_names() -> None:
    names = {p.stem for p in ENVELOPES}
    needed = {
        "pain_unfilled_slots",
        "pain_slotvalue_simple_and_two_authorities",
        "routine_slotvalue_list",
        "pain_er_error_timeout",
        "launch_new_session_screen_device",
        "launch_without_session",
        "system_exception_encountered",
        "messaging_message_received",
        "can_fulfill_knee_without_session",
        "apl_user_event_next",
        "connections_response",
    }
    assert needed <= names
    types = {load(f"{n}.json")["request"]["type"] for n in names}
    assert {"AudioPlayer.PlaybackStarted", "PlaybackController.PlayCommandIssued"} <= types


def verdict(answer: dict[str, Any]) -> str:
    return str(answer["response"]["canFulfillIntent"]["canFulfill"])


def test_name_free_why_does_the_outside_of_my_knee_hurt_is_a_yes(
    lambda_handler: Handler,
) -> None:
    answer = lambda_handler(load("can_fulfill_knee_without_session.json"), None)
    assert verdict(answer) == "YES"
    assert answer["response"]["canFulfillIntent"]["slots"]["region"] == {
        "canUnderstand": "YES",
        "canFulfill": "YES",
    }
    assert verdict(lambda_handler(load("can_fulfill_with_session_resolved.json"), None)) == "YES"


def test_name_free_answers_no_maybe_where_they_should(
    lambda_handler: Handler,
) -> None:
    assert verdict(lambda_handler(load("can_fulfill_gibberish_place.json"), None)) == "NO"
    assert verdict(lambda_handler(load("can_fulfill_built_in.json"), None)) == "NO"
    unknown = lambda_handler(load("can_fulfill_unknown_intent_search_query.json"), None)
    assert verdict(unknown) == "MAYBE"


def test_can_fulfill_changes_no_session_state(lambda_handler: Handler) -> None:
    body = load("can_fulfill_with_session_resolved.json")
    body["session"]["attributes"] = {"tpc": {"region": "knee", "pending": "aspect"}}
    answer = lambda_handler(body, None)
    assert answer["sessionAttributes"] == body["session"]["attributes"]


def test_a_touch_on_next_moves_the_routine_like_the_voice(
    lambda_handler: Handler,
) -> None:
    answer = lambda_handler(load("apl_user_event_next.json"), None)
    assert answer["sessionAttributes"]["tpc"]["routine"]["step"] == 3
    touched = lambda_handler(load("apl_user_event_place.json"), None)
    assert touched["sessionAttributes"]["tpc"]["muscles"][0] == "tfl"


def test_a_touch_on_next_says_no_step_before_this_session_answers_the_screen(
    lambda_handler: Handler,
) -> None:
    body = load("apl_user_event_next.json")
    del body["session"]["attributes"]["tpc"]["screened"]
    answer = lambda_handler(body, None)
    state = answer["sessionAttributes"]["tpc"]
    assert state["routine"]["step"] == 2
    assert state["pending"] == "screen"
    assert answer["response"]["shouldEndSession"] is False


def test_an_unknown_touch_or_a_connections_response_keeps_the_place(
    lambda_handler: Handler,
) -> None:
    for name in ("apl_user_event_unknown.json", "connections_response.json"):
        answer = lambda_handler(load(name), None)
        assert answer["sessionAttributes"]["tpc"]["routine"]["step"] == 2, name
        assert answer["response"]["shouldEndSession"] is False


def test_system_text_reaches_the_log_on_one_line(
    lambda_handler: Handler, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        lambda_handler(load("system_exception_encountered.json"), None)
        lambda_handler(load("session_ended_error.json"), None)
    messages = [r.getMessage() for r in caplog.records]
    assert any("FAKE LOG LINE" in m for m in messages)
    assert all("\n" not in m and "\r" not in m for m in messages), messages
