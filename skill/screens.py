"""Screens: what a device with a display shows for a turn, built from the content and the turn.

A turn's response keys (``Turn.said``) and state decide which screen, if any: the answer (the
place said, the ranked muscles, the top one's referral zone), a step (number, instruction, the
ball or roller spot), a hold (the same, with a countdown that matches the spoken hold), a paused
step, or the red-flag advice. One :class:`Screen` renders two ways: an APL document and
datasource for Alexa (:mod:`skill.apl`), and an SVG for people and the gallery
(:mod:`tpcoach.svg`). The pictures
come from ``content/geometry.yaml``: one side given, mirrored for the other.

Nothing here changes what is spoken; reading response texts never touches the turn's renderer,
so variants and the ``said`` list stay exactly as the handlers left them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from skill.content import (
    ANY_ASPECT,
    FIGURE_HEIGHT,
    FIGURE_WIDTH,
    GENERAL_RED_FLAG,
    Catalogue,
    Geometry,
    Point,
    Zone,
)
from skill.speech import step_text
from skill.state import State

Json = dict[str, Any]

# Touch buttons send Alexa.Presentation.APL.UserEvent with arguments [button id];
# skill/display.py maps each to the intent the same words reach by voice.
STEP_BUTTONS = ("back", "repeat", "pause", "next")
PAUSED_BUTTONS = ("back", "repeat", "resume", "next")

# Colours: a dark screen, the body in slate, pain red, referral amber, equipment blue.
BACKGROUND = "#0E1621"
BODY_FILL = "#2A3A4B"
BODY_LINE = "#9FB3C8"
TEXT = "#F4F7FA"
MUTED = "#9FB3C8"
PAIN = "#FF5A4E"
REFERRAL = "#FFB13B"
EQUIPMENT = "#3FB6FF"
BUTTON = "#22374D"
ALERT = "#D7263D"

Y0 = 26  # room above the figures for their labels
CANVAS_W, CANVAS_H = 2 * FIGURE_WIDTH, FIGURE_HEIGHT + Y0 + 24
SPEECH_WORDS_PER_SECOND = 2.6  # Alexa's usual pace, for when a spoken hold starts


# --------------------------------------------------------------------------- the picture


@dataclass(frozen=True)
class Path:
    d: str
    fill: str = "none"
    stroke: str = "none"
    width: float = 0
    opacity: float = 1


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float
    color: str = MUTED


@dataclass
class Figure:
    paths: list[Path] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


def num(value: float) -> str:
    """A coordinate as drawings write it: one decimal at most, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def drawn_x(view: str, side: str, x: float) -> float:
    """Canvas x of a point ``x`` out from the midline on ``side``, in ``view``.

    Front: the person faces you, so their left is on your right. Back: their left is on your left.
    """
    middle = FIGURE_WIDTH / 2 if view == "front" else FIGURE_WIDTH * 1.5
    outward = 1 if (view == "front") == (side == "left") else -1
    return middle + outward * x


def sides_for(side: str | None) -> tuple[str, ...]:
    return (side,) if side in ("left", "right") else ("left", "right")


def ellipse(view: str, side: str, zone: Zone) -> str:
    cx, cy, rx, ry = drawn_x(view, side, zone.x), zone.y + Y0, zone.rx, zone.ry
    return (
        f"M{num(cx - rx)},{num(cy)} A{num(rx)},{num(ry)} 0 1,0 {num(cx + rx)},{num(cy)}"
        f" A{num(rx)},{num(ry)} 0 1,0 {num(cx - rx)},{num(cy)} Z"
    )


