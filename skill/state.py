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

from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from skill.content import Catalogue, catalogue
from skill.history import BadHistory, History
from skill.safelog import describe, loggable, logger

log = logger(__name__)  # logging is imported when something is logged

SESSION_KEY = "tpc"


class Question(StrEnum):
    """The questions the skill can leave pending; a "yes" or "no" answers the one pending.
    Kept in the session as their values; skill/handlers/questions.py says how each is asked
    again."""

    OFFER_ROUTINE = "offer_routine"  # "Want a lacrosse ball routine for your TFL?"
    SCREEN = "screen"  # the red-flag screen before a first routine
    RED_FLAG = "red_flag"  # "which was it: swelling, numbness, or a fall or pop?"
    READY = "ready"  # "grab a lacrosse ball and say ready"
    RESUME = "resume"  # "pick up at step 3?"
    OTHER_SIDE = "other_side"  # after the last step: "now your right side?"
    NEXT_MUSCLE = "next_muscle"  # "next on the list is ... want its routine?"
    REGION = "region"  # "where does it hurt?"
    ASPECT = "aspect"  # "which part of your knee: ...?"
    FOLLOW_UP = "follow_up"  # "last time you worked on your left TFL... better, same, worse?"
    WORSE_SCREEN = "worse_screen"  # the red-flag screen after "it's worse"
    FORGET = "forget"  # "delete everything I keep about you?"


# The questions by their short names, as the handlers compare them with ``state.pending``.
OFFER_ROUTINE = Question.OFFER_ROUTINE
SCREEN = Question.SCREEN
RED_FLAG = Question.RED_FLAG
READY = Question.READY
RESUME = Question.RESUME
OTHER_SIDE = Question.OTHER_SIDE
NEXT_MUSCLE = Question.NEXT_MUSCLE
REGION = Question.REGION
ASPECT = Question.ASPECT
FOLLOW_UP = Question.FOLLOW_UP
WORSE_SCREEN = Question.WORSE_SCREEN
FORGET = Question.FORGET
QUESTIONS = tuple(Question)


SIDES = (None, "left", "right")
# A side done when the runner named none ("that's one side done; the other now?").
UNNAMED_SIDE = "first"
MAX_STEPS = 1000  # far more than any routine has: a larger step is not state this skill wrote
MAX_MISSES = 1000
MAX_SCREEN_PARTS = 100  # far more than the screen has questions


