"""``geometry.yaml`` and ``screens.yaml``: the pictures, checked against the catalogue's ids."""

from __future__ import annotations

from types import MappingProxyType

from skill.content.figures import (
    FIGURE_HEIGHT,
    GENERAL_RED_FLAG,
    LEANS,
    MAX_OFFSET,
    SHAPES,
    VIEWS,
    Geometry,
    Line,
    Outline,
    Point,
    RedFlagScreen,
    Referral,
    ScreenWords,
    Shape,
    Spot,
    Zone,
)
from skill.content.objects import Catalogue
from skill.content.reader import Reader, YamlMap


def _text_map(reader: Reader, node: YamlMap, key: str) -> dict[str, str]:
    value = reader.get_map(node, key)
    if value is None:
        return {}
    out = {}
    for k, v in value.items():
        if not isinstance(v, str) or not v.strip():
            reader.problem(value.key_lines.get(k, value.line), f"'{k}' must be non-empty text")
        else:
            out[str(k)] = v.strip()
    return out


def build_screen_words(reader: Reader, cat: Catalogue) -> ScreenWords:
    labels = _text_map(reader, reader.root, "labels")
    buttons: dict[str, str] = {}
    for node in reader.maps(reader.root, "buttons"):
        bid, label = reader.get_str(node, "id"), reader.get_str(node, "label")
        if bid and label:
            buttons[bid] = label
    flags: dict[str, RedFlagScreen] = {}
    known = {f.id for f in cat.safety.red_flags} | {GENERAL_RED_FLAG}
    for node in reader.maps(reader.root, "red_flags"):
        fid, action = reader.get_str(node, "id"), reader.get_str(node, "action")
        call = node.get("call", False)
        if fid is not None and fid not in known:
            reader.problem(node.line, f"red flag '{fid}' is not in safety.yaml")
        elif not isinstance(call, bool):
            reader.problem(reader.line_of(node, "call"), "'call' must be true or false")
        elif fid and action:
            flags[fid] = RedFlagScreen(action, call)
    for fid in sorted(known - flags.keys()):
        reader.problem(1, f"red flag '{fid}' has no entry under 'red_flags'")
    numbers_node = reader.get_map(reader.root, "emergency_numbers")
    numbers: dict[str, str] = {}
    if numbers_node is not None:
        reader.get_str(numbers_node, "source")
        numbers = _text_map(reader, numbers_node, "numbers")
    return ScreenWords(
        MappingProxyType(labels),
        MappingProxyType(buttons),
        MappingProxyType(flags),
        MappingProxyType(numbers),
    )


def _number(reader: Reader, node: YamlMap, key: str, low: float, high: float) -> float | None:
    value = node.get(key)
    if value is None:
        reader.problem(node.line, f"missing '{key}'")
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        reader.problem(reader.line_of(node, key), f"'{key}' must be a number")
        return None
    if not low <= value <= high:
        reader.problem(reader.line_of(node, key), f"'{key}' {value} is outside {low} to {high}")
        return None
    return float(value)


def _view(reader: Reader, node: YamlMap) -> str | None:
    view = reader.get_str(node, "view")
    if view is not None and view not in VIEWS:
        reader.problem(reader.line_of(node, "view"), f"view must be one of {', '.join(VIEWS)}")
        return None
    return view


def _point(reader: Reader, node: YamlMap | None) -> Point | None:
    if node is None:
        return None
    view = _view(reader, node)
    x = _number(reader, node, "x", 0, MAX_OFFSET)
    y = _number(reader, node, "y", 0, FIGURE_HEIGHT)
    if view is None or x is None or y is None:
        return None
    return Point(view, x, y)


def _zone(reader: Reader, node: YamlMap) -> Zone | None:
    point = _point(reader, node)
    rx = _number(reader, node, "rx", 1, MAX_OFFSET)
    ry = _number(reader, node, "ry", 1, FIGURE_HEIGHT / 2)
    if point is None or rx is None or ry is None:
        return None
    return Zone(point.view, point.x, point.y, rx, ry)


def _zones(reader: Reader, node: YamlMap, key: str) -> tuple[Zone, ...]:
    zones = tuple(z for z in (_zone(reader, n) for n in reader.maps(node, key)) if z)
    if not zones and isinstance(node.get(key), list):
        reader.problem(reader.line_of(node, key), f"'{key}' needs at least one zone")
    return zones


def _points(reader: Reader, node: YamlMap, key: str) -> tuple[tuple[float, float], ...]:
    value = node.get(key)
    ok = isinstance(value, list) and all(
        isinstance(p, list)
        and len(p) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in p)
        for p in value
    )
    if not ok or not value or len(value) < 2:
        reader.problem(reader.line_of(node, key), f"'{key}' must be a list of [x, y] pairs")
        return ()
    points = tuple((float(p[0]), float(p[1])) for p in value)
    for x, y in points:
        if not (0 <= x <= MAX_OFFSET and 0 <= y <= FIGURE_HEIGHT):
            reader.problem(
                reader.line_of(node, key),
                f"point [{x:g}, {y:g}] is outside the figure (x 0 to {MAX_OFFSET},"
                f" y 0 to {FIGURE_HEIGHT})",
            )
    return points


def build_geometry(reader: Reader, cat: Catalogue, words: ScreenWords) -> Geometry | None:
    outline = _outline(reader, cat)
    shapes = _shapes(reader, cat)
    places = _places(reader, cat)
    referrals = _referrals(reader, cat)
    spots = _spots(reader, cat)
    if outline is None or not outline.half:
        return None
    return Geometry(
        outline=outline,
        equipment=MappingProxyType(shapes),
        places=MappingProxyType(places),
        referrals=MappingProxyType(referrals),
        spots=MappingProxyType(spots),
        words=words,
    )


