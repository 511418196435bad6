"""Stage-independent requests: launch, help, stop, fallback, session end, errors, and the
questions about trigger points themselves."""

from __future__ import annotations

from collections.abc import Iterable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from skill.handlers import follow as follow_stage
from skill.handlers import questions
from skill.handlers import routine as routine_stage
from skill.handlers import safety as safety_stage
from skill.handlers.base import Handler, Turn, meaning, meaning_name
from skill.handlers.system import CONVERSATION_TYPES, cannot_fulfill, silence, turn_free_words
from skill.resolve import match_word, vocabulary
from skill.safelog import describe, loggable, logger
from skill.speech import text
from skill.state import (
    ASPECT,
    NEXT_MUSCLE,
    OFFER_ROUTINE,
    OTHER_SIDE,
    READY,
    RED_FLAG,
    REGION,
    SCREEN,
    Progress,
    State,
    load_state,
)
from skill.understand import brings_news

log = logger(__name__)  # logging is imported when something is logged


class LaunchHandler(Handler):
    """ "Open trigger point coach": pick up a saved routine, or ask how the pain is since the
    last routine (once, on a later day), or ask where it hurts."""

    request_type = "LaunchRequest"

    def respond(self, turn: Turn) -> None:
        saved = turn.memory.saved
        progress = routine_stage.valid_progress(turn, saved.progress)
        if progress is not None:
            turn.say("welcome_back")
            routine_stage.offer_resume(turn, progress)
            return
        place = follow_stage.due_place(turn)
        if place is not None:
            place.asked = turn.today  # asked once: not again until another routine is done
            turn.memory.update(history=saved.history)
            turn.say("welcome_back")
            follow_stage.ask_follow_up(turn, place)
            return
        if saved.known:
            turn.say("welcome_back")
            turn.say("ask_region_short")
        else:
            # One breath; what the skill does and the whole disclaimer are on the card.
            turn.say("welcome_new")
            turn.say("ask_region")
            welcome = turn.written("card_welcome")
            turn.card(f"{welcome}\n\n{turn.cat.safety.disclaimer.text}")
            turn.memory.update()
        turn.ask("ask_region_short")
        turn.state.ask(REGION)


class AboutHandler(Handler):
    """ "What is a trigger point", "why doesn't rest fix it", "when should I see a physio"."""

    intents = ("AboutIntent",)

    def respond(self, turn: Turn) -> None:
        heard = turn.heard("topic")
        topics = turn.cat.topics
        topic = topics.get(heard.id or "")
        if topic is None and heard.text:
            found = match_word(heard.text, vocabulary(turn.cat).topics)
            topic = topics.get(found) if isinstance(found, str) else None
        if topic is None:
            turn.say("about_unknown", options=[t.name for t in topics.values()])
        else:
            turn.add(text(topic.text))
            turn.card(topic.text, title=topic.name.capitalize())
        questions.carry_on(turn)


class HelpHandler(Handler):
    """Help that fits where the listener is."""

    intents = ("AMAZON.HelpIntent",)

    def respond(self, turn: Turn) -> None:
        state = turn.state
        pending = state.pending
        routine = state.routine
        if routine is not None and routine.started and pending is None:
            total = len(routine_stage.routine_content(turn, routine).steps)
            turn.say("help_routine", number=routine.step + 1, total=total)
            turn.ask("step_reprompt")
            return
        if pending in (REGION, ASPECT):
            turn.say("help_question")
        elif pending in (OFFER_ROUTINE, NEXT_MUSCLE, SCREEN, READY) or pending:
            turn.say("help_yes_no")
        else:
            turn.say("help_general")
        if not questions.reask(turn):
            turn.ask("ask_region_short")
            state.ask(REGION)


def place_to_keep(state: State) -> Progress | None:
    """The routine whose place is worth keeping, if any. Not one before the safety screen was
    answered, and not one already finished: after its last step the skill asks about the other
    side or the next muscle, and a place kept there would offer "step 6 of 6" again."""
    if state.pending in (SCREEN, RED_FLAG, OTHER_SIDE, NEXT_MUSCLE):
        return None
    return state.routine


