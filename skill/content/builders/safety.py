"""``safety.yaml``: the screen before pressure, the red flags and their advice, the cautions,
where never to press, the local numbers, and when to see a physical therapist."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from skill.content.builders import Build
from skill.content.objects import (
    ADVICE_PLACEHOLDERS,
    LOCALES,
    AvoidZone,
    Caution,
    Explained,
    FollowUp,
    Healed,
    Others,
    RedFlag,
    Safety,
    Screen,
    ScreenExtra,
)
from skill.content.reader import Reader, YamlMap, only_placeholders, sourced


def _word_classes(reader: Reader) -> Mapping[str, tuple[str, ...]]:
    """``word_classes``: name → words, each written as a sign may be ("pop*"), for the
    ``{name}`` of a sign or look-alike ("{gear} snapped")."""
    node = reader.root.get("word_classes")
    if node is None:
        return {}
    if not isinstance(node, YamlMap):
        line = reader.line_of(reader.root, "word_classes")
        reader.problem(line, "'word_classes' must be a mapping")
        return {}
    classes: dict[str, tuple[str, ...]] = {}
    for name in node:
        # a class may hold one written before it ("thing": "{object}", can, ice)
        classes[str(name)] = reader.get_signs(node, str(name), classes)
    return classes


def _parted(
    reader: Reader, node: YamlMap, key: str, classes: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], ...]:
    """Signs said in parts ("lost ... weight"), each a tuple of its phrases."""
    signs = tuple(tuple(pattern.split(" ~ ")) for pattern in reader.get_signs(node, key, classes))
    for parts in signs:
        if not all(parts):
            reader.problem(reader.line_of(node, key), f"a {key} sign has an empty part: {parts}")
        elif key == "far" and len(parts) < 2:
            reader.problem(reader.line_of(node, key), f"a far sign needs two parts: {parts}")
    return signs


def build(b: Build) -> Safety | None:
    reader = b.readers["safety.yaml"]
    screen, extras = _screen(b)
    classes = _word_classes(reader)
    red_flags = []
    for node in reader.maps(reader.root, "red_flags"):
        fid, advice = reader.get_str(node, "id"), reader.get_str(node, "advice")
        src = b.source(reader, node)
        ws = reader.get_signs(node, "words", classes)
        for w in ws:
            b.words.claim("sign", w, f"red flag '{fid}'", reader, reader.line_of(node, "words"))
        if advice:
            only_placeholders(
                reader, reader.line_of(node, "advice"), advice, ADVICE_PLACEHOLDERS, "advice"
            )
        near, far = (_parted(reader, node, key, classes) for key in ("near", "far"))
        if fid and advice:
            red_flags.append(RedFlag(fid, ws, advice, src, near, far))
    flag_ids = {f.id for f in red_flags}
    for extra, node in extras:
        if extra.flag not in flag_ids:
            reader.problem(reader.line_of(node, "flag"), f"unknown red flag '{extra.flag}'")
    numbers: dict[str, Mapping[str, str]] = {}
    numbers_node = reader.get_map(reader.root, "numbers")
    if numbers_node is not None:
        for locale in LOCALES:
            entry = numbers_node.get(locale)
            if not isinstance(entry, YamlMap):
                reader.problem(numbers_node.line, f"numbers: missing locale '{locale}'")
                continue
            em, ur = reader.get_str(entry, "emergency"), reader.get_str(entry, "urgent")
            if em and ur:
                numbers[locale] = MappingProxyType({"emergency": em, "urgent": ur})
    not_signs = reader.get_signs(reader.root, "not_signs", classes)
    soft_words = frozenset(reader.get_words(reader.root, "soft_words", required=False))
    healed = _healed(reader, classes, {f.id: f.words for f in red_flags})
    told = _optional_map(reader, "explained")
    explained = (
        Explained(
            frozenset(reader.get_signs(told, "signs")), reader.get_signs(told, "causes", classes)
        )
        if told is not None
        else Explained()
    )
    said_of = _optional_map(reader, "others")
    others = (
        Others(
            frozenset(reader.get_words(said_of, "after")),
            reader.get_signs(said_of, "people"),
            frozenset(reader.get_words(said_of, "pronouns")),
            reader.get_signs(said_of, "things", classes),
        )
        if said_of is not None
        else Others()
    )
    cautions = []
    for node in reader.maps(reader.root, "cautions"):
        cid, text = reader.get_str(node, "id"), reader.get_str(node, "text")
        src = b.source(reader, node)
        if cid and text:
            cautions.append(Caution(cid, text, src))
    avoid_zones: dict[str, AvoidZone] = {}
    for node in reader.maps(reader.root, "avoid_zones"):
        zid, name, why = (
            reader.get_str(node, "id"),
            reader.get_str(node, "name"),
            reader.get_str(node, "why"),
        )
        src = b.source(reader, node)
        if zid and name and why:
            avoid_zones[zid] = AvoidZone(zid, name, why, src)
    see_pt = sourced(reader, reader.get_map(reader.root, "see_pt"), "text", b.source)
    disclaimer = sourced(reader, reader.get_map(reader.root, "disclaimer"), "text", b.source)
    follow_up = _follow_up(reader, b.source)
    if screen is None or see_pt is None or disclaimer is None or follow_up is None:
        return None
    return Safety(
        screen,
        tuple(red_flags),
        tuple(cautions),
        MappingProxyType(avoid_zones),
        see_pt,
        disclaimer,
        MappingProxyType(numbers),
        not_signs,
        follow_up,
        soft_words,
        healed,
        others,
        explained,
        reader.get_signs(reader.root, "denied_after", classes),
    )


def _optional_map(reader: Reader, key: str) -> YamlMap | None:
    """A mapping the content may leave out (the minimal content has no look-alike rules)."""
    return reader.get_map(reader.root, key) if key in reader.root else None


def _healed(
    reader: Reader,
    classes: Mapping[str, tuple[str, ...]],
    flag_words: Mapping[str, tuple[str, ...]],
) -> Healed:
    node = _optional_map(reader, "healed")
    if node is None:
        return Healed()
    flags = reader.get_words(node, "flags")
    for flag in flags:
        if flag not in flag_words:
            reader.problem(reader.line_of(node, "flags"), f"healed: unknown red flag '{flag}'")
    known = {w for f in flag_words.values() for w in f}
    signs, never = (reader.get_signs(node, key, classes) for key in ("signs", "never"))
    for key, listed in (("signs", signs), ("never", never)):
        for sign in listed:
            if sign not in known:
                line = reader.line_of(node, key)
                reader.problem(line, f"healed: '{sign}' is no red flag's sign")
    return Healed(
        frozenset(flags),
        reader.get_signs(node, "words", classes),
        frozenset(signs),
        reader.get_signs(node, "ago", classes),
        frozenset(never),
    )


def _screen(b: Build) -> tuple[Screen | None, list[tuple[ScreenExtra, YamlMap]]]:
    """The screen asked before any pressure, and its extra questions (each with its node, so
    that its red flag can be checked once the red flags are read)."""
    reader = b.readers["safety.yaml"]
    screen_node = reader.get_map(reader.root, "screen")
    extras: list[tuple[ScreenExtra, YamlMap]] = []
    if screen_node is None:
        return None, extras
    question = reader.get_str(screen_node, "question")
    screen_source = b.source(reader, screen_node)
    caution = sourced(reader, reader.get_map(screen_node, "caution"), "text", b.source)
    for node in reader.maps(screen_node, "extra", required=False):
        eid, eq = reader.get_str(node, "id"), reader.get_str(node, "question")
        flag, esrc = reader.get_str(node, "flag"), b.source(reader, node)
        ems = reader.get_words(node, "muscles")
        for muscle_id in ems:
            line = reader.line_of(node, "muscles")
            b.refer("muscle", muscle_id, reader, line, f"unknown muscle '{muscle_id}'")
        if eid and eq and flag:
            extras.append((ScreenExtra(eid, eq, flag, frozenset(ems), esrc), node))
    parts: list[tuple[ScreenExtra, YamlMap]] = []
    for node in reader.maps(screen_node, "parts"):
        pid, pq = reader.get_str(node, "id"), reader.get_str(node, "question")
        flag, psrc = reader.get_str(node, "flag"), b.source(reader, node)
        if pid and pq and flag:
            parts.append((ScreenExtra(pid, pq, flag, frozenset(), psrc), node))
    if question and caution:
        screen = Screen(
            question,
            caution,
            screen_source,
            tuple(e for e, _ in extras),
            tuple(p for p, _ in parts),
        )
        return screen, extras + parts
    return None, extras + parts


def _follow_up(reader: Reader, check_source: Callable[[Reader, YamlMap], str]) -> FollowUp | None:
    node = reader.get_map(reader.root, "follow_up")
    if node is None:
        return None
    days = reader.get_int(node, "no_change_days")
    sessions = reader.get_int(node, "no_change_sessions")
    summary = reader.get_int(node, "summary_days")
    src: str = check_source(reader, node)
    keep_going = sourced(reader, reader.get_map(node, "keep_going"), "text", check_source)
    see_pt = sourced(reader, reader.get_map(node, "see_pt"), "text", check_source)
    for key, value in (("no_change_days", days), ("no_change_sessions", sessions)):
        if value is not None and not 1 <= value <= 90:
            reader.problem(reader.line_of(node, key), f"follow_up: '{key}' must be 1 to 90")
    if summary is not None and not 7 <= summary <= 90:
        reader.problem(
            reader.line_of(node, "summary_days"), "follow_up: 'summary_days' must be 7 to 90"
        )
    for part in (keep_going, see_pt):
        if part is not None and "{" in part.text:
            reader.problem(node.line, "follow_up texts cannot hold placeholders")
    if None in (days, sessions, summary, keep_going, see_pt):
        return None
    assert days and sessions and summary and keep_going and see_pt
    return FollowUp(days, sessions, summary, src, keep_going, see_pt)
