"""Every routine in the content, spoken step by step on a side, stays within Alexa's limits and
ends with the other side offered: not only the routines the dialogues happen to use."""

from __future__ import annotations

import pytest

from skill.app import build_skill_builder
from skill.content import catalogue
from skill.local import Client, SlotValue, in_process
from skill.state import SESSION_KEY
from skill.stores import open_store
from tests.ssml import assert_valid_response

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
    responses.append(client.intent("ReadyIntent"))
    total = len(catalogue().routines[(muscle, equipment)].steps)
    for _ in range(total - 1):
        responses.append(client.intent("AMAZON.NextIntent"))
    for response in responses:
        assert_valid_response(response, f"{muscle}/{equipment}")
    state = responses[-1]["sessionAttributes"][SESSION_KEY]
    assert state["routine"]["step"] == total - 1
    assert state["routine"]["equipment"] == equipment
    assert state["pending"] == "other_side"
