"""``tpcoach chat`` and ``tpcoach say``: a whole routine in the terminal, kept in the store and
picked up by the next run; answers shown as plain text with the holds counted."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.speech import pause
from skill.state import SESSION_KEY
from tests.hosting_support import local_endpoint
from tpcoach.chat import Chat, Screen, paragraphs, utter
from tpcoach.local import Client
from tpcoach.nlu import load_model

ROOT = Path(__file__).resolve().parent.parent


def tpcoach(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tpcoach.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No test touches the real user's data directory or TPCOACH_STORE."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("TPCOACH_")}
    out["HOME"] = str(tmp_path / "home")
    out["XDG_DATA_HOME"] = str(tmp_path / "data")
    return out


def said(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def state(exchange: dict[str, Any]) -> dict[str, Any]:
    attributes = exchange["response"].get("sessionAttributes") or {}
    tpc: dict[str, Any] = attributes.get(SESSION_KEY) or {}
    return tpc


# --------------------------------------------------------------------------- tpcoach say


def test_say_sends_the_request_alexa_would_and_prints_the_answer(env: dict[str, str]) -> None:
    result = tpcoach("say", "why does the outside of my knee hurt", "--store", "memory", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("coach: "), result.stdout
    assert "TFL" in result.stdout and "[card] Trigger Point Coach" in result.stdout

    exchange = said(
        tpcoach(
            "say", "why does the outside of my knee hurt", "--store", "memory", "--json", env=env
        )
    )
    request = exchange["request"]
    assert request["session"]["new"] is True
    # "why" starts the sentence: Alexa keeps it only in the intent's name, the rest as words
    intent = request["request"]["intent"]
    assert intent["name"] == "LeadWhyIntent"
    assert intent["slots"]["words"]["value"] == "does the outside of my knee hurt"
    assert state(exchange)["offered"] == "tfl"

    # a typed phrasing resolves its slots as Alexa's entity resolution would
    exchange = said(tpcoach("say", "my outer knee is sore", "--store", "memory", "--json", env=env))
    intent = exchange["request"]["request"]["intent"]
    assert intent["name"] == "TellIntent"
    resolved = {
        name: slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"]
        for name, slot in intent["slots"].items()
    }
    assert resolved == {"aspect": "outside", "region": "knee"}
    assert state(exchange)["offered"] == "tfl"


def test_say_with_a_session_file_holds_one_conversation_over_several_calls(
    env: dict[str, str], tmp_path: Path
) -> None:
    session = str(tmp_path / "session.json")
    store = f"sqlite:{tmp_path / 'progress.sqlite3'}"

    def say(text: str, *extra: str) -> dict[str, Any]:
        return said(
            tpcoach("say", text, "--session", session, "--store", store, "--json", *extra, env=env)
        )

    first = say("open trigger point coach")
    assert first["request"]["request"]["type"] == "LaunchRequest"
    assert state(first)["pending"] == "region"
    second = say("my knee hurts")
    assert second["request"]["session"]["new"] is False
    assert second["request"]["session"]["sessionId"] == first["request"]["session"]["sessionId"]
    assert state(second)["pending"] == "aspect"
    third = say("the outside")
    assert state(third)["muscles"][0] == "tfl"
    # --new starts over, in a fresh session: "the outside" alone no longer answers a question
    fresh = say("the outside", "--new")
    assert fresh["request"]["session"]["new"] is True
    assert state(fresh)["pending"] == "region"


def test_say_exit_ends_the_session_kept_in_the_file(env: dict[str, str], tmp_path: Path) -> None:
    session = tmp_path / "session.json"
    args = ("--session", str(session), "--store", "memory")
    assert tpcoach("say", "open trigger point coach", *args, env=env).returncode == 0
    assert json.loads(session.read_text())["sessionId"]
    ended = tpcoach("say", "exit", *args, env=env)
    assert "(session ended: USER_INITIATED)" in ended.stdout, ended.stdout
    assert json.loads(session.read_text())["sessionId"] is None
    again = tpcoach("say", "exit", *args, env=env)
    assert "no session is open" in again.stdout


def test_say_names_the_closest_samples_when_nothing_matches(env: dict[str, str]) -> None:
    result = tpcoach("say", "flurble wibble zonk", "--store", "memory", "--intents", env=env)
    assert "-> AMAZON.FallbackIntent" in result.stdout
    assert "I matched nothing; closest: " in result.stdout


# --------------------------------------------------------------------------- tpcoach chat


# Ready says steps 1 and 2 (step 1 flows on), next steps 3 and 4 (the hold), back step 3 alone.
ROUTINE_TO_STEP_3 = [
    "why does the outside of my knee hurt",
    "yes",
    "no",
    "ready",
    "next",
    "go back",
    "stop",
]


def test_a_routine_in_the_terminal_is_picked_up_by_the_next_chat(
    env: dict[str, str], tmp_path: Path
) -> None:
    store = f"sqlite:{tmp_path / 'progress.sqlite3'}"
    started = time.monotonic()
    first = tpcoach("chat", "--store", store, "--fast", stdin="\n".join(ROUTINE_TO_STEP_3), env=env)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "you> " + ROUTINE_TO_STEP_3[0] in out, "piped input is echoed as a transcript"
    assert "you> \n" not in out and not out.startswith("you> you>"), "no prompt noise in a pipe"
    for step in (1, 2, 3, 4):
        assert f"Step {step} of 6." in out
    assert "Step 5 of 6." not in out
    assert out.rstrip().endswith("(session ended)"), out[-300:]

    # The next day: a new chat on the same store offers the saved step and resumes there.
    second = tpcoach(
        "chat", "--store", store, "--fast", stdin="open trigger point coach\nyes\nnope\n", env=env
    )
    assert second.returncode == 0, second.stderr
    assert "Step 3 of 6." in second.stdout, second.stdout
    assert "Step 1 of 6." not in second.stdout
    assert time.monotonic() - started < 30

    # The same, read from the state the skill keeps (what `say --json` shows).
    session = str(tmp_path / "s.json")
    offer = said(
        tpcoach(
            "say",
            "open trigger point coach",
            "--session",
            session,
            "--store",
            store,
            "--json",
            env=env,
        )
    )
    assert state(offer)["pending"] == "resume"
    resumed = said(tpcoach("say", "yes", "--session", session, "--store", store, "--json", env=env))
    routine = state(resumed)["routine"]
    assert (routine["muscle"], routine["step"] + 1) == ("tfl", 3)


def test_input_ending_in_a_routine_saves_the_place(env: dict[str, str], tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'progress.sqlite3'}"
    lines = "ask trigger point coach for a routine for my calf\nno\nready\n"
    first = tpcoach("chat", "--store", store, "--fast", stdin=lines, env=env)
    assert "Step 2 of" in first.stdout  # step 1 flows on to step 2
    assert first.stdout.rstrip().endswith("(session ended: USER_INITIATED)"), first.stdout[-300:]
    second = tpcoach(
        "chat",
        "--store",
        store,
        "--fast",
        stdin="ask trigger point coach to resume\nnope\n",
        env=env,
    )
    assert "Step 2 of" in second.stdout, second.stdout


def test_silence_plays_the_reprompt_then_ends_the_session(env: dict[str, str]) -> None:
    result = tpcoach(
        "chat", "--store", "memory", "--fast", stdin="open trigger point coach\n\n\n", env=env
    )
    out = result.stdout
    assert "(silence: the reprompt plays)" in out
    assert out.rstrip().endswith("(session ended: EXCEEDED_MAX_REPROMPTS)"), out
    assert " INFO " not in result.stderr, "the skill's logs stay out of the conversation"


def test_a_hold_is_shown_as_a_countdown_and_fast_skips_the_wait(env: dict[str, str]) -> None:
    lines = "ask trigger point coach for a routine for my tfl\nno\nready\nnext\nnext\nnext\nexit\n"
    started = time.monotonic()
    result = tpcoach("chat", "--store", "memory", "--fast", stdin=lines, env=env)
    assert time.monotonic() - started < 20, "--fast must not wait out a 30 s hold"
    holds = [line.strip() for line in result.stdout.splitlines() if "[holding:" in line]
    assert holds == ["[holding: 15 s]", "[holding: 5 s]", "[holding: 10 s]"], result.stdout


def test_a_launch_phrase_mid_session_ends_it_and_starts_another(env: dict[str, str]) -> None:
    lines = "open trigger point coach\nask trigger point coach what is a trigger point\n"
    result = tpcoach("chat", "--store", "memory", "--fast", "--intents", stdin=lines, env=env)
    out = result.stdout
    assert "(session ended: USER_INITIATED)" in out
    assert "-> LeadWhatIntent words~'is a trigger point' (new session)" in out
    assert "A trigger point is" in out.split("(session ended: USER_INITIATED)")[1]


# --------------------------------------------------------------------------- --speak


def fake_espeak(directory: Path) -> Path:
    """An espeak-ng that writes its arguments to a file instead of speaking."""
    directory.mkdir()
    log = directory / "spoken.txt"
    script = directory / "espeak-ng"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def test_speak_reads_each_answer_as_ssml_with_espeak(env: dict[str, str], tmp_path: Path) -> None:
    log = fake_espeak(tmp_path / "bin")
    env["PATH"] = f"{tmp_path / 'bin'}:{env.get('PATH', '')}"
    result = tpcoach(
        "chat",
        "--store",
        "memory",
        "--fast",
        "--speak",
        stdin="open trigger point coach\n",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    spoken = log.read_text()
    assert spoken.startswith("-m <speak>") and "Welcome" in spoken, spoken


def test_speak_without_espeak_says_how_to_install_it(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    env["PATH"] = str(tmp_path / "empty")
    result = tpcoach("chat", "--store", "memory", "--fast", "--speak", stdin="help\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "apt-get install espeak-ng" in result.stderr
    assert "coach: " in result.stdout, "the answers are still printed"


# --------------------------------------------------------------------------- --url


@pytest.fixture
def endpoint() -> Iterator[str]:
    """The web entry on a loopback port, without verification (as `tpcoach serve --no-verify`)."""
    with local_endpoint() as url:
        yield url


def test_chat_and_say_talk_to_a_running_endpoint(env: dict[str, str], endpoint: str) -> None:
    lines = "why does the outside of my knee hurt\nyes\nno\nready\n"
    result = tpcoach("chat", "--url", endpoint, "--fast", stdin=lines, env=env)
    assert result.returncode == 0, result.stderr
    assert "Step 1 of 6." in result.stdout
    exchange = said(tpcoach("say", "next", "--url", endpoint, "--json", env=env))
    assert exchange["response"]["version"] == "1.0"
    missing = tpcoach("say", "next", "--url", endpoint.replace("/alexa", "/nothere"), env=env)
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr


# --------------------------------------------------------------------------- in process


def test_holds_are_split_from_the_speech_and_short_pauses_stay_inside() -> None:
    ssml = (
        "<speak>Holding for 30 seconds."
        f"{pause(15).ssml} Halfway.{pause(5).ssml} Ten more.{pause(10).ssml} Release."
        f" one{pause(2.5).ssml} two{pause(2.5).ssml} Good.</speak>"
    )
    parts = paragraphs(ssml)
    assert [p.hold for p in parts] == [15, 5, 10, 0]
    assert [p.text for p in parts[:3]] == ["Holding for 30 seconds.", "Halfway.", "Ten more."]
    assert parts[3].text == "Release. one ... two ... Good."
    assert "<break" in parts[3].ssml and "<break" not in parts[0].ssml


def test_without_fast_the_chat_really_waits_out_each_hold() -> None:
    from skill.app import build_skill_builder
    from skill.stores import open_store
    from tpcoach.local import in_process

    waited: list[float] = []
    out = io.StringIO()
    screen = Screen(out, fast=False, sleep=waited.append)
    chat = Chat(Client(in_process(build_skill_builder(open_store("memory")))), load_model(), screen)
    chat.run(["a routine for my tfl", "no", "ready", "next", "next", "next", "next"])
    holds = [w for w in waited if w >= 4]
    assert holds == [15, 5, 10], waited
    assert sum(w for w in waited if w < 4) > 0, "the repetitions are paced too"


def test_utter_starts_a_new_session_for_a_one_shot_said_mid_session() -> None:
    from skill.app import build_skill_builder
    from skill.stores import open_store
    from tpcoach.local import in_process

    client = Client(in_process(build_skill_builder(open_store("memory"))))
    model = load_model()
    first = utter(client, model.understand("open trigger point coach"))
    assert [r["request"]["type"] for r, _ in first] == ["LaunchRequest"]
    session = client.session_id
    second = utter(client, model.understand("ask trigger point coach why my heel hurts"))
    assert [r["request"]["type"] for r, _ in second] == ["SessionEndedRequest", "IntentRequest"]
    assert second[1][0]["session"]["new"] is True and client.session_id != session
