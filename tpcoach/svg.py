"""A screen as an SVG, for people and the gallery (``tpcoach gallery``), and the skill's icons;
drawn from the same :class:`skill.screens.Screen` as the APL document."""

from __future__ import annotations

from html import escape

from skill.content import (
    FIGURE_WIDTH,
    Geometry,
    Point,
    Zone,
)
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
    Path,
    Screen,
    body,
    ellipse,
    num,
)

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
        f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{color}"{weight}'
        f' text-anchor="{anchor}">{escape(text, quote=False)}</text>'
    )


def figure_svg(figure: Figure, x: float, y: float, scale: float) -> list[str]:
    out = [f'<g transform="translate({num(x)},{num(y)}) scale({scale:.4f})">']
    for p in figure.paths:
        attrs = [f'd="{p.d}"', f'fill="{p.fill}"']
        if p.fill != "none" and p.opacity != 1:
            attrs.append(f'fill-opacity="{p.opacity}"')
        if p.stroke != "none":
            attrs += [
                f'stroke="{p.stroke}"',
                f'stroke-width="{num(p.width)}"',
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
    """The screen as an SVG of an Echo Show 8 (1280 x 800); a hold is drawn at its halfway cue.

    Long on purpose: one drawing, top to bottom as on the device (texts, legend, countdown,
    figure, buttons), each part a few lines."""
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
        out.append(f'<circle cx="{num(left + 10)}" cy="{num(y - 8)}" r="10" fill="{colour}"/>')
        out.append(_svg_text(left + 32, y, label, 22, MUTED))
    if screen.seconds:
        left_now = screen.seconds // 2 if at_seconds_left is None else at_seconds_left
        y += 30
        r = 80.0
        cx, cy = left + r + 8, y + r
        length = 2 * 3.14159265 * r
        done = length * (1 - left_now / screen.seconds)
        out.append(
            f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="none" stroke="{BUTTON}"'
            ' stroke-width="16"/>'
        )
        out.append(
            f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="none" stroke="{EQUIPMENT}"'
            f' stroke-width="16" stroke-dasharray="{num(length)}" stroke-dashoffset="{num(done)}"'
            f' transform="rotate(-90 {num(cx)} {num(cy)})"/>'
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
                f'<rect x="{num(x)}" y="{num(by - 40)}" width="{w}" height="56" rx="16"'
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
