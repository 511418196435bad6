"""Stage: the routine, one step at a time, and the navigation that works at every step."""

from __future__ import annotations

from ask_sdk_model import IntentRequest

from skill.content import Muscle, Routine
from skill.handlers import ask as ask_stage
from skill.handlers import follow as follow_stage
from skill.handlers import questions
from skill.handlers import safety as safety_stage
from skill.handlers.base import Handler, Turn, meaning, meaning_name
from skill.resolve import (
    Heard,
    NotUnderstood,
    resolve_muscle,
    resolve_place,
    resolve_simple,
    vocabulary,
)
from skill.signs import sign_word_pool
from skill.speech import (
    count_reps,
    fixed,
    hold,
    opposite,
    pause,
    side_words,
    spoken_list,
    step_text,
    text,
    tool_name,
    your,
)
from skill.state import (
    ASPECT,
    NEXT_MUSCLE,
    OTHER_SIDE,
    READY,
    REGION,
    RESUME,
    UNNAMED_SIDE,
    Progress,
    State,
)
from skill.understand import brings_news


def start_routine(turn: Turn, muscle: Muscle, equipment: str | None, side: str | None) -> None:
    """From "yes" to an offer, or "start a routine for my calf": screen, fetch, then step one."""
    state = turn.state
    if muscle.no_pressure is not None:
        turn.say("no_pressure", muscle=muscle.name)
        turn.add(text(muscle.no_pressure.reason))
        turn.add(text(muscle.no_pressure.alternative))
        offer_next_muscle(turn, after=muscle.id)
        return
    if equipment is not None and equipment not in muscle.routines:
        turn.say(
            "no_routine_for_equipment",
            muscle=muscle.name,
            equipment=turn.cat.equipment[equipment].name,
            other=turn.cat.equipment[muscle.routines[0]].name,
        )
        equipment = None
    eq = equipment or muscle.routines[0]
    if muscle.id not in state.muscles:
        state.muscles = [muscle.id]
    from_answer = state.region is not None and muscle.id in state.muscles
    # Another muscle in the same session gets the screen again, with the questions that
    # muscle calls for (clot risks before calf work, nerve signs before the glutes...); the
    # same muscle with another tool or on the other side keeps the answer it had.
    same_muscle = state.routine is not None and state.routine.muscle == muscle.id
    state.routine = Progress(
        muscle=muscle.id,
        equipment=eq,
        side=side or state.side,
        muscles=list(state.muscles),
        region=state.region if from_answer else None,
        aspect=state.aspect if from_answer else None,
    )
    if not state.screened or not same_muscle:
        safety_stage.ask_screen(turn)
        return
    fetch(turn)


def resume_routine(turn: Turn, progress: Progress) -> None:
    """Pick a saved routine up: after the screen, if this session has not had it yet."""
    state = turn.state
    state.routine = progress
    state.side = progress.side
    state.muscles = progress.muscles or [progress.muscle]
    progress.started = True
    if not state.screened:
        safety_stage.ask_screen(turn)
        return
    speak_step(turn, announce_resume=True)


def fetch(turn: Turn) -> None:
    """Say what to get and how many steps; wait for "ready"."""
    routine = turn.state.routine
    assert routine is not None
    content = routine_content(turn, routine)
    muscle = turn.cat.muscles[routine.muscle]
    warn(turn, content)
    needs = spoken_list([turn.words(f"need_{n}") for n in content.needs], "and")
    grab = content.grab or turn.cat.equipment[routine.equipment].name
    turn.say("fetch", equipment=grab, needs=needs)
    turn.ask("fetch_short")
    turn.state.ask(READY)
    # Saved now: fetching a ball can outlast the microphone, and the place should survive it.
    turn.memory.update(progress=routine)
    steps = "\n".join(
        f"{i}. {step_text(turn.cat, s, routine.side, turn.cat.equipment[routine.equipment].name)}"
        for i, s in enumerate(content.steps, start=1)
    )
    cautions = "\n".join(f"- {c.text}" for c in turn.cat.safety.cautions)
    heading = fixed(turn.cat).written("card_cautions")
    turn.card(
        f"{steps}\n\n{heading}\n{cautions}\n\n" + turn.cat.safety.disclaimer.text,
        title=turn.words(
            "card_routine",
            muscle=muscle.name,
            equipment=tool_name(turn.cat, muscle.id, routine.equipment),
        ),
    )