def body(geo: Geometry) -> Figure:
    """Both views of the outline, their landmarks and labels."""
    figure = Figure()
    half = geo.outline.half
    words = geo.words.labels
    for view in ("front", "back"):
        one = [(drawn_x(view, "left", x), y + Y0) for x, y in half]
        other = [(drawn_x(view, "right", x), y + Y0) for x, y in reversed(half)]
        points = one + other
        d = "M" + " L".join(f"{num(x)},{num(y)}" for x, y in points) + " Z"
        figure.paths.append(Path(d, fill=BODY_FILL, stroke=BODY_LINE, width=1.5))
        for line in geo.outline.lines:
            if line.view == view:
                for side in ("left", "right"):
                    d = "M" + " L".join(
                        f"{num(drawn_x(view, side, x))},{num(y + Y0)}" for x, y in line.points
                    )
                    figure.paths.append(Path(d, stroke=BODY_LINE, width=1, opacity=0.7))
        for ring in geo.outline.rings:
            if ring.view == view:
                for side in ("left", "right"):
                    figure.paths.append(
                        Path(ellipse(view, side, ring), stroke=BODY_LINE, width=1, opacity=0.7)
                    )
        middle = drawn_x(view, "left", 0)
        figure.labels.append(Label(middle, 16, words.get(view, view.upper()), 14))
        for side in ("left", "right"):
            figure.labels.append(
                Label(drawn_x(view, side, 24), CANVAS_H - 6, words.get(side, side[0]), 13)
            )
    return figure


def add_zones(
    figure: Figure, zones: Sequence[Zone], side: str | None, colour: str, opacity: float
) -> None:
    for zone in zones:
        for s in sides_for(side):
            figure.paths.append(
                Path(
                    ellipse(zone.view, s, zone),
                    fill=colour,
                    stroke=colour,
                    width=1,
                    opacity=opacity,
                )
            )


def add_knot(figure: Figure, point: Point, side: str | None) -> None:
    for s in sides_for(side):
        ring = Zone(point.view, point.x, point.y, 4, 4)
        figure.paths.append(Path(ellipse(point.view, s, ring), fill=TEXT, stroke=REFERRAL, width=2))


def add_spot(
    figure: Figure, geo: Geometry, equipment: str, point: Point, lean: str | None, side: str | None
) -> None:
    shape = geo.equipment[equipment]
    for s in sides_for(side):
        cx, cy = drawn_x(point.view, s, point.x), point.y + Y0
        if shape.shape == "ball":
            ball = Zone(point.view, point.x, point.y, shape.size, shape.size)
            figure.paths.append(
                Path(ellipse(point.view, s, ball), fill=EQUIPMENT, stroke=TEXT, width=1.5)
            )
        else:
            w, h = shape.size, 5.0
            d = (
                f"M{num(cx - w + h)},{num(cy - h)} L{num(cx + w - h)},{num(cy - h)}"
                f" A{num(h)},{num(h)} 0 0,1 {num(cx + w - h)},{num(cy + h)}"
                f" L{num(cx - w + h)},{num(cy + h)}"
                f" A{num(h)},{num(h)} 0 0,1 {num(cx - w + h)},{num(cy - h)} Z"
            )
            figure.paths.append(Path(d, fill=EQUIPMENT, stroke=TEXT, width=1.5, opacity=0.9))
        if lean:
            figure.paths.append(Path(_arrow(point, s, lean, shape.size), stroke=TEXT, width=2.5))


def _arrow(point: Point, side: str, lean: str, size: float) -> str:
    cx, cy = drawn_x(point.view, side, point.x), point.y + Y0
    if lean in ("up", "down"):
        sign = -1 if lean == "up" else 1
        x0, y0, x1, y1 = cx + size + 8, cy - sign * 10, cx + size + 8, cy + sign * 10
        return (
            f"M{num(x0)},{num(y0)} L{num(x1)},{num(y1)}"
            f" M{num(x1 - 4)},{num(y1 - sign * 5)} L{num(x1)},{num(y1)}"
            f" L{num(x1 + 4)},{num(y1 - sign * 5)}"
        )
    further = point.x + (size + 16 if lean == "out" else -(size + 4))
    nearer = point.x + (size + 4 if lean == "out" else -(size + 16))
    x0, x1 = drawn_x(point.view, side, nearer), drawn_x(point.view, side, further)
    sign = 1 if x1 > x0 else -1
    y = cy - size - 6
    return (
        f"M{num(x0)},{num(y)} L{num(x1)},{num(y)}"
        f" M{num(x1 - sign * 5)},{num(y - 4)} L{num(x1)},{num(y)}"
        f" L{num(x1 - sign * 5)},{num(y + 4)}"
    )


