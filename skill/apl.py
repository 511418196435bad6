"""A screen as Alexa shows it: the APL document and datasource (:func:`apl`), with the figure as
AVG vector graphics, and the RenderDocument directive that carries them."""

from __future__ import annotations

from html import escape
from typing import Any

from skill.screens import (
    ALERT,
    BACKGROUND,
    BUTTON,
    CANVAS_H,
    CANVAS_W,
    EQUIPMENT,
    MUTED,
    REFERRAL,
    TEXT,
    Figure,
    Json,
    Screen,
)

APL_VERSION = "2023.3"
AVG_VERSION = "1.2"
TOKEN = "trigger-point-coach"


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
    """The APL document and datasource for a screen.

    Long on purpose: it is one APL document, written out as it nests (column, figure, texts,
    countdown, buttons), so that it reads as the screen it draws; pieces used more than once are
    the helpers above."""
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
