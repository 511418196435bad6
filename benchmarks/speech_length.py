"""How long the skill's answers take to say, measured with espeak-ng and sox.

    .venv/bin/python benchmarks/speech_length.py            # the tables
    .venv/bin/python benchmarks/speech_length.py --steps    # also every routine step

The skill is asked in process (real request envelopes, in-memory store); each answer's SSML is
spoken by espeak-ng to a WAV file and sox measures it. Four tables:

1. Every pain place (each location in regions.yaml, and each named condition): the first answer
   (whole, in its longest wording; and until the first muscle's name begins), then its plain
   path to the first timed hold: yes to the offer, no to the screen, ready, next... The turns
   count every request the runner makes, the question included; "speech" is what is said before
   the hold starts, and
   "with pauses" adds the pauses of steps that flow on by themselves (``flow:`` in routines.yaml);
   "safety" is the part of the speech that is the screen (with the questions the muscle calls
   for), the caution after it, and where not to press with each reason (the stop rule inside a
   pressure step is not counted there).
2. The welcome: a new user, a returning one, a returning one with a routine to pick up.
3. Red-flag advice, in every locale (its own numbers), and after a yes to the screen.
4. Routine steps, each without its timed hold (the hold is the point of the step, not talk).

Aims (issue 13): every first answer under 12 s; the first hold within 5 turns and 60 s of speech
on every place's plain path; welcome under 8 s new, under 4 s returning; red-flag advice under
20 s; each step under 15 s.

espeak-ng speaks at 175 words a minute by default, a little faster than Alexa's voice; the
figures are for comparing answers with each other and with the aims, not to the tenth of a second.
Needs: apt-get install espeak-ng sox.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.app import build_skill_builder
from skill.content import ANY_ASPECT, LOCALES, Catalogue, catalogue
from skill.handlers import base
from skill.speech import Renderer, hold, step_text
from skill.state import SESSION_KEY
from skill.stores import open_store
from skill.text import plain
from tpcoach.local import Client, SlotValue, ended, in_process, speech_of

AIM_ANSWER = 12.0
AIM_TURNS = 5
AIM_TO_HOLD = 60.0
AIM_WELCOME_NEW, AIM_WELCOME_BACK = 8.0, 4.0
AIM_ADVICE = 20.0
AIM_STEP = 15.0
MAX_TURNS = 12
VARIANT_SEEDS = 6  # the first answer is said in each of the wordings these seeds pick

_BREAK = re.compile(r"<break [^>]*/>")


def seconds_to_say(ssml_or_text: str, workdir: Path) -> float:
    wav = workdir / "speech.wav"
    doc = ssml_or_text if ssml_or_text.startswith("<speak>") else f"<speak>{ssml_or_text}</speak>"
    subprocess.run(["espeak-ng", "-m", "-w", str(wav), doc], check=True, capture_output=True)
    out = subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def client(locale: str = "en-US") -> Client:
    c = Client(in_process(build_skill_builder(open_store("memory"))))
    c.locale = locale
    return c


def slots_of(values: dict[str, str]) -> dict[str, SlotValue]:
    return {k: SlotValue(v.replace("_", " "), id=v) for k, v in values.items()}


def state_of(response: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (response.get("sessionAttributes") or {}).get(SESSION_KEY) or {}
    return found


@dataclass
class PlacePath:
    """One place's plain path: the first answer, then yes, no, ready, next... to the first hold."""

    label: str
    answer: float
    first_muscle: float
    muscle: str
    turns: int | None  # None: no hold reached
    speech: float
    with_pauses: float
    safety: float  # of the speech: the screen, the caution after it, where not to press


def places(cat: Catalogue) -> list[tuple[str, dict[str, str]]]:
    out = []
    for region in cat.regions.values():
        for aspect in region.locations:
            slots = {"region": region.id}
            label = region.name
            if aspect != ANY_ASPECT and (region.question_aspects or len(region.locations) > 1):
                slots["aspect"] = aspect
                label = f"{cat.aspects[aspect].name} of {region.name}"
            out.append((label, slots))
    for condition in cat.conditions.values():
        out.append((condition.name, {"condition": condition.id}))
    return out


