"""Every conversation in tests/dialogues/ runs against the skill, and every response it produced
is valid SSML within Alexa's limits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialogue import conversations, run
from tests.ssml import assert_valid_response
from tpcoach.local import Client

CONVERSATIONS = conversations()


@pytest.mark.parametrize("conv", [c for _, c in CONVERSATIONS], ids=[n for n, _ in CONVERSATIONS])
def test_conversation(conv: dict[str, Any], client: Client, store: Any) -> None:
    transcript = run(conv, client, store)
    for response in transcript.responses:
        assert_valid_response(response, transcript)
