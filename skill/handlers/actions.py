"""Conversation moves shared by the stage modules: answer a place, offer and run a routine.

Each function takes the :class:`~skill.handlers.base.Turn`, changes its state and picks what to
say by response key; none holds prose.
"""

from __future__ import annotations

from skill.content import ANY_ASPECT, Location, Muscle, Routine
from skill.handlers.base import Turn
from skill.history import Place, Session, place_key
from skill.resolve import Answer, Ask, NotUnderstood, Outcome
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
    your,
    your_other,
)
from skill.state import (
    ASPECT,
    FOLLOW_UP,
    FORGET,
    NEXT_MUSCLE,
    OFFER_ROUTINE,
    OTHER_SIDE,
    READY,
    REGION,
    RESUME,
    SCREEN,
    WORSE_SCREEN,
    Progress,
)

# --------------------------------------------------------------------------- places


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
    turn.state.muscles = [muscle.id]
    turn.say("answer_muscle", muscle=muscle.name)
    turn.add(text(muscle.refers))
    turn.card(f"{muscle.name}: {muscle.referral}")
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
    equipment_name = turn.cat.equipment[eq].name
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
        if not reask(turn):
            turn.ask("ask_region_short")
            state.ask(REGION)
        return
    names = [turn.cat.muscles[m].name for m in rest[:3]]
    turn.say("more_muscles", muscles=names)
    turn.card(
        "\n".join(f"- {turn.cat.muscles[m].name}: {turn.cat.muscles[m].referral}" for m in rest)
    )
    offer_next_muscle(turn, after=current or rest[0])


def see_pt_and_close(turn: Turn) -> None:
    turn.add(text(turn.cat.safety.see_pt.text))
    turn.say("goodbye")


# --------------------------------------------------------------------------- starting a routine


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
    state.routine = Progress(
        muscle=muscle.id,
        equipment=eq,
        side=side or state.side,
        muscles=list(state.muscles),
        region=state.region if from_answer else None,
        aspect=state.aspect if from_answer else None,
    )
    if not state.screened:
        ask_screen(turn)
        return
    fetch(turn)


def ask_screen(turn: Turn) -> None:
    """The red-flag screen, asked in every session before any pressure, with the questions the
    routine's muscle calls for (clot risks before calf work, nerve signs before the glutes...)."""
    routine = turn.state.routine
    assert routine is not None
    screen = turn.cat.safety.screen
    turn.say("screen_intro")
    turn.add(text(screen.question))
    for extra in screen.extras_for(routine.muscle):
        turn.add(text(extra.question))
    turn.ask("screen_short")
    turn.state.ask(SCREEN)


def after_screen(turn: Turn) -> None:
    """A clear screen: the cautions, then what to fetch, or the step a resumed routine is at."""
    routine = turn.state.routine
    assert routine is not None
    turn.state.screened = True
    turn.say("screen_clear")
    turn.add(text(turn.cat.safety.screen.caution.text))
    if routine.started:
        speak_step(turn, announce_resume=True)
    else:
        fetch(turn)


def resume_routine(turn: Turn, progress: Progress) -> None:
    """Pick a saved routine up: after the screen, if this session has not had it yet."""
    state = turn.state
    state.routine = progress
    state.side = progress.side
    state.muscles = progress.muscles or [progress.muscle]
    progress.started = True
    if not state.screened:
        ask_screen(turn)
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
    turn.say("fetch", equipment=turn.cat.equipment[routine.equipment].name, needs=needs)
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
            "card_routine", muscle=muscle.name, equipment=turn.cat.equipment[routine.equipment].name
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


# --------------------------------------------------------------------------- steps


def speak_step(turn: Turn, *, announce_resume: bool = False, flow: bool = False) -> None:
    """Say the current step: number and total, one instruction, the timed hold or counted reps.

    With ``flow`` (moving forward), a step that needs no decision (``flow:`` in routines.yaml)
    is followed, after its pause, by the next step in the same answer.
    """
    state = turn.state
    routine = state.routine
    assert routine is not None
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
    record_session(turn, routine)
    turn.say("routine_done", muscle=muscle.name, your=your(turn.cat, routine.side))
    done = [*routine.sides_done, routine.side or "first"]
    if len(done) < 2:
        turn.say("offer_other_side", your=side_words(turn.cat, routine.side)["other"])
        turn.ask("offer_other_side_short")
        state.ask(OTHER_SIDE)
        routine.sides_done = done
        return
    offer_next_muscle(turn, after=routine.muscle)


def offer_next_muscle(turn: Turn, after: str) -> None:
    """Offer the next muscle in the last answer that can have a routine, or close."""
    state = turn.state
    ranked = state.muscles
    rest = ranked[ranked.index(after) + 1 :] if after in ranked else []
    for mid in rest:
        m = turn.cat.muscles[mid]
        if m.no_pressure is None:
            offer_routine(turn, m, state.equipment, NEXT_MUSCLE)
            return
    state.routine = None
    see_pt_and_close(turn)


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


def carry_on(turn: Turn) -> None:
    """After an aside (a topic, the summary, a "no" to forgetting): the question still open,
    else the step of the routine under way, else where it hurts."""
    pending = turn.state.pending
    if reask(turn):
        turn.state.pending = pending
        return
    routine = turn.state.routine
    if routine is not None and routine.started:
        turn.say("routine_fallback", number=routine.step + 1)
        turn.ask("step_reprompt")
        return
    turn.say("anything_else")
    turn.ask("ask_region_short")
    turn.state.ask(REGION)


