"""Load ``content/*.yaml`` once into immutable, typed objects, and validate it.

Every problem found is reported as ``file:line: problem``, all of them at once, so that
``tpcoach check`` can list everything wrong with a content tree in one run. Nothing here knows
about Alexa: this module and :mod:`skill.resolve` are the domain.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from skill.records import record
from skill.text import normalise

if TYPE_CHECKING:
    import yaml

CONTENT_ENV = "TPCOACH_CONTENT"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
FILES = (
    "regions.yaml",
    "muscles.yaml",
    "routines.yaml",
    "safety.yaml",
    "responses.yaml",
    "utterances.yaml",
)
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
# The built-in intents whose phrasings utterances.yaml lists under answers.
BUILT_IN_ANSWERS = (
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
)
# Meanings the backend reads inside a sentence, beside the built-ins.
MEANINGS = (
    "ready",
    "unsure",
    "more",
    "see_pt",
    "switch",
    "routine",
    *("better", "same", "worse", "gone"),  # answers to "is it better, the same, or worse?"
    "progress",  # "how am I doing"
    "forget",  # "forget me", "delete my data"
)
# The answers to the follow-up question, as kept in a user's history.
CHANGES = ("better", "same", "worse", "gone")

ASPECT_IDS = ("front", "back", "outside", "inside", "deep", "top", "bottom")
ANY_ASPECT = "any"
LIKELIHOODS = ("most_common", "common", "less_common")
STEP_KINDS = ("setup", "find", "pressure", "hold", "move", "finish")
# Steps that need no decision from the runner, and so may flow on to the next step after a
# pause (``flow: seconds``) instead of waiting for "next": getting into position, adding weight.
FLOW_KINDS = ("setup", "pressure")
MAX_FLOW_SECONDS = 10  # one SSML break
STEP_PLACEHOLDERS = frozenset({"your", "other", "equipment"})
ADVICE_PLACEHOLDERS = frozenset({"emergency", "urgent"})
NEEDS = ("floor", "wall", "chair")


# --------------------------------------------------------------------------- errors


@record
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found in a content tree."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- typed content


@record
class Source:
    id: str
    title: str


@record
class Aspect:
    id: str
    name: str
    words: tuple[str, ...]


@record
class Side:
    id: str
    words: tuple[str, ...]


@record
class Equipment:
    id: str
    name: str
    words: tuple[str, ...]


@record
class RankedMuscle:
    muscle: str
    likelihood: str
    source: str


@record
class Location:
    region: str
    aspect: str
    words: tuple[str, ...]
    muscles: tuple[RankedMuscle, ...]
    note: str | None = None


@record
class Region:
    id: str
    name: str
    words: tuple[str, ...]
    aspects: tuple[str, ...]
    question_aspects: bool
    locations: Mapping[str, Location]

    @property
    def single_location(self) -> Location | None:
        """The location to use when no aspect is asked about."""
        if ANY_ASPECT in self.locations:
            return self.locations[ANY_ASPECT]
        if len(self.locations) == 1:
            return next(iter(self.locations.values()))
        return None


@record
class Condition:
    id: str
    name: str
    words: tuple[str, ...]
    region: str
    aspect: str
    source: str
    # said before the answer, where the name may mean more than knots ("sciatica": a nerve)
    first: Sourced | None = None


@record
class NoPressure:
    reason: str
    alternative: str
    source: str


@record
class Muscle:
    id: str
    name: str
    full_name: str | None
    words: tuple[str, ...]
    refers: str
    source: str
    routines: tuple[str, ...]
    no_pressure: NoPressure | None
    more: str | None = None  # the rest of what the source says: "tell me more", the card

    @property
    def referral(self) -> str:
        """Everything about where its knots send pain, to read."""
        return f"{self.refers} {self.more}" if self.more else self.refers


@record
class Step:
    kind: str
    text: str
    seconds: int | None = None
    reps: int | None = None
    flow: int | None = None  # seconds of pause, then the next step follows without a "next"


@record
class Routine:
    muscle: str
    equipment: str
    avoid: tuple[str, ...]
    source: str
    steps: tuple[Step, ...]
    needs: tuple[str, ...] = ("floor",)  # besides the ball or roller: floor, wall, chair


@record
class Range:
    min: int
    max: int
    source: str | None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.min <= value <= self.max


@record
class RedFlag:
    id: str
    words: tuple[str, ...]
    advice: str
    source: str


@record
class Caution:
    id: str
    text: str
    source: str


@record
class AvoidZone:
    id: str
    name: str
    why: str
    source: str


@record
class Sourced:
    text: str
    source: str


@record
class ScreenExtra:
    """One more question for the screen before work on some muscles, and the flag a yes means."""

    id: str
    question: str
    flag: str
    muscles: frozenset[str]
    source: str


@record
class Screen:
    """The yes/no question before each routine session, and the caution said after a no."""

    question: str
    caution: Sourced
    source: str
    extra: tuple[ScreenExtra, ...] = ()

    def extras_for(self, muscle: str) -> tuple[ScreenExtra, ...]:
        return tuple(e for e in self.extra if muscle in e.muscles)


@record
class FollowUp:
    """When a runner's "no change" means it is time to see a physical therapist, what to say
    about keeping going, and why a physical therapist (``safety.yaml``: follow_up)."""

    no_change_days: int  # "the same" this long after the first session without a change
    no_change_sessions: int  # or after this many sessions without a change
    summary_days: int  # the weeks "how am I doing" looks back over
    source: str
    keep_going: Sourced
    see_pt: Sourced


@record
class Safety:
    screen: Screen
    red_flags: tuple[RedFlag, ...]
    cautions: tuple[Caution, ...]
    avoid_zones: Mapping[str, AvoidZone]
    see_pt: Sourced
    disclaimer: Sourced
    numbers: Mapping[str, Mapping[str, str]]  # locale -> {emergency, urgent}
    not_signs: tuple[str, ...]
    follow_up: FollowUp
    # words that may stand between a sign's words ("can't really walk")
    soft_words: frozenset[str] = frozenset()


@record
class Response:
    key: str
    fields: frozenset[str]
    variants: tuple[str, ...]


@record
class Topic:
    """A question about trigger points themselves: "what is a trigger point"."""

    id: str
    name: str
    words: tuple[str, ...]
    text: str
    source: str


@record
class Language:
    """What the skill hears around the content's own words (``utterances.yaml``)."""

    launch: tuple[str, ...]
    one_shot: tuple[str, ...]
    connectors: tuple[str, ...]
    exit: tuple[str, ...]
    wake: tuple[str, ...]
    leading_fillers: tuple[str, ...]
    trailing_fillers: tuple[str, ...]
    within_fillers: frozenset[str]
    openers: tuple[str, ...]
    second_words: tuple[str, ...]
    answers: Mapping[str, tuple[str, ...]]  # built-in intent -> phrasings
    meanings: Mapping[str, tuple[str, ...]]  # ready, unsure, more, ... -> phrasings
    out_of_domain: tuple[str, ...]
    body_words: Mapping[str, tuple[str, ...]]  # "leg" -> region ids to offer
    locale_say: Mapping[str, Mapping[str, str]]  # locale -> spoken word -> the locale's word