def warn(turn: Turn, content: Routine) -> None:
    """Where not to press, said before any pressure: with the fetch, or on resuming at step 1."""
    if content.avoid:
        zones = [turn.cat.safety.avoid_zones[z] for z in content.avoid]
        turn.say("avoid", zones=spoken_list([z.name for z in zones], "and"))
        for zone in zones:  # each zone with its own reason, so none is heard as another's
            turn.add(text(zone.why))


def routine_content(turn: Turn, routine: Progress) -> Routine:
    content = turn.cat.routine(routine.muscle, routine.equipment)
    if content is None:  # saved progress from an older content version
        raise LookupError(f"no routine {routine.muscle}/{routine.equipment}")
    return content


def valid_progress(turn: Turn, routine: Progress | None) -> Progress | None:
    """Saved progress that still fits the content, or None."""
    if routine is None or turn.cat.routine(routine.muscle, routine.equipment) is None:
        return None
    total = len(routine_content(turn, routine).steps)
    routine.step = min(routine.step, total - 1)
    return routine


def speak_step(turn: Turn, *, announce_resume: bool = False, flow: bool = False) -> None:
    """Say the current step: number and total, one instruction, the timed hold or counted reps.

    With ``flow`` (moving forward), a step that needs no decision (``flow:`` in routines.yaml)
    is followed, after its pause, by the next step in the same answer.
    """
    state = turn.state
    routine = state.routine
    assert routine is not None
    if not state.screened:
        # No step is said before the screen is answered in this session, whatever was said
        # instead of its answer ("next" at the screen, a ready after it was asked again).
        safety_stage.ask_screen(turn)
        return
    routine.started = True
    content = routine_content(turn, routine)
    total = len(content.steps)
    muscle = turn.cat.muscles[routine.muscle]
    equipment = turn.cat.equipment[routine.equipment].name
    if announce_resume:
        turn.say("resuming", muscle=muscle.name, your=your(turn.cat, routine.side))
        if routine.step == 0:
            warn(turn, content)
    while True:
        step = content.steps[routine.step]
        turn.say("step_number", number=routine.step + 1, total=total)
        turn.add(text(step_text(turn.cat, step, routine.side, equipment)))
        if step.seconds:
            turn.add(hold(turn.renderer, step.seconds))
        elif step.reps:
            turn.say("reps_start")
            turn.add(count_reps(turn.cat, step.reps))
            turn.say("reps_done")
        turn.said.append(f"step:{routine.muscle}:{routine.step + 1}")
        if routine.step == total - 1:
            finish_routine(turn)
            return
        if not (flow and step.flow):
            break
        turn.add(pause(step.flow))
        routine.step += 1
    turn.say("say_next")
    turn.ask("step_reprompt")
    state.ask(None)
    turn.memory.update(progress=routine)


def finish_routine(turn: Turn) -> None:
    """After the last step: the other side, or the next muscle, or a physical therapist."""
    state = turn.state
    routine = state.routine
    assert routine is not None
    muscle = turn.cat.muscles[routine.muscle]
    turn.memory.update(progress=None)
    follow_stage.record_session(turn, routine)
    turn.say("routine_done", muscle=muscle.name, your=your(turn.cat, routine.side))
    done = [*routine.sides_done, routine.side or UNNAMED_SIDE]
    if len(done) < 2:
        turn.say("offer_other_side", your=side_words(turn.cat, routine.side)["other"])
        turn.ask("offer_other_side_short")
        state.ask(OTHER_SIDE)
        routine.sides_done = done
        return
    # Both sides done: the after-care, short, with the whole of it on the card.
    turn.say("after_care_short")
    care = turn.cat.topics.get("after_care")
    if care is not None:
        turn.card(care.text, title=turn.words("card_after_care", muscle=muscle.name))
    offer_next_muscle(turn, after=routine.muscle)


