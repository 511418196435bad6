"""Stage: the red-flag screen before a first routine, and advice when a red flag is heard."""

from __future__ import annotations

from skill.content import RedFlag, ScreenExtra
from skill.handlers import ask as ask_stage
from skill.handlers import routine as routine_stage
from skill.handlers.base import Handler, Turn, meaning
from skill.resolve import NOTHING, Heard, match_word, resolve_place, vocabulary
from skill.speech import text
from skill.state import READY, RED_FLAG, SCREEN, WORSE_SCREEN, State
from skill.understand import HEDGE_SLOT, brings_news, news_beyond_answer, says_news


def ask_screen(
    turn: Turn, *, again: bool = False, sure: bool = False, unheard: bool = False
) -> None:
    """The red-flag screen, asked in every session before any pressure, with the questions the
    routine's muscle calls for (clot risks before calf work, nerve signs before the glutes...);
    ``again`` after news about the body said since it was answered; ``sure`` once more after a
    no that said more than no (it was not answered yet); ``unheard`` after words not heard at
    all where they may have been news (the fetch prompt): not screened until it is answered."""
    routine = turn.state.routine
    assert routine is not None
    screen = turn.cat.safety.screen
    if sure:
        turn.say("screen_sure")
        if "screen_again" in turn.state.said:
            turn.said.append("screen_again")  # still the screen asked again (after_screen)
    elif unheard:
        turn.state.screened = False
        turn.say("screen_unheard")
    elif again:
        # Not screened until it is answered again: no path to pressure skips the answer.
        turn.state.screened = False
        turn.say("screen_again")
    else:
        turn.say("screen_intro")
    turn.add(text(screen.question))
    for extra in screen.extras_for(routine.muscle):
        turn.add(text(extra.question))
    turn.ask("screen_short")
    turn.state.ask(SCREEN)
    turn.state.part = 0


def news_at_fetch(turn: Turn, said: str, *, unheard: bool = False) -> bool:
    """At the fetch prompt, words that bring news ("flatmate reckons me calf looks like a
    blown up footy"), or with ``unheard`` none heard at all (they may have been news): the
    screen again before the first press, not the fetch prompt. True if it was asked."""
    state = turn.state
    if state.pending != READY or state.routine is None:
        return False
    if said and brings_news(turn.cat, said):
        ask_screen(turn, again=True)
        return True
    if unheard and not said:
        ask_screen(turn, unheard=True)
        return True
    return False


def ask_part(turn: Turn, number: int, *, first: bool = False, news: bool = False) -> None:
    """One question of the screen on its own (``number`` from 1), for a runner not sure of the
    whole, or who answered it twice with news: its parts, then the extras the routine's muscle
    calls for; ``first`` says so (``news``: why)."""
    routine = turn.state.routine
    assert routine is not None
    parts = turn.cat.safety.screen.one_at_a_time(routine.muscle)
    if first and news:
        turn.say("screen_parts_news")
    elif first:
        turn.say("screen_parts")
    if "screen_again" in turn.state.said:
        turn.said.append("screen_again")  # still the screen asked again (after_screen)
    turn.add(text(parts[number - 1].question))
    turn.said.append(f"screen_part:{parts[number - 1].id}")
    turn.ask("screen_part_short")
    turn.state.ask(SCREEN)
    turn.state.part = number


def news_again(turn: Turn) -> None:
    """An answer to the screen that brought news ("no, but ...", words no list has): the
    screen once more; asked once more already, its questions one at a time, each to be answered
    on its own, before any pressure. With one question asked on its own, that question again."""
    if turn.state.part > 0:
        if "screen_sure" not in turn.state.said:
            turn.say("screen_sure")
        ask_part(turn, turn.state.part)
    elif "screen_sure" in turn.state.said:
        ask_part(turn, 1, first=True, news=True)
    else:
        ask_screen(turn, sure=True)


def asked_part(turn: Turn) -> ScreenExtra | None:
    """The screen's question asked on its own and pending, if one is."""
    routine, number = turn.state.routine, turn.state.part
    if routine is None or turn.state.pending != SCREEN or number < 1:
        return None
    parts = turn.cat.safety.screen.one_at_a_time(routine.muscle)
    return parts[number - 1] if number <= len(parts) else None


