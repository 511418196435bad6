"""Stage: asking why it hurts, the clarifying question, and the routine offer that follows."""

from __future__ import annotations

from skill.content import ANY_ASPECT, Location, Muscle
from skill.handlers import questions
from skill.handlers import routine as routine_stage
from skill.handlers import safety as safety_stage
from skill.handlers.base import Handler, Turn
from skill.handlers.base import meaning as meaning_of_request
from skill.resolve import (
    NOTHING,
    Answer,
    Ask,
    Heard,
    NotUnderstood,
    Outcome,
    resolve_muscle,
    resolve_place,
    vocabulary,
)
from skill.speech import fixed, text, tool_name, your
from skill.state import ASPECT, NEXT_MUSCLE, OFFER_ROUTINE, REGION, SCREEN, State
from skill.understand import asks_about, command_said_first, says_news


def place_phrase(turn: Turn, region: str, aspect: str | None, side: str | None) -> str:
    """The place with its preposition: "on the outside of your left knee", "in your Achilles"."""
    name = turn.cat.regions[region].name
    key = f"place_{aspect}" if aspect and aspect != ANY_ASPECT else "place_any"
    return turn.words(key, your=your(turn.cat, side), region=name)


def aspect_names(turn: Turn, aspects: tuple[str, ...]) -> list[str]:
    return [turn.cat.aspects[a].name for a in aspects]


def region_names(turn: Turn, regions: tuple[str, ...]) -> list[str]:
    return [turn.cat.regions[r].name for r in regions]


def answer_outcome(turn: Turn, outcome: Outcome) -> None:
    """Speak the answer to "why does it hurt", or the one question it needs."""
    state = turn.state
    if isinstance(outcome, Ask):
        state.side = outcome.side or state.side
        if outcome.slot == "aspect" and outcome.region:
            state.region = outcome.region
            names = aspect_names(turn, outcome.options)
            turn.say("ask_aspect", region=turn.cat.regions[outcome.region].name, options=names)
            turn.ask("ask_aspect_short", options=names)
            state.ask(ASPECT)
        else:
            turn.say("ask_region")
            turn.ask("ask_region_short")
            state.ask(REGION)
        return
    if isinstance(outcome, NotUnderstood):
        state.side = outcome.side or state.side
        if outcome.slot == "aspect" and outcome.region:
            names = aspect_names(turn, outcome.options)
            turn.say("not_understood_aspect", options=names)
            turn.ask("ask_aspect_short", options=names)
            state.ask(ASPECT)
        else:
            body = turn.cat.language.body_words.get(outcome.heard.strip().lower())
            if body:
                names = region_names(turn, body)
                turn.say("ask_body", part=outcome.heard.strip().lower(), options=names)
            else:
                offered = region_names(turn, outcome.options)
                turn.say(
                    "not_understood_place",
                    options=offered or fixed(turn.cat).written("example_regions"),
                )
            turn.ask("ask_region_short")
            state.ask(REGION)
        return
    answer(turn, outcome)


def answer(turn: Turn, ans: Answer) -> None:
    cat, state = turn.cat, turn.state
    muscles = [cat.muscles[m] for m in ans.muscles]
    # A region with one location ("any" aspect) keeps no aspect: "any" names no aspect, and
    # state naming one that does not exist is dropped on the next turn (a yes went unheard).
    aspect = ans.location.aspect
    state.region, state.aspect = ans.region.id, (None if aspect == ANY_ASPECT else aspect)
    state.side = ans.side or state.side
    state.muscles = [m.id for m in muscles]
    place = place_phrase(turn, ans.region.id, ans.location.aspect, state.side)
    first = muscles[0]
    # One breath: the likely muscle, where it refers, the offer. The other suspects and the
    # place's note wait for "tell me more" (tell_more); all of it, with sources, is on the card.
    said_first = ans.condition is not None and ans.condition.first is not None
    if ans.condition:
        if ans.condition.first is not None:
            # What knots cannot explain (a nerve, a pressure problem) comes first; to keep the
            # answer one breath, where the muscle refers is then on the card only.
            turn.add(text(ans.condition.first.text))
        turn.say("answer_condition", condition=ans.condition.name, muscle=first.name)
    else:
        turn.say("answer", place=place, muscle=first.name)
    if not said_first:
        turn.add(text(first.refers))
    turn.card(answer_card(turn, place, muscles, ans.location))
    offer_first_with_routine(turn, muscles, equipment=None)


def answer_card(turn: Turn, place: str, muscles: list[Muscle], location: Location) -> str:
    """Everything about the answer, to read: each suspect and where it refers, the place's
    note, and the sources they come from."""
    cat = turn.cat
    lines = [
        turn.words("card_answer", place=place, muscles=", ".join(m.name for m in muscles)),
        "",
        *(f"- {m.name}: {m.referral}" for m in muscles),
    ]
    if location.note:
        lines += ["", turn.written(location.note)]
    ids = [r.source for r in location.muscles] + [m.source for m in muscles]
    titles = [cat.sources[i].title for i in dict.fromkeys(ids) if i in cat.sources]
    lines += ["", turn.written("card_sources"), *(f"- {t}" for t in titles)]
    return "\n".join(lines)


ANSWER_KEYS = ("answer", "answer_condition", "answer_muscle")


