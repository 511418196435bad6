"""What every handler shares: the turn (state in, speech out) and guarded predicates.

A handler declares the request type or intents it takes and, with :meth:`Handler.accepts`, the
states it takes them in. ``tests/test_dispatch.py`` checks that no two handlers accept the same
request in the same state, so first-match dispatch never hides a mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.content import Catalogue, catalogue
from skill.resolve import NOTHING, Heard
from skill.speech import MAX_SPEECH_CHARS, Renderer, Speech, Variants, clean, join, pause
from skill.state import Memory, State, has_session, load_state, request_day, store_state
from skill.understand import Meaning, meaning_of, news_beyond_answer

_rng = Variants()

# The longest slot text read: room for a long story whose red flag comes last ("... and since
# the weekend my calf's been fat and warm"); what is said back is capped again when spoken.
MAX_HEARD_CHARS = 1000

CARD_TITLE = "Trigger Point Coach"
TURN_ATTRIBUTE = "turn"  # request attribute: the finished Turn, for skill/display.py


def slot_heard(handler_input: HandlerInput, name: str) -> Heard:
    """A slot as Alexa sent it: the entity-resolution id on a match, the raw text either way."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    slot = slots.get(name) if isinstance(slots, dict) else None
    value = getattr(slot, "value", None)
    if not isinstance(value, str) or not value:
        return NOTHING
    # Whatever arrives is cleaned and capped here, before it is matched or said back.
    words = clean(value, MAX_HEARD_CHARS)
    if not words:
        return NOTHING
    # Here, not at the top: a LaunchRequest (the usual cold start) reads no slot.
    from ask_sdk_model.slu.entityresolution import StatusCode

    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        if status == StatusCode.ER_SUCCESS_MATCH and authority.values:
            ident = getattr(getattr(authority.values[0], "value", None), "id", None)
            if isinstance(ident, str) and ident:
                return Heard(id=ident, text=words)
    return Heard(text=words)


MEANING_KEY = "tpc_meaning"
STATE_KEY = "tpc_state"


def seen_state(handler_input: HandlerInput) -> State:
    """The state the request brought, read once for every handler that asks whether it takes
    the request. Only to look at: a Turn reads its own copy to change."""
    attrs = handler_input.attributes_manager.request_attributes
    found = attrs.get(STATE_KEY)
    if not isinstance(found, State):
        found = attrs[STATE_KEY] = load_state(handler_input)
    return found


def read_request(handler_input: HandlerInput) -> Meaning:
    """What an intent request means (see :func:`skill.understand.meaning_of`)."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    name = str(getattr(intent, "name", "") or "")
    slot_names = list((getattr(intent, "slots", None) or {}).keys())
    heard = {n: slot_heard(handler_input, n) for n in slot_names}
    return meaning_of(catalogue(), name, heard, seen_state(handler_input).pending)


def meaning(handler_input: HandlerInput) -> Meaning:
    """The meaning of this request, read once and kept for every handler that asks."""
    attrs = handler_input.attributes_manager.request_attributes
    found = attrs.get(MEANING_KEY)
    if not isinstance(found, Meaning):
        found = attrs[MEANING_KEY] = read_request(handler_input)
    return found


def meaning_name(handler_input: HandlerInput) -> str:
    return meaning(handler_input).intent


def heard(handler_input: HandlerInput, name: str) -> Heard:
    """A slot of the request's meaning."""
    return meaning(handler_input).heard(name)


