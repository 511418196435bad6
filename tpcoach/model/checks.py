"""The checks that keep the interaction model honest. :func:`check_model` lists every problem
with the files on disk, each line naming its file: drift from what would be built, Alexa's own
JSON schema (made strict, see :func:`tpcoach.model.schema.strict_definitions`), and the rules
the schema cannot express."""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from skill.content import LOCALES, Catalogue
from skill.resolve import place_id
from skill.text import normalise, sample_key
from tpcoach import nlu
from tpcoach.leads import lead_words
from tpcoach.model.language import (
    ASPECT,
    BUILT_INS,
    CATEGORY,
    CONDITION,
    CUSTOM_MODELS,
    EQUIPMENT,
    LIMITS,
    MANIFEST,
    MEDICAL_DISCLAIMER,
    MUSCLE,
    REGION,
    SEARCH_QUERY,
    SIDE,
    SLOT_PLACEHOLDER,
    TELL,
    TOPIC,
    Json,
    speakable,
    splits_a_sign,
)
from tpcoach.model.package import build, render
from tpcoach.model.schema import MANIFEST_SCHEMA, MODEL_SCHEMA, SPEC, schema_problems

LAUNCH_WORDS = frozenset(
    {"ask", "begin", "enable", "launch", "load", "open", "play", "resume", "run", "start"}
    | {"tell", "use", "skill", "app"}
)
WAKE_WORDS = frozenset({"alexa", "amazon", "echo", "computer", "ziggy"})
TWO_WORD_FORBIDDEN = frozenset({"a", "an", "the", "for", "to", "of"})
EXAMPLE_PHRASE = re.compile(
    r"alexa, (?P<launch>open|ask|tell|start|launch|begin) (?P<rest>.+)", re.IGNORECASE
)
CONNECTING_WORDS = ("to", "about", "for", "if", "whether", "and")


def check_invocation_name(name: str) -> list[str]:
    problems = []
    words = name.split()
    if name != name.strip() or "  " in name:
        problems.append(f"invocation name '{name}' has stray spaces")
    if not re.fullmatch(r"[a-z][a-z' .]*", name):
        problems.append(
            f"invocation name '{name}' may hold only lower-case letters, spaces, apostrophes"
            " and periods"
        )
    for w in words:
        if "." in w and not re.fullmatch(r"[a-z]\.", w):
            problems.append(f"invocation name '{name}': periods only after single letters ('{w}')")
    if len(words) < 2:
        problems.append(f"invocation name '{name}' must be two words or more")
    if len(words) == 2 and TWO_WORD_FORBIDDEN & set(words):
        problems.append(f"invocation name '{name}': a two-word name cannot hold an article")
    for bad in (set(words) | {" ".join(words[i : i + 2]) for i in range(len(words))}) & (
        LAUNCH_WORDS | WAKE_WORDS | {"talk to", "can you"}
    ):
        problems.append(f"invocation name '{name}' contains the launch or wake word '{bad}'")
    return problems


def check_sample(sample: str, declared: Mapping[str, str]) -> list[str]:
    """One sample utterance: its characters and its slots."""
    problems = []
    bare = SLOT_PLACEHOLDER.sub("", sample)
    if "{" in bare or "}" in bare:
        problems.append(f"sample '{sample}' has a malformed {{slot}}")
    elif re.search(r"[^A-Za-z' .]", bare):
        problems.append(
            f"sample '{sample}' may hold only letters, spaces, apostrophes, periods"
            " and {slots} (numbers spelled out)"
        )
    for w in bare.split():
        if "." in w and not re.fullmatch(r"([A-Za-z]\.)+", w):
            problems.append(f"sample '{sample}': periods only in abbreviations ('{w}')")
    used = SLOT_PLACEHOLDER.findall(sample)
    for slot in sorted(set(used)):
        if slot not in declared:
            problems.append(
                f"sample '{sample}' uses slot {{{slot}}}, which the intent does not declare"
            )
        if used.count(slot) > 1:
            problems.append(f"sample '{sample}' uses slot {{{slot}}} twice")
    if sample != sample.strip() or not sample.strip():
        problems.append(f"sample '{sample}' is empty or has stray spaces")
    return problems