@record(eq=False)  # hashed by identity: one catalogue per load
class Catalogue:
    """Everything the skill knows and says, read once from ``content/``."""

    sources: Mapping[str, Source]
    aspects: Mapping[str, Aspect]
    sides: Mapping[str, Side]
    equipment: Mapping[str, Equipment]
    regions: Mapping[str, Region]
    conditions: Mapping[str, Condition]
    muscles: Mapping[str, Muscle]
    routines: Mapping[tuple[str, str], Routine]
    ranges: Mapping[str, Range]
    safety: Safety
    responses: Mapping[str, Response]
    topics: Mapping[str, Topic]
    language: Language

    def routine(self, muscle: str, equipment: str) -> Routine | None:
        return self.routines.get((muscle, equipment))


# --------------------------------------------------------------------------- YAML with line numbers


class _Map(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


class _Seq(list[Any]):
    line: int = 0
    item_lines: list[int]


@cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A safe loader whose mappings and sequences remember the line they start on.

    Built on first use: PyYAML is imported only when YAML is read (``tpcoach check``, a build,
    or a start without an up-to-date compiled artifact, see skill/compiled.py).
    """
    import yaml

    # libyaml's parser when PyYAML was built with it (several times faster, same marks).
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _LineLoader(base):  # type: ignore[valid-type,misc]
        pass

    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
    return _LineLoader


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Map:
    import yaml

    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# --------------------------------------------------------------------------- the loader


class _Reader:
    """Reads one file's YAML tree into typed values, noting problems instead of stopping."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = path.name
        self.problems = problems
        self.root: _Map = _Map()
        self.root.key_lines = {}
        self.parsed = False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problem(1, f"cannot read file: {exc.strerror or exc}")
            return
        import yaml

        try:
            data = yaml.load(text, Loader=_line_loader())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            self.problem(line, f"not valid YAML: {exc.problem or exc}")
            return
        if not isinstance(data, _Map):
            self.problem(1, "the file must be a mapping with a 'version' key")
            return
        self.root = data
        self.parsed = True
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            self.problem(1, "missing 'version:' (an integer)")

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    # typed getters: each returns a usable default and records a problem when the value is wrong

    def line_of(self, node: _Map, key: str) -> int:
        return node.key_lines.get(key, node.line)

    def get_str(self, node: _Map, key: str, *, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(self.line_of(node, key), f"'{key}' must be non-empty text")
            return None
        return value.strip()

    def get_int(self, node: _Map, key: str, *, required: bool = True) -> int | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(self.line_of(node, key), f"'{key}' must be a whole number")
            return None
        return value

    def _texts(self, node: _Map, key: str, *, required: bool) -> list[str]:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            self.problem(self.line_of(node, key), f"'{key}' must be a list of text")
            return []
        return [str(w) for w in value]

    def get_words(self, node: _Map, key: str, *, required: bool = True) -> tuple[str, ...]:
        return tuple(normalise(w) for w in self._texts(node, key, required=required))

    def get_signs(self, node: _Map, key: str) -> tuple[str, ...]:
        """A list of sign phrases, a starred word standing for its forms ("pop*")."""
        out: dict[str, None] = {}
        for w in self._texts(node, key, required=False):
            for form in expand_stars(" ".join(w.lower().split())):
                out.setdefault(normalise(form), None)
        return tuple(out)

    def maps(self, node: _Map, key: str, *, required: bool = True) -> Iterator[_Map]:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return
        if not isinstance(value, _Seq):
            self.problem(self.line_of(node, key), f"'{key}' must be a list")
            return
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, _Map):
                yield item
            else:
                self.problem(line, f"each entry of '{key}' must be a mapping")

    def get_map(self, node: _Map, key: str) -> _Map | None:
        value = node.get(key)
        if value is None:
            self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, _Map):
            self.problem(self.line_of(node, key), f"'{key}' must be a mapping")
            return None
        return value


