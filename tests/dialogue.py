"""Runs a conversation file (``tests/dialogues/*.yaml``) against the skill, turn by turn.

A file is a list of conversations; each has a ``name`` and ``turns``. A turn is one of

* ``launch: true``                         "Alexa, open trigger point coach"
* ``intent: NAME`` with ``slots`` / ``heard``  an intent; ``slots`` are values Alexa matched
  (given by id), ``heard`` are values it heard but could not match (raw text)
* ``say: "words"``                          what the runner says, turned into a request through
  the interaction model by ``tpcoach/nlu.py``, exactly as ``tpcoach chat`` does ("ask trigger point
  coach ..." starts a new session); it fails if the words match nothing, unless ``unmatched: true``
* ``end_session: REASON``                   Alexa ends the session (timeout, user exit)
* ``next_day: true``                        the session is gone; the store keeps what it kept;
  the clock (every request's timestamp) moves on a day. ``days_later: N`` moves it N days.
* ``touch: BUTTON``                         a touch on a screen button (an APL UserEvent with
  arguments ``[BUTTON]``: next, back, repeat, pause, resume, yes)

A turn may also be a list of turns (a YAML anchor: the same routine done on several days).

A conversation may name its ``device``: ``echo_show`` (a screen with APL) or ``fire_tv`` (a screen
without APL); without one it is a device with no screen.

and ``expect`` checks what the turn meant, not its wording:

* ``keys`` / ``no_keys``    response keys said (or not) this turn (``content/responses.yaml``)
* ``muscles``               the ranked muscles of the answer start with these ids
* ``offered``, ``pending``, ``side``   state after the turn (``null`` for none)
* ``routine``, ``step``, ``equipment`` the routine running and its step (1-based)
* ``open``                  whether the session stays open
* ``saved``                 the progress kept in the store: ``{muscle, step}`` or ``null``
* ``history``               the store's history: ``{PLACE: {sessions: N, reports: [change, ...]}}``
  (``{}`` for none); ``record: false`` when the store holds no record for the user at all
* ``card``                  whether a card is shown
* ``says`` / ``not_says``   words that must (not) be heard (for left/right wording, names)
* ``asks``                  ids of the screen's extra questions (``safety.yaml``) heard this turn
* ``card_says``             words that must be on the card (where a fact moved from the speech)
* ``card_title_says``       words that must be in the card's title
* ``screen``                the APL screen sent (answer, step, hold, paused, red_flag) or ``null``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.content.shipped import catalogue
from skill.state import SESSION_KEY
from skill.text import plain
from tpcoach.chat import utter
from tpcoach.local import ECHO_SHOW, FIRE_TV, Client, SlotValue, ended, speech_of
from tpcoach.nlu import load_model

DIALOGUES = Path(__file__).parent / "dialogues"
DEVICES = {"echo_show": ECHO_SHOW, "fire_tv": FIRE_TV}
START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # every conversation starts on this morning


@dataclass
class Clock:
    """The injected clock: the time of every request of a conversation, moved on by a turn."""

    now: datetime = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now

    def days(self, count: int) -> None:
        self.now += timedelta(days=count)


@dataclass
class Transcript:
    lines: list[str] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def conversations() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(DIALOGUES.glob("*.yaml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8")):
            conv = {**conv, "turns": flat_turns(conv["turns"])}
            out.append((f"{path.stem}: {conv['name']}", conv))
    return out


def _slots(turn: dict[str, Any]) -> dict[str, SlotValue]:
    slots = {
        k: SlotValue(str(v).replace("_", " "), id=str(v))
        for k, v in (turn.get("slots") or {}).items()
    }
    slots.update({k: SlotValue(str(v)) for k, v in (turn.get("heard") or {}).items()})
    return slots


def _said(turn: dict[str, Any]) -> str:
    if not isinstance(turn["say"], str):
        raise TypeError(
            f"say: {turn['say']!r} is not text: quote it (YAML reads yes/no as true/false)"
        )
    return turn["say"]


def _describe(turn: dict[str, Any]) -> str:
    if turn.get("launch"):
        return "(launch)"
    if "end_session" in turn:
        return f"(session ends: {turn['end_session']})"
    if turn.get("next_day"):
        return "(the next day)"
    if "days_later" in turn:
        return f"({turn['days_later']} days later)"
    if "touch" in turn:
        return f"(touches {turn['touch']})"
    if "say" in turn:
        return f'"{_said(turn)}" -> {load_model().understand(_said(turn)).describe()}'
    parts = [f"{k}={v}" for k, v in (turn.get("slots") or {}).items()]
    parts += [f"{k}~'{v}'" for k, v in (turn.get("heard") or {}).items()]
    return f"{turn['intent']} {' '.join(parts)}".strip()


def screen_kind(response: dict[str, Any] | None) -> str | None:
    """The kind of APL screen a response renders, or None."""
    for directive in ((response or {}).get("response") or {}).get("directives") or []:
        if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
            return str(directive["datasources"]["screen"]["properties"]["kind"])
    return None


def saved_record(client: Client, store: Any) -> Any:
    assert client.last_request is not None
    env = DefaultSerializer().deserialize(
        __import__("json").dumps(client.last_request), RequestEnvelope
    )
    return store.get_attributes(env) or {}


def saved_progress(client: Client, store: Any) -> Any:
    return saved_record(client, store).get("progress")


def flat_turns(turns: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for turn in turns:
        out.extend(flat_turns(turn) if isinstance(turn, list) else [turn])
    return out


def run(conv: dict[str, Any], client: Client, store: Any) -> Transcript:
    transcript = Transcript()
    client.device = DEVICES[conv["device"]] if conv.get("device") else None
    clock = client.clock = Clock()
    for number, turn in enumerate(flat_turns(conv["turns"]), start=1):
        transcript.lines.append(f"U{number}: {_describe(turn)}")
        if turn.get("next_day") or "days_later" in turn:
            client.session_id = None
            client.attributes = {}
            clock.days(int(turn.get("days_later", 1)))
            response: dict[str, Any] | None = None
        elif turn.get("launch"):
            response = client.launch()
        elif "end_session" in turn:
            response = client.end_session(turn["end_session"])
        elif "touch" in turn:
            response = client.touch(turn["touch"])
        elif "say" in turn:
            understood = load_model().understand(_said(turn))
            if not understood.matched and not turn.get("unmatched"):
                raise AssertionError(
                    f"turn {number}: '{turn['say']}' matches no sample; closest: "
                    f"{list(understood.closest)}\n\n{transcript}"
                )
            exchanges = utter(client, understood)
            response = exchanges[-1][1] if exchanges else None
        else:
            response = client.intent(turn["intent"], _slots(turn))
        if response is not None:
            transcript.responses.append(response)
            transcript.lines.append(f"A{number}: {plain(speech_of(response))}")
            if ended(response):
                transcript.lines.append("    (session closed)")
        check(turn.get("expect") or {}, response, client, store, transcript, number)
    return transcript


def check(
    expect: dict[str, Any],
    response: dict[str, Any] | None,
    client: Client,
    store: Any,
    transcript: Transcript,
    number: int,
) -> None:
    def fail(message: str) -> None:
        raise AssertionError(f"turn {number}: {message}\n\n{transcript}")

    state = ((response or {}).get("sessionAttributes") or {}).get(SESSION_KEY) or {}
    said = state.get("said") or []
    routine = state.get("routine") or {}
    for key in expect.get("keys", []):
        if key not in said:
            fail(f"expected response key '{key}', said {said}")
    for key in expect.get("no_keys", []):
        if key in said:
            fail(f"response key '{key}' should not be said, said {said}")
    if "muscles" in expect:
        got = state.get("muscles") or []
        if got[: len(expect["muscles"])] != expect["muscles"]:
            fail(f"expected muscles starting {expect['muscles']}, got {got}")
    for name in ("offered", "pending", "side", "equipment"):
        if name in expect and state.get(name) != expect[name]:
            fail(f"expected {name} {expect[name]!r}, got {state.get(name)!r}")
    if "routine" in expect and routine.get("muscle") != expect["routine"]:
        fail(f"expected routine {expect['routine']!r}, got {routine.get('muscle')!r}")
    if "routine_equipment" in expect and routine.get("equipment") != expect["routine_equipment"]:
        fail(
            f"expected routine equipment {expect['routine_equipment']!r},"
            f" got {routine.get('equipment')!r}"
        )
    if "routine_side" in expect and routine.get("side") != expect["routine_side"]:
        fail(f"expected routine side {expect['routine_side']!r}, got {routine.get('side')!r}")
    if "step" in expect:
        step = routine.get("step", 0) + 1 if routine.get("started") else None
        if step != expect["step"]:
            fail(f"expected step {expect['step']}, got {step}")
    if "open" in expect:
        is_open = response is not None and not ended(response)
        if is_open != expect["open"]:
            fail(f"expected the session {'open' if expect['open'] else 'closed'}")
    if "card" in expect:
        has_card = bool(((response or {}).get("response") or {}).get("card"))
        if has_card != expect["card"]:
            fail(f"expected {'a' if expect['card'] else 'no'} card")
    for words in expect.get("says", []):
        if words.lower() not in plain(speech_of(response or {})).lower():
            fail(f"expected to hear '{words}'")
    if expect.get("asks"):
        extras = {e.id: e.question for e in catalogue().safety.screen.extra}
        heard = plain(speech_of(response or {})).lower()
        for extra_id in expect["asks"]:
            if plain(extras[extra_id]).lower() not in heard:
                fail(f"expected the screen's {extra_id} question to be asked")
    for words in expect.get("not_says", []):
        if words.lower() in plain(speech_of(response or {})).lower():
            fail(f"did not expect to hear '{words}'")
    card = ((response or {}).get("response") or {}).get("card") or {}
    card_text = str(card.get("content"))
    for words in expect.get("card_says", []):
        if words.lower() not in card_text.lower():
            fail(f"expected the card to say '{words}', it says: {card_text}")
    for words in expect.get("card_title_says", []):
        if words.lower() not in str(card.get("title")).lower():
            fail(f"expected the card's title to say '{words}', it says: {card.get('title')}")
    if "screen" in expect:
        got_screen = screen_kind(response)
        if got_screen != expect["screen"]:
            fail(f"expected screen {expect['screen']!r}, got {got_screen!r}")
    if "saved" in expect:
        progress = saved_progress(client, store)
        want = expect["saved"]
        if want is None:
            if progress:
                fail(f"expected no saved progress, store has {progress}")
        else:
            got = {
                "muscle": (progress or {}).get("muscle"),
                "step": (progress or {}).get("step", -1) + 1,
            }
            if got != want:
                fail(f"expected saved progress {want}, store has {progress}")
    if "history" in expect:
        record = saved_record(client, store)
        places = {
            p.get("key"): {
                "sessions": len(p.get("sessions") or []),
                "reports": [r.get("change") for r in p.get("reports") or []],
            }
            for p in record.get("history") or []
        }
        want_places = {
            key: {
                "sessions": v.get("sessions", places.get(key, {}).get("sessions")),
                "reports": v.get("reports", places.get(key, {}).get("reports")),
            }
            for key, v in (expect["history"] or {}).items()
        }
        if places != want_places:
            fail(f"expected history {expect['history']}, store has {places}")
    if "record" in expect and bool(saved_record(client, store)) != expect["record"]:
        fail(f"expected {'a' if expect['record'] else 'no'} record in the store")