def offer_next_muscle(turn: Turn, after: str) -> None:
    """Offer the next muscle in the last answer that can have a routine, or close."""
    state = turn.state
    ranked = state.muscles
    rest = ranked[ranked.index(after) + 1 :] if after in ranked else []
    for mid in rest:
        m = turn.cat.muscles[mid]
        if m.no_pressure is None:
            ask_stage.offer_routine(turn, m, state.equipment, NEXT_MUSCLE)
            return
    state.routine = None
    ask_stage.see_pt_and_close(turn)


def other_side(turn: Turn) -> None:
    routine = turn.state.routine
    assert routine is not None
    routine.side = opposite(routine.side)
    routine.step = 0
    speak_step(turn, flow=True)


def move(turn: Turn, to: int, *, flow: bool = False) -> None:
    """Go to a step (clamped to the routine) and say it; ``flow`` when moving forward."""
    routine = turn.state.routine
    assert routine is not None
    if not turn.state.screened:
        # the place is kept where it was until the screen is answered (see speak_step)
        safety_stage.ask_screen(turn)
        return
    total = len(routine_content(turn, routine).steps)
    if to < 0:
        turn.say("at_first_step")
        to = 0
    routine.step = min(to, total - 1)
    speak_step(turn, flow=flow)


def offer_resume(turn: Turn, progress: Progress) -> None:
    muscle = turn.cat.muscles[progress.muscle]
    turn.say(
        "offer_resume",
        number=progress.step + 1,
        muscle=muscle.name,
        your=your(turn.cat, progress.side),
    )
    turn.ask("offer_resume_short")
    turn.state.ask(RESUME)


NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
REPEAT = "AMAZON.RepeatIntent"
START_OVER = "AMAZON.StartOverIntent"


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
        routine = state.routine
        if (
            waiting_for_ready(state)
            and routine is not None
            and heard_muscle.empty
            and equipment in (None, routine.equipment)
            and side in (None, routine.side)
        ):
            # "Ready, I'm on the floor with the ball": the tool it already asked for is no
            # switch, so this is the ready it waits for.
            if told_of_body(turn):
                safety_stage.ask_screen(turn, again=True)
                return
            routine.step = 0
            speak_step(turn, flow=True)
            return
        if (
            running(state)
            and routine is not None
            and heard_muscle.empty
            and equipment in (None, routine.equipment)
        ):
            # "The ball keeps slipping" at a step: the tool in use, no request for another
            # routine, so the place is kept and the step commands are said.
            pending = state.pending
            questions.step_help(turn, routine.step)
            state.ask(pending)
            return
        state.side = side
        start_routine(turn, muscle, equipment, side)


class ReadyHandler(Handler):
    """ "Ready" after the fetch prompt (also "next" or "yes" there): step one."""

    intents = ("ReadyIntent", NEXT, "AMAZON.YesIntent")

    def accepts(self, state: State) -> bool:
        return waiting_for_ready(state)

    def respond(self, turn: Turn) -> None:
        assert turn.state.routine is not None
        if told_of_body(turn):
            safety_stage.ask_screen(turn, again=True)
            return
        turn.state.routine.step = 0
        speak_step(turn, flow=True)


def told_of_body(turn: Turn) -> bool:
    """Whether a yes to pressure ("ready", "yes, the other side") or a step command came with
    news ("ready, though the knee got fat real quick"; "next, but the pain never lets up"). The
    screen was answered before that news: it may be a sign in words no list has, so the screen
    is asked again before the next press."""
    return brings_news(turn.cat, meaning(turn.handler_input).text) or began_like_a_sign(turn)


def began_like_a_sign(turn: Turn) -> bool:
    """Whether the words came through an intent of words that begin signs ("heard ...",
    "shooting ...") and were heard as none: a sign in words no list has may start that way, so
    it counts as news before a press. Few everyday remarks at a step, a ready or the other
    side come through such an intent (2 in all the tuned sets of benchmarks/understanding)."""
    request = turn.handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None:
        return False
    return sign_word_pool(turn.cat, request.intent.name or "") is not None