_VOWELS = frozenset("aeiou")


def inflections(word: str) -> tuple[str, ...]:
    """A word and its regular forms, for a sign written with a star ("snap*"): snap, snaps,
    snapped, snapping; tingle, tingles, tingled, tingling; throb, throbs, throbbed, throbbing."""
    if word.endswith("e"):
        return (word, word + "s", word + "d", word[:-1] + "ing")
    # one syllable ending consonant-vowel-consonant doubles its last letter: popped, throbbing
    one_syllable = sum(ch in _VOWELS for ch in word) == 1
    short = one_syllable and len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"}
    if short and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        return (word, word + "s", word + word[-1] + "ed", word + word[-1] + "ing")
    return (word, word + "s", word + "ed", word + "ing")


def expand_stars(phrase: str) -> tuple[str, ...]:
    """Every phrase a starred phrase stands for ("give* way": give way, gives way, ...)."""
    out = [""]
    for w in phrase.split():
        forms = inflections(w[:-1]) if w.endswith("*") and len(w) > 1 else (w,)
        out = [f"{o} {f}".strip() for o in out for f in forms]
    return tuple(out)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses."""
    names = set()
    import string  # only when content is checked, not at a start from the compiled content

    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.add(name)
    return names


class _WordOwners:
    """Makes sure a word names one thing only within a family (places, muscles, ...)."""

    def __init__(self, reader_for: Mapping[str, _Reader]) -> None:
        self.owners: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.reader_for = reader_for

    def claim(self, family: str, word: str, owner: str, reader: _Reader, line: int) -> None:
        key = (family, word)
        previous = self.owners.get(key)
        if previous is None:
            self.owners[key] = (owner, reader.name, line)
        elif previous[0] != owner:
            reader.problem(
                line,
                f"the word '{word}' is claimed by both {previous[0]} ({previous[1]}:{previous[2]})"
                f" and {owner}",
            )


def content_dir() -> Path:
    return Path(os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT_DIR)


@cache
def _shipped() -> tuple[Catalogue, str | None]:
    """The content of :func:`content_dir`: compiled (skill/compiled.py) when the artifact is up
    to date with it, with the geometry still encoded; else read from YAML (no geometry yet)."""
    directory = content_dir()
    from skill import compiled

    try:
        return compiled.load(directory)
    except LookupError:
        return load(directory), None


def catalogue() -> Catalogue:
    """The shipped content, loaded once per process."""
    return _shipped()[0]


def load(directory: Path | str) -> Catalogue:
    """Load and validate a content directory; raise :class:`ContentError` listing every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    readers = {name: _Reader(directory / name, problems) for name in FILES}
    if not all(r.parsed for r in readers.values()):
        # A file that cannot be read or parsed: cross-file checks would only add noise.
        raise ContentError(problems)
    catalogue = _build(readers, problems)
    if problems:
        raise ContentError(problems)
    assert catalogue is not None
    return catalogue