# --------------------------------------------------------------------------- screens


@dataclass
class Screen:
    """One screen, before it becomes APL or SVG."""

    kind: str  # answer | step | hold | paused | red_flag
    title: str
    heading: str
    lines: list[str] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    figure: Figure | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (button id, label)
    seconds: int = 0  # hold length, for the countdown
    lead_ms: int = 0  # speech before "starting now", so the countdown starts with the voice
    cues: list[tuple[int, str]] = field(default_factory=list)  # (seconds left, text)
    number: str = ""  # the emergency number, red-flag screens only
    number_label: str = ""
    card_title: str = ""
    card_text: str = ""


def response_text(cat: Catalogue, key: str, **values: object) -> str:
    """A response's first variant, filled in: for screens, without touching the renderer."""
    return cat.responses[key].variants[0].format(**{k: str(v) for k, v in values.items()})


def short(text: str, limit: int = 90) -> str:
    """The instruction in a few words: its first sentence, or its first words."""
    first = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _buttons(geo: Geometry, ids: Sequence[str]) -> list[tuple[str, str]]:
    return [(b, geo.words.buttons.get(b, b)) for b in ids]


def answer_screen(
    cat: Catalogue, geo: Geometry, state: State, said: Sequence[str]
) -> Screen | None:
    if not state.muscles:
        return None
    muscles = [cat.muscles[m] for m in state.muscles if m in cat.muscles]
    if not muscles:
        return None
    labels = geo.words.labels
    figure = body(geo)
    legend = []
    place = None
    if state.region is not None and state.region in cat.regions and "answer_muscle" not in said:
        region = cat.regions[state.region]
        aspect = state.aspect if state.aspect in region.locations else ANY_ASPECT
        place = geo.places.get((region.id, aspect or ANY_ASPECT))
    # The place first, the referral zone over it (translucent), the knot on top of both.
    if place:
        add_zones(figure, place, state.side, PAIN, 0.75)
        legend.append((PAIN, labels.get("pain", "")))
    top = geo.referrals.get(muscles[0].id)
    if top is not None:
        add_zones(figure, top.zones, state.side, REFERRAL, 0.5)
        if top.knot:
            add_knot(figure, top.knot, state.side)
        legend.append((REFERRAL, labels.get("referral", "")))
    lines = [f"{i}. {m.name}" for i, m in enumerate(muscles[:4], start=1)]
    buttons = _buttons(geo, ("yes",)) if state.pending in ("offer_routine", "next_muscle") else []
    return Screen(
        kind="answer",
        title=labels.get("answer", ""),
        heading=muscles[0].name,
        lines=lines,
        legend=legend,
        figure=figure,
        buttons=buttons,
    )


_STEP = re.compile(r"^step:(?P<muscle>[^:]+):(?P<number>\d+)$")