def after_screen(turn: Turn) -> None:
    """A clear screen: the cautions, then what to fetch, or the step a resumed routine is at.
    A no just after the screen asked again (the runner is set, the cautions were said): the
    step it was going to say, step one at "ready"."""
    routine = turn.state.routine
    assert routine is not None
    again = "screen_again" in turn.state.said
    turn.state.screened = True
    turn.say("screen_clear")
    if again:
        # Asked again at ready, at the other side or at a step: the step it was going to say.
        if not routine.started:
            routine.step = 0
        routine_stage.speak_step(turn, flow=True)
    elif routine.started:
        turn.add(text(turn.cat.safety.screen.caution.text))
        routine_stage.speak_step(turn, announce_resume=True)
    else:
        turn.add(text(turn.cat.safety.screen.caution.text))
        routine_stage.fetch(turn)


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
    """Advice instead of a routine, in one breath with one action; the session ends.

    Any routine in progress ends and nothing is kept to resume: the next session starts with
    the screen again. The advice and the disclaimer are on the card too.
    """
    turn.memory.update(screen=None, progress=None)
    turn.state.routine = None
    turn.state.screened = False
    numbers = turn.cat.safety.numbers.get(turn.locale) or turn.cat.safety.numbers["en-US"]
    if flag is None:
        turn.say("red_flag_general", **numbers)
        advice = turn.words("red_flag_general", **numbers)
        turn.said.append("red_flag:general")
    else:
        advice = flag.advice.format(**numbers)
        turn.add(text(advice))
        turn.said.append(f"red_flag:{flag.id}")
    turn.card(f"{advice}\n\n{turn.cat.safety.disclaimer.text}", title=turn.words("card_red_flag"))


class ScreenYesHandler(Handler):
    """ "Yes" to the screen (before a routine, or after "it's worse"): find out which, to give
    the right advice."""

    intents = ("AMAZON.YesIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending in (SCREEN, WORSE_SCREEN)

    def respond(self, turn: Turn) -> None:
        part = asked_part(turn)
        hedge = turn.heard(HEDGE_SLOT).id
        if part is not None:
            # A yes to one question alone, or not being sure of it: that question's advice.
            if hedge == "unsure":
                turn.say("screen_part_unsure")
            flags = {f.id: f for f in turn.cat.safety.red_flags}
            advise(turn, flags.get(part.flag))
            return
        if hedge == "unsure" and turn.state.pending == SCREEN and turn.state.routine:
            ask_part(turn, 1, first=True)  # "not sure": the questions one at a time
            return
        turn.say("red_flag_which")
        turn.ask("red_flag_which")
        turn.state.ask(RED_FLAG)


class ScreenNoHandler(Handler):
    """ "No" to the screen: remembered, the cautions said once, then what to fetch."""

    intents = ("AMAZON.NoIntent",)

    def accepts(self, state: State) -> bool:
        return state.pending == SCREEN and state.routine is not None

    def respond(self, turn: Turn) -> None:
        said = meaning(turn.handler_input).text
        part = asked_part(turn)
        if part is not None:
            # One question of the screen answered no: the next, and after the last, the rest
            # of a clear screen. "No, but ..." asks the same question again.
            routine = turn.state.routine
            assert routine is not None
            number = turn.state.part
            if says_news(turn.cat, said) and "screen_sure" not in turn.state.said:
                turn.say("screen_sure")
                number -= 1
            if number < len(turn.cat.safety.screen.one_at_a_time(routine.muscle)):
                ask_part(turn, number + 1)
                return
            turn.state.part = 0
            after_screen(turn)
            return
        if says_news(turn.cat, said) or news_beyond_answer(turn.cat, said):
            # "No, but ...", "nah, though ...", "no, just that the leg felt odd after": more was
            # said than the no, and it may be a sign in words no list has. The screen once
            # more, with the questions the routine's muscle calls for; more news in its answer,
            # and each question on its own.
            news_again(turn)
            return
        after_screen(turn)


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
        ask_stage.answer_outcome(turn, resolve_place(turn.cat, region, NOTHING, side))


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
