"""What every handler shares: the turn (state in, speech out) and guarded predicates.

A handler declares the request type or intents it takes and, with :meth:`Handler.accepts`, the
states it takes them in. ``tests/test_dispatch.py`` checks that no two handlers accept the same
request in the same state, so first-match dispatch never hides a mistake.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from skill.content import Catalogue, catalogue
from skill.resolve import NOTHING, Heard
from skill.speech import Renderer, Speech, join, pause
from skill.state import Memory, State, load_state, store_state

_rng = random.Random()

CARD_TITLE = "Trigger Point Coach"
TURN_ATTRIBUTE = "turn"  # request attribute: the finished Turn, for skill/display.py


def heard(handler_input: HandlerInput, name: str) -> Heard:
    """A slot as heard: the entity-resolution id on a match, the raw text either way."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    slot = slots.get(name)
    if slot is None or not slot.value:
        return NOTHING
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        if status == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return Heard(id=authority.values[0].value.id, text=slot.value)
    return Heard(text=slot.value)


class Turn:
    """One request's work: the state, the store, and what will be said."""

    def __init__(self, handler_input: HandlerInput) -> None:
        self.hi = handler_input
        self.cat: Catalogue = catalogue()
        self.state: State = load_state(handler_input)
        self.memory = Memory(handler_input)
        self.renderer = Renderer(self.cat, _rng)
        self._speech: list[Speech] = []
        self._reprompt: Speech | None = None
        self._card: str | None = None
        self._card_title = CARD_TITLE
        self.said = self.renderer.said

    @property
    def new_session(self) -> bool:
        session = self.hi.request_envelope.session
        return bool(session is None or session.new)

    def heard(self, name: str) -> Heard:
        return heard(self.hi, name)

    def words(self, key: str, **values: object) -> str:
        return self.renderer.words(key, **values)

    def say(self, key: str, **values: object) -> None:
        self._speech.append(self.renderer.say(key, **values))

    def add(self, speech: Speech) -> None:
        self._speech.append(speech)

    def ask(self, key: str, **values: object) -> None:
        """Keep the session open; ``key`` is the short reprompt."""
        self._reprompt = self.renderer.say(key, **values)

    def card(self, body: str, title: str = CARD_TITLE) -> None:
        self._card, self._card_title = body, title

    @property
    def speech(self) -> Speech:
        return join(self._speech)

    def finish(self) -> Response:
        self.memory.flush()
        if self.memory.read_failed:
            self.say("store_unreadable")
        elif self.memory.write_failed:
            self.say("store_unwritable")
        builder = self.hi.response_builder
        self.state.said = self.said  # what this turn meant, for repeat and for tests
        if self._reprompt is None:
            self.state.pending = None
        store_state(self.hi, self.state)
        self.hi.attributes_manager.request_attributes[TURN_ATTRIBUTE] = self  # for screens
        builder.speak(self.speech.ssml or pause(0.5).ssml)
        if self._reprompt is not None:
            builder.ask(self._reprompt.ssml)
        else:
            builder.set_should_end_session(True)
        if self._card:
            builder.set_card(SimpleCard(title=self._card_title, content=self._card[:8000]))
        response: Response = builder.response
        return response


class Handler(AbstractRequestHandler):
    """A request handler with a request type or intents, and a guard on the state."""

    request_type: str = "IntentRequest"
    intents: tuple[str, ...] = ()

    def accepts(self, state: State) -> bool:
        return True

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if get_request_type(handler_input) != self.request_type:
            return False
        if self.intents and get_intent_name(handler_input) not in self.intents:
            return False
        return self.accepts(load_state(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input)
        self.respond(turn)
        return turn.finish()

    def respond(self, turn: Turn) -> None:
        raise NotImplementedError


def intents_of(handlers: Iterable[Handler]) -> set[str]:
    return {i for h in handlers for i in h.intents}


__all__ = ["Handler", "Turn", "heard", "intents_of"]