def step_screen(
    cat: Catalogue, geo: Geometry, state: State, said: Sequence[str], spoken: str, paused: bool
) -> Screen | None:
    routine = state.routine
    if routine is None:
        return None
    content = cat.routine(routine.muscle, routine.equipment)
    if content is None:
        return None
    number = routine.step + 1
    for key in said:
        found = _STEP.match(key)
        if found and found["muscle"] == routine.muscle:
            number = int(found["number"])
    number = min(max(number, 1), len(content.steps))
    step = content.steps[number - 1]
    total = len(content.steps)
    equipment = cat.equipment[routine.equipment].name
    instruction = step_text(cat, step, routine.side, equipment)
    labels = geo.words.labels
    figure = body(geo)
    spot = geo.spots.get((routine.muscle, routine.equipment))
    if spot is not None:
        referral = geo.referrals.get(routine.muscle)
        if referral is not None:
            add_zones(figure, referral.zones, routine.side, REFERRAL, 0.3)
        add_spot(figure, geo, routine.equipment, spot.for_step(number), spot.lean, routine.side)
    muscle = cat.muscles[routine.muscle].name
    title = labels.get("step", "").format(number=number, total=total)
    screen = Screen(
        kind="paused" if paused else "step",
        title=f"{muscle} · {title}",
        heading=short(instruction),
        legend=[(EQUIPMENT, labels.get("spot", ""))],
        figure=figure,
        buttons=_buttons(geo, PAUSED_BUTTONS if paused else STEP_BUTTONS),
        card_title=f"{muscle}: {title}",
        card_text=instruction,
    )
    if paused:
        screen.lines = [labels.get("paused", "")]
        return screen
    if step.seconds:
        seconds = step.seconds
        screen.kind = "hold"
        screen.seconds = seconds
        screen.lines = [labels.get("hold", "").format(seconds=seconds)]
        screen.card_text += "\n\n" + screen.lines[0]
        start = response_text(cat, "hold_start", seconds=seconds)
        before = spoken.split(start, 1)[0] + start if start in spoken else ""
        screen.lead_ms = round(len(before.split()) / SPEECH_WORDS_PER_SECOND * 1000)
        screen.cues = [(seconds, response_text(cat, "hold_start", seconds=seconds))]
        if seconds >= 30:
            screen.cues.append((seconds - seconds // 2, response_text(cat, "hold_halfway")))
        if seconds > 15:
            screen.cues.append((10, response_text(cat, "hold_ten_more")))
        screen.cues.append((0, response_text(cat, "hold_release")))
    return screen


def _advice(cat: Catalogue, advice: str, locale: str) -> str:
    """A red flag's advice as said in ``locale``, with its emergency and urgent-care numbers."""
    numbers = cat.safety.numbers.get(locale) or cat.safety.numbers["en-US"]
    return advice.format(**numbers)


def red_flag_screen(cat: Catalogue, geo: Geometry, spoken: str, locale: str) -> Screen:
    """The advice in the turn, its one action large, and the number to call where it says so."""
    flags = [f for f in cat.safety.red_flags if _advice(cat, f.advice, locale) in spoken]
    words = geo.words
    chosen = [words.red_flags[f.id] for f in flags if f.id in words.red_flags]
    if len(chosen) != 1:
        chosen = [words.red_flags[GENERAL_RED_FLAG]]
    action = chosen[0]
    advice = [_advice(cat, f.advice, locale) for f in flags] or [spoken]
    number = words.numbers.get(locale) or words.numbers.get("en-US", "")
    return Screen(
        kind="red_flag",
        title=words.labels.get("red_flag", ""),
        heading=action.action,
        lines=advice,
        number=number if action.call else "",
        number_label=words.labels.get("call", "") if action.call else "",
        card_title=f"{words.labels.get('red_flag', '')}: {action.action}",
        card_text="\n\n".join(
            [
                *advice,
                *([f"{words.labels.get('call', '')}: {number}"] if action.call else []),
                cat.safety.disclaimer.text,
            ]
        ),
    )


def screen_for(
    cat: Catalogue,
    geo: Geometry,
    state: State,
    said: Sequence[str],
    spoken: str,
    locale: str = "en-US",
) -> Screen | None:
    """The screen a turn calls for, or None (then the device keeps its own)."""
    red = [k for k in said if k.startswith("red_flag")]
    advice_heard = any(_advice(cat, f.advice, locale) in spoken for f in cat.safety.red_flags)
    if advice_heard or any(k != "red_flag_which" for k in red):
        return red_flag_screen(cat, geo, spoken, locale)
    if any(_STEP.match(k) for k in said):
        return step_screen(cat, geo, state, said, spoken, paused=False)
    if "paused" in said and state.routine is not None and state.routine.started:
        return step_screen(cat, geo, state, said, spoken, paused=True)
    if {"answer", "answer_condition", "answer_muscle", "answer_also"} & set(said):
        return answer_screen(cat, geo, state, said)
    return None
