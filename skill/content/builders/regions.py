"""``regions.yaml``: the sources, the aspects, sides and equipment, the pain places (each with
its muscles, most likely first) and the named conditions."""

from __future__ import annotations

from types import MappingProxyType

from skill.content.builders import Build
from skill.content.objects import (
    ANY_ASPECT,
    ASPECT_IDS,
    LIKELIHOODS,
    Aspect,
    Condition,
    Equipment,
    Location,
    RankedMuscle,
    Region,
    Side,
    Source,
    Sourced,
)
from skill.content.reader import YamlMap
from skill.records import record


@record
class Places:
    """What regions.yaml declares."""

    aspects: dict[str, Aspect]
    sides: dict[str, Side]
    equipment: dict[str, Equipment]
    regions: dict[str, Region]
    conditions: dict[str, Condition]


def build(b: Build) -> Places:
    reader = b.readers["regions.yaml"]
    for node in reader.maps(reader.root, "sources"):
        sid, title = reader.get_str(node, "id"), reader.get_str(node, "title")
        if sid and title:
            if sid in b.sources:
                reader.problem(node.line, f"source '{sid}' is declared twice")
            b.sources[sid] = Source(sid, title)
    aspects = _aspects(b)
    sides = _sides(b)
    equipment = _equipment(b)
    regions = {}
    for node in reader.maps(reader.root, "regions"):
        region = _region(b, node, aspects)
        if region is not None:
            if region.id in regions:
                reader.problem(node.line, f"region '{region.id}' is declared twice")
            regions[region.id] = region
    conditions = _conditions(b, regions)
    return Places(aspects, sides, equipment, regions, conditions)


def _aspects(b: Build) -> dict[str, Aspect]:
    reader = b.readers["regions.yaml"]
    aspects: dict[str, Aspect] = {}
    for node in reader.maps(reader.root, "aspects"):
        aid, name = reader.get_str(node, "id"), reader.get_str(node, "name")
        if aid and aid not in ASPECT_IDS:
            reader.problem(node.line, f"unknown aspect '{aid}' (one of {', '.join(ASPECT_IDS)})")
        ws = reader.get_words(node, "words")
        for w in ws:
            b.words.claim("aspect", w, f"aspect '{aid}'", reader, reader.line_of(node, "words"))
        if aid and name:
            aspects[aid] = Aspect(aid, name, ws)
    return aspects


def _sides(b: Build) -> dict[str, Side]:
    reader = b.readers["regions.yaml"]
    sides: dict[str, Side] = {}
    for node in reader.maps(reader.root, "sides"):
        sid = reader.get_str(node, "id")
        ws = reader.get_words(node, "words")
        for w in ws:
            b.words.claim("side", w, f"side '{sid}'", reader, reader.line_of(node, "words"))
        if sid:
            sides[sid] = Side(sid, ws)
    if set(sides) != {"left", "right"}:
        reader.problem(
            reader.line_of(reader.root, "sides"), "sides must be exactly 'left' and 'right'"
        )
    return sides


def _equipment(b: Build) -> dict[str, Equipment]:
    reader = b.readers["regions.yaml"]
    equipment: dict[str, Equipment] = {}
    for node in reader.maps(reader.root, "equipment"):
        eid, name = reader.get_str(node, "id"), reader.get_str(node, "name")
        ws = reader.get_words(node, "words")
        for w in ws:
            line = reader.line_of(node, "words")
            b.words.claim("equipment", w, f"equipment '{eid}'", reader, line)
        if eid and name:
            equipment[eid] = Equipment(eid, name, ws)
    return equipment