class Turn:
    """One request's work: the state, the store, and what will be said."""

    def __init__(self, handler_input: HandlerInput) -> None:
        self.handler_input = handler_input
        self.cat: Catalogue = catalogue()
        self.state: State = load_state(handler_input)
        self.memory = Memory(handler_input)
        self.renderer = Renderer(self.cat, _rng)
        self._speech: list[Speech] = []
        self._keys: list[tuple[str | None, dict[str, object]]] = []  # what each part says
        self._reprompt: Speech | None = None
        self._card: str | None = None
        self._card_title = CARD_TITLE
        self.said = self.renderer.said

    def heard(self, name: str) -> Heard:
        return heard(self.handler_input, name)

    @property
    def today(self) -> str:
        """The request's day (``YYYY-MM-DD``), from its timestamp."""
        return request_day(self.handler_input)

    @property
    def locale(self) -> str:
        return str(getattr(self.handler_input.request_envelope.request, "locale", None) or "en-US")

    def localise(self, spoken: str) -> str:
        """The locale's own words where usage differs ("physio" in the UK, Australia, India)."""
        for word, local in self.cat.language.locale_say.get(self.locale, {}).items():
            spoken = spoken.replace(word, local).replace(word.capitalize(), local.capitalize())
        return spoken

    def words(self, key: str, **values: object) -> str:
        return self.renderer.words(key, **values)

    def written(self, key: str, **values: object) -> str:
        """Words for the card only: not counted among what the turn said."""
        return self.renderer.written(key, **values)

    def say(self, key: str, **values: object) -> None:
        self._speech.append(self.renderer.say(key, **values))
        self._keys.append((key, values))

    def add(self, speech: Speech) -> None:
        self._speech.append(speech)
        self._keys.append((None, {}))

    def ask(self, key: str, **values: object) -> None:
        """Keep the session open; ``key`` is the short reprompt."""
        self._reprompt = self.renderer.say(key, **values)

    def card(self, body: str, title: str = CARD_TITLE) -> None:
        self._card, self._card_title = body, title

    @property
    def speech(self) -> Speech:
        return join(self._speech)

    def _unclaim(self) -> bool:
        """Replace every "I've kept your place" by its honest form; True if there was one."""
        replaced = False
        for i, (key, values) in enumerate(self._keys):
            honest = UNSAVED.get(key or "")
            if honest is not None:
                self._speech[i] = honest(self.renderer, values)
                self._keys[i] = (None, values)
                self.said[:] = [k for k in self.said if k != key]
                replaced = True
        return replaced

    def store_trouble(self) -> None:
        """After a failed read or save: no claim of a save that was not made, and the listener
        told once a session that progress is not being kept."""
        memory = self.memory
        if not memory.failed:
            return
        if self._unclaim() or self.state.warned:
            pass
        elif memory.read_failed:
            self.say("store_unreadable")
        else:
            self.say("store_unwritable")
        self.state.warned = True

    def finish(self) -> Response:
        self.memory.flush()
        self.store_trouble()
        builder = self.handler_input.response_builder
        self.state.said = self.said  # what this turn meant, for repeat and for tests
        if self._reprompt is None:
            self.state.pending = None
        store_state(self.handler_input, self.state)
        attributes = self.handler_input.attributes_manager.request_attributes
        attributes[TURN_ATTRIBUTE] = self  # for screens
        builder.speak(self.localise(_fit(self._speech).ssml or pause(0.5).ssml))
        if self._reprompt is not None:
            builder.ask(self.localise(self._reprompt.ssml))
        else:
            builder.set_should_end_session(True)
        if self._card:
            builder.set_card(
                SimpleCard(
                    title=clean(self._card_title, 200),
                    content=_card_text(self.localise(self._card)),
                )
            )
        response: Response = builder.response
        return response


# What a response that claims a save says instead when the save failed.
UNSAVED: dict[str, Callable[[Renderer, dict[str, object]], Speech]] = {
    "stopped_kept": lambda r, values: r.say("stopped_unsaved", **values),
    "paused": lambda r, values: r.say("paused_unsaved", **values),
}


def _fit(parts: list[Speech]) -> Speech:
    """The speech, within Alexa's limit once wrapped in <speak>: whole parts from the end are
    dropped when too long (never a cut inside a tag). Values are capped where they are said,
    so this only guards against a mistake."""
    limit = MAX_SPEECH_CHARS - len("<speak></speak>")
    speech = join(parts)
    while len(speech.ssml) > limit and parts:
        parts = parts[:-1]
        speech = join(parts)
    return speech


def _card_text(body: str) -> str:
    lines = [clean(line) for line in body[:8000].split("\n")]
    return "\n".join(lines)[:8000]


def sessionless(handler_input: HandlerInput) -> bool:
    return not has_session(handler_input)


class Handler(AbstractRequestHandler):
    """A request handler with a request type or intents, and a guard on the state."""

    request_type: str = "IntentRequest"
    intents: tuple[str, ...] = ()

    def accepts(self, state: State) -> bool:
        return True

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if get_request_type(handler_input) != self.request_type:
            return False
        if self.intents and meaning_name(handler_input) not in self.intents:
            return False
        return self.accepts(seen_state(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input)
        state = turn.state
        if state.routine is not None and state.screened and self.request_type == "IntentRequest":
            text = meaning(handler_input).text
            if text and news_beyond_answer(turn.cat, text):
                # News about the body said with anything, in words no list may have ("hang on,
                # my toes look like blueberries"): not screened until the screen is answered
                # again, so no handler's path reaches a press without asking it.
                state.screened = False
        self.respond(turn)
        return turn.finish()

    def respond(self, turn: Turn) -> None:
        raise NotImplementedError


def intents_of(handlers: Iterable[Handler]) -> set[str]:
    return {i for h in handlers for i in h.intents}


__all__ = [
    "Handler",
    "Turn",
    "heard",
    "intents_of",
    "meaning",
    "meaning_name",
    "seen_state",
    "sessionless",
]
