"""Every routine in the content, spoken step by step on a side, stays within Alexa's limits and
ends with the other side offered: not only the routines the dialogues happen to use."""

from __future__ import annotations

from typing import Any

import pytest

from skill.app import build_skill_builder
from skill.content import catalogue
from skill.state import SESSION_KEY
from skill.stores import open_store
from tests.ssml import assert_valid_response
from tpcoach.local import Client, SlotValue, in_process

ROUTINES = sorted(catalogue().routines)


@pytest.mark.parametrize(("muscle", "equipment"), ROUTINES, ids=[f"{m}/{e}" for m, e in ROUTINES])
def test_every_step_of_every_routine_is_valid_speech(muscle: str, equipment: str) -> None:
    client = Client(in_process(build_skill_builder(open_store("memory"))))
    slots = {
        "muscle": SlotValue(muscle, id=muscle),
        "equipment": SlotValue(equipment, id=equipment),
        "side": SlotValue("right", id="right"),
    }
    responses = [client.intent("RoutineIntent", slots), client.intent("AMAZON.NoIntent")]
    responses.append(client.intent("LeadReadyIntent"))
    total = len(catalogue().routines[(muscle, equipment)].steps)
    for _ in range(total - 1):
        responses.append(client.intent("AMAZON.NextIntent"))
    for response in responses:
        assert_valid_response(response, f"{muscle}/{equipment}")
    state = responses[-1]["sessionAttributes"][SESSION_KEY]
    assert state["routine"]["step"] == total - 1
    assert state["routine"]["equipment"] == equipment
    assert state["pending"] == "other_side"


def said(response: dict[str, Any]) -> list[str]:
    keys: list[str] = response["sessionAttributes"][SESSION_KEY].get("said") or []
    return keys


def steps_said(response: dict[str, Any]) -> list[str]:
    return [k for k in said(response) if k.startswith("step:")]


def is_open(response: dict[str, Any]) -> bool:
    return not response["response"].get("shouldEndSession", True)


@pytest.mark.parametrize(("muscle", "equipment"), ROUTINES, ids=[f"{m}/{e}" for m, e in ROUTINES])
def test_next_on_the_last_step_finishes_and_offers_the_other_side(
    muscle: str, equipment: str
) -> None:
    store = open_store("memory")
    client = Client(in_process(build_skill_builder(store)))
    slots = {
        "muscle": SlotValue(muscle, id=muscle),
        "equipment": SlotValue(equipment, id=equipment),
        "side": SlotValue("right", id="right"),
    }
    client.intent("RoutineIntent", slots)
    client.intent("AMAZON.NoIntent")
    total = len(catalogue().routines[(muscle, equipment)].steps)
    last = f"step:{muscle}:{total}"
    response = client.intent("LeadReadyIntent")
    for _ in range(total):
        if last in steps_said(response):
            break
        response = client.intent("AMAZON.NextIntent")
    assert last in steps_said(response), "the last step was never reached by saying next"
    assert is_open(response), "the last step closed the session instead of offering the other side"
    assert response["sessionAttributes"][SESSION_KEY]["pending"] == "other_side"

    # "Next" again: the routine is over; the step is not replayed, the other side is offered.
    response = client.intent("AMAZON.NextIntent")
    state = response["sessionAttributes"][SESSION_KEY]
    assert steps_said(response) == [], "next on the finished routine replayed a step"
    assert is_open(response), "next on the finished routine closed the session"
    assert state["pending"] == "other_side"
    assert state["routine"]["sides_done"] == ["right"]

    # "Yes": the same routine from step 1 on the other side.
    response = client.intent("AMAZON.YesIntent")
    state = response["sessionAttributes"][SESSION_KEY]
    assert steps_said(response)[:1] == [f"step:{muscle}:1"]
    assert state["routine"]["side"] == "left"


def test_a_routine_done_with_no_side_named_offers_the_other_side_and_keeps_its_place() -> None:
    client = Client(in_process(build_skill_builder(open_store("memory"))))
    muscle, equipment = "tfl", "lacrosse_ball"
    slots = {
        "muscle": SlotValue(muscle, id=muscle),
        "equipment": SlotValue(equipment, id=equipment),
    }
    client.intent("RoutineIntent", slots)
    client.intent("AMAZON.NoIntent")
    response = client.intent("LeadReadyIntent")
    for _ in range(len(catalogue().routines[(muscle, equipment)].steps)):
        if response["sessionAttributes"][SESSION_KEY].get("pending") == "other_side":
            break
        response = client.intent("AMAZON.NextIntent")
    assert response["sessionAttributes"][SESSION_KEY]["pending"] == "other_side"
    # the answer comes back with the state the skill wrote: it must read it again
    response = client.intent("AMAZON.YesIntent")
    state = response["sessionAttributes"][SESSION_KEY]
    assert steps_said(response)[:1] == [f"step:{muscle}:1"]
    assert state["routine"]["muscle"] == muscle
    assert len(state["routine"]["sides_done"]) == 1
