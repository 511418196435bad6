"""The conversation state: one small dataclass, read from and written to attributes in one place.

Two kinds of memory:

* :class:`State` lives in the session attributes: what was heard, the question pending, the
  routine in progress. It dies with the session.
* :class:`Saved` lives in the persistent store (``skill/stores.py`` picks it): the routine's place
  so that it can be picked up the next day, and the safety screen's answer.

A store that is down must not stop the conversation: reads fall back to "nothing saved" and
writes are reported, so the handler can tell the listener in a few words.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

log = logging.getLogger(__name__)

SESSION_KEY = "tpc"

# Questions the skill can leave pending; a "yes" or "no" answers the one pending.
OFFER_ROUTINE = "offer_routine"  # "Want a lacrosse ball routine for your TFL?"
SCREEN = "screen"  # the red-flag screen before a first routine
RED_FLAG = "red_flag"  # "which was it: swelling, numbness, or a fall or pop?"
READY = "ready"  # "grab a lacrosse ball and say ready"
RESUME = "resume"  # "pick up at step 3?"
OTHER_SIDE = "other_side"  # after the last step: "now your right side?"
NEXT_MUSCLE = "next_muscle"  # "next on the list is ... want its routine?"
REGION = "region"  # "where does it hurt?"
ASPECT = "aspect"  # "which part of your knee: ...?"
QUESTIONS = (
    OFFER_ROUTINE,
    SCREEN,
    RED_FLAG,
    READY,
    RESUME,
    OTHER_SIDE,
    NEXT_MUSCLE,
    REGION,
    ASPECT,
)


@dataclass
class Routine:
    """A routine's place: which muscle, with what, which side, which step (0-based)."""

    muscle: str
    equipment: str
    side: str | None = None
    step: int = 0
    started: bool = False  # False while waiting for "ready" after the fetch prompt
    sides_done: list[str] = field(default_factory=list)
    muscles: list[str] = field(default_factory=list)  # the answer's ranking, for "next muscle"

    @classmethod
    def from_dict(cls, data: Any) -> Routine | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                muscle=str(data["muscle"]),
                equipment=str(data["equipment"]),
                side=data.get("side") if data.get("side") in ("left", "right") else None,
                step=max(0, int(data.get("step", 0))),
                started=bool(data.get("started", False)),
                sides_done=[s for s in data.get("sides_done", []) if s in ("left", "right")],
                muscles=[m for m in data.get("muscles", []) if isinstance(m, str)],
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class State:
    """What the session remembers between turns."""

    pending: str | None = None  # one of QUESTIONS
    region: str | None = None
    aspect: str | None = None
    side: str | None = None
    muscles: list[str] = field(default_factory=list)  # ranked answer, for "next muscle"
    offered: str | None = None  # the muscle offered by OFFER_ROUTINE / NEXT_MUSCLE
    equipment: str | None = None  # equipment asked for with the offer
    routine: Routine | None = None
    misses: int = 0  # consecutive turns not understood at this point
    screened: bool = False  # the red-flag screen was answered "no" in this session
    said: list[str] = field(default_factory=list)  # response keys of the last turn

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if v not in (None, [], False, 0)}

    @classmethod
    def from_dict(cls, data: Any) -> State:
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and k != "routine"}
        try:
            state = cls(**values)
        except TypeError:
            return cls()
        if state.pending not in QUESTIONS:
            state.pending = None
        state.routine = Routine.from_dict(data.get("routine"))
        if not isinstance(state.muscles, list):
            state.muscles = []
        return state

    def ask(self, question: str | None) -> None:
        self.pending = question
        self.misses = 0


def load_state(handler_input: HandlerInput) -> State:
    attrs = handler_input.attributes_manager.session_attributes or {}
    return State.from_dict(attrs.get(SESSION_KEY))


def store_state(handler_input: HandlerInput, state: State) -> None:
    handler_input.attributes_manager.session_attributes = {SESSION_KEY: state.to_dict()}


@dataclass
class Saved:
    """What is kept across sessions for one user."""

    progress: Routine | None = None
    # Kept from older records and never read: the screen is asked in every session now.
    screen: str | None = None
    known: bool = False  # has used the skill before
    saved_at: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Saved:
        if not isinstance(data, dict):
            return cls()
        screen = data.get("screen")
        return cls(
            progress=Routine.from_dict(data.get("progress")),
            screen=screen if screen == "clear" else None,
            known=bool(data.get("known", False)),
            saved_at=data.get("saved_at") if isinstance(data.get("saved_at"), str) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "progress": asdict(self.progress) if self.progress else None,
            "screen": self.screen,
            "known": self.known,
            "saved_at": self.saved_at,
        }


class Memory:
    """Persistent attributes for one request, read at most once, written only when changed.

    ``ok`` turns false when the store could not be read or written; the turn then says so.
    """

    def __init__(self, handler_input: HandlerInput) -> None:
        self._hi = handler_input
        self._saved: Saved | None = None
        self._dirty = False
        self.read_failed = False
        self.write_failed = False

    @property
    def saved(self) -> Saved:
        if self._saved is None:
            try:
                self._saved = Saved.from_dict(self._hi.attributes_manager.persistent_attributes)
            except Exception:  # any store failure: answer anyway, without saved progress
                log.exception("store read failed")
                self.read_failed = True
                self._saved = Saved()
        return self._saved

    def update(self, **changes: Any) -> None:
        self._saved = replace(self.saved, **changes, known=True)
        self._dirty = True

    def flush(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        if self.read_failed:
            # Writing what we could not read would overwrite the user's real progress.
            self.write_failed = True
            return
        assert self._saved is not None
        self._saved.saved_at = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            manager = self._hi.attributes_manager
            manager.persistent_attributes = self._saved.to_dict()
            manager.save_persistent_attributes()
        except Exception:  # any store failure: the turn says progress was not saved
            log.exception("store write failed")
            self.write_failed = True

    @property
    def failed(self) -> bool:
        return self.read_failed or self.write_failed
