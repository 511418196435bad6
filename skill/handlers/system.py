"""Requests that are not a turn of the conversation, or not spoken: each gets the answer its type
allows, never an exception.

* ``CanFulfillIntentRequest`` (name-free interaction): whether the skill can take the intent,
  per slot, read from the content; nothing said, nothing stored.
* Screen events (``Alexa.Presentation.APL.UserEvent`` and kin): the same move as the voice
  request they stand for ("next", a place touched), or "didn't get that" and the question again.
* ``Connections.Response`` and ``SessionResumedRequest``: this skill sends no Connections
  request, so one arriving is answered like words not understood: the pending question again.
* Everything else (``System.ExceptionEncountered``, ``AudioPlayer.*``, ``PlaybackController.*``,
  ``Messaging.MessageReceived``, skill events, ...): an empty response. They come without a
  session, take no speech, card or reprompt, and must change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest, Response, Slot
from ask_sdk_model.dialog_state import DialogState
from ask_sdk_model.slot_confirmation_status import SlotConfirmationStatus

if TYPE_CHECKING:
    # The models for name-free questions and for the slots of a touch are imported where they
    # are built: a spoken cold start needs neither (about 2 ms).
    from ask_sdk_model.canfulfill import CanFulfillIntent

from skill.content import Catalogue, catalogue
from skill.handlers.base import MEANING_KEY, Handler, heard
from skill.resolve import (
    Answer,
    Ask,
    Heard,
    NotUnderstood,
    match_word,
    resolve_muscle,
    resolve_place,
    vocabulary,
)
from skill.safelog import loggable, logger
from skill.state import load_state, store_state
from skill.understand import TELL, WORDS_SLOT, meaning_of

log = logger(__name__)  # logging is imported when something is logged

SCREEN_EVENTS = (
    "Alexa.Presentation.APL.UserEvent",
    "Alexa.Presentation.APLT.UserEvent",
    "Display.ElementSelected",
)
RESUMED = ("Connections.Response", "SessionResumedRequest")
CAN_FULFILL = "CanFulfillIntentRequest"
# Requests that are a turn of the conversation: they may be answered in words.
CONVERSATION_TYPES = frozenset({"LaunchRequest", "IntentRequest", *SCREEN_EVENTS, *RESUMED})
# Types taken by the conversation's own handlers (skill/handlers/session.py and the stages).
SPOKEN_TYPES = frozenset({"LaunchRequest", "IntentRequest", "SessionEndedRequest"})
FALLBACK = "AMAZON.FallbackIntent"
AUTHORITY = "amzn1.er-authority.echo-sdk.screen"


def silence(handler_input: HandlerInput) -> Response:
    """The empty response: no speech, no card, no reprompt. The session's state goes back as it
    was read: state this skill wrote comes back unchanged, anything else (which the SDK would
    echo back whatever its size) as no state."""
    store_state(handler_input, load_state(handler_input))
    response: Response = handler_input.response_builder.response
    return response


def cannot_fulfill(handler_input: HandlerInput) -> Response:
    from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

    handler_input.response_builder.set_can_fulfill_intent(
        CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO, slots={})
    )
    return silence(handler_input)


def turn_free_words(key: str) -> str:
    """A response's first variant, for when a whole turn cannot be built."""
    return catalogue().responses[key].variants[0]


# --------------------------------------------------------------------------- canFulfillIntent

YES, MAYBE, NO = "YES", "MAYBE", "NO"
# Intents that only mean something inside this skill's conversation: "next", "yes", "ready".
IN_SESSION_ONLY = frozenset({"ReadyIntent"})


def _understood(found: object) -> str:
    if isinstance(found, str):
        return YES
    if isinstance(found, tuple):
        return MAYBE  # two things about equally close: the skill would ask which
    return NO


def _word(cat: Catalogue, slot: str, h: Heard) -> str:
    """canUnderstand for a slot with a small vocabulary."""
    vocab = vocabulary(cat)
    words: Mapping[str, str] = {
        "side": vocab.sides,
        "aspect": vocab.aspects,
        "equipment": vocab.equipment,
        "topic": vocab.topics,
        "symptom": vocab.symptoms,
    }.get(slot, {})
    if h.id and h.id in words.values():
        return YES
    return _understood(match_word(h.text or "", words))


def _place(cat: Catalogue, h: Heard) -> str:
    outcome = resolve_place(cat, region=h)
    if isinstance(outcome, NotUnderstood):
        return NO
    return YES if isinstance(outcome, (Answer, Ask)) else MAYBE


def _muscle(cat: Catalogue, h: Heard) -> str:
    found = resolve_muscle(cat, h)
    if isinstance(found, NotUnderstood):
        return NO
    return MAYBE if isinstance(found, tuple) else YES


def _free_text(cat: Catalogue, h: Heard) -> str:
    """A slot this code does not know (free text, such as AMAZON.SearchQuery): YES when it
    reads as a place or a muscle, else MAYBE; never a firm no on words it was not built for."""
    if _place(cat, h) == YES or _muscle(cat, h) == YES:
        return YES
    return MAYBE


