"""Screens: what a device with a display shows for a turn, built from the content and the turn.

A turn's response keys (``Turn.said``) and state decide which screen, if any: the answer (the
place said, the ranked muscles, the top one's referral zone), a step (number, instruction, the
ball or roller spot), a hold (the same, with a countdown that matches the spoken hold), a paused
step, or the red-flag advice. One :class:`Screen` renders two ways: an APL document and
datasource for Alexa (``apl``), and an SVG for people and the gallery (``svg``). The pictures
come from ``content/geometry.yaml``: one side given, mirrored for the other.

Nothing here changes what is spoken; reading response texts never touches the turn's renderer,
so variants and the ``said`` list stay exactly as the handlers left them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
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

APL_VERSION = "2023.3"
AVG_VERSION = "1.2"
TOKEN = "trigger-point-coach"

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


def _n(value: float) -> str:
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
        f"M{_n(cx - rx)},{_n(cy)} A{_n(rx)},{_n(ry)} 0 1,0 {_n(cx + rx)},{_n(cy)}"
        f" A{_n(rx)},{_n(ry)} 0 1,0 {_n(cx - rx)},{_n(cy)} Z"
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
        d = "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in points) + " Z"
        figure.paths.append(Path(d, fill=BODY_FILL, stroke=BODY_LINE, width=1.5))
        for line in geo.outline.lines:
            if line.view == view:
                for side in ("left", "right"):
                    d = "M" + " L".join(
                        f"{_n(drawn_x(view, side, x))},{_n(y + Y0)}" for x, y in line.points
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
                f"M{_n(cx - w + h)},{_n(cy - h)} L{_n(cx + w - h)},{_n(cy - h)}"
                f" A{_n(h)},{_n(h)} 0 0,1 {_n(cx + w - h)},{_n(cy + h)}"
                f" L{_n(cx - w + h)},{_n(cy + h)}"
                f" A{_n(h)},{_n(h)} 0 0,1 {_n(cx - w + h)},{_n(cy - h)} Z"
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
            f"M{_n(x0)},{_n(y0)} L{_n(x1)},{_n(y1)}"
            f" M{_n(x1 - 4)},{_n(y1 - sign * 5)} L{_n(x1)},{_n(y1)}"
            f" L{_n(x1 + 4)},{_n(y1 - sign * 5)}"
        )
    further = point.x + (size + 16 if lean == "out" else -(size + 4))
    nearer = point.x + (size + 4 if lean == "out" else -(size + 16))
    x0, x1 = drawn_x(point.view, side, nearer), drawn_x(point.view, side, further)
    sign = 1 if x1 > x0 else -1
    y = cy - size - 6
    return (
        f"M{_n(x0)},{_n(y)} L{_n(x1)},{_n(y)}"
        f" M{_n(x1 - sign * 5)},{_n(y - 4)} L{_n(x1)},{_n(y)} L{_n(x1 - sign * 5)},{_n(y + 4)}"
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


# --------------------------------------------------------------------------- APL


def avg(figure: Figure) -> Json:
    items: list[Json] = []
    for p in figure.paths:
        item: Json = {"type": "path", "pathData": p.d}
        if p.fill != "none":
            item["fill"] = p.fill
            if p.opacity != 1:
                item["fillOpacity"] = p.opacity
        if p.stroke != "none":
            item["stroke"] = p.stroke
            item["strokeWidth"] = p.width
            if p.opacity != 1:
                item["strokeOpacity"] = p.opacity
        items.append(item)
    for label in figure.labels:
        items.append(
            {
                "type": "text",
                "text": label.text,
                "x": label.x,
                "y": label.y,
                "fontSize": label.size,
                "fontWeight": "bold",
                "fill": label.color,
                "textAnchor": "middle",
            }
        )
    return {
        "type": "AVG",
        "version": AVG_VERSION,
        "width": CANVAS_W,
        "height": CANVAS_H,
        "items": items,
    }


RING: Json = {
    "type": "AVG",
    "version": AVG_VERSION,
    "width": 100,
    "height": 100,
    "parameters": [{"name": "fraction", "type": "number", "default": 1}],
    "items": [
        {
            "type": "path",
            "pathData": "M50,5 A45,45 0 1,1 50,95 A45,45 0 1,1 50,5",
            "stroke": BUTTON,
            "strokeWidth": 8,
        },
        {
            "type": "path",
            "pathData": "M50,5 A45,45 0 1,1 50,95 A45,45 0 1,1 50,5",
            "stroke": EQUIPMENT,
            "strokeWidth": 8,
            "pathLength": 100,
            "strokeDashArray": [100, 100],
            "strokeDashOffset": "${100 - 100 * fraction}",
        },
    ],
}

P = "payload.screen.properties"


def _text(text: str, size: str, color: str = TEXT, **more: Any) -> Json:
    return {"type": "Text", "text": text, "fontSize": size, "color": color, **more}


def _button(button: str, index: int) -> Json:
    return {
        "type": "TouchWrapper",
        "id": f"button-{button}",
        "spacing": "12dp" if index else "0dp",
        "onPress": [{"type": "SendEvent", "arguments": [button]}],
        "item": {
            "type": "Frame",
            "backgroundColor": BUTTON,
            "borderRadius": "16dp",
            "paddingLeft": "20dp",
            "paddingRight": "20dp",
            "paddingTop": "10dp",
            "paddingBottom": "10dp",
            "item": _text(f"${{{P}.buttons[{index}].label}}", "26dp", fontWeight="bold"),
        },
    }


def _countdown(screen: Screen) -> Json:
    # Nested choice of cue by seconds left: release at 0, then ten more, halfway, start.
    cue = f"{P}.cues[0].text"
    for i, (left, _) in enumerate(screen.cues[1:], start=1):
        cue = f"(remaining <= {left} ? {P}.cues[{i}].text : {cue})"
    return {
        "type": "Container",
        "id": "countdown",
        "direction": "row",
        "alignItems": "center",
        "spacing": "16dp",
        "bind": [{"name": "remaining", "type": "number", "value": screen.seconds}],
        "onMount": [
            {
                "type": "Sequential",
                "delay": screen.lead_ms,
                "repeatCount": screen.seconds - 1,
                "commands": [
                    {
                        "type": "SetValue",
                        "componentId": "countdown",
                        "property": "remaining",
                        "value": "${remaining - 1}",
                        "delay": 1000,
                    }
                ],
            }
        ],
        "items": [
            {
                "type": "Container",
                "width": "26vh",
                "height": "26vh",
                "items": [
                    {
                        "type": "VectorGraphic",
                        "source": "ring",
                        "width": "100%",
                        "height": "100%",
                        "scale": "best-fit",
                        "fraction": f"${{remaining / {screen.seconds}}}",
                    },
                    _text(
                        "${remaining}",
                        "9vh",
                        position="absolute",
                        width="100%",
                        height="100%",
                        textAlign="center",
                        textAlignVertical="center",
                        fontWeight="bold",
                    ),
                ],
            },
            _text(f"${{{cue}}}", "30dp", REFERRAL, grow=1, shrink=1, fontWeight="bold"),
        ],
    }


def apl(screen: Screen) -> tuple[Json, Json]:
    """The APL document and datasource for a screen."""
    graphics: Json = {}
    column: list[Json] = [
        _text(f"${{{P}.title}}", "24dp", MUTED),
        _text(
            f"${{{P}.heading}}",
            "44dp" if screen.kind != "red_flag" else "56dp",
            ALERT if screen.kind == "red_flag" else TEXT,
            fontWeight="bold",
            spacing="8dp",
        ),
    ]
    if screen.number:
        column.append(
            {
                "type": "Container",
                "direction": "row",
                "alignItems": "center",
                "spacing": "12dp",
                "items": [
                    _text(f"${{{P}.numberLabel}}", "28dp", MUTED),
                    _text(f"${{{P}.number}}", "96dp", TEXT, fontWeight="bold", spacing="24dp"),
                ],
            }
        )
    column.append(
        _text(
            f"${{{P}.text}}",
            "28dp" if screen.kind != "red_flag" else "24dp",
            TEXT,
            spacing="12dp",
            shrink=1,
            maxLines=8,
        )
    )
    for i, (colour, _) in enumerate(screen.legend):
        column.append(
            {
                "type": "Container",
                "direction": "row",
                "alignItems": "center",
                "spacing": "8dp",
                "items": [
                    {
                        "type": "Frame",
                        "width": "20dp",
                        "height": "20dp",
                        "borderRadius": "10dp",
                        "backgroundColor": colour,
                    },
                    _text(f"${{{P}.legend[{i}]}}", "22dp", MUTED, spacing="10dp"),
                ],
            }
        )
    if screen.seconds:
        graphics["ring"] = RING
        column.append({**_countdown(screen), "spacing": "16dp"})
    if screen.buttons:
        column.append({"type": "Container", "grow": 1})
        column.append(
            {
                "type": "Container",
                "direction": "row",
                "wrap": "wrap",
                "items": [_button(b, i) for i, (b, _) in enumerate(screen.buttons)],
            }
        )
    row: list[Json] = []
    if screen.figure is not None:
        graphics["body"] = avg(screen.figure)
        row.append(
            {
                "type": "VectorGraphic",
                "source": "body",
                "width": "${viewport.shape == 'round' ? '34vw' : '40vw'}",
                "height": "100%",
                "scale": "best-fit",
                "align": "center",
            }
        )
    row.append(
        {
            "type": "Container",
            "grow": 1,
            "shrink": 1,
            "paddingLeft": "24dp",
            "height": "100%",
            "items": column,
        }
    )
    document: Json = {
        "type": "APL",
        "version": APL_VERSION,
        "theme": "dark",
        "description": f"Trigger Point Coach: {screen.kind} screen",
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [
                {
                    "type": "Frame",
                    "width": "100vw",
                    "height": "100vh",
                    "backgroundColor": BACKGROUND,
                    "item": {
                        "type": "Container",
                        "direction": "row",
                        "width": "100%",
                        "height": "100%",
                        "paddingLeft": "${viewport.shape == 'round' ? '10vw' : '4vw'}",
                        "paddingRight": "${viewport.shape == 'round' ? '10vw' : '4vw'}",
                        "paddingTop": "${viewport.shape == 'round' ? '12vh' : '4vh'}",
                        "paddingBottom": "${viewport.shape == 'round' ? '12vh' : '4vh'}",
                        "items": row,
                    },
                }
            ],
        },
    }
    if graphics:
        document["graphics"] = graphics
    datasource: Json = {
        "screen": {
            "type": "object",
            "properties": {
                "kind": screen.kind,
                "title": screen.title,
                "heading": screen.heading,
                "text": "<br>".join(escape(line, quote=False) for line in screen.lines),
                "legend": [label for _, label in screen.legend],
                "buttons": [{"id": b, "label": label} for b, label in screen.buttons],
                "seconds": screen.seconds,
                "cues": [{"left": left, "text": text} for left, text in screen.cues],
                "number": screen.number,
                "numberLabel": screen.number_label,
            },
        }
    }
    return document, datasource


def render_directive(screen: Screen) -> Json:
    document, datasource = apl(screen)
    return {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "token": TOKEN,
        "document": document,
        "datasources": datasource,
    }


# --------------------------------------------------------------------------- SVG


SVG_W, SVG_H = 1280, 800  # an Echo Show 8 or 10, landscape


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


def _svg_text(
    x: float,
    y: float,
    text: str,
    size: float,
    color: str,
    bold: bool = False,
    anchor: str = "start",
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{color}"{weight}'
        f' text-anchor="{anchor}">{escape(text, quote=False)}</text>'
    )


def figure_svg(figure: Figure, x: float, y: float, scale: float) -> list[str]:
    out = [f'<g transform="translate({_n(x)},{_n(y)}) scale({scale:.4f})">']
    for p in figure.paths:
        attrs = [f'd="{p.d}"', f'fill="{p.fill}"']
        if p.fill != "none" and p.opacity != 1:
            attrs.append(f'fill-opacity="{p.opacity}"')
        if p.stroke != "none":
            attrs += [
                f'stroke="{p.stroke}"',
                f'stroke-width="{_n(p.width)}"',
                'stroke-linecap="round"',
                'stroke-linejoin="round"',
            ]
            if p.opacity != 1:
                attrs.append(f'stroke-opacity="{p.opacity}"')
        out.append(f"<path {' '.join(attrs)}/>")
    for label in figure.labels:
        out.append(_svg_text(label.x, label.y, label.text, label.size, label.color, True, "middle"))
    out.append("</g>")
    return out


def svg(screen: Screen, at_seconds_left: int | None = None) -> str:
    """The screen as an SVG of an Echo Show 8 (1280 x 800); a hold is drawn at its halfway cue."""
    font = "DejaVu Sans, Arial, sans-serif"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{SVG_H}"'
        f' viewBox="0 0 {SVG_W} {SVG_H}" font-family="{font}">',
        f'<rect width="{SVG_W}" height="{SVG_H}" fill="{BACKGROUND}"/>',
    ]
    left = 52.0
    if screen.figure is not None:
        scale = (SVG_H - 64) / CANVAS_H
        out += figure_svg(screen.figure, 40, 32, scale)
        left = 40 + CANVAS_W * scale + 40
    room = SVG_W - left - 48

    def fit(size: float, bold: bool = False) -> int:
        return int(room / (size * (0.62 if bold else 0.56)))

    y = 80.0
    out.append(_svg_text(left, y, screen.title, 26, MUTED))
    red = screen.kind == "red_flag"
    heading_size = 54 if red else 42
    for line in _wrap(screen.heading, fit(heading_size, True)):
        y += heading_size * 1.2
        out.append(_svg_text(left, y, line, heading_size, ALERT if red else TEXT, True))
    if screen.number:
        y += 120
        out.append(_svg_text(left, y - 10, screen.number_label, 28, MUTED))
        out.append(_svg_text(left + 300, y, screen.number, 100, TEXT, True))
    y += 16
    size = 24 if red else 30
    for line in _wrap("\n".join(screen.lines), fit(size)):
        y += size * 1.35
        out.append(_svg_text(left, y, line, size, TEXT))
    for colour, label in screen.legend:
        y += 40
        out.append(f'<circle cx="{_n(left + 10)}" cy="{_n(y - 8)}" r="10" fill="{colour}"/>')
        out.append(_svg_text(left + 32, y, label, 22, MUTED))
    if screen.seconds:
        left_now = screen.seconds // 2 if at_seconds_left is None else at_seconds_left
        y += 30
        r = 80.0
        cx, cy = left + r + 8, y + r
        length = 2 * 3.14159265 * r
        done = length * (1 - left_now / screen.seconds)
        out.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{BUTTON}"'
            ' stroke-width="16"/>'
        )
        out.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{EQUIPMENT}"'
            f' stroke-width="16" stroke-dasharray="{_n(length)}" stroke-dashoffset="{_n(done)}"'
            f' transform="rotate(-90 {_n(cx)} {_n(cy)})"/>'
        )
        out.append(_svg_text(cx, cy + 24, str(left_now), 68, TEXT, True, "middle"))
        cue = screen.cues[0][1]
        for seconds_left, text in screen.cues:
            if left_now <= seconds_left:
                cue = text
        room_cue = SVG_W - (cx + r + 28) - 40
        cue_lines = _wrap(cue, int(room_cue / (28 * 0.62)))
        for i, line in enumerate(cue_lines):
            out.append(
                _svg_text(
                    cx + r + 28,
                    cy + 10 + (i - (len(cue_lines) - 1) / 2) * 36,
                    line,
                    28,
                    REFERRAL,
                    True,
                )
            )
    if screen.buttons:
        x, by = left, SVG_H - 60.0
        for _, label in screen.buttons:
            w = 40 + 16 * len(label)
            out.append(
                f'<rect x="{_n(x)}" y="{_n(by - 40)}" width="{w}" height="56" rx="16"'
                f' fill="{BUTTON}"/>'
            )
            out.append(_svg_text(x + w / 2, by - 2, label, 26, TEXT, True, "middle"))
            x += w + 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


def icon_svg(geo: Geometry, size: int) -> str:
    """The skill's icon: the front outline with a ball on the outer thigh, on a round badge."""
    figure = Figure()
    full = body(geo)
    figure.paths.append(full.paths[0])  # the front silhouette
    spot = Point("front", 40, 175)
    figure.paths.append(
        Path(ellipse("front", "left", Zone("front", 42, 175, 7, 40)), fill=REFERRAL, opacity=0.8)
    )
    ball = Zone("front", spot.x, spot.y - 40, 11, 11)
    figure.paths.append(Path(ellipse("front", "left", ball), fill=EQUIPMENT, stroke=TEXT, width=2))
    scale = size * 0.86 / CANVAS_H
    x = size / 2 - (FIGURE_WIDTH / 2) * scale
    body_svg = figure_svg(figure, x, size * 0.04, scale)
    return (
        "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
                f' viewBox="0 0 {size} {size}">',
                f'<circle cx="{size / 2}" cy="{size / 2}" r="{size / 2}" fill="{BACKGROUND}"/>',
                *body_svg,
                "</svg>",
            ]
        )
        + "\n"
    )