def _build(readers: Mapping[str, _Reader], problems: list[Problem]) -> Catalogue | None:
    reg = readers["regions.yaml"]
    mus = readers["muscles.yaml"]
    rou = readers["routines.yaml"]
    saf = readers["safety.yaml"]
    res = readers["responses.yaml"]
    words = _WordOwners(readers)

    # sources
    sources: dict[str, Source] = {}
    for node in reg.maps(reg.root, "sources"):
        sid, title = reg.get_str(node, "id"), reg.get_str(node, "title")
        if sid and title:
            if sid in sources:
                reg.problem(node.line, f"source '{sid}' is declared twice")
            sources[sid] = Source(sid, title)

    def check_source(reader: _Reader, node: _Map) -> str:
        sid = reader.get_str(node, "source")
        if sid is None:
            return ""
        if sid not in sources:
            reader.problem(reader.line_of(node, "source"), f"unknown source '{sid}'")
        return sid

    # aspects, sides, equipment
    aspects: dict[str, Aspect] = {}
    for node in reg.maps(reg.root, "aspects"):
        aid, name = reg.get_str(node, "id"), reg.get_str(node, "name")
        if aid and aid not in ASPECT_IDS:
            reg.problem(node.line, f"unknown aspect '{aid}' (one of {', '.join(ASPECT_IDS)})")
        ws = reg.get_words(node, "words")
        for w in ws:
            words.claim("aspect", w, f"aspect '{aid}'", reg, reg.line_of(node, "words"))
        if aid and name:
            aspects[aid] = Aspect(aid, name, ws)

    sides: dict[str, Side] = {}
    for node in reg.maps(reg.root, "sides"):
        sid = reg.get_str(node, "id")
        ws = reg.get_words(node, "words")
        for w in ws:
            words.claim("side", w, f"side '{sid}'", reg, reg.line_of(node, "words"))
        if sid:
            sides[sid] = Side(sid, ws)
    if set(sides) != {"left", "right"}:
        reg.problem(reg.line_of(reg.root, "sides"), "sides must be exactly 'left' and 'right'")

    equipment: dict[str, Equipment] = {}
    for node in reg.maps(reg.root, "equipment"):
        eid, name = reg.get_str(node, "id"), reg.get_str(node, "name")
        ws = reg.get_words(node, "words")
        for w in ws:
            words.claim("equipment", w, f"equipment '{eid}'", reg, reg.line_of(node, "words"))
        if eid and name:
            equipment[eid] = Equipment(eid, name, ws)

    # muscles (read before regions so that references can be checked)
    muscles: dict[str, Muscle] = {}
    muscle_lines: dict[str, int] = {}
    for node in mus.maps(mus.root, "muscles"):
        mid = mus.get_str(node, "id")
        name = mus.get_str(node, "name")
        refers = mus.get_str(node, "refers")
        src = check_source(mus, node)
        ws = mus.get_words(node, "words")
        for w in ws:
            words.claim("muscle", w, f"muscle '{mid}'", mus, mus.line_of(node, "words"))
        muscle_routines = mus.get_words(node, "routines", required=False)
        no_pressure = None
        np_node = node.get("no_pressure")
        if np_node is not None:
            if isinstance(np_node, _Map):
                r, a = mus.get_str(np_node, "reason"), mus.get_str(np_node, "alternative")
                s = check_source(mus, np_node)
                if r and a:
                    no_pressure = NoPressure(r, a, s)
            else:
                mus.problem(mus.line_of(node, "no_pressure"), "'no_pressure' must be a mapping")
        if not muscle_routines and no_pressure is None:
            mus.problem(node.line, f"muscle '{mid}' has neither routines nor a no_pressure reason")
        if muscle_routines and no_pressure is not None:
            mus.problem(node.line, f"muscle '{mid}' has both routines and no_pressure")
        for e in muscle_routines:
            if e not in equipment:
                mus.problem(mus.line_of(node, "routines"), f"unknown equipment '{e}'")
        if mid and name and refers:
            if mid in muscles:
                mus.problem(node.line, f"muscle '{mid}' is declared twice")
            muscles[mid] = Muscle(
                mid,
                name,
                mus.get_str(node, "full_name", required=False),
                ws,
                refers,
                src,
                muscle_routines,
                no_pressure,
                mus.get_str(node, "more", required=False),
            )
            muscle_lines[mid] = node.line

    # regions and their locations
    regions: dict[str, Region] = {}
    referenced: set[str] = set()
    notes: list[tuple[str, int]] = []
    for node in reg.maps(reg.root, "regions"):
        rid, name = reg.get_str(node, "id"), reg.get_str(node, "name")
        ws = reg.get_words(node, "words")
        for w in ws:
            words.claim("place", w, f"region '{rid}'", reg, reg.line_of(node, "words"))
        region_aspects = reg.get_words(node, "aspects", required=False)
        for a in region_aspects:
            if a not in aspects:
                reg.problem(reg.line_of(node, "aspects"), f"unknown aspect '{a}'")
        question = node.get("question_aspects", len(region_aspects) > 1)
        if not isinstance(question, bool):
            reg.problem(
                reg.line_of(node, "question_aspects"), "'question_aspects' must be true/false"
            )
            question = True
        locations: dict[str, Location] = {}
        for loc in reg.maps(node, "locations"):
            aspect = reg.get_str(loc, "aspect") or ANY_ASPECT
            if aspect != ANY_ASPECT and aspect not in aspects:
                reg.problem(reg.line_of(loc, "aspect"), f"unknown aspect '{aspect}'")
            if aspect != ANY_ASPECT and region_aspects and aspect not in region_aspects:
                reg.problem(
                    reg.line_of(loc, "aspect"),
                    f"aspect '{aspect}' is not in region '{rid}' aspects",
                )
            if aspect in locations:
                reg.problem(loc.line, f"region '{rid}' has two locations for aspect '{aspect}'")
            lws = reg.get_words(loc, "words", required=False)
            for w in lws:
                words.claim(
                    "place", w, f"location '{rid}/{aspect}'", reg, reg.line_of(loc, "words")
                )
            ranked: list[RankedMuscle] = []
            seen: set[str] = set()
            for m in reg.maps(loc, "muscles"):
                mid = reg.get_str(m, "muscle")
                likelihood = reg.get_str(m, "likelihood")
                src = check_source(reg, m)
                if mid and mid not in muscles:
                    reg.problem(reg.line_of(m, "muscle"), f"unknown muscle '{mid}'")
                if likelihood and likelihood not in LIKELIHOODS:
                    reg.problem(
                        reg.line_of(m, "likelihood"),
                        f"likelihood must be one of {', '.join(LIKELIHOODS)}",
                    )
                if mid in seen:
                    reg.problem(m.line, f"muscle '{mid}' is listed twice in one location")
                if mid and likelihood:
                    seen.add(mid)
                    referenced.add(mid)
                    ranked.append(RankedMuscle(mid, likelihood, src))
            order = [LIKELIHOODS.index(r.likelihood) for r in ranked if r.likelihood in LIKELIHOODS]
            if order != sorted(order):
                reg.problem(loc.line, "muscles must be listed most likely first")
            if not ranked:
                reg.problem(loc.line, f"location '{rid}/{aspect}' has no muscles")
            note = reg.get_str(loc, "note", required=False)
            if note:
                notes.append((note, reg.line_of(loc, "note")))
            locations[aspect] = Location(rid or "", aspect, lws, tuple(ranked), note)
        if not locations:
            reg.problem(node.line, f"region '{rid}' has no locations")
        for a in region_aspects:
            if a not in locations:
                reg.problem(reg.line_of(node, "aspects"), f"region '{rid}' has no location '{a}'")
        if rid and name:
            if rid in regions:
                reg.problem(node.line, f"region '{rid}' is declared twice")
            regions[rid] = Region(
                rid, name, ws, region_aspects, bool(question), MappingProxyType(locations)
            )

    for mid, line in muscle_lines.items():
        if mid not in referenced:
            mus.problem(line, f"muscle '{mid}' is not linked to any pain location")

    conditions: dict[str, Condition] = {}
    for node in reg.maps(reg.root, "conditions", required=False):
        cid, name = reg.get_str(node, "id"), reg.get_str(node, "name")
        ws = reg.get_words(node, "words")
        for w in ws:
            words.claim("place", w, f"condition '{cid}'", reg, reg.line_of(node, "words"))
        rid = reg.get_str(node, "region")
        aspect = reg.get_str(node, "aspect") or ANY_ASPECT
        src = check_source(reg, node)
        if rid and rid not in regions:
            reg.problem(reg.line_of(node, "region"), f"unknown region '{rid}'")
        elif rid and aspect not in regions[rid].locations:
            reg.problem(reg.line_of(node, "aspect"), f"region '{rid}' has no location '{aspect}'")
        first = None
        first_node = node.get("first")
        if first_node is not None and not isinstance(first_node, _Map):
            reg.problem(reg.line_of(node, "first"), "'first' must be a mapping (text, source)")
        elif first_node is not None:
            first_text = reg.get_str(first_node, "text")
            first_src = check_source(reg, first_node)
            if first_text:
                first = Sourced(first_text, first_src)
        if cid and name and rid:
            conditions[cid] = Condition(cid, name, ws, rid, aspect, src, first)

    # safety
    screen = None
    screen_node = saf.get_map(saf.root, "screen")
    if screen_node is not None:
        question = saf.get_str(screen_node, "question")
        screen_source = check_source(saf, screen_node)
        caution = _sourced(saf, saf.get_map(screen_node, "caution"), "text", check_source)
        extras = []
        for node in saf.maps(screen_node, "extra", required=False):
            eid, eq = saf.get_str(node, "id"), saf.get_str(node, "question")
            flag, esrc = saf.get_str(node, "flag"), check_source(saf, node)
            ems = saf.get_words(node, "muscles")
            for muscle_id in ems:
                if muscle_id not in muscles:
                    saf.problem(saf.line_of(node, "muscles"), f"unknown muscle '{muscle_id}'")
            if eid and eq and flag:
                extras.append((ScreenExtra(eid, eq, flag, frozenset(ems), esrc), node))
        if question and caution:
            screen = Screen(question, caution, screen_source, tuple(e for e, _ in extras))
    red_flags = []
    for node in saf.maps(saf.root, "red_flags"):
        fid, advice = saf.get_str(node, "id"), saf.get_str(node, "advice")
        src = check_source(saf, node)
        ws = saf.get_signs(node, "words")
        for w in ws:
            words.claim("sign", w, f"red flag '{fid}'", saf, saf.line_of(node, "words"))
        if advice:
            _only_placeholders(
                saf, saf.line_of(node, "advice"), advice, ADVICE_PLACEHOLDERS, "advice"
            )
        if fid and advice:
            red_flags.append(RedFlag(fid, ws, advice, src))
    flag_ids = {f.id for f in red_flags}
    if screen_node is not None:
        for extra, node in extras:
            if extra.flag not in flag_ids:
                saf.problem(saf.line_of(node, "flag"), f"unknown red flag '{extra.flag}'")
    numbers: dict[str, Mapping[str, str]] = {}
    numbers_node = saf.get_map(saf.root, "numbers")
    if numbers_node is not None:
        for locale in LOCALES:
            entry = numbers_node.get(locale)
            if not isinstance(entry, _Map):
                saf.problem(numbers_node.line, f"numbers: missing locale '{locale}'")
                continue
            em, ur = saf.get_str(entry, "emergency"), saf.get_str(entry, "urgent")
            if em and ur:
                numbers[locale] = MappingProxyType({"emergency": em, "urgent": ur})
    not_signs = saf.get_signs(saf.root, "not_signs")
    soft_words = frozenset(saf.get_words(saf.root, "soft_words", required=False))
    cautions = []
    for node in saf.maps(saf.root, "cautions"):
        cid, text = saf.get_str(node, "id"), saf.get_str(node, "text")
        src = check_source(saf, node)
        if cid and text:
            cautions.append(Caution(cid, text, src))
    avoid_zones: dict[str, AvoidZone] = {}
    for node in saf.maps(saf.root, "avoid_zones"):
        zid, name, why = (
            saf.get_str(node, "id"),
            saf.get_str(node, "name"),
            saf.get_str(node, "why"),
        )
        src = check_source(saf, node)
        if zid and name and why:
            avoid_zones[zid] = AvoidZone(zid, name, why, src)
    see_pt = _sourced(saf, saf.get_map(saf.root, "see_pt"), "text", check_source)
    disclaimer = _sourced(saf, saf.get_map(saf.root, "disclaimer"), "text", check_source)
    follow_up = _follow_up(saf, check_source)

    # routines
    ranges: dict[str, Range] = {}
    ranges_node = rou.get_map(rou.root, "ranges")
    if ranges_node is not None:
        for key in ("hold_seconds", "reps", "steps"):
            r = ranges_node.get(key)
            if not isinstance(r, _Map):
                rou.problem(ranges_node.line, f"missing range '{key}'")
                continue
            lo, hi = rou.get_int(r, "min"), rou.get_int(r, "max")
            range_source = check_source(rou, r) if key != "steps" else None
            if lo is not None and hi is not None:
                ranges[key] = Range(lo, hi, range_source)
    routines: dict[tuple[str, str], Routine] = {}
    for node in rou.maps(rou.root, "routines"):
        mid, eid = rou.get_str(node, "muscle"), rou.get_str(node, "equipment")
        src = check_source(rou, node)
        if mid and mid not in muscles:
            rou.problem(rou.line_of(node, "muscle"), f"unknown muscle '{mid}'")
        if eid and eid not in equipment:
            rou.problem(rou.line_of(node, "equipment"), f"unknown equipment '{eid}'")
        needs = rou.get_words(node, "needs", required=False)
        for need in needs:
            if need not in NEEDS:
                rou.problem(
                    rou.line_of(node, "needs"),
                    f"'{need}' is not one of {', '.join(NEEDS)} (what a routine needs)",
                )
        if len(set(needs)) != len(needs):
            rou.problem(rou.line_of(node, "needs"), "a need is listed twice")
        avoid = rou.get_words(node, "avoid", required=False)
        for z in avoid:
            if z not in avoid_zones:
                rou.problem(rou.line_of(node, "avoid"), f"unknown avoid zone '{z}'")
        steps = _steps(rou, node, ranges)
        if "steps" in ranges and steps and len(steps) not in ranges["steps"]:
            limit = ranges["steps"]
            rou.problem(
                rou.line_of(node, "steps"),
                f"a routine needs {limit.min} to {limit.max} steps, this one has {len(steps)}",
            )
        if mid and eid:
            if (mid, eid) in routines:
                rou.problem(node.line, f"second routine for '{mid}' with '{eid}'")
            routines[(mid, eid)] = Routine(mid, eid, avoid, src, tuple(steps), needs or ("floor",))
    for mid, muscle in muscles.items():
        for e in muscle.routines:
            if (mid, e) not in routines:
                mus.problem(
                    muscle_lines[mid], f"muscle '{mid}' lists a '{e}' routine that is missing"
                )
    for (mid, eid), _r in routines.items():
        if mid in muscles and eid not in muscles[mid].routines:
            rou.problem(1, f"routine '{mid}/{eid}' is not listed in muscles.yaml routines")

    # responses
    responses: dict[str, Response] = {}
    resp_node = res.get_map(res.root, "responses")
    if resp_node is not None:
        for key, value in resp_node.items():
            line = resp_node.key_lines[key]
            if not isinstance(value, _Map):
                res.problem(line, f"response '{key}' must be a mapping with 'text'")
                continue
            fields = res.get_words(value, "fields", required=False)
            text = value.get("text")
            variants: list[str]
            if isinstance(text, str):
                variants = [text]
            elif isinstance(text, list) and text and all(isinstance(t, str) for t in text):
                variants = list(text)
            else:
                res.problem(line, f"response '{key}' needs 'text': a string or a list of strings")
                continue
            used: set[str] = set()
            for v in variants:
                try:
                    names = placeholders(v)
                except ValueError as exc:
                    res.problem(res.line_of(value, "text"), f"response '{key}': {exc}")
                    continue
                used |= names
                for n in sorted(names - set(fields)):
                    res.problem(
                        res.line_of(value, "text"),
                        f"response '{key}' uses placeholder '{{{n}}}' that is never filled"
                        " (not in its fields)",
                    )
            for f in sorted(set(fields) - used):
                res.problem(
                    res.line_of(value, "fields"),
                    f"response '{key}' declares field '{f}' it never uses",
                )
            responses[key] = Response(key, frozenset(fields), tuple(variants))
    topics: dict[str, Topic] = {}
    for node in res.maps(res.root, "topics"):
        tid, name, text = (
            res.get_str(node, "id"),
            res.get_str(node, "name"),
            res.get_str(node, "text"),
        )
        src = check_source(res, node)
        ws = res.get_words(node, "words")
        for w in ws:
            words.claim("topic", w, f"topic '{tid}'", res, res.line_of(node, "words"))
        if text and "{" in text:
            res.problem(res.line_of(node, "text"), f"topic '{tid}' text cannot hold placeholders")
        if tid and name and text:
            topics[tid] = Topic(tid, name, ws, text, src)

    for note, line in notes:
        if note not in responses:
            reg.problem(line, f"note '{note}' is not a response in responses.yaml")

    language = _language(readers["utterances.yaml"], regions)

    if problems or screen is None or see_pt is None or disclaimer is None or follow_up is None:
        return None
    return Catalogue(
        sources=MappingProxyType(sources),
        aspects=MappingProxyType(aspects),
        sides=MappingProxyType(sides),
        equipment=MappingProxyType(equipment),
        regions=MappingProxyType(regions),
        conditions=MappingProxyType(conditions),
        muscles=MappingProxyType(muscles),
        routines=MappingProxyType(routines),
        ranges=MappingProxyType(ranges),
        safety=Safety(
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
        ),
        responses=MappingProxyType(responses),
        topics=MappingProxyType(topics),
        language=language,
    )


