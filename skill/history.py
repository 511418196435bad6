"""A runner's short history: for each pain place worked on, the routines done and what the
runner said about the pain afterwards.

Kept in the same store record as the routine's place (``skill/state.py``: :class:`Saved`), as
plain JSON: ids from the content, days as ``YYYY-MM-DD`` and the answers to the follow-up
question, never free text. Days are request days (UTC), so "a later day" is a later date.

Nothing here knows about Alexa; the handlers decide what to say from what this module counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from skill.content import CHANGES, Catalogue

MAX_PLACES = 12  # places kept; the one worked on longest ago goes first
MAX_SESSIONS = 40  # per place, the oldest go first
MAX_REPORTS = 40
SIDES = (None, "left", "right")


class BadHistory(ValueError):
    """A stored history that is not of this format."""


def _day(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 10:
        raise BadHistory("a day is not YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise BadHistory(f"a day is not a date: {error}") from error
    return value


def _str(value: Any, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > 80:
        raise BadHistory("an id is not a short string")
    return value


def _list(value: Any, limit: int) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit:
        raise BadHistory("a list is not a list or is too long")
    return value


@dataclass
class Session:
    """A routine done to its last step: which muscle, with what, which side, on which day."""

    day: str
    muscle: str
    equipment: str
    side: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Session:
        if not isinstance(data, dict):
            raise BadHistory("a session is not an object")
        side = data.get("side")
        if side not in SIDES:
            raise BadHistory("a session's side is not left, right or none")
        return cls(
            _day(data.get("day")), _str(data.get("muscle")), _str(data.get("equipment")), side
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "muscle": self.muscle,
            "equipment": self.equipment,
            "side": self.side,
        }


@dataclass
class Report:
    """What the runner said about the pain on a day: one of ``CHANGES``."""

    day: str
    change: str

    @classmethod
    def from_dict(cls, data: Any) -> Report:
        if not isinstance(data, dict) or data.get("change") not in CHANGES:
            raise BadHistory("a report is not one of the answers")
        return cls(_day(data.get("day")), str(data["change"]))

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "change": self.change}


def place_key(region: str | None, aspect: str | None, muscle: str) -> str:
    """A pain place ("knee/outside"), or the muscle when a routine was asked for by its name."""
    if region is None:
        return f"muscle:{muscle}"
    return f"{region}/{aspect or 'any'}"


@dataclass
class Place:
    """One pain place: its routines and what was said about it."""

    key: str
    region: str | None = None
    aspect: str | None = None
    sessions: list[Session] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    asked: str | None = None  # the day the follow-up was last asked about this place

    @classmethod
    def from_dict(cls, data: Any) -> Place:
        if not isinstance(data, dict):
            raise BadHistory("a place is not an object")
        place = cls(
            key=_str(data.get("key")),
            region=_str(data.get("region"), optional=True),
            aspect=_str(data.get("aspect"), optional=True),
            sessions=[Session.from_dict(s) for s in _list(data.get("sessions"), MAX_SESSIONS)],
            reports=[Report.from_dict(r) for r in _list(data.get("reports"), MAX_REPORTS)],
            asked=None if data.get("asked") is None else _day(data.get("asked")),
        )
        return place

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "region": self.region,
            "aspect": self.aspect,
            "sessions": [s.to_dict() for s in self.sessions],
            "reports": [r.to_dict() for r in self.reports],
            "asked": self.asked,
        }

    @property
    def last_session(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None

    @property
    def last_report(self) -> Report | None:
        return self.reports[-1] if self.reports else None

    def last_side(self) -> str | None:
        """The side of the last routine; none when both sides were done that day."""
        last = self.last_session
        if last is None:
            return None
        sides = {s.side for s in self.sessions if s.day == last.day and s.muscle == last.muscle}
        return last.side if len(sides) == 1 else None

    def days_worked(self, sessions: list[Session] | None = None) -> int:
        """Days with a routine: both sides on one day are one session."""
        return len({s.day for s in (self.sessions if sessions is None else sessions)})

    def due(self, today: str) -> bool:
        """The follow-up is due: a routine on an earlier day, not yet asked about since."""
        last = self.last_session
        return (
            last is not None and last.day < today and (self.asked is None or self.asked <= last.day)
        )

    def without_change(self, today: str) -> tuple[int, int]:
        """Days since the first session after the last answer that was not "the same", and the
        number of days with a session since then: how long the pain has stayed as it was."""
        since = next((r.day for r in reversed(self.reports) if r.change != "same"), "")
        days = sorted({s.day for s in self.sessions if s.day >= since})
        if not days:
            return 0, 0
        return (date.fromisoformat(today) - date.fromisoformat(days[0])).days, len(days)

    def fits(self, cat: Catalogue) -> bool:
        """Every id still names something in the content (older content may have dropped one)."""
        return (
            (self.region is None or self.region in cat.regions)
            and all(s.muscle in cat.muscles for s in self.sessions)
            and all(cat.routine(s.muscle, s.equipment) is not None for s in self.sessions)
        )


@dataclass
class History:
    places: list[Place] = field(default_factory=list)

    @classmethod
    def from_list(cls, data: Any) -> History:
        places = [Place.from_dict(p) for p in _list(data, MAX_PLACES)]
        if len({p.key for p in places}) != len(places):
            raise BadHistory("a place is there twice")
        return cls(places)

    def to_list(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.places]

    def place(self, key: str) -> Place | None:
        return next((p for p in self.places if p.key == key), None)

    def record_session(
        self, key: str, region: str | None, aspect: str | None, session: Session
    ) -> Place:
        place = self.place(key)
        if place is None:
            place = Place(key, region, aspect)
            self.places.append(place)
        place.sessions = [*place.sessions, session][-MAX_SESSIONS:]
        # The place worked on last goes last; the one worked on longest ago is dropped first.
        others = [p for p in self.places if p is not place]
        self.places = [*others[-(MAX_PLACES - 1) :], place]
        return place

    def record_report(self, key: str, report: Report) -> Place | None:
        place = self.place(key)
        if place is not None:
            place.reports = [*place.reports, report][-MAX_REPORTS:]
        return place

    def latest(self, usable: Callable[[Place], bool] = lambda p: True) -> Place | None:
        """The place with the most recent routine."""
        with_sessions = [p for p in self.places if p.last_session is not None and usable(p)]
        if not with_sessions:
            return None
        return max(with_sessions, key=lambda p: (p.sessions[-1].day, self.places.index(p)))

    def recent(self, today: str, days: int) -> list[tuple[Place, list[Session]]]:
        """Each place with its sessions of the last ``days`` days, the latest place first."""
        start = (date.fromisoformat(today) - timedelta(days=days)).isoformat()
        out = [(p, [s for s in p.sessions if s.day > start]) for p in self.places]
        kept = [(p, s) for p, s in out if s]
        return sorted(kept, key=lambda ps: ps[1][-1].day, reverse=True)
