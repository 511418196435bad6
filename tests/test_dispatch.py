"""Every request is taken by exactly one handler, in every conversation state: first-match
dispatch must never be what decides."""

from __future__ import annotations

import itertools
import json

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.app import handled_intents, request_handlers
from skill.state import FOLLOW_UP, FORGET, QUESTIONS, SESSION_KEY, WORSE_SCREEN, Progress, State
from tpcoach.local import envelope, intent_request, launch_request, session_ended_request

ROUTINES = [
    None,
    Progress("tfl", "lacrosse_ball"),
    Progress("tfl", "lacrosse_ball", step=2, started=True),
]
STATES = [
    State(pending=pending, routine=routine, offered="tfl" if pending else None)
    for pending, routine in itertools.product([None, *QUESTIONS], ROUTINES)
] + [
    # The follow-up's questions name the history place they ask about; "forget me" may come
    # in the middle of a routine.
    State(pending=pending, place="knee/outside", routine=routine)
    for pending, routine in itertools.product((FOLLOW_UP, WORSE_SCREEN, FORGET), ROUTINES)
]
REQUESTS = [
    launch_request(),
    session_ended_request(),
    *(intent_request(name) for name in sorted(handled_intents())),
    intent_request("AMAZON.SomethingUnknownIntent"),
]


def handler_input(request: dict[str, object], state: State) -> HandlerInput:
    env = envelope(request, session_id="s", new=False, attributes={SESSION_KEY: state.to_dict()})
    request_envelope = DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope)
    return HandlerInput(
        request_envelope=request_envelope,
        attributes_manager=AttributesManager(request_envelope=request_envelope),
    )


@pytest.mark.parametrize(
    "request_", REQUESTS, ids=lambda r: r.get("intent", {}).get("name") or r["type"]
)
def test_exactly_one_handler_accepts_each_request_in_each_state(
    request_: dict[str, object],
) -> None:
    handlers = request_handlers()
    for state in STATES:
        hi = handler_input(request_, state)
        takers = [type(h).__name__ for h in handlers if h.can_handle(hi)]
        assert len(takers) == 1, f"{takers} accept it with {state}"


def test_the_skill_handles_every_built_in_a_routine_skill_needs() -> None:
    needed = {
        f"AMAZON.{n}Intent"
        for n in [
            "Cancel",
            "Stop",
            "Help",
            "Fallback",
            "NavigateHome",
            "Next",
            "Previous",
            "Repeat",
            "StartOver",
            "Pause",
            "Resume",
            "Yes",
            "No",
        ]
    }
    assert needed <= handled_intents()