def _language(utt: _Reader, regions: Mapping[str, Region]) -> Language:
    """``utterances.yaml``: the grammar around the content's words; each phrase means one thing."""
    root = utt.root
    inv = utt.get_map(root, "invocation") or _empty_map()
    fil = utt.get_map(root, "fillers") or _empty_map()
    car = utt.get_map(root, "carriers") or _empty_map()
    owners: dict[str, tuple[str, int]] = {}

    def phrases(node: _Map, key: str, owner: str) -> tuple[str, ...]:
        words = utt.get_words(node, key)
        line = utt.line_of(node, key)
        for w in words:
            if w in owners and owners[w][0] != owner:
                utt.problem(
                    line,
                    f"the phrase '{w}' means both {owners[w][0]} (line {owners[w][1]}) and {owner}",
                )
            owners.setdefault(w, (owner, line))
        return words

    answers: dict[str, tuple[str, ...]] = {}
    ans = utt.get_map(root, "answers") or _empty_map()
    for key in ans:
        if key not in BUILT_IN_ANSWERS:
            utt.problem(
                ans.key_lines[key], f"answers: '{key}' is not one of {', '.join(BUILT_IN_ANSWERS)}"
            )
            continue
        answers[key] = phrases(ans, key, key)
    meanings: dict[str, tuple[str, ...]] = {}
    mea = utt.get_map(root, "meanings") or _empty_map()
    for key in mea:
        if key not in MEANINGS:
            utt.problem(
                mea.key_lines[key], f"meanings: '{key}' is not one of {', '.join(MEANINGS)}"
            )
            continue
        # "switch" and "routine" name how something is asked, not an answer: they may overlap.
        meanings[key] = (
            utt.get_words(mea, key) if key in ("switch", "routine") else phrases(mea, key, key)
        )
    body: dict[str, tuple[str, ...]] = {}
    bod = utt.get_map(root, "body_words") or _empty_map()
    for key in bod:
        ids = utt.get_words(bod, key)
        for rid in ids:
            if rid not in regions:
                utt.problem(bod.key_lines[key], f"body_words: '{rid}' is not a region")
        body[normalise(key)] = ids
    say: dict[str, Mapping[str, str]] = {}
    loc = utt.get_map(root, "locales") or _empty_map()
    for key in loc:
        if key not in LOCALES:
            utt.problem(loc.key_lines[key], f"locales: '{key}' is not one of {', '.join(LOCALES)}")
            continue
        node = loc[key]
        words = node.get("say") if isinstance(node, dict) else None
        say[key] = MappingProxyType(
            {normalise(k): str(v) for k, v in (words or {}).items() if isinstance(v, str)}
        )
    return Language(
        launch=utt.get_words(inv, "launch"),
        one_shot=utt.get_words(inv, "one_shot"),
        connectors=utt.get_words(inv, "connectors"),
        exit=utt.get_words(inv, "exit"),
        wake=utt.get_words(inv, "wake"),
        leading_fillers=utt.get_words(fil, "leading"),
        trailing_fillers=utt.get_words(fil, "trailing"),
        within_fillers=frozenset(utt.get_words(fil, "within")),
        openers=tuple(dict.fromkeys(utt.get_words(car, "openers"))),
        second_words=tuple(dict.fromkeys(utt.get_words(car, "second_words"))),
        answers=MappingProxyType(answers),
        meanings=MappingProxyType(meanings),
        out_of_domain=utt.get_words(root, "out_of_domain"),
        body_words=MappingProxyType(body),
        locale_say=MappingProxyType(say),
    )