class Unreadable(ValueError):
    """Stored or session state that is not of the current format."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


@dataclass
class Progress:
    """Progress in a routine: which muscle, with what, which side, which step (0-based)."""

    muscle: str
    equipment: str
    side: str | None = None
    step: int = 0
    started: bool = False  # False while waiting for "ready" after the fetch prompt
    sides_done: list[str] = field(default_factory=list)
    muscles: list[str] = field(default_factory=list)  # the answer's ranking, for "next muscle"
    region: str | None = None  # the pain place it is for, when one was said (for the history)
    aspect: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Progress | None:
        """The routine, or None when ``data`` is not a routine of the current format."""
        if not isinstance(data, dict):
            return None
        side = data.get("side")
        step = data.get("step", 0)
        sides_done = data.get("sides_done", [])
        muscles = data.get("muscles", [])
        if not (
            isinstance(data.get("muscle"), str)
            and isinstance(data.get("equipment"), str)
            and side in SIDES
            and _is_int(step)
            and 0 <= step < MAX_STEPS
            and isinstance(data.get("started", False), bool)
            and _is_list_of(sides_done, str)
            and all(s in ("left", "right", UNNAMED_SIDE) for s in sides_done)
            and _is_list_of(muscles, str)
            and _optional_str(data.get("region"))
            and _optional_str(data.get("aspect"))
        ):
            return None
        return cls(
            muscle=data["muscle"],
            equipment=data["equipment"],
            side=side,
            step=step,
            started=data.get("started", False),
            sides_done=list(sides_done),
            muscles=list(muscles),
            region=data.get("region"),
            aspect=data.get("aspect"),
        )

    def fits(self, cat: Catalogue) -> bool:
        """The content still has this routine, and the step is one of its steps."""
        content = cat.routine(self.muscle, self.equipment)
        return (
            content is not None
            and self.step < len(content.steps)
            and all(m in cat.muscles for m in self.muscles)
            and (self.region is None or self.region in cat.regions)
        )


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
    routine: Progress | None = None
    misses: int = 0  # consecutive turns not understood at this point
    screened: bool = False  # the red-flag screen was answered "no" in this session
    # The screen asked one question at a time (after "not sure"): which is pending, from 1.
    part: int = 0
    said: list[str] = field(default_factory=list)  # response keys of the last turn
    warned: bool = False  # the listener was told, this session, that progress is not being kept
    place: str | None = None  # the history place the follow-up question asked about

    def to_dict(self) -> dict[str, Any]:
        # What asdict would give (lists copied, the routine as a dict), without its deep copy
        # of every value: a tenth of a warm request's time.
        data = {k: list(v) if type(v) is list else v for k, v in vars(self).items()}
        if self.routine is not None:
            data["routine"] = {
                k: list(v) if type(v) is list else v for k, v in vars(self.routine).items()
            }
        return {k: v for k, v in data.items() if v not in (None, [], False, 0)}

    @classmethod
    def from_dict(cls, data: Any) -> State:
        """The state in ``data``; :class:`Unreadable` when it is not state of the current format
        (the caller treats that as no state at all)."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise Unreadable(f"session state is a {type(data).__name__}, not an object")
        unknown = data.keys() - {f.name for f in fields(cls)}
        if unknown:
            raise Unreadable(f"session state has unknown fields {sorted(map(str, unknown))[:5]}")
        for name, check in _STATE_FIELDS.items():
            if name in data and not check(data[name]):
                raise Unreadable(f"session state field {name!r} has the wrong type or value")
        values: dict[str, Any] = {
            k: (list(v) if isinstance(v, list) else v) for k, v in data.items()
        }
        routine = values.pop("routine", None)
        state = cls(**values)
        if routine is not None:
            state.routine = Progress.from_dict(routine)
            if state.routine is None:
                raise Unreadable("session state has a routine that does not parse")
        return state

    def fits(self, cat: Catalogue) -> bool:
        """Every id in the state names something in the content."""
        return (
            (self.region is None or self.region in cat.regions)
            and (self.aspect is None or self.aspect in cat.aspects)
            and (self.offered is None or self.offered in cat.muscles)
            and (self.equipment is None or self.equipment in cat.equipment)
            and all(m in cat.muscles for m in self.muscles)
            and (self.routine is None or self.routine.fits(cat))
        )

    def ask(self, question: str | None) -> None:
        self.pending = question
        self.misses = 0
        if question != Question.SCREEN:
            self.part = 0  # a screen asked one question at a time ends with any other question


_STATE_FIELDS: dict[str, Callable[[Any], bool]] = {
    "pending": lambda v: v is None or v in QUESTIONS,
    "region": _optional_str,
    "aspect": _optional_str,
    "side": lambda v: v in SIDES,
    "muscles": lambda v: _is_list_of(v, str),
    "offered": _optional_str,
    "equipment": _optional_str,
    "routine": lambda v: v is None or isinstance(v, dict),
    "misses": lambda v: _is_int(v) and 0 <= v < MAX_MISSES,
    "said": lambda v: _is_list_of(v, str),
    "warned": lambda v: isinstance(v, bool),
    "place": _optional_str,
    "screened": lambda v: isinstance(v, bool),
    "part": lambda v: _is_int(v) and 0 <= v < MAX_SCREEN_PARTS,
}

# Request ids whose unreadable state was already logged: load_state runs once per handler asked,
# and one bad request should make one log line.
_logged: deque[str] = deque(maxlen=64)


def _log_once(handler_input: HandlerInput, what: str, reason: str) -> None:
    request = handler_input.request_envelope.request
    request_id = str(getattr(request, "request_id", None))
    key = f"{what}:{request_id}"
    if key not in _logged:
        _logged.append(key)
        log.warning("ignoring %s that does not parse: %s", what, loggable(reason))


def has_session(handler_input: HandlerInput) -> bool:
    """Sessionless requests (System.*, AudioPlayer.*, Messaging.*, some CanFulfillIntent
    requests) have no session attributes: reading them raises in the SDK."""
    return handler_input.request_envelope.session is not None


def load_state(handler_input: HandlerInput) -> State:
    """The session's state; no state when there is no session or the state does not parse."""
    if not has_session(handler_input):
        return State()
    attrs = handler_input.attributes_manager.session_attributes
    if not isinstance(attrs, dict):
        return State()
    try:
        state = State.from_dict(attrs.get(SESSION_KEY))
    except Unreadable as error:
        _log_once(handler_input, "session state", str(error))
        return State()
    if not state.fits(catalogue()):
        _log_once(handler_input, "session state", "it names content that does not exist")
        return State()
    return state


