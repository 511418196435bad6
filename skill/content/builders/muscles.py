"""``muscles.yaml``: each muscle, where its knots send pain, and its routines or why it has none."""

from __future__ import annotations

from skill.content.builders import Build
from skill.content.objects import Muscle, NoPressure
from skill.content.reader import YamlMap


def build(b: Build) -> tuple[dict[str, Muscle], dict[str, int]]:
    """The muscles, and the line each is declared on (for the checks across files)."""
    reader = b.readers["muscles.yaml"]
    muscles: dict[str, Muscle] = {}
    lines: dict[str, int] = {}
    for node in reader.maps(reader.root, "muscles"):
        mid = reader.get_str(node, "id")
        name = reader.get_str(node, "name")
        refers = reader.get_str(node, "refers")
        src = b.source(reader, node)
        ws = reader.get_words(node, "words")
        for w in ws:
            b.words.claim("muscle", w, f"muscle '{mid}'", reader, reader.line_of(node, "words"))
        routines = reader.get_words(node, "routines", required=False)
        no_pressure = None
        np_node = node.get("no_pressure")
        if np_node is not None:
            if isinstance(np_node, YamlMap):
                r, a = reader.get_str(np_node, "reason"), reader.get_str(np_node, "alternative")
                s = b.source(reader, np_node)
                if r and a:
                    no_pressure = NoPressure(r, a, s)
            else:
                line = reader.line_of(node, "no_pressure")
                reader.problem(line, "'no_pressure' must be a mapping")
        if not routines and no_pressure is None:
            reader.problem(
                node.line, f"muscle '{mid}' has neither routines nor a no_pressure reason"
            )
        if routines and no_pressure is not None:
            reader.problem(node.line, f"muscle '{mid}' has both routines and no_pressure")
        for e in routines:
            line = reader.line_of(node, "routines")
            b.refer("equipment", e, reader, line, f"unknown equipment '{e}'")
        also = reader.get_words(node, "also", required=False)
        for m in also:
            line = reader.line_of(node, "also")
            b.refer("muscle", m, reader, line, f"unknown muscle '{m}'")
            if m == mid:
                reader.problem(line, f"muscle '{mid}' lists itself in 'also'")
        if mid and name and refers:
            if mid in muscles:
                reader.problem(node.line, f"muscle '{mid}' is declared twice")
            muscles[mid] = Muscle(
                mid,
                name,
                reader.get_str(node, "full_name", required=False),
                ws,
                refers,
                src,
                routines,
                no_pressure,
                reader.get_str(node, "more", required=False),
                also,
            )
            lines[mid] = node.line
    return muscles, lines
