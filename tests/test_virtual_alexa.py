"""A client no one here wrote: npm ``virtual-alexa`` reads the generated en-US model, turns each
utterance into the request Alexa would send (intent matching and entity resolution from our
samples and synonyms) and POSTs it to the skill, served by ``tpcoach serve`` on loopback.

The checks are on meaning: the intent and slot ids virtual-alexa heard, and the state the skill
kept in ``sessionAttributes["tpc"]`` (response keys said, ranked muscles, the question pending,
the routine and its step), or for safety advice and topics, the content's own text in the speech.

virtual-alexa's quirks shape the utterances (tests/va/run.js):
* an utterance that matches no sample throws, so every utterance here must be a sample's
  reading; a miss is a failure naming the utterance;
* it cannot split two slots that touch ("my {side} {region}"): its pattern gives the first slot
  everything. Those samples are covered by test_model's reader instead, and here the side is
  said apart from the place ("my knee hurts on the left side");
* any utterance containing ask, open, tell, launch or "talk to", even inside a word (patella,
  basket), becomes a LaunchRequest, so none of those words appear except to launch.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skill.content import catalogue
from skill.state import SESSION_KEY
from skill.text import plain
from tests.hosting_support import closed_loopback_port
from tpcoach.model import CUSTOM_MODELS, DEFAULT_PACKAGE, PROJECT_ROOT

RUNNER = PROJECT_ROOT / "tests" / "va" / "run.js"
VIRTUAL_ALEXA = PROJECT_ROOT / "node_modules" / "virtual-alexa" / "package.json"
MODEL = DEFAULT_PACKAGE / CUSTOM_MODELS / "en-US.json"


@dataclass(frozen=True)
class Turn:
    """What is said, and what it must mean. Every field left empty is not checked."""

    utterance: str
    request: str | None = None  # the intent name, or "LaunchRequest"
    slots: dict[str, str] = field(default_factory=dict)  # slot name -> resolved value id
    said: tuple[str, ...] = ()  # response keys that must be among those said
    muscles: tuple[str, ...] = ()  # the ranked answer starts with these
    pending: str | None = "-"  # the question left pending ("-": not checked)
    offered: str | None = None
    routine: str | None = None
    equipment: str | None = None
    step: int | None = None  # 1-based step of the running routine
    side: str | None = None
    open: bool | None = None  # whether the session stays open
    advice: str | None = None  # a red flag id whose advice must be heard
    topic: str | None = None  # a topic id whose text must be heard
    days: int | None = None  # from this turn on, requests are this many days after the first


SINGLE = [
    Turn(
        "why does the outside of my knee hurt",
        "PainIntent",
        {"region": "knee", "aspect": "outside"},
        said=("answer", "offer_routine"),
        muscles=("tfl",),
        pending="offer_routine",
        offered="tfl",
        open=True,
    ),
    Turn(
        "why does my shin hurt",
        "PainIntent",
        {"region": "shin"},
        said=("ask_aspect",),
        pending="aspect",
        open=True,
    ),
    Turn(
        "I have pain in my achilles on the left side",
        "PainIntent",
        {"region": "achilles", "side": "left"},
        muscles=("gastrocnemius", "soleus"),
        side="left",
        pending="offer_routine",
    ),
    Turn(
        "what causes groin pain when I run",
        "PainIntent",
        {"region": "groin"},
        muscles=("adductors",),
        offered="adductors",
    ),
    Turn(
        "I think I have IT band syndrome",
        "PainIntent",
        {"condition": "it_band_syndrome"},
        muscles=("tfl",),
    ),
    Turn(
        "I have plantar fasciitis",
        "PainIntent",
        {"condition": "plantar_fasciitis"},
        muscles=("soleus",),
    ),
    Turn(
        "outer knee pain", "PainIntent", {"region": "knee", "aspect": "outside"}, muscles=("tfl",)
    ),
    Turn(
        "pain in the back of my knee",
        "PainIntent",
        {"region": "knee", "aspect": "back"},
        muscles=("biceps_femoris",),
    ),
    Turn(
        "my hip hurts on the outside",
        "PainIntent",
        {"region": "hip", "aspect": "outside"},
        muscles=("gluteus_medius",),
    ),
    Turn(
        "I've got a sore calf",
        "PainIntent",
        {"region": "calf"},
        said=("ask_aspect",),
        pending="aspect",
    ),
    Turn(
        "how do I roll out my calf",
        "RoutineIntent",
        {"muscle": "gastrocnemius"},
        said=("screen_intro",),
        routine="gastrocnemius",
        pending="screen",
    ),
    Turn(
        "I want a foam roller routine for my glutes",
        "RoutineIntent",
        {"equipment": "foam_roller", "muscle": "gluteus_maximus"},
        routine="gluteus_maximus",
        equipment="foam_roller",
        pending="screen",
    ),
    Turn(
        "roll out my hamstring with a foam roller",
        "RoutineIntent",
        {"muscle": "hamstrings", "equipment": "foam_roller"},
        routine="hamstrings",
        equipment="foam_roller",
    ),
    Turn(
        "what is a trigger point",
        "AboutIntent",
        {"topic": "trigger_point"},
        topic="trigger_point",
        open=True,
    ),
    Turn("why doesn't rest fix it", "AboutIntent", {"topic": "rest"}, topic="rest"),
    Turn(
        "when should I see a physical therapist",
        "AboutIntent",
        {"topic": "physical_therapist"},
        topic="physical_therapist",
    ),
    Turn("does foam rolling work", "AboutIntent", {"topic": "evidence"}, topic="evidence"),
    Turn(
        "I felt a pop",
        "SymptomIntent",
        {"symptom": "possible_rupture"},
        advice="possible_rupture",
        open=False,
    ),
    Turn(
        "my calf is swollen",
        "SymptomIntent",
        {"symptom": "possible_clot"},
        advice="possible_clot",
        open=False,
    ),
    Turn(
        "what's the weather",
        "AMAZON.FallbackIntent",
        said=("fallback",),
        pending="region",
        open=True,
    ),
    Turn(
        "open trigger point coach",
        "LaunchRequest",
        said=("welcome_new", "ask_region"),
        pending="region",
        open=True,
    ),
]

# A whole left TFL routine to its last step, then stop: one session in the history.
THE_TFL_ROUTINE = [
    Turn("why does the outside of my knee hurt", offered="tfl", pending="offer_routine"),
    Turn("yes", "AMAZON.YesIntent", pending="screen"),
    Turn("no", "AMAZON.NoIntent", pending="ready", routine="tfl"),
    Turn("ready", "ReadyIntent", step=2),  # the setup step flows on into the next
    *[Turn("next", "AMAZON.NextIntent", step=n) for n in (4, 5, 6)],
    Turn("stop", "AMAZON.StopIntent", open=False),
]

CONVERSATIONS: dict[str, list[Turn]] = {
    **{f"one turn: {t.utterance}": [t] for t in SINGLE},
    "a clarifying question about the shin": [
        Turn("why does my shin hurt", pending="aspect"),
        Turn("the inside", "PainIntent", {"aspect": "inside"}, muscles=("tibialis_posterior",)),
    ],
    "launch, then where and which part": [
        Turn("open trigger point coach", "LaunchRequest", pending="region"),
        Turn("my heel", "PainIntent", {"region": "heel"}, pending="aspect"),
        Turn("on the bottom", "PainIntent", {"aspect": "bottom"}, muscles=("soleus",)),
    ],
    "a yes to the safety screen gives advice, not a routine": [
        Turn("how do I roll out my calf", pending="screen"),
        Turn("yes", "AMAZON.YesIntent", said=("red_flag_which",), pending="red_flag"),
        Turn(
            "swelling",
            "SymptomIntent",
            {"symptom": "possible_clot"},
            advice="possible_clot",
            open=False,
        ),
    ],
    "a whole routine on both sides, then the next muscles on the list": [
        Turn(
            "why does my knee hurt on the left side",
            "PainIntent",
            {"region": "knee", "side": "left"},
            pending="aspect",
        ),
        Turn(
            "the outside",
            "PainIntent",
            {"aspect": "outside"},
            muscles=("tfl",),
            offered="tfl",
            side="left",
            pending="offer_routine",
        ),
        Turn("yes", "AMAZON.YesIntent", said=("screen_intro",), pending="screen"),
        Turn(
            "no",
            "AMAZON.NoIntent",
            said=("screen_clear", "avoid", "fetch"),
            pending="ready",
            routine="tfl",
            equipment="lacrosse_ball",
        ),
        # Step 1 flows on to step 2, and step 3 to the hold of step 4 (routines.yaml "flow").
        Turn(
            "okay I'm set", "ReadyIntent", said=("step:tfl:1", "step:tfl:2"), step=2, pending=None
        ),
        Turn("next", "AMAZON.NextIntent", said=("hold_start", "hold_release"), step=4),
        Turn("go back", "AMAZON.PreviousIntent", step=3),
        Turn("repeat", "AMAZON.RepeatIntent", said=("step_number",), step=3),
        Turn(
            "play some music",
            "AMAZON.FallbackIntent",
            said=("routine_fallback",),
            step=3,
            open=True,
        ),
        Turn("next", "AMAZON.NextIntent", said=("hold_start", "hold_release"), step=4),
        Turn("next", "AMAZON.NextIntent", said=("reps_start", "reps_done"), step=5),
        Turn(
            "next",
            "AMAZON.NextIntent",
            said=("routine_done", "offer_other_side"),
            step=6,
            pending="other_side",
        ),
        Turn("yes", "AMAZON.YesIntent", step=2, routine="tfl", side="right"),
        Turn("start over", "AMAZON.StartOverIntent", said=("step:tfl:1",), step=2),
        Turn("next", "AMAZON.NextIntent", step=4),
        Turn("next", "AMAZON.NextIntent", step=5),
        Turn(
            "next",
            "AMAZON.NextIntent",
            said=("routine_done", "offer_next_muscle"),
            offered="vastus_lateralis",
            pending="next_muscle",
        ),
        Turn("no", "AMAZON.NoIntent", offered="gluteus_minimus", pending="next_muscle"),
        Turn("no", "AMAZON.NoIntent", said=("goodbye",), open=False),
    ],
    "pause, then resume in the next session": [
        Turn("how do I roll out my calf", pending="screen"),
        Turn("no", "AMAZON.NoIntent", pending="ready"),
        Turn("ready", "ReadyIntent", step=2),
        Turn("pause", "AMAZON.PauseIntent", said=("paused",), open=False),
        Turn(
            "open trigger point coach",
            "LaunchRequest",
            said=("welcome_back", "offer_resume"),
            pending="resume",
        ),
        Turn("yes", "AMAZON.YesIntent", said=("screen_intro",), pending="screen"),
        Turn("nope", "AMAZON.NoIntent", said=("resuming",), step=2, routine="gastrocnemius"),
        Turn("next", "AMAZON.NextIntent", step=4),
    ],
    "stop keeps the place": [
        Turn("how do I roll out my calf", pending="screen"),
        Turn("no", "AMAZON.NoIntent", pending="ready"),
        Turn("I'm ready", "ReadyIntent", step=2),
        Turn("next", "AMAZON.NextIntent", step=4),
        Turn("stop", "AMAZON.StopIntent", said=("stopped_kept",), open=False),
        Turn("open trigger point coach", "LaunchRequest", said=("offer_resume",)),
    ],
    "three days: a routine, the same the next day, the same two weeks later: see a PT": [
        *THE_TFL_ROUTINE,
        Turn(
            "open trigger point coach",
            "LaunchRequest",
            said=("welcome_back", "follow_up"),
            pending="follow_up",
            open=True,
            days=1,
        ),
        Turn("the same", said=("follow_up_same", "offer_routine"), pending="offer_routine"),
        *THE_TFL_ROUTINE[1:],
        Turn("open trigger point coach", said=("follow_up",), pending="follow_up", days=15),
        Turn(
            "the same",
            said=("follow_up_see_pt_same", "see_pt"),
            open=False,
        ),
    ],
    "a routine for another muscle with other equipment": [
        Turn("how do I release my TFL", "RoutineIntent", {"muscle": "tfl"}, routine="tfl"),
        Turn(
            "use the roller",
            "RoutineIntent",
            {"equipment": "foam_roller"},
            routine="tfl",
            equipment="foam_roller",
        ),
    ],
}


@pytest.fixture(scope="module")
def skill_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tpcoach serve`` itself, in a process of its own, on a free loopback port, verification
    off (virtual-alexa signs nothing, and moves timestamps days on), progress in SQLite."""
    tpcoach = Path(sys.executable).with_name("tpcoach")
    if not tpcoach.is_file():
        pytest.fail(f"{tpcoach} is missing: install the project (pip install -e '.[dev]')")
    port = closed_loopback_port()
    workdir = tmp_path_factory.mktemp("serve")
    store, log = workdir / "progress.sqlite3", workdir / "serve.log"
    command = [str(tpcoach), "serve", "--no-verify", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [*command, "--store", f"sqlite:{store}"], stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"tpcoach serve exited: {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("tpcoach serve did not start listening within 30 s")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/alexa"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def transcripts(skill_url: str) -> dict[str, list[dict[str, Any]]]:
    """Every conversation, run through virtual-alexa in one node process."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the virtual-alexa checks need Node.js 20")
    if not VIRTUAL_ALEXA.is_file():
        pytest.fail(f"{VIRTUAL_ALEXA.parent} is missing: run `npm ci` in the project root")
    job = {
        "model": str(MODEL),
        "url": skill_url,
        "conversations": [
            {
                "name": name,
                "turns": [
                    t.utterance if t.days is None else {"utterance": t.utterance, "days": t.days}
                    for t in turns
                ],
            }
            for name, turns in CONVERSATIONS.items()
        ],
    }
    env = {**os.environ, "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"}
    done = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {c["name"]: c["turns"] for c in json.loads(done.stdout)}


def heard_slots(request: dict[str, Any]) -> dict[str, str | None]:
    """Slot name -> the id virtual-alexa resolved (None when it heard words but matched none)."""
    out: dict[str, str | None] = {}
    for name, slot in ((request.get("intent") or {}).get("slots") or {}).items():
        if not slot.get("value"):
            continue
        ident = None
        for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority", []):
            if authority["status"]["code"] == "ER_SUCCESS_MATCH":
                ident = authority["values"][0]["value"]["id"]
        out[name] = ident
    return out


def meaning(request: dict[str, Any]) -> tuple[str, dict[str, str | None]]:
    """What the skill takes the request to mean (tests/meaning.py)."""
    from skill.resolve import Heard
    from tests.meaning import meaning_ids

    if request["type"] != "IntentRequest":
        return request["type"], {}
    raw = request["intent"].get("slots") or {}
    ids = heard_slots(request)
    heard = {
        name: Heard(id=ids.get(name), text=slot.get("value"))
        for name, slot in raw.items()
        if slot.get("value")
    }
    return meaning_ids(request["intent"]["name"], heard)


def check_turn(turn: Turn, result: dict[str, Any]) -> list[str]:
    if "error" in result:
        return [f"virtual-alexa could not send it: {result['error']}"]
    request = result["request"]["request"]
    response = result["response"]
    state = (response.get("sessionAttributes") or {}).get(SESSION_KEY) or {}
    routine = state.get("routine") or {}
    speech = plain(((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", ""))
    problems = []
    kind, slots = meaning(request)
    if turn.request and kind != turn.request:
        problems.append(f"heard as {kind}, not {turn.request}")
    for name, ident in turn.slots.items():
        if slots.get(name) != ident:
            problems.append(f"{name} understood as {slots.get(name)!r}, not {ident!r}")
    said = state.get("said") or []
    problems += [f"did not say {key} (said {said})" for key in turn.said if key not in said]
    muscles = state.get("muscles") or []
    if turn.muscles and tuple(muscles[: len(turn.muscles)]) != turn.muscles:
        problems.append(f"muscles {muscles}, expected to start {list(turn.muscles)}")
    if turn.pending != "-" and state.get("pending") != turn.pending:
        problems.append(f"pending {state.get('pending')!r}, expected {turn.pending!r}")
    for name in ("offered", "side", "equipment"):
        want = getattr(turn, name)
        if want is not None and state.get(name) != want and routine.get(name) != want:
            problems.append(f"{name} {state.get(name)!r}, expected {want!r}")
    if turn.routine is not None and routine.get("muscle") != turn.routine:
        problems.append(f"routine {routine.get('muscle')!r}, expected {turn.routine!r}")
    if turn.step is not None:
        step = routine.get("step", 0) + 1 if routine.get("started") else None
        if step != turn.step:
            problems.append(f"step {step}, expected {turn.step}")
    if turn.open is not None:
        is_open = not (response.get("response") or {}).get("shouldEndSession", True)
        if is_open != turn.open:
            problems.append(f"session {'open' if is_open else 'closed'}, expected otherwise")
    cat = catalogue()
    if turn.advice is not None:
        flag = next(f for f in cat.safety.red_flags if f.id == turn.advice)
        if plain(flag.advice.format(**cat.safety.numbers["en-US"])) not in speech:
            problems.append(f"the {turn.advice} advice was not said")
    if turn.topic is not None and " ".join(cat.topics[turn.topic].text.split()) not in speech:
        problems.append(f"the {turn.topic} topic was not said")
    return problems


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_virtual_alexa_conversation(
    name: str, transcripts: dict[str, list[dict[str, Any]]]
) -> None:
    turns, results = CONVERSATIONS[name], transcripts[name]
    lines: list[str] = []
    failures: list[str] = []
    for number, turn in enumerate(turns, start=1):
        if number > len(results):
            failures.append(f"turn {number} '{turn.utterance}' was never sent")
            break
        result = results[number - 1]
        response = result.get("response") or {}
        speech = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
        lines += [f"U{number}: {turn.utterance}", f"A{number}: {plain(speech)[:200]}"]
        failures += [f"turn {number} '{turn.utterance}': {p}" for p in check_turn(turn, result)]
    assert not failures, "\n".join(failures) + "\n\n" + "\n".join(lines)


def test_every_conversation_was_run(transcripts: dict[str, list[dict[str, Any]]]) -> None:
    assert set(transcripts) == set(CONVERSATIONS)
    assert all(len(transcripts[n]) == len(t) for n, t in CONVERSATIONS.items())