def recheck(turn: Turn, intent: str) -> None:
    """A step command said with news: the place moves as asked, and the screen is asked again;
    the step is said when it is answered (:func:`skill.handlers.safety.after_screen`)."""
    routine = turn.state.routine
    assert routine is not None
    last = len(routine_content(turn, routine).steps) - 1
    if intent in (NEXT, "ReadyIntent"):
        routine.step = min(routine.step + 1, last)
    elif intent == PREVIOUS:
        routine.step = max(routine.step - 1, 0)
    elif intent == START_OVER:
        routine.step = 0
    safety_stage.ask_screen(turn, again=True)


def waiting_for_ready(state: State) -> bool:
    return state.pending == READY and state.routine is not None


class NextHandler(Handler):
    """ "Next" (or "ready") at any step, in any session; while waiting for the fetch, "next" and
    "ready" are ReadyHandler's."""

    intents = (NEXT, "ReadyIntent")

    def accepts(self, state: State) -> bool:
        return not waiting_for_ready(state)

    def respond(self, turn: Turn) -> None:
        navigate(turn, meaning_name(turn.handler_input))


class NavigationHandler(Handler):
    """Go back, repeat, start over: at any step, in any session."""

    intents = (PREVIOUS, REPEAT, START_OVER)

    def respond(self, turn: Turn) -> None:
        navigate(turn, meaning_name(turn.handler_input))


def navigate(turn: Turn, intent: str) -> None:
    """Next, go back, repeat, start over. With no routine in this session, saved progress is
    picked up (the session may have timed out); with none saved, the answer says so and what to
    try instead."""
    state = turn.state
    if intent == PREVIOUS and state.pending == ASPECT and state.region:
        # "Back" answering "which part of your knee?" can reach Alexa's PreviousIntent.
        region = turn.cat.regions[state.region]
        if "back" in region.aspects:
            outcome = resolve_place(
                turn.cat, Heard(id=region.id), Heard(id="back"), Heard(id=state.side)
            )
            ask_stage.answer_outcome(turn, outcome)
            return
    if state.pending == READY and state.routine is not None:
        # Waiting for the fetch: repeat says it again, anything else starts at step one.
        if intent == REPEAT:
            questions.reask(turn)
        else:
            move(turn, 0, flow=True)
        return
    if not running(state):
        if intent == REPEAT and questions.reask(turn):
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
    if told_of_body(turn):
        recheck(turn, intent)
        return
    if intent in (NEXT, "ReadyIntent"):
        total = len(routine_content(turn, routine).steps)
        if routine.step >= total - 1:
            turn.say("was_last_step")
            if not questions.reask(turn):
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
        if routine is not None and turn.state.pending == READY:
            # "hang on, I'm getting the ball": the fetch waits, the routine stays chosen
            turn.say("take_your_time")
            turn.ask("fetch_short")
            return
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
        routine = turn.state.routine
        assert routine is not None
        if told_of_body(turn):
            # "yes, but my right knee's been puffing up": the screen again, then that side
            routine.side = opposite(routine.side)
            routine.step = 0
            routine.started = False
            safety_stage.ask_screen(turn, again=True)
            return
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
        if pending is None and told_of_body(turn):
            # "Righto, me foot's doing something funny": news at a step in words no list
            # has, so the screen is asked again before the next press; the step is kept.
            safety_stage.ask_screen(turn, again=True)
            return
        questions.step_help(turn, routine.step)
        turn.state.ask(pending)


HANDLERS: tuple[Handler, ...] = (
    RoutineHandler(),
    ReadyHandler(),
    NextHandler(),
    NavigationHandler(),
    PauseHandler(),
    ResumeHandler(),
    ResumeYesHandler(),
    ResumeNoHandler(),
    OtherSideYesHandler(),
    OtherSideNoHandler(),
    RoutineFallbackHandler(),
)

__all__ = ["HANDLERS"]
