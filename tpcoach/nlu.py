"""Text → request, from the interaction model, the way Alexa would hear it.

Used by ``tpcoach chat`` / ``tpcoach say`` and by the dialogue tests (``say:`` turns), so a typed
line and a test turn become the same request envelope a device would send.

What it understands
    * Launch phrases: "open trigger point coach", "start / launch / talk to / begin ... <name>"
      → a LaunchRequest in a new session.
    * One-shots: "ask <name> <utterance>", "ask <name> to / for / about / if ... <utterance>",
      "tell <name> (to / that) <utterance>" → that utterance's IntentRequest in a new session
      ("ask <name>" alone is a launch).
    * "exit", "quit": Alexa closes the skill itself and sends a SessionEndedRequest
      (``USER_INITIATED``).
    * Everything else is matched against the model's sample utterances, plus a small table of
      common phrasings for the built-in intents (which have no samples in the model). A leading
      "alexa" is dropped.

Matching rule
    A sample matches when its literal words equal the utterance's words in order and each
    ``{slot}`` takes one or more words in between. A slot's words are resolved as Alexa's entity
    resolution does: an exact, case-insensitive match on a value's name or one of its synonyms is
    ``ER_SUCCESS_MATCH`` with the value id; anything else is ``ER_SUCCESS_NO_MATCH`` with only the
    raw words in ``value``. An unresolved slot may take at most as many words as the longest
    value of its type (at least two), so a slot never swallows a sentence. A sample made of
    slots only must resolve at least one of them, or it would match anything.

    When several samples (or several ways of splitting the words) match, the best is the one with
    1. the most literal words matched, then
    2. the most slots resolved, then
    3. the fewest unresolved slots, then
    4. the earliest in the model (custom intents first, then the built-in table).

    If nothing matches, the words are matched again without filler ("um", "okay so", a trailing
    "please"); if still nothing, the result is ``AMAZON.FallbackIntent`` and names the samples
    closest to what was said (rapidfuzz), for a tool to show.

The module is pure: the only I/O is reading a model file, once per path.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process, utils

from skill.text import normal, words
from tpcoach.local import LOCAL_SKILL_ID, SlotValue, intent_request, launch_request

FALLBACK = "AMAZON.FallbackIntent"
DEFAULT_INVOCATION = "trigger point coach"
MODEL_ROOT = Path(__file__).resolve().parent.parent / "interaction_model"


# The grammar around the content's words comes from content/utterances.yaml, the same data the
# model builder reads: launch and one-shot phrases, connectors, fillers, and the phrasings of the
# built-in intents (which on a device hear far more; these are the ones a runner on the floor is
# likely to say, enough for a terminal and for tests written as speech).
class _Grammar:
    @functools.cached_property
    def language(self) -> Any:
        from skill.content import catalogue

        return catalogue().language


_GRAMMAR = _Grammar()


def built_in_phrases() -> Mapping[str, tuple[str, ...]]:
    lang = _GRAMMAR.language
    return {**lang.answers, "AMAZON.FallbackIntent": ()}


MIN_UNRESOLVED_WORDS = (
    2  # an unresolved slot may take this many words even if its values are shorter
)
CLOSEST = 3  # how many samples a Fallback names

Kind = Literal["launch", "intent", "end"]


# --------------------------------------------------------------------------- the compiled model


@dataclass(frozen=True)
class SlotType:
    name: str
    values: Mapping[str, tuple[str, str]]  # normalised name or synonym → (id, value name)
    max_words: int  # of the longest name or synonym

    def resolve(self, heard: str) -> SlotValue:
        match = self.values.get(heard)
        if match is None:
            return SlotValue(heard, slot_type=self.name)
        value_id, name = match
        return SlotValue(heard, id=value_id, slot_type=self.name, name=name)


@dataclass(frozen=True)
class Sample:
    intent: str
    text: str  # as written in the model, for showing
    parts: tuple[tuple[bool, str], ...]  # (is_slot, word or slot name)
    literals: frozenset[str]
    literal_count: int
    slot_count: int
    order: int


@dataclass(frozen=True)
class Model:
    invocation: str
    samples: tuple[Sample, ...]
    slot_types: Mapping[str, Mapping[str, SlotType]]  # intent → slot name → type

    def understand(self, text: str) -> Understanding:
        return understand(self, text)


_SLOT = re.compile(r"\{(\w+)\}")


def sample_parts(sample: str) -> tuple[tuple[bool, str], ...]:
    out: list[tuple[bool, str]] = []
    for i, piece in enumerate(_SLOT.split(sample)):
        if i % 2:
            out.append((True, piece))
        else:
            out.extend((False, w) for w in words(piece))
    return tuple(out)


def _slot_type(raw: Mapping[str, Any]) -> SlotType:
    values: dict[str, tuple[str, str]] = {}
    for value in raw.get("values") or []:
        name = value.get("name") or {}
        value_name = str(name.get("value", ""))
        value_id = str(value.get("id") or value_name)
        for phrase in (value_name, *(name.get("synonyms") or [])):
            values.setdefault(normal(str(phrase)), (value_id, value_name))
    longest = max((len(k.split()) for k in values), default=0)
    return SlotType(name=str(raw["name"]), values=values, max_words=longest)


def compile_model(data: Mapping[str, Any], *, native: bool = True) -> Model:
    """The model as matching needs it, from an ASK CLI v2 interaction model document; with
    ``native``, the built-ins also hear the phrases Alexa gives them without samples."""
    language = (data.get("interactionModel") or {}).get("languageModel") or {}
    types = {t["name"]: _slot_type(t) for t in language.get("types") or []}
    samples: list[Sample] = []
    slot_types: dict[str, dict[str, SlotType]] = {}
    declared: dict[str, list[str]] = {}
    for intent in language.get("intents") or []:
        name = str(intent["name"])
        slot_types[name] = {
            str(s["name"]): types.get(s["type"], SlotType(str(s["type"]), {}, 0))
            for s in intent.get("slots") or []
        }
        declared[name] = [str(s) for s in intent.get("samples") or []]
    # The model's own samples first (custom intents and any samples added to built-ins), then
    # the built-in table for the built-ins the model declares.
    texts = [(i, s) for i, ss in declared.items() for s in ss]
    texts += [
        (i, s)
        for i, phrases in (built_in_phrases() if native else {}).items()
        if i in declared
        for s in phrases
        if s not in declared[i]
    ]
    for order, (intent_name, text) in enumerate(texts):
        parts = sample_parts(text)
        lits = [w for is_slot, w in parts if not is_slot]
        samples.append(
            Sample(
                intent=intent_name,
                text=text,
                parts=parts,
                literals=frozenset(lits),
                literal_count=len(lits),
                slot_count=len(parts) - len(lits),
                order=order,
            )
        )
    return Model(
        invocation=normal(str(language.get("invocationName") or DEFAULT_INVOCATION)),
        samples=tuple(samples),
        slot_types=slot_types,
    )


def model_path(locale: str = "en-US", root: Path = MODEL_ROOT) -> Path:
    return root / "interactionModels" / "custom" / f"{locale}.json"


@functools.lru_cache(maxsize=16)
def _load(path: Path) -> Model:
    return compile_model(json.loads(path.read_text(encoding="utf-8")))


def load_model(path: Path | str | None = None, locale: str = "en-US") -> Model:
    """The compiled model of a file (default: the shipped model of ``locale``), read once."""
    return _load(Path(path).resolve() if path is not None else model_path(locale))


# --------------------------------------------------------------------------- understanding


@dataclass(frozen=True)
class Understanding:
    """What Alexa would make of one utterance."""

    text: str  # the words heard, normalised
    kind: Kind
    intent: str | None = None
    slots: Mapping[str, SlotValue] = field(default_factory=dict)
    new_session: bool = False  # a launch phrase or a one-shot: Alexa starts a new session
    sample: str | None = None  # the sample utterance that matched
    closest: tuple[str, ...] = ()  # on Fallback: the samples closest to what was said

    @property
    def matched(self) -> bool:
        """False when no sample matched (a Fallback sample of the model is a match)."""
        return self.kind != "intent" or self.sample is not None

    def request(self, locale: str = "en-US", skill_id: str = LOCAL_SKILL_ID) -> dict[str, Any]:
        """The ``request`` part of the envelope (``end`` has none: Alexa ends the session)."""
        if self.kind == "launch":
            return launch_request(locale)
        if self.kind == "intent" and self.intent is not None:
            return intent_request(self.intent, self.slots, skill_id=skill_id, locale=locale)
        raise ValueError(f"'{self.text}' ends the session; it has no request of its own")

    def describe(self) -> str:
        """``PainIntent region~'elbow' side=left``: ids, and ``~'words'`` for words not matched."""
        if self.kind == "launch":
            return "LaunchRequest"
        if self.kind == "end":
            return "SessionEndedRequest (USER_INITIATED)"
        parts = [str(self.intent)]
        for name, slot in self.slots.items():
            parts.append(f"{name}={slot.id}" if slot.id else f"{name}~'{slot.value}'")
        return " ".join(parts) + (" (new session)" if self.new_session else "")


@dataclass(frozen=True)
class _Match:
    sample: Sample
    slots: dict[str, SlotValue]
    resolved: int
    unresolved: int

    @property
    def score(self) -> tuple[int, int, int, int]:
        return (self.sample.literal_count, self.resolved, -self.unresolved, -self.sample.order)


def splits(
    parts: Sequence[tuple[bool, str]], tokens: Sequence[str], limits: Mapping[str, int]
) -> Iterator[dict[str, tuple[int, int]]]:
    """Every way the tokens fill the sample: slot name → (start, end) of its words."""

    def go(
        p: int, t: int, taken: dict[str, tuple[int, int]]
    ) -> Iterator[dict[str, tuple[int, int]]]:
        if p == len(parts):
            if t == len(tokens):
                yield dict(taken)
            return
        is_slot, item = parts[p]
        if not is_slot:
            if t < len(tokens) and tokens[t] == item:
                yield from go(p + 1, t + 1, taken)
            return
        rest_min = len(parts) - p - 1
        for end in range(t + 1, min(len(tokens) - rest_min, t + limits[item]) + 1):
            taken[item] = (t, end)
            yield from go(p + 1, end, taken)
            del taken[item]

    yield from go(0, 0, {})


def _matches(model: Model, tokens: Sequence[str]) -> Iterator[_Match]:
    present = set(tokens)
    n = len(tokens)
    for sample in model.samples:
        if not sample.literals <= present or n < sample.literal_count + sample.slot_count:
            continue
        if sample.slot_count == 0:
            if [w for _, w in sample.parts] == list(tokens):
                yield _Match(sample, {}, 0, 0)
            continue
        types = model.slot_types.get(sample.intent, {})
        # A slot takes at most as many words as its longest value (at least two, so that an
        # unknown two-word value is still heard); a slot of a type without values takes any.
        limits = {
            name: max(t.max_words, MIN_UNRESOLVED_WORDS) if t.values else n
            for is_slot, name in sample.parts
            if is_slot
            for t in [types.get(name, SlotType(name, {}, 0))]
        }
        for split in splits(sample.parts, tokens, limits):
            slots: dict[str, SlotValue] = {}
            for name, (start, end) in split.items():
                heard = " ".join(tokens[start:end])
                slot_type = types.get(name)
                slots[name] = slot_type.resolve(heard) if slot_type else SlotValue(heard)
            resolved = sum(1 for v in slots.values() if v.id is not None)
            if sample.literal_count == 0 and resolved == 0:
                continue  # slots only, none resolved: it would match anything
            yield _Match(sample, slots, resolved, len(slots) - resolved)


def best_match(model: Model, tokens: Sequence[str]) -> _Match | None:
    """The best sample for these words, by the rule in the module docstring; filler is dropped
    only when the words as said match nothing."""
    found = max(_matches(model, tokens), key=lambda m: m.score, default=None)
    if found is None:
        stripped = _strip_filler(list(tokens))
        if stripped != list(tokens):
            found = max(_matches(model, stripped), key=lambda m: m.score, default=None)
    return found


def _strip_filler(tokens: list[str]) -> list[str]:
    out = list(tokens)
    changed = True
    while changed and out:
        changed = False
        for filler in _GRAMMAR.language.leading_fillers:
            f = filler.split()
            if out[: len(f)] == f and len(out) > len(f):
                out = out[len(f) :]
                changed = True
        for filler in _GRAMMAR.language.trailing_fillers:
            f = filler.split()
            if out[-len(f) :] == f and len(out) > len(f):
                out = out[: -len(f)]
                changed = True
    return out


def closest_samples(model: Model, text: str, limit: int = CLOSEST) -> tuple[str, ...]:
    """The samples that look most like ``text``, best first, for a "did you mean"."""
    choices = list(dict.fromkeys(s.text for s in model.samples))
    found = process.extract(
        text, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process, limit=limit
    )
    return tuple(str(choice) for choice, _score, _index in found)


def _understood(text: str, found: _Match, *, new_session: bool) -> Understanding:
    return Understanding(
        text=text,
        kind="intent",
        intent=found.sample.intent,
        slots=found.slots,
        new_session=new_session,
        sample=found.sample.text,
    )


def _after(tokens: list[str], prefix: str) -> list[str] | None:
    p = prefix.split()
    return tokens[len(p) :] if tokens[: len(p)] == p else None


def _invocation(model: Model, tokens: list[str]) -> Understanding | None:
    """A launch phrase or a one-shot naming the skill; None when the skill is not named."""
    text = " ".join(tokens)
    lang = _GRAMMAR.language
    for verb in lang.launch:
        if _after(tokens, f"{verb} {model.invocation}") == []:
            return Understanding(text=text, kind="launch", new_session=True)
    # "open trigger point coach and my knee hurts": a launch phrase with words is a one-shot
    # too, as in tests/va/run.js's reading of Alexa's invocation grammar.
    for verb in (*lang.one_shot, *lang.launch):
        rest = _after(tokens, f"{verb} {model.invocation}")
        if rest is None:
            continue
        if not rest:
            return Understanding(text=text, kind="launch", new_session=True)
        tries = [rest, rest[1:]] if rest[0] in lang.connectors and len(rest) > 1 else [rest]
        found = [m for m in (best_match(model, t) for t in tries) if m is not None]
        if not found:
            return _fallback(model, " ".join(rest), text, new_session=True)
        # "ask ... to resume": with or without the connector, whichever matches better
        # (the words as said win a tie).
        return _understood(text, max(found, key=lambda m: m.score[:3]), new_session=True)
    return None


def _fallback(model: Model, said: str, text: str, *, new_session: bool) -> Understanding:
    return Understanding(
        text=text,
        kind="intent",
        intent=FALLBACK,
        new_session=new_session,
        closest=closest_samples(model, said),
    )


def producers(model: Model, utterance: str, exclude: str = "") -> list[str]:
    """The intents (but ``exclude``) with a sample that says exactly ``utterance``: every custom
    slot taking one of its values, a slot without values (AMAZON.SearchQuery) one word or more."""
    out: list[str] = []
    for match in _matches(model, words(utterance)):
        intent = match.sample.intent
        if intent == exclude or intent in out:
            continue
        types = model.slot_types.get(intent, {})
        if all(
            v.id is not None or not types.get(k, SlotType(k, {}, 0)).values
            for k, v in match.slots.items()
        ):
            out.append(intent)
    return out


def readings(model: Model, utterance: str) -> list[tuple[str, dict[str, str]]]:
    """Every (intent, slot ids) reading the samples allow with every slot resolved, as a
    catalogue match would: for checks that an utterance means one thing, and the right one."""
    out: list[tuple[str, dict[str, str]]] = []
    for match in _matches(model, words(utterance)):
        if match.unresolved == 0:
            reading = (match.sample.intent, {k: str(v.id) for k, v in match.slots.items()})
            if reading not in out:
                out.append(reading)
    return out


def understand(model: Model, utterance: str) -> Understanding:
    """What Alexa would send for ``utterance``, given this model."""
    tokens = words(utterance)
    lang = _GRAMMAR.language
    if tokens[:1] and tokens[0] in lang.wake:
        tokens = tokens[1:]
    text = " ".join(tokens)
    if text in lang.exit:
        return Understanding(text=text, kind="end")
    invoked = _invocation(model, tokens)
    if invoked is not None:
        return invoked
    found = best_match(model, tokens)
    if found is None:
        return _fallback(model, text, text, new_session=False)
    return _understood(text, found, new_session=False)


__all__ = [
    "FALLBACK",
    "Model",
    "Understanding",
    "built_in_phrases",
    "compile_model",
    "load_model",
    "model_path",
    "producers",
    "readings",
    "understand",
    "words",
]
