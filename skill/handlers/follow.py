"""Stage: following a runner over days. The follow-up question and its answers, "how am I
doing", and "forget me".

What the thresholds are and what is said live in ``content/`` (``safety.yaml``: follow_up, and
``responses.yaml``); the history itself is :mod:`skill.history`.
"""

from __future__ import annotations

from datetime import date

from skill.handlers import ask as ask_stage
from skill.handlers import questions
from skill.handlers.base import Handler, Turn, meaning_name
from skill.history import Place, Report, Session, place_key
from skill.speech import spoken_list, text, your
from skill.state import FOLLOW_UP, FORGET, OFFER_ROUTINE, REGION, WORSE_SCREEN, Progress, State
from skill.understand import CHANGE_INTENTS, PROGRESS
from skill.understand import FORGET as FORGET_INTENT


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
    return ask_stage.place_phrase(turn, place.region, place.aspect, None)


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
    ask_stage.offer_routine(turn, turn.cat.muscles[last.muscle], last.equipment, OFFER_ROUTINE)


CHANGE_OF_INTENT = {intent: change for change, intent in CHANGE_INTENTS.items()}
CHANGE_INTENT_NAMES = tuple(CHANGE_INTENTS.values())
SUMMARY_PLACES = 2  # places named aloud; the card has them all


class FollowUpHandler(Handler):
    """ "Much better", "no change", "it's worse", "it's gone": the answer to the follow-up."""

    intents = CHANGE_INTENT_NAMES

    def accepts(self, state: State) -> bool:
        return state.pending == FOLLOW_UP

    def respond(self, turn: Turn) -> None:
        place = asked_place(turn)
        if place is None:  # the history is gone (deleted on another device): start afresh
            turn.say("stray_yes_no")
            turn.say("ask_region")
            turn.ask("ask_region_short")
            turn.state.ask(REGION)
            return
        change = CHANGE_OF_INTENT[meaning_name(turn.handler_input)]
        history = turn.memory.saved.history
        history.record_report(place.key, Report(turn.today, change))
        turn.memory.update(history=history)
        turn.said.append(f"change:{change}")
        if change == "worse":
            turn.say("follow_up_worse")
            ask_worse_screen(turn, place)
            return
        if change == "same" and stuck(turn, place):
            see_pt_now(turn, worse=False)
            return
        turn.say(f"follow_up_{change}")
        offer_again(turn, place)


def stuck(turn: Turn, place: Place) -> bool:
    """No change for about two weeks, or over several sessions (the thresholds: content)."""
    rule = turn.cat.safety.follow_up
    days, sessions = place.without_change(turn.today)
    return days >= rule.no_change_days or sessions >= rule.no_change_sessions


class WorseScreenNoHandler(Handler):
    """ "No" to the screen after "it's worse": no red flag, so a physical therapist, now."""

    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == WORSE_SCREEN

    def respond(self, turn: Turn) -> None:
        see_pt_now(turn, worse=True)


class ProgressHandler(Handler):
    """ "How am I doing": the last weeks in one breath, the details on the card."""

    intents = (PROGRESS,)

    def respond(self, turn: Turn) -> None:
        summarise(turn)
        questions.carry_on(turn)


def _day_name(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {d.strftime('%B')}"


def _sessions(turn: Turn, count: int) -> str:
    return turn.words("sessions_one") if count == 1 else turn.words("sessions_many", count=count)


def summarise(turn: Turn) -> None:
    saved = turn.memory.saved
    rule = turn.cat.safety.follow_up
    recent = [
        (p, s) for p, s in saved.history.recent(turn.today, rule.summary_days) if p.fits(turn.cat)
    ]
    turn.said.append("progress")
    if not recent:
        turn.say("progress_none")
        return
    total = sum(p.days_worked(s) for p, s in recent)
    places = [where(turn, p) for p, _ in recent[:SUMMARY_PLACES]]
    turn.say(
        "progress_summary",
        weeks=rule.summary_days // 7,
        sessions=_sessions(turn, total),
        places=spoken_list(places, "and"),
    )
    latest = recent[0][0].last_report
    if latest is not None:
        turn.say("progress_trend", change=turn.words(f"change_{latest.change}"))
    lines = []
    for place, sessions in recent:
        last = sessions[-1]
        lines.append(
            turn.words(
                "card_progress_place",
                place=where(turn, place),
                sessions=_sessions(turn, place.days_worked(sessions)),
                day=_day_name(last.day),
                your=your(turn.cat, last.side),
                muscle=turn.cat.muscles[last.muscle].name,
            )
        )
        reports = [
            turn.words(
                "card_progress_report",
                change=turn.words(f"change_{r.change}").capitalize(),
                day=_day_name(r.day),
            )
            for r in place.reports[-5:]
        ]
        if reports:
            lines.append(turn.words("card_progress_reports", reports="; ".join(reports)))
    turn.card("\n".join(lines), title=turn.words("card_progress_title"))


class ForgetHandler(Handler):
    """ "Forget me", "delete my data": asked to confirm first."""

    intents = (FORGET_INTENT,)

    def respond(self, turn: Turn) -> None:
        turn.say("forget_confirm")
        turn.ask("forget_short")
        turn.state.ask(FORGET)


class ForgetYesHandler(Handler):
    """ "Yes": the user's record is deleted from the store, and the session ends."""

    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == FORGET

    def respond(self, turn: Turn) -> None:
        if turn.memory.forget():
            turn.said.append("deleted")
            # Nothing of this session is kept either: a session end must not save a place again.
            turn.state = State()
            turn.say("forgotten")
        else:
            turn.say("forget_failed")


class ForgetNoHandler(Handler):
    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == FORGET

    def respond(self, turn: Turn) -> None:
        turn.say("forget_declined")
        turn.state.ask(None)  # answered: nothing of it is asked again
        questions.carry_on(turn)


HANDLERS: tuple[Handler, ...] = (
    FollowUpHandler(),
    WorseScreenNoHandler(),
    ProgressHandler(),
    ForgetHandler(),
    ForgetYesHandler(),
    ForgetNoHandler(),
)

__all__ = ["CHANGE_INTENT_NAMES", "HANDLERS"]