def _follow_up(saf: _Reader, check_source: Any) -> FollowUp | None:
    node = saf.get_map(saf.root, "follow_up")
    if node is None:
        return None
    days = saf.get_int(node, "no_change_days")
    sessions = saf.get_int(node, "no_change_sessions")
    summary = saf.get_int(node, "summary_days")
    src: str = check_source(saf, node)
    keep_going = _sourced(saf, saf.get_map(node, "keep_going"), "text", check_source)
    see_pt = _sourced(saf, saf.get_map(node, "see_pt"), "text", check_source)
    for key, value in (("no_change_days", days), ("no_change_sessions", sessions)):
        if value is not None and not 1 <= value <= 90:
            saf.problem(saf.line_of(node, key), f"follow_up: '{key}' must be 1 to 90")
    if summary is not None and not 7 <= summary <= 90:
        saf.problem(saf.line_of(node, "summary_days"), "follow_up: 'summary_days' must be 7 to 90")
    for part in (keep_going, see_pt):
        if part is not None and "{" in part.text:
            saf.problem(node.line, "follow_up texts cannot hold placeholders")
    if None in (days, sessions, summary, keep_going, see_pt):
        return None
    assert days and sessions and summary and keep_going and see_pt
    return FollowUp(days, sessions, summary, src, keep_going, see_pt)