def _outline(reader: Reader, cat: Catalogue) -> Outline | None:
    """The body's outline: half of it (mirrored), its lines and rings."""
    root = reader.root
    outline_node = reader.get_map(root, "outline")
    outline = None
    if outline_node is not None:
        half = _points(reader, outline_node, "half")
        lines = []
        for node in reader.maps(outline_node, "lines", required=False):
            view = _view(reader, node)
            points = _points(reader, node, "points")
            if view and points:
                lines.append(Line(view, points))
        ring_nodes = reader.maps(outline_node, "rings", required=False)
        rings = tuple(z for z in (_zone(reader, n) for n in ring_nodes) if z)
        outline = Outline(half, tuple(lines), rings)
    return outline


def _shapes(reader: Reader, cat: Catalogue) -> dict[str, Shape]:
    """The shape and size of each piece of equipment."""
    root = reader.root
    shapes: dict[str, Shape] = {}
    for node in reader.maps(root, "equipment"):
        eid, shape = reader.get_str(node, "id"), reader.get_str(node, "shape")
        size = _number(reader, node, "size", 1, MAX_OFFSET)
        if eid is not None and eid not in cat.equipment:
            reader.problem(node.line, f"equipment '{eid}' is not in regions.yaml")
        elif shape is not None and shape not in SHAPES:
            reader.problem(reader.line_of(node, "shape"), f"shape must be one of {SHAPES}")
        elif eid and shape and size:
            shapes[eid] = Shape(shape, size)
    for eid in cat.equipment:
        if eid not in shapes:
            reader.problem(1, f"equipment '{eid}' has no shape under 'equipment'")
    return shapes


def _places(reader: Reader, cat: Catalogue) -> dict[tuple[str, str], tuple[Zone, ...]]:
    """The zones of every pain location."""
    root = reader.root
    places: dict[tuple[str, str], tuple[Zone, ...]] = {}
    for node in reader.maps(root, "places"):
        region, aspect = reader.get_str(node, "region"), reader.get_str(node, "aspect")
        zones = _zones(reader, node, "zones")
        if region is None or aspect is None:
            continue
        known = cat.regions.get(region)
        if known is None or aspect not in known.locations:
            reader.problem(node.line, f"place {region}/{aspect} is not a location in regions.yaml")
        elif (region, aspect) in places:
            reader.problem(node.line, f"place {region}/{aspect} is given twice")
        elif zones:
            places[(region, aspect)] = zones
    for r in cat.regions.values():
        for aspect in r.locations:
            if (r.id, aspect) not in places:
                reader.problem(1, f"location {r.id}/{aspect} has no entry under 'places'")
    return places


def _referrals(reader: Reader, cat: Catalogue) -> dict[str, Referral]:
    """Each muscle's knot and where it refers."""
    root = reader.root
    referrals: dict[str, Referral] = {}
    for node in reader.maps(root, "referrals"):
        mid = reader.get_str(node, "muscle")
        knot = _point(reader, node.get("knot")) if isinstance(node.get("knot"), YamlMap) else None
        zones = _zones(reader, node, "zones")
        if mid is None:
            continue
        if mid not in cat.muscles:
            reader.problem(node.line, f"muscle '{mid}' is not in muscles.yaml")
        elif mid in referrals:
            reader.problem(node.line, f"muscle '{mid}' is given twice")
        elif zones:
            referrals[mid] = Referral(mid, knot, zones)
    for mid in cat.muscles:
        if mid not in referrals:
            reader.problem(1, f"muscle '{mid}' has no entry under 'referrals'")
    return referrals


def _spots(reader: Reader, cat: Catalogue) -> dict[tuple[str, str], Spot]:
    """Where the ball or roller goes for each routine, step by step."""
    root = reader.root
    spots: dict[tuple[str, str], Spot] = {}
    for node in reader.maps(root, "spots"):
        mid, eid = reader.get_str(node, "muscle"), reader.get_str(node, "equipment")
        at = _point(reader, reader.get_map(node, "at"))
        lean = reader.get_str(node, "lean", required=False)
        if lean is not None and lean not in LEANS:
            reader.problem(reader.line_of(node, "lean"), f"lean must be one of {', '.join(LEANS)}")
        moved: dict[int, Point] = {}
        steps_node = node.get("steps")
        routine = cat.routine(mid or "", eid or "")
        if steps_node is not None:
            if not isinstance(steps_node, YamlMap):
                reader.problem(
                    reader.line_of(node, "steps"), "'steps' must map step numbers to spots"
                )
            else:
                for number, value in steps_node.items():
                    point = _point(reader, value) if isinstance(value, YamlMap) else None
                    total = len(routine.steps) if routine else 0
                    if not isinstance(number, int) or not 1 <= number <= max(total, 1):
                        reader.problem(
                            steps_node.key_lines.get(str(number), steps_node.line),
                            f"step {number} is not a step of the {mid}/{eid} routine",
                        )
                    elif point is not None:
                        moved[number] = point
        if mid is None or eid is None or at is None:
            continue
        if routine is None:
            reader.problem(node.line, f"spot {mid}/{eid} is not a routine in routines.yaml")
        elif (mid, eid) in spots:
            reader.problem(node.line, f"spot {mid}/{eid} is given twice")
        else:
            spots[(mid, eid)] = Spot(mid, eid, at, MappingProxyType(moved), lean)
    for key in cat.routines:
        if key not in spots:
            reader.problem(1, f"routine {key[0]}/{key[1]} has no entry under 'spots'")
    return spots