def check_language_model(model: Any, cat: Catalogue, handled: Iterable[str]) -> list[str]:
    """The rules Alexa's schema does not express, for one locale's interaction model."""
    try:
        lm = model["interactionModel"]["languageModel"]
        intents_ = list(lm["intents"])
        types = list(lm.get("types", []))
    except (KeyError, TypeError):
        return ["no interactionModel.languageModel with intents"]
    problems = check_invocation_name(str(lm.get("invocationName", "")))
    type_names = {str(t.get("name")) for t in types}
    owner: dict[str, str] = {}
    used_types: set[str] = set()
    declared_intents: set[str] = set()
    for it in intents_:
        name = str(it.get("name"))
        if name in declared_intents:
            problems.append(f"intent {name} is declared twice")
        declared_intents.add(name)
        slots = {str(s.get("name")): str(s.get("type")) for s in it.get("slots", [])}
        samples = [str(s) for s in it.get("samples", [])]
        for slot, slot_type in slots.items():
            used_types.add(slot_type)
            if not slot_type.startswith("AMAZON.") and slot_type not in type_names:
                problems.append(f"intent {name} slot {slot}: slot type {slot_type} is not declared")
            if not any("{" + slot + "}" in s for s in samples):
                problems.append(f"intent {name} slot {slot} is in no sample utterance")
        seen: set[str] = set()
        for sample in samples:
            problems += [f"intent {name}: {p}" for p in check_sample(sample, slots)]
            typed = [u for u in SLOT_PLACEHOLDER.findall(sample) if slots.get(u) != SEARCH_QUERY]
            if typed and (sign := splits_a_sign(cat, sample)):
                problems.append(
                    f"intent {name}: sample '{sample}' could cut the sign '{sign}' in two"
                    " (Alexa sends a slot's words, not the sample's)"
                )
            problems += [f"intent {name}: {p}" for p in check_search_query(sample, slots)]
            if len(sample) > LIMITS["sample_chars"]:
                problems.append(
                    f"intent {name}: sample '{sample[:40]}...' is over"
                    f" {LIMITS['sample_chars']} characters"
                )
            key = sample_key(sample)
            if key in seen:
                problems.append(f"intent {name}: sample '{sample}' is there twice")
            seen.add(key)
            if key in owner and owner[key] != name:
                problems.append(f"sample '{sample}' is in both {owner[key]} and {name}")
            owner.setdefault(key, name)
    for t in types:
        problems += _check_slot_type(t)
        if str(t.get("name")) not in used_types:
            problems.append(f"slot type {t.get('name')} is used by no slot")
    handled = set(handled)
    for missing in sorted(set(BUILT_INS) - declared_intents):
        problems.append(f"intent {missing} is needed by a routine skill but not declared")
    for extra in sorted(declared_intents - handled - {TELL, *lead_words(cat)}):
        problems.append(f"intent {extra} is declared in the model but no handler takes it")
    problems += _check_content_ids(types, cat, used_types)
    problems += check_limits(model)
    problems += check_collisions(model)
    return problems


def check_search_query(sample: str, slots: Mapping[str, str]) -> list[str]:
    """Alexa's rules for AMAZON.SearchQuery: a carrier phrase, and no other slot in the sample."""
    used = SLOT_PLACEHOLDER.findall(sample)
    phrase_slots = [u for u in used if slots.get(u) == SEARCH_QUERY]
    if not phrase_slots:
        return []
    problems = []
    if len(used) > 1:
        problems.append(f"sample '{sample}': an AMAZON.SearchQuery slot cannot share a sample")
    if not SLOT_PLACEHOLDER.sub("", sample).strip():
        problems.append(f"sample '{sample}': an AMAZON.SearchQuery slot needs a carrier phrase")
    return problems


