"""``routines.yaml``: the ranges a routine keeps to, and each routine's steps, in order."""

from __future__ import annotations

from collections.abc import Mapping

from skill.content.builders import Build
from skill.content.objects import (
    FLOW_KINDS,
    MAX_FLOW_SECONDS,
    NEEDS,
    STEP_KINDS,
    STEP_PLACEHOLDERS,
    Range,
    Routine,
    Step,
)
from skill.content.reader import Reader, YamlMap, only_placeholders


def build(b: Build) -> tuple[dict[str, Range], dict[tuple[str, str], Routine]]:
    reader = b.readers["routines.yaml"]
    ranges: dict[str, Range] = {}
    ranges_node = reader.get_map(reader.root, "ranges")
    if ranges_node is not None:
        for key in ("hold_seconds", "reps", "steps"):
            r = ranges_node.get(key)
            if not isinstance(r, YamlMap):
                reader.problem(ranges_node.line, f"missing range '{key}'")
                continue
            low, high = reader.get_int(r, "min"), reader.get_int(r, "max")
            range_source = b.source(reader, r) if key != "steps" else None
            if low is not None and high is not None:
                ranges[key] = Range(low, high, range_source)
    routines: dict[tuple[str, str], Routine] = {}
    for node in reader.maps(reader.root, "routines"):
        mid, eid = reader.get_str(node, "muscle"), reader.get_str(node, "equipment")
        src = b.source(reader, node)
        if mid:
            line = reader.line_of(node, "muscle")
            b.refer("muscle", mid, reader, line, f"unknown muscle '{mid}'")
        if eid:
            line = reader.line_of(node, "equipment")
            b.refer("equipment", eid, reader, line, f"unknown equipment '{eid}'")
        needs = reader.get_words(node, "needs", required=False)
        for need in needs:
            if need not in NEEDS:
                reader.problem(
                    reader.line_of(node, "needs"),
                    f"'{need}' is not one of {', '.join(NEEDS)} (what a routine needs)",
                )
        if len(set(needs)) != len(needs):
            reader.problem(reader.line_of(node, "needs"), "a need is listed twice")
        avoid = reader.get_words(node, "avoid", required=False)
        for z in avoid:
            line = reader.line_of(node, "avoid")
            b.refer("avoid_zone", z, reader, line, f"unknown avoid zone '{z}'")
        steps = _steps(reader, node, ranges)
        if "steps" in ranges and steps and len(steps) not in ranges["steps"]:
            limit = ranges["steps"]
            reader.problem(
                reader.line_of(node, "steps"),
                f"a routine needs {limit.min} to {limit.max} steps, this one has {len(steps)}",
            )
        if mid and eid:
            if (mid, eid) in routines:
                reader.problem(node.line, f"second routine for '{mid}' with '{eid}'")
            grab = reader.get_str(node, "grab", required=False)
            tool = reader.get_str(node, "tool", required=False)
            routines[(mid, eid)] = Routine(
                mid, eid, avoid, src, tuple(steps), needs or ("floor",), grab, tool
            )
    return ranges, routines


def _steps(reader: Reader, node: YamlMap, ranges: Mapping[str, Range]) -> list[Step]:
    steps: list[Step] = []
    last_kind = -1
    last_flow: YamlMap | None = None
    for s in reader.maps(node, "steps"):
        kind = reader.get_str(s, "kind")
        text = reader.get_str(s, "text")
        if kind not in STEP_KINDS:
            reader.problem(
                reader.line_of(s, "kind"), f"step kind must be one of {', '.join(STEP_KINDS)}"
            )
            continue
        index = STEP_KINDS.index(kind)
        if index < last_kind:
            reader.problem(
                s.line, f"a '{kind}' step cannot come after a '{STEP_KINDS[last_kind]}' step"
            )
        last_kind = index
        seconds = reader.get_int(s, "seconds", required=kind == "hold")
        reps = reader.get_int(s, "reps", required=kind == "move")
        if (
            seconds is not None
            and "hold_seconds" in ranges
            and seconds not in ranges["hold_seconds"]
        ):
            r = ranges["hold_seconds"]
            reader.problem(
                reader.line_of(s, "seconds"),
                f"hold of {seconds} s is outside the range {r.min} to {r.max} s",
            )
        if reps is not None and "reps" in ranges and reps not in ranges["reps"]:
            r = ranges["reps"]
            reader.problem(
                reader.line_of(s, "reps"), f"{reps} reps is outside the range {r.min} to {r.max}"
            )
        flow = reader.get_int(s, "flow", required=False)
        if flow is not None:
            if kind not in FLOW_KINDS:
                reader.problem(
                    reader.line_of(s, "flow"),
                    f"a '{kind}' step waits for the runner: only {', '.join(FLOW_KINDS)} "
                    "steps may flow on",
                )
            elif not 1 <= flow <= MAX_FLOW_SECONDS:
                reader.problem(
                    reader.line_of(s, "flow"),
                    f"flow of {flow} s is outside the range 1 to {MAX_FLOW_SECONDS} s",
                )
            last_flow = s
        if text:
            only_placeholders(reader, reader.line_of(s, "text"), text, STEP_PLACEHOLDERS, "a step")
            steps.append(Step(kind, text, seconds, reps, flow))
    if steps and steps[-1].flow is not None and last_flow is not None:
        reader.problem(reader.line_of(last_flow, "flow"), "the last step has nothing to flow on to")
    return steps