def longest_answer(slots: dict[str, str], workdir: Path) -> float:
    """The first answer's length in its longest wording (each response picks a variant)."""
    longest = 0.0
    for seed in range(VARIANT_SEEDS):
        base._rng.seed(seed)
        response = client().intent("PainIntent", slots_of(slots))
        longest = max(longest, seconds_to_say(speech_of(response), workdir))
    return longest


def plain_path(cat: Catalogue, label: str, slots: dict[str, str], workdir: Path) -> PlacePath:
    longest = longest_answer(slots, workdir)
    c = client()
    response = c.intent("PainIntent", slots_of(slots))
    ssml = speech_of(response)
    state = state_of(response)
    whole = seconds_to_say(ssml, workdir)
    muscles = state.get("muscles") or []
    name, first = "", float("nan")
    if muscles:
        name = cat.muscles[muscles[0]].name
        words = plain(ssml)
        before = words[: words.find(name)] if name in words else words
        first = seconds_to_say(before, workdir) if before.strip() else 0.0
    speech, with_pauses, safety = whole, whole, 0.0
    for turns in range(2, MAX_TURNS + 1):
        if ended(response):
            break
        pending = state.get("pending")
        routine = state.get("routine") or {}
        if pending in ("offer_routine", "next_muscle"):
            response = c.intent("AMAZON.YesIntent")
        elif pending == "screen":
            response = c.intent("AMAZON.NoIntent")
        elif pending == "ready":
            response = c.intent("LeadReadyIntent")
        elif pending is None and routine.get("started"):
            response = c.intent("AMAZON.NextIntent")
        else:
            break
        was = pending
        ssml = speech_of(response)
        state = state_of(response)
        routine = state.get("routine") or {}
        if was in ("offer_routine", "next_muscle") and state.get("pending") == "screen":
            safety += seconds_to_say(ssml, workdir)
        elif was == "screen":
            safety += safety_after_screen(cat, routine, workdir)
        held = hold_in(cat, ssml, routine)
        spoken = ssml[: held[0]] + "</speak>" if held else ssml
        speech += seconds_to_say(_BREAK.sub(" ", spoken), workdir)
        with_pauses += seconds_to_say(spoken, workdir)
        if held:
            return PlacePath(label, longest, first, name, turns, speech, with_pauses, safety)
    return PlacePath(label, longest, first, name, None, speech, with_pauses, safety)


def safety_after_screen(cat: Catalogue, routine: dict[str, Any], workdir: Path) -> float:
    """The caution said after a clear screen, and where not to press with each reason."""
    content = cat.routine(str(routine.get("muscle")), str(routine.get("equipment")))
    words = [cat.safety.screen.caution.text]
    if content is not None and content.avoid:
        zones = [cat.safety.avoid_zones[z] for z in content.avoid]
        renderer = Renderer(cat, random.Random())
        words.append(renderer.words("avoid", zones=[z.name for z in zones]))
        words += [z.why for z in zones]
    return seconds_to_say(" ".join(words), workdir)


def hold_in(cat: Catalogue, ssml: str, routine: dict[str, Any]) -> tuple[int, int] | None:
    """Where the timed hold of the routine's current step starts in the answer, if it is there."""
    content = cat.routine(str(routine.get("muscle")), str(routine.get("equipment")))
    if content is None:
        return None
    for step in content.steps:
        if step.seconds:
            cue = hold(Renderer(cat, random.Random()), step.seconds).ssml
            at = ssml.find(cue)
            if at >= 0:
                return at, at + len(cue)
    return None


def welcome_rows(cat: Catalogue, workdir: Path) -> list[tuple[str, float, float]]:
    rows = []
    c = client()
    rows.append(("new user", seconds_to_say(speech_of(c.launch()), workdir), AIM_WELCOME_NEW))
    c.session_id, c.attributes = None, {}
    rows.append(("returning", seconds_to_say(speech_of(c.launch()), workdir), AIM_WELCOME_BACK))
    c.intent("RoutineIntent", slots_of({"muscle": "tfl"}))
    for name in ("AMAZON.NoIntent", "LeadReadyIntent", "AMAZON.NextIntent", "AMAZON.StopIntent"):
        c.intent(name)
    c.session_id, c.attributes = None, {}
    seconds = seconds_to_say(speech_of(c.launch()), workdir)
    rows.append(("returning, a routine to pick up", seconds, AIM_WELCOME_BACK))
    return rows