def _empty_map() -> _Map:
    node = _Map()
    node.key_lines = {}
    return node


def _sourced(reader: _Reader, node: _Map | None, key: str, check_source: Any) -> Sourced | None:
    if node is None:
        return None
    text = reader.get_str(node, key)
    src: str = check_source(reader, node)
    return Sourced(text, src) if text else None


def _only_placeholders(
    reader: _Reader, line: int, text: str, allowed: frozenset[str], where: str
) -> None:
    """A problem for each ``{name}`` in ``text`` that is not ``allowed``, or a malformed one."""
    try:
        unknown = placeholders(text) - allowed
    except ValueError as exc:
        reader.problem(line, f"{where}: {exc}")
        return
    for n in sorted(unknown):
        reader.problem(
            line,
            f"placeholder '{{{n}}}' is never filled in {where} (only {', '.join(sorted(allowed))})",
        )


def _steps(rou: _Reader, node: _Map, ranges: Mapping[str, Range]) -> list[Step]:
    steps: list[Step] = []
    last_kind = -1
    last_flow: _Map | None = None
    for s in rou.maps(node, "steps"):
        kind = rou.get_str(s, "kind")
        text = rou.get_str(s, "text")
        if kind not in STEP_KINDS:
            rou.problem(rou.line_of(s, "kind"), f"step kind must be one of {', '.join(STEP_KINDS)}")
            continue
        index = STEP_KINDS.index(kind)
        if index < last_kind:
            rou.problem(
                s.line, f"a '{kind}' step cannot come after a '{STEP_KINDS[last_kind]}' step"
            )
        last_kind = index
        seconds = rou.get_int(s, "seconds", required=kind == "hold")
        reps = rou.get_int(s, "reps", required=kind == "move")
        if (
            seconds is not None
            and "hold_seconds" in ranges
            and seconds not in ranges["hold_seconds"]
        ):
            r = ranges["hold_seconds"]
            rou.problem(
                rou.line_of(s, "seconds"),
                f"hold of {seconds} s is outside the range {r.min} to {r.max} s",
            )
        if reps is not None and "reps" in ranges and reps not in ranges["reps"]:
            r = ranges["reps"]
            rou.problem(
                rou.line_of(s, "reps"), f"{reps} reps is outside the range {r.min} to {r.max}"
            )
        flow = rou.get_int(s, "flow", required=False)
        if flow is not None:
            if kind not in FLOW_KINDS:
                rou.problem(
                    rou.line_of(s, "flow"),
                    f"a '{kind}' step waits for the runner: only {', '.join(FLOW_KINDS)} "
                    "steps may flow on",
                )
            elif not 1 <= flow <= MAX_FLOW_SECONDS:
                rou.problem(
                    rou.line_of(s, "flow"),
                    f"flow of {flow} s is outside the range 1 to {MAX_FLOW_SECONDS} s",
                )
            last_flow = s
        if text:
            _only_placeholders(rou, rou.line_of(s, "text"), text, STEP_PLACEHOLDERS, "a step")
            steps.append(Step(kind, text, seconds, reps, flow))
    if steps and steps[-1].flow is not None and last_flow is not None:
        rou.problem(rou.line_of(last_flow, "flow"), "the last step has nothing to flow on to")
    return steps


