"""The pictures' data (body outline, places, referral zones, ball and roller spots), read from
``geometry.yaml`` and ``screens.yaml`` and kept apart from the catalogue: only screens read it,
and it is checked against the catalogue's ids (skill/content/builders/geometry.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from skill.records import record

GEOMETRY_FILE = "geometry.yaml"
SCREENS_FILE = "screens.yaml"
GENERAL_RED_FLAG = "general"  # the screens.yaml entry for a yes to the screen that names none
VIEWS = ("front", "back")
SHAPES = ("ball", "roller")
LEANS = ("up", "down", "in", "out")
FIGURE_WIDTH, FIGURE_HEIGHT = 200, 420  # one view; x is measured out from the midline (100)
MAX_OFFSET = FIGURE_WIDTH // 2


@record
class Point:
    view: str
    x: float
    y: float


@record
class Zone:
    """An ellipse on one view, for one side (mirrored for the other)."""

    view: str
    x: float
    y: float
    rx: float
    ry: float


@record
class Line:
    view: str
    points: tuple[tuple[float, float], ...]


@record
class Outline:
    half: tuple[tuple[float, float], ...]
    lines: tuple[Line, ...]
    rings: tuple[Zone, ...]


@record
class Referral:
    muscle: str
    knot: Point | None
    zones: tuple[Zone, ...]


@record
class Spot:
    """Where the ball or roller goes in one routine: ``at`` unless ``steps`` moves it."""

    muscle: str
    equipment: str
    at: Point
    steps: Mapping[int, Point]
    lean: str | None

    def for_step(self, number: int) -> Point:
        return self.steps.get(number, self.at)


@record
class Shape:
    shape: str
    size: float


@record
class RedFlagScreen:
    action: str
    call: bool


@record
class ScreenWords:
    """screens.yaml: labels, touch buttons, red-flag actions, emergency numbers per locale."""

    labels: Mapping[str, str]
    buttons: Mapping[str, str]
    red_flags: Mapping[str, RedFlagScreen]
    numbers: Mapping[str, str]


@record(eq=False)
class Geometry:
    outline: Outline
    equipment: Mapping[str, Shape]
    places: Mapping[tuple[str, str], tuple[Zone, ...]]
    referrals: Mapping[str, Referral]
    spots: Mapping[tuple[str, str], Spot]
    words: ScreenWords