SLOT_READERS = {
    "PainIntent": {"region": _place, "condition": _place},
    "SymptomIntent": {"region": _place},
    "RoutineIntent": {"muscle": _muscle},
}
# The slot an intent needs to be fulfilled; unheard, the skill asks for it (MAYBE).
KEY_SLOTS = {
    "PainIntent": ("region", "condition"),
    "RoutineIntent": ("muscle",),
    "AboutIntent": ("topic",),
    "SymptomIntent": ("symptom",),
}


def can_fulfill(cat: Catalogue, intent: str, slots: Mapping[str, Heard]) -> CanFulfillIntent:
    """YES / MAYBE / NO for ``intent`` with ``slots`` (only the slots that were filled)."""
    if (intent in (TELL, "RoutineIntent") and WORDS_SLOT in slots) or intent == TELL:
        # The runner's own words: what the skill makes of them decides.
        meaning = meaning_of(cat, intent, slots)
        if meaning.intent in KEY_SLOTS and meaning.slots:
            verdict = YES
        elif meaning.intent == FALLBACK:
            verdict = NO
        else:
            verdict = MAYBE
        return _answer(verdict, {name: (verdict, verdict) for name in slots})
    if intent not in KEY_SLOTS:
        # Built-ins ("next", "stop", "yes") and ReadyIntent mean nothing outside a session;
        # an intent this code does not know yet may be one the model gained: maybe.
        known = intent.startswith("AMAZON.") or intent in IN_SESSION_ONLY
        verdict = NO if known else MAYBE
        return _answer(verdict, {name: (verdict, verdict) for name in slots})
    readers = SLOT_READERS.get(intent, {})
    per_slot: dict[str, tuple[str, str]] = {}
    for name, h in slots.items():
        if name in readers:
            understood = readers[name](cat, h)
        elif name in ("side", "aspect", "equipment", "topic", "symptom"):
            understood = _word(cat, name, h)
        else:
            understood = _free_text(cat, h)
        per_slot[name] = (understood, NO if understood == NO else understood)
    key = [per_slot[s][0] for s in KEY_SLOTS[intent] if s in per_slot]
    if not key:
        verdict = MAYBE  # nothing heard that the intent needs: the skill would have to ask
    elif YES in key:
        verdict = YES
    elif MAYBE in key:
        verdict = MAYBE
    else:
        verdict = NO
    if verdict == YES and intent == "PainIntent":
        outcome = resolve_place(
            cat,
            region=slots.get("region", Heard()),
            aspect=slots.get("aspect", Heard()),
            side=slots.get("side", Heard()),
            condition=slots.get("condition", Heard()),
        )
        if isinstance(outcome, NotUnderstood):
            verdict = MAYBE
    return _answer(verdict, per_slot)


def _answer(verdict: str, per_slot: Mapping[str, tuple[str, str]]) -> CanFulfillIntent:
    from ask_sdk_model.canfulfill import (
        CanFulfillIntent,
        CanFulfillIntentValues,
        CanFulfillSlot,
        CanFulfillSlotValues,
        CanUnderstandSlotValues,
    )

    return CanFulfillIntent(
        can_fulfill=CanFulfillIntentValues(verdict),
        slots={
            name: CanFulfillSlot(
                can_understand=CanUnderstandSlotValues(understand),
                can_fulfill=CanFulfillSlotValues.YES if fulfil == YES else CanFulfillSlotValues.NO,
            )
            for name, (understand, fulfil) in per_slot.items()
        },
    )


class CanFulfillHandler(Handler):
    """Name-free interaction: "Alexa, why does the outside of my knee hurt?" asked of no skill
    in particular. Answers from the content only; reads and writes no state."""

    request_type = CAN_FULFILL

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        intent = getattr(request, "intent", None)
        name = getattr(intent, "name", None)
        if not isinstance(name, str) or not name:
            return cannot_fulfill(handler_input)
        filled = {}
        for slot in (getattr(intent, "slots", None) or {}).values():
            slot_name = getattr(slot, "name", None)
            h = heard(handler_input, slot_name) if isinstance(slot_name, str) else Heard()
            if isinstance(slot_name, str) and not h.empty:
                filled[slot_name] = h
        answer = can_fulfill(catalogue(), name, filled)
        log.info("canFulfillIntent %s: %s", loggable(name), answer.can_fulfill)
        handler_input.response_builder.set_can_fulfill_intent(answer)
        return silence(handler_input)


# --------------------------------------------------------------------------- as if spoken

# Words a screen button sends (APL SendEvent arguments) and the voice intent they stand for.
BUTTONS = {
    "next": "AMAZON.NextIntent",
    "previous": "AMAZON.PreviousIntent",
    "back": "AMAZON.PreviousIntent",
    "repeat": "AMAZON.RepeatIntent",
    "start over": "AMAZON.StartOverIntent",
    "startover": "AMAZON.StartOverIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "stop": "AMAZON.StopIntent",
    "cancel": "AMAZON.CancelIntent",
    "help": "AMAZON.HelpIntent",
    "home": "AMAZON.NavigateHomeIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "ready": "ReadyIntent",
}