def tell_more(turn: Turn) -> bool:
    """ "Tell me more" just after an answer: the other suspects and the place's note, then the
    same offer again. False when the last turn was no such answer (or told them already)."""
    cat, state = turn.cat, turn.state
    if state.pending != OFFER_ROUTINE or state.offered is None:
        return False
    if not set(ANSWER_KEYS) & set(state.said):
        return False
    location = None
    region = cat.regions.get(state.region or "")
    if region is not None and "answer_muscle" not in state.said:
        location = region.locations.get(state.aspect or "") or region.single_location
    first = cat.muscles[state.muscles[0]] if state.muscles else None
    others = [cat.muscles[m].name for m in state.muscles[1:3] if m in cat.muscles]
    note = location.note if location else None
    if not (first and first.more) and not others and not note:
        return False
    if first and first.more:
        turn.add(text(first.more))
    if others:
        turn.say("answer_also", muscles=others)
    if note:
        turn.say(note)
    offer_routine(turn, cat.muscles[state.offered], state.equipment, OFFER_ROUTINE)
    return True


def answer_muscle(turn: Turn, muscle: Muscle) -> None:
    """Pain named by a muscle ("my hamstring hurts"): where its knots send pain, and its routine."""
    turn.state.muscles = [muscle.id, *muscle.also]
    turn.say("answer_muscle", muscle=muscle.name)
    turn.add(text(muscle.refers))
    also = [turn.cat.muscles[m] for m in muscle.also]
    turn.card("\n".join(f"{m.name}: {m.referral}" for m in (muscle, *also)))
    offer_first_with_routine(turn, [muscle], equipment=None)


def offer_first_with_routine(turn: Turn, muscles: list[Muscle], equipment: str | None) -> None:
    """Offer a routine for the first muscle that can have one; say why a muscle can't."""
    for m in muscles:
        if m.no_pressure is not None:
            turn.say("no_pressure_short", muscle=m.name)
            continue
        offer_routine(turn, m, equipment, OFFER_ROUTINE)
        return
    see_pt_and_close(turn)


def offer_routine(turn: Turn, muscle: Muscle, equipment: str | None, question: str) -> None:
    eq = equipment if equipment in muscle.routines else muscle.routines[0]
    turn.state.offered, turn.state.equipment = muscle.id, eq
    equipment_name = tool_name(turn.cat, muscle.id, eq)
    if question == OFFER_ROUTINE:
        turn.say("offer_routine", muscle=muscle.name, equipment=equipment_name)
    else:
        turn.say("offer_next_muscle", muscle=muscle.name, equipment=equipment_name)
    turn.ask("offer_short", muscle=muscle.name)
    turn.state.ask(question)


def more_muscles(turn: Turn) -> None:
    """ "What else could it be": the other suspects, and an offer for the next one."""
    state = turn.state
    current = state.offered or (state.routine.muscle if state.routine else None)
    ranked = state.muscles
    rest = ranked[ranked.index(current) + 1 :] if current in ranked else []
    if not rest:
        turn.say("no_more_muscles")
        if not questions.reask(turn):
            turn.ask("ask_region_short")
            state.ask(REGION)
        return
    names = [turn.cat.muscles[m].name for m in rest[:3]]
    turn.say("more_muscles", muscles=names)
    turn.card(
        "\n".join(f"- {turn.cat.muscles[m].name}: {turn.cat.muscles[m].referral}" for m in rest)
    )
    routine_stage.offer_next_muscle(turn, after=current or rest[0])


def see_pt_and_close(turn: Turn) -> None:
    turn.add(text(turn.cat.safety.see_pt.text))
    turn.say("goodbye")


class PainHandler(Handler):
    """ "Why does the outside of my knee hurt", and the answers to its clarifying questions."""

    intents = ("PainIntent",)

    def respond(self, turn: Turn) -> None:
        state = turn.state
        if state.pending == SCREEN and state.routine is not None:
            # The screen answered with talk of the body, no yes or no ("is it normal that my
            # calf looks a bit funny today?"): it may be a sign in words no list has. The
            # screen once more, and then its questions one at a time (one asked on its own:
            # that question again).
            safety_stage.news_again(turn)
            return
        if safety_stage.news_at_fetch(turn, meaning_of_request(turn.handler_input).text):
            # A place told of at the fetch prompt ("my gym buddy said my calf went like a
            # gunshot"): the screen again before the first press, not a new answer.
            return
        if routine_stage.running(state):
            command = command_said_first(turn.cat, meaning_of_request(turn.handler_input).text)
            if command is not None:
                # "next, me calf's feeling heaps looser": the command, with the screen asked
                # again before the next press.
                routine_stage.recheck(turn, command)
                return
            text = meaning_of_request(turn.handler_input).text
            if state.pending is None and not (
                asks_about(turn.cat, text) and not says_news(turn.cat, text)
            ):
                # A place told of with the ball under the runner ("there's a zing going into my
                # little toe"): it may be a sign in words no list has, so the screen is asked
                # again before the next press, and the step is kept.
                safety_stage.ask_screen(turn, again=True)
                return
            # A place asked about ("why does my hip hurt too"): the stop rule, then the answer.
            turn.say("stop_rule")
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
        routine_stage.start_routine(
            turn, turn.cat.muscles[state.offered], state.equipment, state.side
        )


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
        routine_stage.offer_next_muscle(turn, after=state.offered)


class AskFallbackHandler(Handler):
    """Not understood while a clarifying question is pending: ask it again with the choices."""

    intents = ("AMAZON.FallbackIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending in (ASPECT, REGION)

    def respond(self, turn: Turn) -> None:
        state = turn.state
        misses = state.misses + 1  # turns in a row not understood, this one included
        if misses > 2:
            state.misses = misses
            turn.say("give_up")
            return
        if state.pending == ASPECT and state.region:
            answer_outcome(
                turn, resolve_place(turn.cat, Heard(id=state.region), NOTHING, Heard(id=state.side))
            )
        else:
            turn.say("not_understood")
            answer_outcome(turn, resolve_place(turn.cat, NOTHING, NOTHING, Heard(id=state.side)))
        state.misses = misses  # asked again, and still counting


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
