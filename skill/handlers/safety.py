"""Stage: the red-flag screen before a first routine, and advice when a red flag is heard."""

from __future__ import annotations

from skill.content import RedFlag
from skill.handlers.actions import answer_outcome, fetch
from skill.handlers.base import Handler, Turn
from skill.resolve import NOTHING, Heard, match_word, resolve_place, vocabulary
from skill.speech import text
from skill.state import RED_FLAG, SCREEN, State


def red_flag_for(turn: Turn) -> RedFlag | None:
    """The red flag named by the ``symptom`` slot: its id on a match, else its words."""
    heard = turn.heard("symptom")
    flags = {f.id: f for f in turn.cat.safety.red_flags}
    if heard.id in flags:
        return flags[heard.id]
    if heard.text:
        found = match_word(heard.text, vocabulary(turn.cat).symptoms)
        if isinstance(found, str):
            return flags[found]
    return None


def advise(turn: Turn, flag: RedFlag | None) -> None:
    """Advice instead of a routine; the session ends.

    Nothing about the red flag is kept: the screen is forgotten, so it is asked again before
    the next routine, and no routine is kept to be resumed without it.
    """
    turn.memory.update(screen=None, progress=None)
    turn.state.routine = None
    if flag is None:
        turn.say("red_flag_general")
        for f in turn.cat.safety.red_flags[:3]:
            turn.add(text(f.advice))
    else:
        turn.add(text(flag.advice))
    turn.add(text(turn.cat.safety.disclaimer.text))


class ScreenYesHandler(Handler):
    """ "Yes" to the screen: find out which, to give the right advice."""

    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == SCREEN

    def respond(self, turn: Turn) -> None:
        turn.say("red_flag_which")
        turn.ask("red_flag_which")
        turn.state.ask(RED_FLAG)


class ScreenNoHandler(Handler):
    """ "No" to the screen: remembered, the cautions said once, then what to fetch."""

    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == SCREEN and state.routine is not None

    def respond(self, turn: Turn) -> None:
        turn.memory.update(screen="clear")
        turn.say("screen_clear")
        turn.add(text(turn.cat.safety.screen.caution.text))
        fetch(turn)


class SymptomHandler(Handler):
    """A red flag named at any point ("I felt a pop", "my calf is swollen"), or which one.

    Words that name no red flag ("I have a knot in my glute") get no red-flag advice: after a
    yes to the screen they get the advice for all of them; otherwise they are taken as a place.
    """

    intents = ("SymptomIntent",)

    def respond(self, turn: Turn) -> None:
        flag = red_flag_for(turn)
        if flag is not None or turn.state.pending == RED_FLAG:
            advise(turn, flag)
            return
        region, side = turn.heard("region"), turn.heard("side")
        if region.empty:
            region = Heard(text=turn.heard("symptom").text)
        answer_outcome(turn, resolve_place(turn.cat, region, NOTHING, side))


class RedFlagUnclearHandler(Handler):
    """After "which was it?", anything but a named symptom gets the advice for all of them."""

    intents = ("AMAZON.NoIntent", "AMAZON.FallbackIntent", "AMAZON.YesIntent")

    def accepts(self, state: State) -> bool:
        return state.pending == RED_FLAG

    def respond(self, turn: Turn) -> None:
        advise(turn, None)


HANDLERS: tuple[Handler, ...] = (
    ScreenYesHandler(),
    ScreenNoHandler(),
    SymptomHandler(),
    RedFlagUnclearHandler(),
)