class StopHandler(Handler):
    """Stop, cancel, and navigate home: leave now, keeping the routine's place."""

    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")

    def respond(self, turn: Turn) -> None:
        routine = place_to_keep(turn.state)
        if routine is not None and routine.started:
            turn.memory.update(progress=routine)
            turn.say("stopped_kept", number=routine.step + 1)  # unsaid if the save fails
        else:
            turn.say("goodbye")


class Otherwise(Handler):
    """For the given intents, whatever no other handler takes in the present state.

    Built from the other handlers, so that it is exactly their complement: every request is
    taken by one handler, never two.
    """

    def __init__(self, intents: tuple[str, ...], others: Iterable[Handler]) -> None:
        self.intents = intents
        self.others = tuple(h for h in others if set(h.intents) & set(intents))

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if get_request_type(handler_input) != "IntentRequest":
            return False
        if meaning_name(handler_input) not in self.intents:
            return False
        return not any(h.can_handle(handler_input) for h in self.others)


class StrayYesNoHandler(Otherwise):
    """ "Yes" or "no" with no question pending."""

    def respond(self, turn: Turn) -> None:
        questions.carry_on(turn, stray=True)


class FallbackHandler(Otherwise):
    """Not understood, outside a routine or a clarifying question."""

    def respond(self, turn: Turn) -> None:
        state = turn.state
        misses = state.misses + 1  # turns in a row not understood, this one included
        if misses > 2:
            state.misses = misses
            turn.say("give_up")
            return
        said = meaning(turn.handler_input).text
        if safety_stage.news_at_fetch(turn, said, unheard=True):
            # Words no sample holds at the fetch prompt, with news or not heard at all.
            state.misses = misses
            return
        news = brings_news(turn.cat, said)
        if state.pending == SCREEN and state.routine is not None and state.part == 0 and news:
            # The screen answered with news in words no list has ("well, I had to stop twice on
            # the way to the shop"): it may be a sign, so the screen once more, as for a "no,
            # but ...", and then its questions one at a time.
            safety_stage.news_again(turn)
            state.misses = misses
            return
        turn.say("fallback")
        if not questions.reask(turn):
            turn.ask("ask_region_short")
            state.ask(REGION)
        state.misses = misses  # asked again, and still counting


class UnknownIntentHandler(Handler):
    """An intent this skill does not declare (a stale or hand-made request)."""

    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(known)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            get_request_type(handler_input) == "IntentRequest"
            and meaning_name(handler_input) not in self.known
        )

    def respond(self, turn: Turn) -> None:
        turn.say("fallback")
        if not questions.reask(turn):
            turn.ask("ask_region_short")
            turn.state.ask(REGION)


class SessionEndedHandler(Handler):
    """The session ended (stopped, timed out, or an error): keep the routine's place."""

    request_type = "SessionEndedRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        state = load_state(handler_input)
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None)
        error = getattr(request, "error", None)
        log.info(
            "session ended: %s%s",
            loggable(getattr(reason, "value", reason)),
            f" ({loggable(getattr(error, 'message', error))})" if error is not None else "",
        )
        routine = place_to_keep(state)
        if routine is not None:
            turn = Turn(handler_input)
            turn.memory.update(progress=routine)
            turn.memory.flush()
        return silence(handler_input)


class ErrorHandler(AbstractExceptionHandler):
    """Anything unexpected: an answer fit for the request's type, and the error logged.

    In a conversation: apologise and keep the session and its state as they were. For a request
    that takes no speech (System.*, AudioPlayer.*, Messaging.*, ...): an empty response. For
    CanFulfillIntentRequest: "no", since the skill could not work out whether it can.
    """

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_type = get_request_type(handler_input)
        log.error("request %s failed: %s", loggable(request_type), describe(exception))
        if request_type == "CanFulfillIntentRequest":
            return cannot_fulfill(handler_input)
        if request_type not in CONVERSATION_TYPES:
            return silence(handler_input)
        try:
            turn = Turn(handler_input)
            turn.say("error")
            turn.ask("error_short")  # keeps the pending question, so the listener can answer
            return turn.finish()
        except Exception as again:  # the apology itself failed: say it without the turn
            log.error("the apology failed too: %s", describe(again))
            builder = handler_input.response_builder
            builder.speak(text(turn_free_words("error")).ssml).set_should_end_session(True)
            response: Response = builder.response
            return response