def _matched(name: str, ident: str) -> Slot:
    from ask_sdk_model.slu.entityresolution import (
        Resolution,
        Resolutions,
        Status,
        StatusCode,
        Value,
        ValueWrapper,
    )

    resolution = Resolution(
        authority=AUTHORITY,
        status=Status(code=StatusCode.ER_SUCCESS_MATCH),
        values=[ValueWrapper(value=Value(name=ident.replace("_", " "), id=ident))],
    )
    return Slot(
        name=name,
        value=ident.replace("_", " "),
        confirmation_status=SlotConfirmationStatus.NONE,
        resolutions=Resolutions(resolutions_per_authority=[resolution]),
    )


def screen_intent(arguments: object, handled: frozenset[str]) -> tuple[str, dict[str, Slot]]:
    """The voice intent a screen event stands for: ``["next"]``, ``["AMAZON.NextIntent"]``,
    ``["place", "knee_outside"]``, ``["muscle", "tfl"]``; Fallback for anything else."""
    words = [a for a in arguments if isinstance(a, str)] if isinstance(arguments, list) else []
    if not words:
        return FALLBACK, {}
    first = words[0].strip()
    if first in handled:
        return first, {}
    if first.lower() in BUTTONS:
        return BUTTONS[first.lower()], {}
    cat = catalogue()
    if len(words) > 1 and first.lower() == "place" and words[1] in vocabulary(cat).place_meaning:
        return "PainIntent", {"region": _matched("region", words[1])}
    if len(words) > 1 and first.lower() == "muscle" and words[1] in cat.muscles:
        return "RoutineIntent", {"muscle": _matched("muscle", words[1])}
    return FALLBACK, {}


class AsIfSpoken(Handler):
    """A request that stands for a voice intent: dispatched to the handler of that intent."""

    types: tuple[str, ...] = ()

    def __init__(self, others: Iterable[Handler]) -> None:
        self.others = tuple(others)
        self.handled = frozenset(i for h in self.others for i in h.intents)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) in self.types

    def intent(self, handler_input: HandlerInput) -> tuple[str, dict[str, Slot]]:
        return FALLBACK, {}

    def handle(self, handler_input: HandlerInput) -> Response:
        envelope = handler_input.request_envelope
        if envelope.session is None:  # an event outside any conversation: nothing to move
            return silence(handler_input)
        name, slots = self.intent(handler_input)
        original = envelope.request
        envelope.request = IntentRequest(
            request_id=getattr(original, "request_id", None),
            timestamp=getattr(original, "timestamp", None),
            locale=getattr(original, "locale", None),
            dialog_state=DialogState.COMPLETED,
            intent=Intent(
                name=name, slots=slots, confirmation_status=IntentConfirmationStatus.NONE
            ),
        )
        log.info("%s taken as %s", loggable(get_request_type_of(original)), name)
        handler_input.attributes_manager.request_attributes.pop(MEANING_KEY, None)
        for handler in self.others:
            if handler.can_handle(handler_input):
                response: Response = handler.handle(handler_input)
                return response
        return silence(handler_input)


def get_request_type_of(request: object) -> str:
    return str(getattr(request, "object_type", None) or type(request).__name__)


class ScreenEventHandler(AsIfSpoken):
    """A touch on the screen: the move its button or zone stands for."""

    types = SCREEN_EVENTS

    def intent(self, handler_input: HandlerInput) -> tuple[str, dict[str, Slot]]:
        request = handler_input.request_envelope.request
        return screen_intent(getattr(request, "arguments", None), self.handled)


class ResumedHandler(AsIfSpoken):
    """A Connections response or a resumed session: this skill asked for neither, so it says it
    did not get that and asks its pending question again."""

    types = RESUMED


class SilentHandler(Handler):
    """Every request type no other handler takes: an empty response, nothing changed."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = get_request_type(handler_input)
        return request_type not in SPOKEN_TYPES | CONVERSATION_TYPES | {CAN_FULFILL}

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        request_type = get_request_type(handler_input)
        if request_type == "System.ExceptionEncountered":
            error = getattr(request, "error", None)
            cause = getattr(request, "cause", None)
            log.warning(
                "Alexa reports an error with a response of this skill: %s %s (request %s)",
                loggable(getattr(getattr(error, "object_type", None), "value", None) or ""),
                loggable(getattr(error, "message", None) or ""),
                loggable(getattr(cause, "request_id", None) or ""),
            )
        else:
            log.info("%s: nothing to say", loggable(request_type))
        return silence(handler_input)


def handlers(others: Iterable[Handler]) -> tuple[Handler, ...]:
    """This module's handlers; ``others`` are the conversation's, for requests taken as voice."""
    others = tuple(others)
    return (
        CanFulfillHandler(),
        ScreenEventHandler(others),
        ResumedHandler(others),
        SilentHandler(),
    )