def check_limits(model: Any) -> list[str]:
    """Alexa's published interaction-model limits (docs/interaction-model.md)."""
    lm = model["interactionModel"]["languageModel"]
    problems = []
    size = len(json.dumps(model).encode("utf-8"))
    if size > LIMITS["model_bytes"]:
        problems.append(f"the model is {size} bytes, over Alexa's {LIMITS['model_bytes']}")
    n_intents, n_types = len(lm.get("intents", [])), len(lm.get("types", []))
    if n_intents > LIMITS["intents"]:
        problems.append(f"{n_intents} intents, over Alexa's {LIMITS['intents']}")
    if n_intents + n_types > LIMITS["intents_and_slot_types"]:
        problems.append(
            f"{n_intents} intents and {n_types} slot types, over Alexa's"
            f" {LIMITS['intents_and_slot_types']}"
        )
    for t in lm.get("types", []):
        for value in t.get("values", []):
            name = value.get("name", {})
            for w in (name.get("value", ""), *name.get("synonyms", [])):
                if len(w) > LIMITS["slot_value_chars"]:
                    problems.append(
                        f"slot type {t.get('name')}: '{w[:30]}...' is over"
                        f" {LIMITS['slot_value_chars']} characters"
                    )
    return problems


def check_collisions(model: Any) -> list[str]:
    """No two intents may say the same words once their slots are filled.

    Every sample of every intent (built-ins with Alexa's own phrases too) is said as probes:
    its words, each custom slot taking its values (a slot that starts the sample every value,
    the others their first), an AMAZON.SearchQuery slot a word no sample has. Each probe is
    tried against the samples of the other intents that can start with its first word, where
    a custom slot must hear one of its values and a SearchQuery slot any words. A probe word
    only a SearchQuery slot can say, so a carrier of one intent that starts another's carrier
    ("gave {words}" and "gave way {words}") is found too.
    """
    compiled = nlu.compile_model(model, native=False)
    starts: dict[str, list[nlu.Sample]] = defaultdict(list)
    for sample in compiled.samples:
        for first in _first_words(compiled, sample):
            starts[first].append(sample)
    problems: set[str] = set()
    for sample in compiled.samples:
        firsts = _first_words(compiled, sample)
        if all(o.intent == sample.intent for f in firsts for o in starts.get(f, ())):
            continue
        for probe in _probes(compiled, sample):
            for other in starts.get(probe[0], ()):
                if other.intent != sample.intent and _says(compiled, other, probe):
                    problems.add(
                        f"'{' '.join(probe)}' is both {sample.intent} ('{sample.text}') and"
                        f" {other.intent} ('{other.text}')"
                    )
    return sorted(problems)


PROBE_WORD = "zzprobe"  # what a SearchQuery slot says in a probe: no sample has this word


def _slot_values(compiled: nlu.Model, sample: nlu.Sample, slot: str) -> list[str] | None:
    """A custom slot's values, or None for a SearchQuery slot (it takes any words)."""
    slot_type = compiled.slot_types.get(sample.intent, {}).get(slot)
    if slot_type is None or not slot_type.values:
        return None
    return sorted(slot_type.values)


def _first_words(compiled: nlu.Model, sample: nlu.Sample) -> set[str]:
    if not sample.parts:
        return set()
    is_slot, item = sample.parts[0]
    if not is_slot:
        return {item}
    values = _slot_values(compiled, sample, item)
    return {PROBE_WORD} if values is None else {v.split()[0] for v in values if v}


def _probes(compiled: nlu.Model, sample: nlu.Sample) -> Iterable[list[str]]:
    choices: list[list[str]] = []
    for i, (is_slot, item) in enumerate(sample.parts):
        if not is_slot:
            choices.append([item])
            continue
        values = _slot_values(compiled, sample, item)
        if values is None:
            choices.append([PROBE_WORD])
        else:
            choices.append(values if i == 0 else values[:1])
    for combo in itertools.product(*choices):
        yield " ".join(combo).split()


def _says(compiled: nlu.Model, sample: nlu.Sample, tokens: Sequence[str]) -> bool:
    """Whether ``sample`` says exactly ``tokens``, every custom slot hearing one of its values
    (of at most 12 words, longer than any value)."""
    if not sample.literals <= set(tokens):
        return False
    limits = {
        item: len(tokens) if _slot_values(compiled, sample, item) is None else 12
        for is_slot, item in sample.parts
        if is_slot
    }
    for split in nlu.splits(sample.parts, tokens, limits):
        if all(
            _slot_values(compiled, sample, name) is None
            or " ".join(tokens[a:b]) in compiled.slot_types[sample.intent][name].values
            for name, (a, b) in split.items()
        ):
            return True
    return False


