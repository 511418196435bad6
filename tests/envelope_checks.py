"""What a valid answer is for each request type (Alexa's request and response JSON reference)."""

from __future__ import annotations

from typing import Any

from skill.handlers.system import CONVERSATION_TYPES
from tests.ssml import assert_valid_response

VERDICTS = {"YES", "NO", "MAYBE"}
SPOKEN_PARTS = ("outputSpeech", "card", "reprompt")


def assert_valid_for_type(request: dict[str, Any], answer: dict[str, Any], context: object) -> None:
    """``answer`` (a response envelope) is one Alexa accepts for ``request``."""
    assert answer.get("version") == "1.0", f"no version\n{context}"
    response = answer.get("response")
    assert isinstance(response, dict), f"no response object\n{context}"
    assert_valid_response(answer, context)
    request_type = request.get("request", {}).get("type")
    has_session = isinstance(request.get("session"), dict)
    if request_type == "CanFulfillIntentRequest":
        can = response.get("canFulfillIntent")
        assert isinstance(can, dict) and can.get("canFulfill") in VERDICTS, f"{response}\n{context}"
        for slot in (can.get("slots") or {}).values():
            assert slot.get("canUnderstand") in VERDICTS, f"{slot}\n{context}"
            assert slot.get("canFulfill") in {"YES", "NO"}, f"{slot}\n{context}"
        assert not set(SPOKEN_PARTS) & set(response), f"canFulfillIntent with speech\n{context}"
        return
    if request_type in CONVERSATION_TYPES and (
        has_session
        or request_type
        in (
            "LaunchRequest",
            "IntentRequest",
        )
    ):
        assert "outputSpeech" in response, f"a turn without speech\n{context}"
        return
    # Sessionless system requests, session ends, events outside a conversation: no speech.
    assert not set(SPOKEN_PARTS) & set(response), f"speech where none is allowed\n{context}"
    assert response.get("shouldEndSession") is not False, f"opens the microphone\n{context}"