def reask(turn: Turn) -> bool:
    """Ask the pending question again; False when nothing is pending."""
    state = turn.state
    pending = state.pending
    if pending == ASPECT and state.region:
        region = turn.cat.regions[state.region]
        names = aspect_names(turn, region.aspects)
        turn.say("ask_aspect", region=region.name, options=names)
        turn.ask("ask_aspect_short", options=names)
    elif pending == REGION:
        turn.say("ask_region")
        turn.ask("ask_region_short")
    elif pending in (OFFER_ROUTINE, NEXT_MUSCLE) and state.offered:
        offer_routine(turn, turn.cat.muscles[state.offered], state.equipment, pending)
    elif pending == SCREEN and state.routine is not None:
        ask_screen(turn)
    elif pending == READY:
        fetch(turn)
    elif pending == OTHER_SIDE:
        turn.say("offer_other_side", your=your_other(turn.cat))
        turn.ask("offer_other_side_short")
    elif pending == RESUME and (progress := valid_progress(turn, turn.memory.saved.progress)):
        offer_resume(turn, progress)
    elif pending in (FOLLOW_UP, WORSE_SCREEN) and (place := asked_place(turn)):
        if pending == FOLLOW_UP:
            ask_follow_up(turn, place)
        else:
            ask_worse_screen(turn, place)
    elif pending == FORGET:
        turn.say("forget_confirm")
        turn.ask("forget_short")
    else:
        return False
    state.pending = pending
    return True


# --------------------------------------------------------------------------- the history


def record_session(turn: Turn, routine: Progress) -> None:
    """A routine done to its last step goes into the history of its place (if it can be read)."""
    saved = turn.memory.saved
    if turn.memory.read_failed or not saved.history_usable:
        return
    key = place_key(routine.region, routine.aspect, routine.muscle)
    session = Session(turn.today, routine.muscle, routine.equipment, routine.side)
    saved.history.record_session(key, routine.region, routine.aspect, session)
    turn.memory.update(history=saved.history)


def due_place(turn: Turn) -> Place | None:
    """The place to ask about: the latest routine, on an earlier day, not yet asked about."""
    saved = turn.memory.saved
    if turn.memory.read_failed or not saved.history_usable:
        return None
    place = saved.history.latest(lambda p: p.fits(turn.cat))
    return place if place is not None and place.due(turn.today) else None


def asked_place(turn: Turn) -> Place | None:
    """The place the follow-up question of this session is about."""
    key = turn.state.place
    place = turn.memory.saved.history.place(key) if key else None
    return place if place is not None and place.fits(turn.cat) and place.sessions else None


def where(turn: Turn, place: Place) -> str:
    """The place as said in a list: "the outside of your knee", or "your TFL"."""
    last = place.last_session
    assert last is not None
    if place.region is None:
        return turn.words("place_muscle", muscle=turn.cat.muscles[last.muscle].name)
    return place_phrase(turn, place.region, place.aspect, None)


def ask_follow_up(turn: Turn, place: Place) -> None:
    """ "Last time you worked on your left TFL, for the pain on the outside of your knee. Is it
    better, the same, or worse?" """
    last = place.last_session
    assert last is not None
    muscle = turn.cat.muscles[last.muscle].name
    side = place.last_side()
    if place.region is None:
        turn.say("follow_up_muscle", your=your(turn.cat, side), muscle=muscle)
    else:
        turn.say("follow_up", your=your(turn.cat, side), muscle=muscle, place=where(turn, place))
    turn.ask("follow_up_short")
    turn.state.place = place.key
    turn.state.ask(FOLLOW_UP)


def ask_worse_screen(turn: Turn, place: Place) -> None:
    """The red-flag screen, before advice for a pain that is worse."""
    last = place.last_session
    assert last is not None
    screen = turn.cat.safety.screen
    turn.add(text(screen.question))
    for extra in screen.extras_for(last.muscle):
        turn.add(text(extra.question))
    turn.ask("screen_short")
    turn.state.place = place.key
    turn.state.ask(WORSE_SCREEN)


def see_pt_now(turn: Turn, *, worse: bool) -> None:
    """Plainly: time to see a physical therapist, and why. The session ends."""
    follow_up = turn.cat.safety.follow_up
    if worse:
        turn.say("follow_up_see_pt_worse")
    else:
        turn.say("follow_up_see_pt_same")
    turn.add(text(follow_up.see_pt.text))
    turn.said.append("see_pt")
    turn.card(
        f"{follow_up.see_pt.text}\n\n{turn.cat.safety.disclaimer.text}",
        title=turn.words("card_see_pt"),
    )
    turn.state.routine = None


def offer_again(turn: Turn, place: Place) -> None:
    """After "better", "gone" or an early "the same": how often to keep going, and the routine."""
    last = place.last_session
    assert last is not None
    state = turn.state
    keep_going = turn.cat.safety.follow_up.keep_going.text
    turn.add(text(keep_going))
    turn.card(keep_going)
    state.region, state.aspect, state.side = place.region, place.aspect, place.last_side()
    state.muscles = [last.muscle]
    offer_routine(turn, turn.cat.muscles[last.muscle], last.equipment, OFFER_ROUTINE)