def _region(b: Build, node: YamlMap, aspects: dict[str, Aspect]) -> Region | None:
    reader = b.readers["regions.yaml"]
    rid, name = reader.get_str(node, "id"), reader.get_str(node, "name")
    ws = reader.get_words(node, "words")
    for w in ws:
        b.words.claim("place", w, f"region '{rid}'", reader, reader.line_of(node, "words"))
    region_aspects = reader.get_words(node, "aspects", required=False)
    for a in region_aspects:
        if a not in aspects:
            reader.problem(reader.line_of(node, "aspects"), f"unknown aspect '{a}'")
    question = node.get("question_aspects", len(region_aspects) > 1)
    if not isinstance(question, bool):
        reader.problem(
            reader.line_of(node, "question_aspects"), "'question_aspects' must be true/false"
        )
        question = True
    locations: dict[str, Location] = {}
    for loc in reader.maps(node, "locations"):
        aspect = reader.get_str(loc, "aspect") or ANY_ASPECT
        if aspect != ANY_ASPECT and aspect not in aspects:
            reader.problem(reader.line_of(loc, "aspect"), f"unknown aspect '{aspect}'")
        if aspect != ANY_ASPECT and region_aspects and aspect not in region_aspects:
            reader.problem(
                reader.line_of(loc, "aspect"),
                f"aspect '{aspect}' is not in region '{rid}' aspects",
            )
        if aspect in locations:
            reader.problem(loc.line, f"region '{rid}' has two locations for aspect '{aspect}'")
        locations[aspect] = _location(b, loc, rid or "", aspect)
    if not locations:
        reader.problem(node.line, f"region '{rid}' has no locations")
    for a in region_aspects:
        if a not in locations:
            reader.problem(reader.line_of(node, "aspects"), f"region '{rid}' has no location '{a}'")
    if not (rid and name):
        return None
    return Region(rid, name, ws, region_aspects, bool(question), MappingProxyType(locations))


def _location(b: Build, loc: YamlMap, rid: str, aspect: str) -> Location:
    """One pain place: its words, and its muscles, most likely first."""
    reader = b.readers["regions.yaml"]
    lws = reader.get_words(loc, "words", required=False)
    for w in lws:
        line = reader.line_of(loc, "words")
        b.words.claim("place", w, f"location '{rid}/{aspect}'", reader, line)
    ranked: list[RankedMuscle] = []
    seen: set[str] = set()
    for m in reader.maps(loc, "muscles"):
        mid = reader.get_str(m, "muscle")
        likelihood = reader.get_str(m, "likelihood")
        src = b.source(reader, m)
        if mid:
            line = reader.line_of(m, "muscle")
            b.refer("muscle", mid, reader, line, f"unknown muscle '{mid}'")
        if likelihood and likelihood not in LIKELIHOODS:
            reader.problem(
                reader.line_of(m, "likelihood"),
                f"likelihood must be one of {', '.join(LIKELIHOODS)}",
            )
        if mid in seen:
            reader.problem(m.line, f"muscle '{mid}' is listed twice in one location")
        if mid and likelihood:
            seen.add(mid)
            ranked.append(RankedMuscle(mid, likelihood, src))
    order = [LIKELIHOODS.index(r.likelihood) for r in ranked if r.likelihood in LIKELIHOODS]
    if order != sorted(order):
        reader.problem(loc.line, "muscles must be listed most likely first")
    if not ranked:
        reader.problem(loc.line, f"location '{rid}/{aspect}' has no muscles")
    note = reader.get_str(loc, "note", required=False)
    if note:
        line = reader.line_of(loc, "note")
        b.refer(
            "response", note, reader, line, f"note '{note}' is not a response in responses.yaml"
        )
    return Location(rid, aspect, lws, tuple(ranked), note)


def _conditions(b: Build, regions: dict[str, Region]) -> dict[str, Condition]:
    reader = b.readers["regions.yaml"]
    conditions: dict[str, Condition] = {}
    for node in reader.maps(reader.root, "conditions", required=False):
        cid, name = reader.get_str(node, "id"), reader.get_str(node, "name")
        ws = reader.get_words(node, "words")
        for w in ws:
            b.words.claim("place", w, f"condition '{cid}'", reader, reader.line_of(node, "words"))
        rid = reader.get_str(node, "region")
        aspect = reader.get_str(node, "aspect") or ANY_ASPECT
        src = b.source(reader, node)
        if rid and rid not in regions:
            reader.problem(reader.line_of(node, "region"), f"unknown region '{rid}'")
        elif rid and aspect not in regions[rid].locations:
            reader.problem(
                reader.line_of(node, "aspect"), f"region '{rid}' has no location '{aspect}'"
            )
        first = None
        first_node = node.get("first")
        if first_node is not None and not isinstance(first_node, YamlMap):
            reader.problem(
                reader.line_of(node, "first"), "'first' must be a mapping (text, source)"
            )
        elif first_node is not None:
            first_text = reader.get_str(first_node, "text")
            first_src = b.source(reader, first_node)
            if first_text:
                first = Sourced(first_text, first_src)
        if cid and name and rid:
            conditions[cid] = Condition(cid, name, ws, rid, aspect, src, first)
    return conditions