# --------------------------------------------------------------------------- geometry.yaml
#
# The pictures' data (body outline, places, referral zones, ball and roller spots), kept apart
# from the catalogue: only screens read it, and it is checked against the catalogue's ids.

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


@cache
def geometry() -> Geometry:
    """The shipped geometry, loaded and checked against the shipped content once per process."""
    cat, encoded = _shipped()
    if encoded is None:
        return load_geometry(content_dir(), cat)
    from skill import compiled

    return compiled.geometry(encoded)


def compiled_in_use() -> bool:
    """Whether the shipped content came from the compiled artifact (checked when it was built)."""
    return _shipped()[1] is not None


def load_geometry(directory: Path | str, cat: Catalogue) -> Geometry:
    """Load and validate ``geometry.yaml``; raise :class:`ContentError` listing every problem."""
    problems: list[Problem] = []
    reader = _Reader(Path(directory) / GEOMETRY_FILE, problems)
    words_reader = _Reader(Path(directory) / SCREENS_FILE, problems)
    words = _build_screen_words(words_reader, cat) if words_reader.parsed else None
    result = _build_geometry(reader, cat, words) if reader.parsed and words else None
    if problems or result is None:
        raise ContentError(problems)
    return result


def _text_map(reader: _Reader, node: _Map, key: str) -> dict[str, str]:
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


def _build_screen_words(reader: _Reader, cat: Catalogue) -> ScreenWords:
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


def _number(reader: _Reader, node: _Map, key: str, low: float, high: float) -> float | None:
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


def _view(reader: _Reader, node: _Map) -> str | None:
    view = reader.get_str(node, "view")
    if view is not None and view not in VIEWS:
        reader.problem(reader.line_of(node, "view"), f"view must be one of {', '.join(VIEWS)}")
        return None
    return view


def _point(reader: _Reader, node: _Map | None) -> Point | None:
    if node is None:
        return None
    view = _view(reader, node)
    x = _number(reader, node, "x", 0, MAX_OFFSET)
    y = _number(reader, node, "y", 0, FIGURE_HEIGHT)
    if view is None or x is None or y is None:
        return None
    return Point(view, x, y)


def _zone(reader: _Reader, node: _Map) -> Zone | None:
    point = _point(reader, node)
    rx = _number(reader, node, "rx", 1, MAX_OFFSET)
    ry = _number(reader, node, "ry", 1, FIGURE_HEIGHT / 2)
    if point is None or rx is None or ry is None:
        return None
    return Zone(point.view, point.x, point.y, rx, ry)


def _zones(reader: _Reader, node: _Map, key: str) -> tuple[Zone, ...]:
    zones = tuple(z for z in (_zone(reader, n) for n in reader.maps(node, key)) if z)
    if not zones and isinstance(node.get(key), list):
        reader.problem(reader.line_of(node, key), f"'{key}' needs at least one zone")
    return zones


def _points(reader: _Reader, node: _Map, key: str) -> tuple[tuple[float, float], ...]:
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


def _build_geometry(reader: _Reader, cat: Catalogue, words: ScreenWords) -> Geometry | None:
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

    referrals: dict[str, Referral] = {}
    for node in reader.maps(root, "referrals"):
        mid = reader.get_str(node, "muscle")
        knot = _point(reader, node.get("knot")) if isinstance(node.get("knot"), _Map) else None
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
            if not isinstance(steps_node, _Map):
                reader.problem(
                    reader.line_of(node, "steps"), "'steps' must map step numbers to spots"
                )
            else:
                for number, value in steps_node.items():
                    point = _point(reader, value) if isinstance(value, _Map) else None
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
