"""Stage: following a runner over days. The follow-up question and its answers, "how am I
doing", and "forget me".

What the thresholds are and what is said live in ``content/`` (``safety.yaml``: follow_up, and
``responses.yaml``); the history itself is :mod:`skill.history`.
"""

from __future__ import annotations

from datetime import date

from skill.handlers.actions import (
    ask_worse_screen,
    asked_place,
    carry_on,
    offer_again,
    see_pt_now,
    where,
)
from skill.handlers.base import Handler, Turn, meaning_name
from skill.history import Place, Report
from skill.speech import spoken_list, your
from skill.state import FOLLOW_UP, FORGET, REGION, WORSE_SCREEN, State
from skill.understand import CHANGE_INTENTS, PROGRESS
from skill.understand import FORGET as FORGET_INTENT

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
        carry_on(turn)


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
        carry_on(turn)


HANDLERS: tuple[Handler, ...] = (
    FollowUpHandler(),
    WorseScreenNoHandler(),
    ProgressHandler(),
    ForgetHandler(),
    ForgetYesHandler(),
    ForgetNoHandler(),
)

__all__ = ["CHANGE_INTENT_NAMES", "HANDLERS"]