def _check_slot_type(slot_type: Json) -> list[str]:
    problems = []
    name = slot_type.get("name")
    ids: set[str] = set()
    word_owner: dict[str, str] = {}
    for value in slot_type.get("values", []):
        spoken = value.get("name", {})
        label = spoken.get("value", "?")
        ident = value.get("id")
        if not ident:
            problems.append(f"slot type {name}: the value '{label}' has no id")
            continue
        if ident in ids:
            problems.append(f"slot type {name}: the id '{ident}' is used twice")
        ids.add(ident)
        for w in (spoken.get("value", ""), *spoken.get("synonyms", [])):
            if not speakable(w):
                problems.append(
                    f"slot type {name}: '{w}' ({ident}) may hold only letters, spaces,"
                    " apostrophes and periods"
                )
            key = w.lower()
            if key in word_owner and word_owner[key] != ident:
                problems.append(f"slot type {name}: '{w}' names both {word_owner[key]} and {ident}")
            word_owner.setdefault(key, ident)
    return problems


def expected_ids(cat: Catalogue) -> dict[str, dict[str, tuple[str, ...]]]:
    """Slot type → content id → the content words the model must hear for it."""
    places: dict[str, tuple[str, ...]] = {}
    for region in cat.regions.values():
        places[region.id] = region.words
        for loc in region.locations.values():
            if not loc.words:
                continue
            pid = place_id(region.id, loc.aspect)
            # the single location of a region without aspects shares the region's id
            places[pid] = (*places[pid], *loc.words) if pid == region.id else loc.words
    return {
        REGION: places,
        ASPECT: {a.id: a.words for a in cat.aspects.values()},
        SIDE: {s.id: s.words for s in cat.sides.values()},
        CONDITION: {c.id: c.words for c in cat.conditions.values()},
        MUSCLE: {m.id: m.words for m in cat.muscles.values()},
        EQUIPMENT: {e.id: e.words for e in cat.equipment.values()},
        TOPIC: {t.id: t.words for t in cat.topics.values()},
    }


def _check_content_ids(types: Sequence[Json], cat: Catalogue, used: set[str]) -> list[str]:
    """Every slot type that a slot uses hears every content id by all of the content's words."""
    problems = []
    by_name = {str(t.get("name")): t for t in types}
    for type_name, wanted in expected_ids(cat).items():
        if type_name not in used:
            continue  # no sample names it: the words reach the skill as words
        slot_type = by_name.get(type_name)
        if slot_type is None:
            problems.append(f"slot type {type_name} is missing: the content has {len(wanted)} ids")
            continue
        heard: dict[str, set[str]] = defaultdict(set)
        for value in slot_type.get("values", []):
            spoken = value.get("name", {})
            if not value.get("id"):
                continue  # reported by _check_slot_type
            heard[str(value.get("id"))] |= {
                w.lower() for w in (spoken.get("value", ""), *spoken.get("synonyms", []))
            }
        for ident, words in wanted.items():
            if ident not in heard:
                problems.append(f"slot type {type_name} has no value for the content id '{ident}'")
                continue
            for w in words:
                if w not in heard[ident]:
                    problems.append(f"slot type {type_name}: '{w}' is missing from '{ident}'")
        for ident in sorted(set(heard) - set(wanted)):
            problems.append(f"slot type {type_name}: the id '{ident}' is not in the content")
    return problems


def check_manifest(document: Any, models: Mapping[str, Json]) -> list[str]:
    """The manifest's rules: locales, category and disclaimer, example phrases that work."""
    problems = []
    try:
        info = document["manifest"]["publishingInformation"]
        locales = info["locales"]
    except (KeyError, TypeError):
        return ["no manifest.publishingInformation.locales"]
    if set(locales) != set(models):
        problems.append(
            f"manifest locales {sorted(locales)} differ from the interaction models"
            f" {sorted(models)}"
        )
    health = info.get("category") == CATEGORY
    for locale, published in sorted(locales.items()):
        description = str(published.get("description", ""))
        if health and MEDICAL_DISCLAIMER not in " ".join(description.lower().split()):
            problems.append(
                f"{locale}: a Health & Fitness description must say the skill is"
                f" '{MEDICAL_DISCLAIMER}'"
            )
        model = models.get(locale)
        if model is None:
            continue
        invocation = model["interactionModel"]["languageModel"].get("invocationName", "")
        for phrase in published.get("examplePhrases", []):
            problem = _check_example(str(phrase), str(invocation), model)
            if problem:
                problems.append(f"{locale}: example phrase '{phrase}' {problem}")
    return problems


