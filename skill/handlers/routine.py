"""Stage: the routine, one step at a time, and the navigation that works at every step."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.content import Muscle
from skill.handlers.actions import (
    answer_outcome,
    move,
    offer_next_muscle,
    other_side,
    reask,
    resume_routine,
    routine_content,
    see_pt_and_close,
    speak_step,
    start_routine,
    valid_progress,
)
from skill.handlers.base import Handler, Turn, meaning_name, seen_state
from skill.resolve import (
    Heard,
    NotUnderstood,
    resolve_muscle,
    resolve_place,
    resolve_simple,
    vocabulary,
)
from skill.state import ASPECT, OTHER_SIDE, READY, REGION, RESUME, State

NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
REPEAT = "AMAZON.RepeatIntent"
START_OVER = "AMAZON.StartOverIntent"
NAVIGATION = (NEXT, PREVIOUS, REPEAT, START_OVER)


def running(state: State) -> bool:
    return state.routine is not None and state.routine.started


class RoutineHandler(Handler):
    """ "How do I roll out my calf", "foam roller routine for my glutes", "use the roller"."""

    intents = ("RoutineIntent",)

    def respond(self, turn: Turn) -> None:
        state, cat = turn.state, turn.cat
        vocab = vocabulary(cat)
        equipment = resolve_simple(turn.heard("equipment"), vocab.equipment, cat.equipment)
        side = resolve_simple(turn.heard("side"), vocab.sides, cat.sides) or state.side
        heard_muscle = turn.heard("muscle")
        muscle: Muscle | None = None
        if heard_muscle.empty:
            current = state.routine.muscle if state.routine else state.offered
            muscle = cat.muscles[current] if current else None
            if muscle is None:
                turn.say("ask_muscle")
                turn.ask("ask_muscle")
                return
        else:
            found = resolve_muscle(cat, heard_muscle)
            if isinstance(found, (NotUnderstood, tuple)):
                names = (
                    [m.name for m in found]
                    if isinstance(found, tuple)
                    else [cat.muscles[m].name for m in found.options]
                )
                turn.say("not_understood_muscle", options=names)
                turn.ask("ask_muscle")
                return
            muscle = found
        state.side = side
        start_routine(turn, muscle, equipment, side)


class ReadyHandler(Handler):
    """ "Ready" after the fetch prompt (also "next" or "yes" there): step one."""

    intents = ("ReadyIntent", NEXT, "AMAZON.YesIntent")

    def accepts(self, state: State) -> bool:
        return state.pending == READY and state.routine is not None

    def respond(self, turn: Turn) -> None:
        assert turn.state.routine is not None
        turn.state.routine.step = 0
        speak_step(turn, flow=True)


class NavigationHandler(Handler):
    """Next, go back, repeat, start over: at any step, in any session.

    With no routine in this session, saved progress is picked up (the session may have timed
    out); with none saved, the answer says so and what to try instead.
    """

    intents = (*NAVIGATION, "ReadyIntent")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not super().can_handle(handler_input):
            return False
        state = seen_state(handler_input)
        waiting = state.pending == READY and state.routine is not None
        # "next" and "ready" while waiting for the fetch belong to ReadyHandler.
        return not (waiting and meaning_name(handler_input) in (NEXT, "ReadyIntent"))

    def respond(self, turn: Turn) -> None:
        intent = meaning_name(turn.handler_input)
        state = turn.state
        if intent == PREVIOUS and state.pending == ASPECT and state.region:
            # "Back" answering "which part of your knee?" can reach Alexa's PreviousIntent.
            region = turn.cat.regions[state.region]
            if "back" in region.aspects:
                outcome = resolve_place(
                    turn.cat, Heard(id=region.id), Heard(id="back"), Heard(id=state.side)
                )
                answer_outcome(turn, outcome)
                return
        if state.pending == READY and state.routine is not None:
            # Waiting for the fetch: repeat says it again, anything else starts at step one.
            if intent == REPEAT:
                reask(turn)
            else:
                move(turn, 0, flow=True)
            return
        if not running(state):
            if intent == REPEAT and reask(turn):
                return
            progress = valid_progress(turn, turn.memory.saved.progress)
            if progress is None:
                turn.say("no_routine")
                turn.ask("ask_region_short")
                return
            if not state.screened:
                resume_routine(turn, progress)
                return
            state.routine = progress
            state.muscles = progress.muscles or [progress.muscle]
        routine = state.routine
        assert routine is not None
        if intent in (NEXT, "ReadyIntent"):
            total = len(routine_content(turn, routine).steps)
            if routine.step >= total - 1:
                turn.say("was_last_step")
                if not reask(turn):
                    offer_next_muscle(turn, after=routine.muscle)
                return
            move(turn, routine.step + 1, flow=True)
        elif intent == PREVIOUS:
            move(turn, routine.step - 1)
        elif intent == START_OVER:
            move(turn, 0, flow=True)
        else:
            move(turn, routine.step)


class PauseHandler(Handler):
    """Pause: the place is saved and the session closes, ready to resume later."""

    intents = ("AMAZON.PauseIntent",)

    def respond(self, turn: Turn) -> None:
        routine = turn.state.routine
        if routine is None or not routine.started:
            turn.say("nothing_to_pause")
            return
        turn.memory.update(progress=routine)
        turn.say("paused", number=routine.step + 1)


class ResumeHandler(Handler):
    """Resume, or "yes" to "pick up where you stopped?"."""

    intents = ("AMAZON.ResumeIntent",)

    def respond(self, turn: Turn) -> None:
        resume(turn)


class ResumeYesHandler(Handler):
    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == RESUME

    def respond(self, turn: Turn) -> None:
        resume(turn)


class ResumeNoHandler(Handler):
    """ "No" to resuming: the place stays saved; ask where it hurts instead."""

    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == RESUME

    def respond(self, turn: Turn) -> None:
        turn.say("resume_declined")
        turn.ask("ask_region_short")
        turn.state.ask(REGION)


def resume(turn: Turn) -> None:
    state = turn.state
    if running(state):
        speak_step(turn, announce_resume=True)
        return
    progress = valid_progress(turn, turn.memory.saved.progress)
    if progress is None:
        turn.say("nothing_to_resume")
        turn.ask("ask_region_short")
        state.ask(REGION)
        return
    resume_routine(turn, progress)


class OtherSideYesHandler(Handler):
    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == OTHER_SIDE and state.routine is not None

    def respond(self, turn: Turn) -> None:
        other_side(turn)


class OtherSideNoHandler(Handler):
    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == OTHER_SIDE and state.routine is not None

    def respond(self, turn: Turn) -> None:
        routine = turn.state.routine
        assert routine is not None
        offer_next_muscle(turn, after=routine.muscle)


class RoutineFallbackHandler(Handler):
    """Not understood during a routine: the step commands, without losing the place."""

    intents = ("AMAZON.FallbackIntent",)

    def accepts(self, state: State) -> bool:
        return running(state) and state.pending in (None, OTHER_SIDE)

    def respond(self, turn: Turn) -> None:
        routine = turn.state.routine
        assert routine is not None
        pending = turn.state.pending
        turn.say("routine_fallback", number=routine.step + 1)
        turn.ask("step_reprompt")
        turn.state.ask(pending)


HANDLERS: tuple[Handler, ...] = (
    RoutineHandler(),
    ReadyHandler(),
    NavigationHandler(),
    PauseHandler(),
    ResumeHandler(),
    ResumeYesHandler(),
    ResumeNoHandler(),
    OtherSideYesHandler(),
    OtherSideNoHandler(),
    RoutineFallbackHandler(),
)

__all__ = ["HANDLERS", "see_pt_and_close"]
