"""Stage: asking why it hurts, the clarifying question, and the routine offer that follows."""

from __future__ import annotations

from skill.content import Muscle
from skill.handlers.actions import (
    answer_muscle,
    answer_outcome,
    more_muscles,
    offer_next_muscle,
    place_phrase,
    start_routine,
    tell_more,
)
from skill.handlers.base import Handler, Turn
from skill.resolve import NOTHING, Heard, NotUnderstood, resolve_muscle, resolve_place, vocabulary
from skill.state import ASPECT, NEXT_MUSCLE, OFFER_ROUTINE, REGION, State


class PainHandler(Handler):
    """ "Why does the outside of my knee hurt", and the answers to its clarifying questions."""

    intents = ("PainIntent",)

    def respond(self, turn: Turn) -> None:
        state = turn.state
        region, aspect = turn.heard("region"), turn.heard("aspect")
        side, condition = turn.heard("side"), turn.heard("condition")
        # Keep what was heard before the clarifying question: "the outside" answers "which part
        # of your knee", "my knee" answers "where does it hurt" while keeping the aspect.
        if state.pending == ASPECT and region.empty and condition.empty and state.region:
            region = Heard(id=state.region)
        if state.pending in (ASPECT, REGION) and aspect.empty and state.aspect:
            aspect = Heard(id=state.aspect)
        if side.empty and state.side and state.pending in (ASPECT, REGION):
            side = Heard(id=state.side)
        muscle_heard = turn.heard("muscle")
        if muscle_heard.id in turn.cat.muscles and region.empty and condition.empty:
            # "My left quad is sore": a muscle named as the place.
            state.side = side.id or state.side
            answer_muscle(turn, turn.cat.muscles[str(muscle_heard.id)])
            return
        state.aspect = None
        outcome = resolve_place(turn.cat, region, aspect, side, condition)
        also = turn.heard("also")
        meaning = vocabulary(turn.cat).place_meaning.get(also.id or "")
        if meaning is not None and not isinstance(outcome, NotUnderstood):
            # Two places said: answer the first, and say the other can come next.
            turn.say("also_heard", other=turn.cat.regions[meaning.region].name)
        if isinstance(outcome, NotUnderstood) and outcome.slot == "region":
            # "My hamstring hurts": a muscle heard where a place was expected.
            muscle = resolve_muscle(turn.cat, Heard(text=outcome.heard))
            if isinstance(muscle, Muscle):
                state.side = outcome.side or state.side
                answer_muscle(turn, muscle)
                return
        answer_outcome(turn, outcome)


class OfferYesHandler(Handler):
    """ "Yes" to "want a lacrosse ball routine for your TFL?"."""

    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending in (OFFER_ROUTINE, NEXT_MUSCLE) and state.offered is not None

    def respond(self, turn: Turn) -> None:
        state = turn.state
        assert state.offered is not None
        start_routine(turn, turn.cat.muscles[state.offered], state.equipment, state.side)


class OfferNoHandler(Handler):
    """ "No" to a routine offer: the next muscle on the list is offered, or we close."""

    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending in (OFFER_ROUTINE, NEXT_MUSCLE) and state.offered is not None

    def respond(self, turn: Turn) -> None:
        state = turn.state
        assert state.offered is not None
        if state.pending == OFFER_ROUTINE:
            turn.say("no_routine_then")
        offer_next_muscle(turn, after=state.offered)


class AskFallbackHandler(Handler):
    """Not understood while a clarifying question is pending: ask it again with the choices."""

    intents = ("AMAZON.FallbackIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending in (ASPECT, REGION)

    def respond(self, turn: Turn) -> None:
        state = turn.state
        state.misses += 1
        if state.misses > 2:
            turn.say("give_up")
            return
        misses = state.misses
        if state.pending == ASPECT and state.region:
            answer_outcome(
                turn, resolve_place(turn.cat, Heard(id=state.region), NOTHING, Heard(id=state.side))
            )
        else:
            turn.say("not_understood")
            answer_outcome(turn, resolve_place(turn.cat, NOTHING, NOTHING, Heard(id=state.side)))
        state.misses = misses


class MoreHandler(Handler):
    """ "Tell me more", "what else could it be", "the next one": just after an answer, the rest
    of it (the other suspects, the place's note) and the same offer; after that, the next
    suspect's offer."""

    intents = ("MoreIntent",)

    def respond(self, turn: Turn) -> None:
        if not tell_more(turn):
            more_muscles(turn)


HANDLERS: tuple[Handler, ...] = (
    PainHandler(),
    MoreHandler(),
    OfferYesHandler(),
    OfferNoHandler(),
    AskFallbackHandler(),
)

__all__ = ["HANDLERS", "place_phrase"]