def _check_example(phrase: str, invocation: str, model: Json) -> str | None:
    found = EXAMPLE_PHRASE.fullmatch(phrase.strip().rstrip("."))
    if found is None:
        return "does not start with 'Alexa, open' or 'Alexa, ask' (or tell, start, launch)"
    rest = normalise(found.group("rest"))
    if not (rest + " ").startswith(invocation + " "):
        return f"does not name the invocation name '{invocation}'"
    request = rest[len(invocation) :].strip()
    if not request:
        opens = found.group("launch").lower() in ("open", "start", "launch", "begin")
        return None if opens else "asks nothing"
    # Alexa takes a connector after the invocation name ("ask ... to ...") as part of the
    # invocation, so the request it sends is what follows it.
    first, _, after = request.partition(" ")
    candidates = [after] if first in CONNECTING_WORDS and after else [request]
    compiled = nlu.compile_model(model)
    if any(nlu.readings(compiled, c) or nlu.producers(compiled, c) for c in candidates):
        return None
    return f"asks '{candidates[0]}', which is no sample utterance of the model"


def check_model(
    cat: Catalogue,
    directory: Path | str,
    *,
    spec: Path = SPEC,
    handled: Iterable[str] | None = None,
) -> list[str]:
    """Every problem with the skill package in ``directory`` (and ask-resources.json beside it),
    one readable line each, naming the file."""
    package = Path(directory)
    if handled is None:
        from skill.app import handled_intents

        handled = handled_intents()
    handled = set(handled)
    problems: list[str] = []

    expected = build(cat, package)
    for path, text in expected.items():
        if not path.is_file():
            problems.append(f"{path}: missing (run `tpcoach build-model` and commit the result)")
            continue
        actual = path.read_text(encoding="utf-8")
        if path.name == MANIFEST:
            actual = _without_endpoint(actual)
        if actual != text:
            where = _first_difference(actual, text)
            problems.append(
                f"{path}: differs from what `tpcoach build-model` writes{where}"
                " (run it and commit the result)"
            )
    custom = package / CUSTOM_MODELS
    if custom.is_dir():
        for extra in sorted(set(custom.glob("*.json")) - set(expected)):
            problems.append(f"{extra}: not a locale this skill builds ({', '.join(LOCALES)})")

    have_spec = spec.is_file()
    if not have_spec:
        problems.append(
            f"{spec}: not found, so the files cannot be checked against Alexa's schema:"
            " run `npm ci` in the project root"
        )

    models: dict[str, Json] = {}
    for locale in LOCALES:
        path = package / CUSTOM_MODELS / f"{locale}.json"
        document = _read_json(path, problems)
        if document is None:
            continue
        if have_spec:
            problems += [f"{path}: {p}" for p in schema_problems(document, MODEL_SCHEMA, spec)]
        problems += [f"{path}: {p}" for p in check_language_model(document, cat, handled)]
        if isinstance(document, dict):
            models[locale] = document

    path = package / MANIFEST
    document = _read_json(path, problems)
    if document is not None:
        if have_spec:
            problems += [f"{path}: {p}" for p in schema_problems(document, MANIFEST_SCHEMA, spec)]
        problems += [f"{path}: {p}" for p in check_manifest(document, models)]
    return problems


def _without_endpoint(text: str) -> str:
    """The manifest as built before a deployer added an endpoint: the endpoint is theirs."""
    try:
        document = json.loads(text)
        custom = document["manifest"]["apis"]["custom"]
    except (ValueError, KeyError, TypeError):
        return text
    if not isinstance(custom, dict) or "endpoint" not in custom:
        return text
    del custom["endpoint"]
    return render(document)


def _read_json(path: Path, problems: list[str]) -> Any:
    if not path.is_file():
        return None  # already reported as missing
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: not valid JSON: {exc}")
        return None


def _first_difference(actual: str, expected: str) -> str:
    for number, (a, e) in enumerate(
        itertools.zip_longest(actual.splitlines(), expected.splitlines()), start=1
    ):
        if a != e:
            got, want = (a or "").strip()[:60], (e or "").strip()[:60]
            return f" from line {number} ({got!r}, expected {want!r})"
    return ""