def store_state(handler_input: HandlerInput, state: State) -> None:
    if has_session(handler_input):
        handler_input.attributes_manager.session_attributes = {SESSION_KEY: state.to_dict()}


# Version 1 (or no "v"): progress, screen, known, saved_at. Version 2 adds the history. A record
# of version 1 loads as it was, with an empty history; the next save writes version 2.
def system_clock() -> datetime:
    return datetime.now(UTC)


# The clock used when a request carries no readable timestamp; tests may replace it.
clock: Callable[[], datetime] = system_clock


def request_day(handler_input: HandlerInput) -> str:
    """The day of the request (UTC, ``YYYY-MM-DD``), from its timestamp: days in the history
    are counted from what Alexa sent, not from this machine's clock."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(UTC).date().isoformat()
    return clock().astimezone(UTC).date().isoformat()


SAVED_VERSION = 2
READABLE_VERSIONS = (1, 2)


@dataclass
class Saved:
    """What is kept across sessions for one user (format :data:`SAVED_VERSION`)."""

    progress: Progress | None = None
    # Kept from older records and never read: the screen is asked in every session now.
    screen: str | None = None
    known: bool = False  # has used the skill before
    saved_at: str | None = None
    history: History = field(default_factory=History)
    # A stored history this version cannot read: written back as it was, never replaced.
    unread_history: Any = None

    @classmethod
    def from_dict(cls, data: Any) -> Saved:
        """What is saved; :class:`Unreadable` when the record is not of a readable format."""
        if data is None or data == {}:
            return cls()
        if not isinstance(data, dict):
            raise Unreadable(f"saved progress is a {type(data).__name__}, not an object")
        version = data.get("v", 1)
        if version not in READABLE_VERSIONS or isinstance(version, bool):
            raise Unreadable(f"saved progress is of version {data.get('v')!r}")
        screen, known, saved_at = data.get("screen"), data.get("known", False), data.get("saved_at")
        if (
            screen not in (None, "clear")
            or not isinstance(known, bool)
            or not _optional_str(saved_at)
        ):
            raise Unreadable("saved progress has a field of the wrong type")
        progress = data.get("progress")
        routine = Progress.from_dict(progress)
        if progress is not None and routine is None:
            raise Unreadable("saved progress has a routine that does not parse")
        history, unread = History(), None
        if version >= 2 and data.get("history") is not None:
            try:
                history = History.from_list(data["history"])
            except BadHistory as error:
                log.warning(
                    "keeping a history that does not parse, unread: %s", loggable(str(error))
                )
                unread = data["history"]
        return cls(
            progress=routine,
            screen=screen,
            known=known,
            saved_at=saved_at,
            history=history,
            unread_history=unread,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": SAVED_VERSION,
            "progress": asdict(self.progress) if self.progress else None,
            "screen": self.screen,
            "known": self.known,
            "saved_at": self.saved_at,
            "history": (
                self.unread_history if self.unread_history is not None else self.history.to_list()
            ),
        }

    @property
    def history_usable(self) -> bool:
        """The history was read (or there was none): it may be added to."""
        return self.unread_history is None


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
        self.forgotten = False  # the record was deleted this request: nothing is written again

    @property
    def saved(self) -> Saved:
        if self._saved is None:
            try:
                attributes = self._hi.attributes_manager.persistent_attributes
            except Exception as error:  # any store failure: answer anyway, without saved progress
                log.error("store read failed: %s", describe(error))
                self.read_failed = True
                self._saved = Saved()
                return self._saved
            try:
                self._saved = Saved.from_dict(attributes)
            except Unreadable as error:  # not progress this version wrote: as if nothing saved
                _log_once(self._hi, "saved progress", str(error))
                self._saved = Saved()
        return self._saved

    def update(self, **changes: Any) -> None:
        self._saved = replace(self.saved, **changes, known=True)
        self._dirty = True

    def forget(self) -> bool:
        """Delete this user's record from the store; False (and nothing claimed) on failure."""
        try:
            self._hi.attributes_manager.delete_persistent_attributes()
        except Exception as error:  # any store failure: the turn says it could not delete
            log.error("store delete failed: %s", describe(error))
            return False
        self._saved, self._dirty, self.forgotten = Saved(), False, True
        return True

    def flush(self) -> None:
        if not self._dirty or self.forgotten:
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
        except Exception as error:  # any store failure: the turn says progress was not saved
            log.error("store write failed: %s", describe(error))
            self.write_failed = True

    @property
    def failed(self) -> bool:
        return self.read_failed or self.write_failed
