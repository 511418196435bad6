"""The questions the skill can leave pending, as one table: how each is asked again.

A "repeat", a "help", a stray "yes" or a turn not understood asks the pending question again
(:func:`reask`); an aside (a topic, the summary) goes back to it (:func:`carry_on`). Each entry
asks its question in the words of its stage, and says False when it can no longer be asked (the
offered muscle or the saved routine is gone).
"""

from __future__ import annotations

from collections.abc import Callable

from skill.handlers import ask as ask_stage
from skill.handlers import follow as follow_stage
from skill.handlers import routine as routine_stage
from skill.handlers import safety as safety_stage
from skill.handlers.base import Turn
from skill.speech import your_other
from skill.state import REGION, Question


def _aspect(turn: Turn) -> bool:
    if not turn.state.region:
        return False
    region = turn.cat.regions[turn.state.region]
    names = ask_stage.aspect_names(turn, region.aspects)
    turn.say("ask_aspect", region=region.name, options=names)
    turn.ask("ask_aspect_short", options=names)
    return True


def _region(turn: Turn) -> bool:
    turn.say("ask_region")
    turn.ask("ask_region_short")
    return True


def _offer(turn: Turn) -> bool:
    state = turn.state
    if not state.offered or state.pending is None:
        return False
    ask_stage.offer_routine(turn, turn.cat.muscles[state.offered], state.equipment, state.pending)
    return True


def _screen(turn: Turn) -> bool:
    if turn.state.routine is None:
        return False
    if safety_stage.asked_part(turn) is not None:
        safety_stage.ask_part(turn, turn.state.part)  # the one question it was asking
    else:
        safety_stage.ask_screen(turn)
    return True


def _ready(turn: Turn) -> bool:
    routine_stage.fetch(turn)
    return True


def _other_side(turn: Turn) -> bool:
    turn.say("offer_other_side", your=your_other(turn.cat))
    turn.ask("offer_other_side_short")
    return True


def _resume(turn: Turn) -> bool:
    progress = routine_stage.valid_progress(turn, turn.memory.saved.progress)
    if progress is None:
        return False
    routine_stage.offer_resume(turn, progress)
    return True


def _follow_up(turn: Turn) -> bool:
    place = follow_stage.asked_place(turn)
    if place is None:
        return False
    follow_stage.ask_follow_up(turn, place)
    return True


def _worse_screen(turn: Turn) -> bool:
    place = follow_stage.asked_place(turn)
    if place is None:
        return False
    follow_stage.ask_worse_screen(turn, place)
    return True


def _forget(turn: Turn) -> bool:
    turn.say("forget_confirm")
    turn.ask("forget_short")
    return True


# Each question that can be asked again, and how. RED_FLAG ("which was it?") is not: anything
# said to it gets the advice for every red flag.
ASK_AGAIN: dict[Question, Callable[[Turn], bool]] = {
    Question.ASPECT: _aspect,
    Question.REGION: _region,
    Question.OFFER_ROUTINE: _offer,
    Question.NEXT_MUSCLE: _offer,
    Question.SCREEN: _screen,
    Question.READY: _ready,
    Question.OTHER_SIDE: _other_side,
    Question.RESUME: _resume,
    Question.FOLLOW_UP: _follow_up,
    Question.WORSE_SCREEN: _worse_screen,
    Question.FORGET: _forget,
}


def reask(turn: Turn) -> bool:
    """Ask the pending question again; False when nothing is pending that can be asked."""
    pending = turn.state.pending
    again = ASK_AGAIN.get(Question(pending)) if pending in ASK_AGAIN else None
    return again is not None and again(turn)


def step_help(turn: Turn, step: int) -> None:
    """Words mid-routine that are no step command: the step, the stop rule first (they may have
    been a sign in words no list has), then the commands; the step is kept."""
    turn.say("routine_fallback", number=step + 1)
    turn.say("stop_rule")
    turn.say("step_commands")
    turn.ask("step_reprompt")


def carry_on(turn: Turn, *, stray: bool = False) -> None:
    """After an aside (a topic, the summary, a "no" to forgetting, a stray yes): the question
    still open, else the step of the routine under way (a stray word must not lose the step),
    else where it hurts (after a ``stray`` yes or no, saying that nothing was asked)."""
    if reask(turn):
        return
    routine = turn.state.routine
    if routine is not None and routine.started:
        step_help(turn, routine.step)
        return
    if stray:
        turn.say("stray_yes_no")
    else:
        turn.say("anything_else")
    turn.ask("ask_region_short")
    turn.state.ask(REGION)