def advice_rows(cat: Catalogue, workdir: Path) -> list[tuple[str, float, str]]:
    rows = []
    for flag in cat.safety.red_flags:
        worst, where = 0.0, ""
        for locale in LOCALES:
            c = client(locale)
            response = c.intent("SymptomIntent", slots_of({"symptom": flag.id}))
            seconds = seconds_to_say(speech_of(response), workdir)
            if seconds > worst:
                worst, where = seconds, locale
        rows.append((flag.id, worst, where))
    worst, where = 0.0, ""
    for locale in LOCALES:
        c = client(locale)
        c.intent("RoutineIntent", slots_of({"muscle": "gastrocnemius"}))
        c.intent("AMAZON.YesIntent")
        seconds = seconds_to_say(speech_of(c.intent("AMAZON.FallbackIntent")), workdir)
        if seconds > worst:
            worst, where = seconds, locale
    rows.append(("yes to the screen, none named", worst, where))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", action="store_true", help="list every routine step too")
    args = parser.parse_args()
    for tool in ("espeak-ng", "soxi"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install espeak-ng sox", file=sys.stderr)
            return 2
    cat = catalogue()
    misses = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(
            f"{'place':<30} {'answer':>7} {'1st muscle':>10}  {'muscle':<19}"
            f" {'turns':>5} {'speech':>7} {'safety':>7} {'+pauses':>8}   (to the first hold)"
        )
        paths = [plain_path(cat, label, slots, workdir) for label, slots in places(cat)]
        for p in paths:
            turns = str(p.turns) if p.turns is not None else "none"
            flag = ""
            if (
                p.answer >= AIM_ANSWER
                or p.turns is None
                or p.turns > AIM_TURNS
                or p.speech > AIM_TO_HOLD
            ):
                flag, misses = "  <- over an aim", misses + 1
            print(
                f"{p.label:<30} {p.answer:>6.1f}s {p.first_muscle:>9.1f}s  {p.muscle:<19}"
                f" {turns:>5} {p.speech:>6.1f}s {p.safety:>6.1f}s {p.with_pauses:>7.1f}s{flag}"
            )
        print(
            f"\nlongest first answer {max(p.answer for p in paths):.1f} s (aim: under"
            f" {AIM_ANSWER:.0f} s); most turns to the first hold"
            f" {max(p.turns or MAX_TURNS + 1 for p in paths)} (aim: {AIM_TURNS} at most);"
            f" longest speech to it {max(p.speech for p in paths):.1f} s (aim: {AIM_TO_HOLD:.0f}"
            f" s at most; {max(p.with_pauses for p in paths):.1f} s with the flow pauses)"
        )

        print(f"\n{'welcome':<34} {'seconds':>8}  aim")
        for label, seconds, aim in welcome_rows(cat, workdir):
            over = "" if seconds < aim else "  <- over the aim"
            misses += bool(over)
            print(f"{label:<34} {seconds:>7.1f}s  under {aim:.0f} s{over}")

        print(f"\n{'red-flag advice (longest locale)':<34} {'seconds':>8}  locale")
        for label, seconds, locale in advice_rows(cat, workdir):
            over = "" if seconds < AIM_ADVICE else "  <- over the aim"
            misses += bool(over)
            print(f"{label:<34} {seconds:>7.1f}s  {locale}{over}")

        durations = []
        for (muscle, equipment), routine in sorted(cat.routines.items()):
            total = len(routine.steps)
            for number, step in enumerate(routine.steps, start=1):
                spoken = f"Step {number} of {total}. "
                spoken += step_text(cat, step, "left", cat.equipment[equipment].name)
                seconds = seconds_to_say(spoken, workdir)
                durations.append((seconds, f"{muscle}/{equipment} step {number}"))
                if args.steps:
                    print(f"{muscle + '/' + equipment:<36} step {number}: {seconds:5.1f}s")
        durations.sort(reverse=True)
        over = [d for d in durations if d[0] >= AIM_STEP]
        print(
            f"\nroutine steps: {len(durations)}, longest {durations[0][0]:.1f} s"
            f" ({durations[0][1]}), median {durations[len(durations) // 2][0]:.1f} s,"
            f" {len(over)} at {AIM_STEP:.0f} s or more (aim: none)"
        )
        for seconds, where in over:
            print(f"  {seconds:.1f}s {where}")
    print(f"\n{misses} over an aim" if misses else "\nevery figure within its aim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
