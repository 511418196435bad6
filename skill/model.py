"""The interaction model, generated from the content, and the checks that keep it honest.

``tpcoach build-model`` calls :func:`write_model`, which writes the ASK CLI v2 skill package::

    ask-resources.json                         the ASK CLI's project file, next to the package
    interaction_model/skill.json               the manifest
    interaction_model/interactionModels/custom/<locale>.json   one language model per locale

Slot values come from ``content/``: ids are content ids (places from
:func:`skill.resolve.place_id`), synonyms are the content's words. Sample utterances are carrier
phrases crossed with the ways a runner names a place, a muscle or a symptom. Every English locale
gets the same language model: no carrier phrase has a spelling that differs between them, and the
content already lists regional words side by side (physio and physical therapist, bum and butt).

There is no dialog model. The handlers ask their own clarifying questions, whose choices depend on
the region heard (the aspects of a knee are not those of a heel), and they take partial intents
("the outside", "use the roller") from the conversation state; Alexa-side elicitation would ask
the wrong question and auto-delegation would hold those partial intents back.

:func:`check_model` lists every problem with the files on disk, each line naming its file: drift
from what would be built, Alexa's own JSON schema (made strict, see :func:`strict_definitions`),
and the rules the schema cannot express.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from skill import nlu
from skill.content import LOCALES, Catalogue
from skill.resolve import place_id
from skill.text import normalise
from skill.understand import Lead, carrier_words, lead_words, leads, routine_cues

Json = dict[str, Any]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGE = PROJECT_ROOT / "interaction_model"
SPEC = PROJECT_ROOT / "node_modules" / "ask-smapi-model" / "spec.json"
MODEL_SCHEMA = "v1.skill.interactionModel.InteractionModelData"
MANIFEST_SCHEMA = "v1.skill.Manifest.SkillManifestEnvelope"

INVOCATION_NAME = "trigger point coach"
SKILL_NAME = "Trigger Point Coach"
COUNTRIES = ("AU", "CA", "GB", "IN", "US")
CATEGORY = "HEALTH_AND_FITNESS"
MEDICAL_DISCLAIMER = "not a substitute for professional medical advice"
# MEDIUM: a runner who says something we don't cover should hear "I didn't get that" rather
# than an answer about the wrong muscle; HIGH would also catch unusual but valid phrasings.
FALLBACK_SENSITIVITY = "MEDIUM"
ASK_RESOURCES = "ask-resources.json"
MANIFEST = "skill.json"
CUSTOM_MODELS = Path("interactionModels") / "custom"

# Slot types, one per kind of thing the content names.
REGION, ASPECT, SIDE, CONDITION = "Region", "Aspect", "Side", "Condition"
MUSCLE, EQUIPMENT, TOPIC = "Muscle", "Equipment", "Topic"

FALLBACK = "AMAZON.FallbackIntent"
# Every built-in the routine declares (alexa-platform.md). Each is extended with the answer
# phrasings of utterances.yaml that no carrier says; Fallback with the out-of-domain samples.
BUILT_INS = (
    "AMAZON.CancelIntent",
    "AMAZON.StopIntent",
    "AMAZON.HelpIntent",
    FALLBACK,
    "AMAZON.NavigateHomeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
)
TELL = "TellIntent"
READY_INTENT = "ReadyIntent"
ROUTINE_INTENT = "RoutineIntent"
SEARCH_QUERY = "AMAZON.SearchQuery"
WORDS = "words"

# Alexa's published limits for one locale's interaction model (docs/interaction-model.md cites
# them); `tpcoach check` fails past them.
LIMITS = {
    "model_bytes": 1_500_000,
    "intents": 250,
    "intents_and_slot_types": 350,
    "slot_value_chars": 140,
    "sample_chars": 200,
}


# --------------------------------------------------------------------------- slot types


def _value(ident: str, name: str, words: Iterable[str]) -> Json:
    """One slot value: the content id, its name, and its other words as synonyms."""
    key = normalise(name)
    synonyms = sorted({w for w in words if w and w != key})
    value: Json = {"id": ident, "name": {"value": name}}
    if synonyms:
        value["name"]["synonyms"] = synonyms
    return value


def _named_by_words(ident: str, words: Sequence[str]) -> Json:
    """A value that has words but no name of its own: its first word names it."""
    return _value(ident, words[0], words[1:])


def _slot_type(name: str, values: Iterable[Json]) -> Json:
    return {"name": name, "values": sorted(values, key=lambda v: str(v["id"]))}


def speakable(text: str) -> bool:
    """Words Alexa can hear as a slot value or sample: letters, spaces, apostrophes, periods."""
    return bool(_SPOKEN.fullmatch(text))


_SPOKEN = re.compile(r"[A-Za-z][A-Za-z' .]*")


def region_type(cat: Catalogue) -> Json:
    """Regions (by their words) and the places within them (by theirs), ids from place_id."""
    values: list[Json] = []
    for region in cat.regions.values():
        words = list(region.words)
        for loc in region.locations.values():
            if not loc.words:
                continue
            if place_id(region.id, loc.aspect) == region.id:  # the single "any" location
                words.extend(loc.words)
            else:
                values.append(_named_by_words(place_id(region.id, loc.aspect), loc.words))
        values.append(_value(region.id, region.name, words))
    return _slot_type(REGION, values)


def aspect_type(cat: Catalogue) -> Json:
    return _slot_type(ASPECT, (_value(a.id, a.name, a.words) for a in cat.aspects.values()))


def side_type(cat: Catalogue) -> Json:
    return _slot_type(SIDE, (_value(s.id, s.id, s.words) for s in cat.sides.values()))


def condition_type(cat: Catalogue) -> Json:
    return _slot_type(CONDITION, (_value(c.id, c.name, c.words) for c in cat.conditions.values()))


def muscle_type(cat: Catalogue) -> Json:
    """Muscles by name, words and full name (when the full name is a name, not a sentence)."""
    values = []
    for m in cat.muscles.values():
        full = (m.full_name,) if m.full_name and speakable(m.full_name) else ()
        values.append(_value(m.id, m.name, (*m.words, *(normalise(f) for f in full))))
    return _slot_type(MUSCLE, values)


def equipment_type(cat: Catalogue) -> Json:
    return _slot_type(EQUIPMENT, (_value(e.id, e.name, e.words) for e in cat.equipment.values()))


def topic_type(cat: Catalogue) -> Json:
    return _slot_type(TOPIC, (_value(t.id, t.name, t.words) for t in cat.topics.values()))


def slot_types(cat: Catalogue) -> list[Json]:
    return sorted(
        (
            region_type(cat),
            aspect_type(cat),
            side_type(cat),
            condition_type(cat),
            muscle_type(cat),
            equipment_type(cat),
            topic_type(cat),
        ),
        key=lambda t: str(t["name"]),
    )


# --------------------------------------------------------------------------- sample utterances


def cross(carriers: Iterable[str], **fills: Iterable[str]) -> list[str]:
    """Every carrier with every combination of fills: ``cross(["why does {P} hurt"], P=[...])``.

    Placeholders named in ``fills`` are substituted; ``{slot}`` references stay as they are.
    """
    out: list[str] = []
    names = list(fills)
    for carrier in carriers:
        used = [n for n in names if "{" + n + "}" in carrier]
        for combo in itertools.product(*(list(fills[n]) for n in used)):
            sample = carrier
            for name, fill in zip(used, combo, strict=True):
                sample = sample.replace("{" + name + "}", fill)
            out.append(sample)
    return out


def _unique(samples: Iterable[str]) -> list[str]:
    """Samples without repeats (after normalising case and spaces), sorted."""
    seen: dict[str, str] = {}
    for s in samples:
        seen.setdefault(sample_key(s), " ".join(s.split()))
    return sorted(seen.values(), key=str.lower)


def sample_key(sample: str) -> str:
    """What makes two samples the same to Alexa: case and spacing do not count."""
    return " ".join(sample.lower().split())


def typed_samples(cat: Catalogue, templates: Iterable[str]) -> list[str]:
    """The typed samples of ``templates`` (``utterances.yaml``: ``typed``), every fill filled."""
    return _unique(cross(templates, **cat.language.typed_fills))


def intent(name: str, slots: Mapping[str, str] | None = None, samples: Iterable[str] = ()) -> Json:
    out: Json = {"name": name}
    if slots:
        out["slots"] = [{"name": s, "type": t} for s, t in sorted(slots.items())]
    samples = list(samples)
    if samples:
        out["samples"] = samples
    return out


def _lead_firsts(cat: Catalogue) -> set[str]:
    """The first words of every carrier, routine cue and lead: Alexa passes on none of them."""
    return {
        *carrier_words(cat),
        *routine_cues(cat),
        *(c.split()[0] for lead in leads(cat) for c in lead.carriers),
    }


def literal_phrases(cat: Catalogue, phrases: Iterable[str]) -> list[str]:
    """The phrasings a slotless intent keeps: those no carrier would also say. A phrase that
    starts with a carrier word reaches the skill through TellIntent or a lead instead, and the
    skill reads the same meaning in its words."""
    firsts = _lead_firsts(cat)
    return _unique(p for p in phrases if len(p.split()) == 1 or p.split()[0] not in firsts)


def tell_samples(cat: Catalogue, locale: str = "en-US") -> list[str]:
    """TellIntent: the runner's own words behind a carrier, plus the typed phrasings that let
    Alexa recognise the content's words as slot values. A typed phrasing must start with a
    carrier (one of TellIntent's own words): one that starts with a slot or another intent's
    word would say what a lead intent says (``check_collisions``)."""
    carriers = set(carrier_words(cat))
    samples = [f"{c} {{{WORDS}}}" for c in carriers]
    typed = [
        t
        for t in typed_samples(
            cat, [*cat.language.typed_tell, *cat.language.locale_hear.get(locale, ())]
        )
        if (first := nlu.words(t.split("{")[0])[:1])
        and first[0] in carriers
        and not splits_a_sign(cat, t)
    ]
    return _unique([*samples, *typed])


def splits_a_sign(cat: Catalogue, sample: str) -> str | None:
    """The red-flag sign a typed sample could cut, if any. Alexa sends a slot's words but not
    the sample's own words, so in "my {region} aches" the words "my shin and bone aches" would
    reach the skill as "shin and bone": a sign that runs from a slot into the sample's words
    (or lies in them) would be lost."""
    parts = nlu.sample_parts(sample)
    runs: list[tuple[bool, bool, list[str]]] = []  # (slot before, slot after, words)
    current: list[str] = []
    before = False
    for is_slot, item in parts:
        if is_slot:
            if current:
                runs.append((before, True, current))
            current, before = [], True
        else:
            current.append(item)
    if current:
        runs.append((before, False, current))
    for flag in cat.safety.red_flags:
        for sign in flag.words:
            words = nlu.words(sign)
            text = " ".join(words)
            for slot_before, slot_after, run in runs:
                said = " ".join(run)
                if f" {text} " in f" {said} ":
                    return sign
                for k in range(1, len(words)):
                    head, tail = words[:k], words[k:]
                    if slot_before and run[: len(tail)] == tail:
                        return sign
                    if slot_after and run[-len(head) :] == head:
                        return sign
    return None


def lead_intent_model(lead: Lead, said_alone: set[str]) -> Json:
    """A lead's samples: each carrier before the words, and each carrier said alone ("calf",
    "numbness", "back") unless a built-in already hears that word alone (``said_alone``)."""
    samples = [f"{c} {{{WORDS}}}" for c in lead.carriers]
    samples += [c for c in lead.carriers if sample_key(c) not in said_alone]
    if not lead.answer:
        # "calf's tight", "hamstring's sore": Alexa writes the contraction as one word.
        samples += [f"{c}'s {{{WORDS}}}" for c in lead.carriers if c.isalpha()]
    return intent(lead.intent, {WORDS: SEARCH_QUERY}, _unique(samples))


def lead_intents(cat: Catalogue) -> list[Json]:
    """One intent per lead (:func:`skill.understand.leads`): its name keeps the word."""
    said_alone = {
        sample_key(s)
        for it in [*built_in_intents(cat), ready_intent(cat)]
        for s in it.get("samples", [])
    }
    return [lead_intent_model(lead, said_alone) for lead in leads(cat)]


def routine_intent(cat: Catalogue) -> Json:
    """RoutineIntent: the words after a routine cue, and typed phrasings that start with a cue
    ("roll out my {muscle}"), which let Alexa hear the muscles' and tools' names."""
    cues = set(routine_cues(cat))
    samples = [f"{c} {{{WORDS}}}" for c in cues]
    typed = [
        t
        for t in typed_samples(cat, cat.language.typed_routine)
        if nlu.words(t)[:1] and nlu.words(t)[0] in cues and not splits_a_sign(cat, t)
    ]
    slots = {WORDS: SEARCH_QUERY, "muscle": MUSCLE, "side": SIDE, "equipment": EQUIPMENT}
    used = {name for sample in typed for name in _SLOT.findall(sample)} | {WORDS}
    return intent(
        ROUTINE_INTENT, {k: v for k, v in slots.items() if k in used}, _unique([*samples, *typed])
    )


def _answer_literals(cat: Catalogue) -> list[str]:
    return [
        *(p for phrases in cat.language.answers.values() for p in phrases),
        *cat.language.meanings.get("ready", ()),
        *cat.language.out_of_domain,
    ]


def tell_intent(cat: Catalogue, locale: str = "en-US") -> Json:
    types = {
        "region": REGION,
        "aspect": ASPECT,
        "side": SIDE,
        "condition": CONDITION,
        "muscle": MUSCLE,
        "equipment": EQUIPMENT,
        "topic": TOPIC,
        WORDS: SEARCH_QUERY,
    }
    samples = tell_samples(cat, locale)
    used = {name for sample in samples for name in _SLOT.findall(sample)}
    return intent(TELL, {k: v for k, v in types.items() if k in used}, samples)


def ready_intent(cat: Catalogue) -> Json:
    return intent(READY_INTENT, samples=literal_phrases(cat, cat.language.meanings["ready"]))


def built_in_intents(cat: Catalogue) -> list[Json]:
    out = []
    for name in BUILT_INS:
        if name == FALLBACK:
            phrases = literal_phrases(cat, cat.language.out_of_domain)
        else:
            phrases = literal_phrases(cat, cat.language.answers.get(name, ()))
        out.append(intent(name, samples=phrases))
    return out


def intents(cat: Catalogue, locale: str = "en-US") -> list[Json]:
    return sorted(
        [
            *built_in_intents(cat),
            tell_intent(cat, locale),
            routine_intent(cat),
            ready_intent(cat),
            *lead_intents(cat),
        ],
        key=lambda i: str(i["name"]),
    )


def language_model(cat: Catalogue, locale: str) -> Json:
    """The language model of one locale: the same for every English locale, with the locale's
    own typed samples (``utterances.yaml``: ``locales.<locale>.hear``) in its TellIntent."""
    if locale not in LOCALES:
        raise ValueError(f"no language model for {locale}")
    declared = intents(cat, locale)
    used = {s["type"] for i in declared for s in i.get("slots", [])}
    return {
        "invocationName": INVOCATION_NAME,
        "intents": declared,
        "types": [t for t in slot_types(cat) if t["name"] in used],
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": FALLBACK_SENSITIVITY}},
    }


def interaction_model(cat: Catalogue, locale: str) -> Json:
    return {"interactionModel": {"languageModel": language_model(cat, locale)}}


# --------------------------------------------------------------------------- manifest

EXAMPLE_PHRASES = (
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} why the outside of my knee hurts",
    f"Alexa, ask {INVOCATION_NAME} how do I roll out my calf",
    f"Alexa, tell {INVOCATION_NAME} I think I have shin splints",
)
SUMMARY = (
    "Which muscles often cause a runner's pain, and a guided lacrosse ball or foam roller "
    "release, one spoken step at a time."
)
DESCRIPTION = (
    "Trigger Point Coach is for runners with a nagging ache. Tell it where it hurts, like the "
    "outside of your knee, your heel or your groin, or name what you've been told you have, "
    "like shin splints or IT band syndrome. It tells you which muscles often send pain to "
    "that spot, then coaches you through a release with a lacrosse ball or a foam roller: "
    "what to fetch, where to place it, how long to hold, one step at a time. Say next, repeat, "
    "go back or pause at any step; it keeps your place for next time.\n\n"
    "Before your first routine it asks a short safety question, and it will not coach pressure "
    "when you mention swelling, numbness, a fall or a pop; it tells you who to see instead.\n\n"
    f"This skill gives general coaching only. It is {MEDICAL_DISCLAIMER}, diagnosis or "
    "treatment, and it does not diagnose you. If you have severe, constant or worsening pain, "
    "see a doctor or physical therapist."
)
KEYWORDS = (
    "running",
    "runners",
    "trigger point",
    "trigger points",
    "foam roller",
    "lacrosse ball",
    "self massage",
    "myofascial release",
    "knee pain",
    "IT band",
    "shin splints",
    "calf",
    "hip pain",
    "recovery",
)
TESTING_INSTRUCTIONS = (
    "No account linking and no device permissions. Say: open trigger point coach, then: the "
    "outside of my knee. Answer yes to the routine offer, no to the safety question, ready, "
    "then next at each step. Say yes to the safety question to hear advice instead of a "
    "routine. Data kept: the routine step reached and the safety question's answer, stored "
    "against the Alexa user id only, so that a routine can be resumed; nothing else."
)


def endpoint(uri: str, certificate: str = "Trusted") -> Json:
    """``apis.custom.endpoint`` for a deployment: a Lambda ARN, or an https URL with the type of
    its certificate (Trusted, Wildcard or SelfSigned)."""
    if uri.startswith("arn:"):
        return {"uri": uri}
    if uri.startswith("https://"):
        return {"uri": uri, "sslCertificateType": certificate}
    raise ValueError(f"an endpoint is a Lambda ARN or an https:// URL, not {uri!r}")


def manifest(custom_endpoint: Json | None = None) -> Json:
    """The manifest. With no endpoint (as committed), the custom interface is empty, as ASK CLI v2
    projects ship it; ``tpcoach build-model --endpoint`` fills it in for a deployment."""
    locale_info = {
        "name": SKILL_NAME,
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "examplePhrases": list(EXAMPLE_PHRASES),
        "keywords": list(KEYWORDS),
        # Local assets of the skill package (ASK CLI v2): interaction_model/assets/images,
        # drawn from the same outline as the screens by `tpcoach gallery --icons`.
        "smallIconUri": "file://assets/images/smallIcon-108.png",
        "largeIconUri": "file://assets/images/largeIcon-512.png",
    }
    # Screens (skill/screens.py): APL on Echo Show sizes, the round Spot, and Fire TV.
    apl_interface = {
        "type": "ALEXA_PRESENTATION_APL",
        "supportedViewports": [
            {
                "mode": "HUB",
                "shape": "ROUND",
                "minWidth": 480,
                "maxWidth": 480,
                "minHeight": 480,
                "maxHeight": 480,
            },
            {
                "mode": "HUB",
                "shape": "RECTANGLE",
                "minWidth": 960,
                "maxWidth": 1279,
                "minHeight": 480,
                "maxHeight": 599,
            },
            {
                "mode": "HUB",
                "shape": "RECTANGLE",
                "minWidth": 1280,
                "maxWidth": 1920,
                "minHeight": 600,
                "maxHeight": 1279,
            },
            {
                "mode": "TV",
                "shape": "RECTANGLE",
                "minWidth": 960,
                "maxWidth": 960,
                "minHeight": 540,
                "maxHeight": 540,
            },
        ],
    }
    # Name-free interaction: skill/handlers/system.py answers canFulfillIntent.
    custom: Json = {"interfaces": [apl_interface, {"type": "CAN_FULFILL_INTENT_REQUEST"}]}
    if custom_endpoint:
        custom["endpoint"] = custom_endpoint
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: copy.deepcopy(locale_info) for locale in LOCALES},
                "category": CATEGORY,
                "distributionCountries": list(COUNTRIES),
                "isAvailableWorldwide": False,
                "testingInstructions": TESTING_INSTRUCTIONS,
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "usesHealthInfo": False,
            },
            "apis": {"custom": custom},
        }
    }


def ask_resources(package: Path) -> Json:
    """ASK CLI v2 project file: the skill package only. No ``code`` or ``skillInfrastructure``:
    the code is deployed by whichever route the deployer picks (docs/hosting.md), and its
    endpoint written into skill.json by ``tpcoach build-model --endpoint``
    (docs/interaction-model.md)."""
    return {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {"skillMetadata": {"src": f"./{package.name}"}}},
    }


# --------------------------------------------------------------------------- files


def render(document: Json) -> str:
    """Stable JSON: sorted keys, two-space indent, a trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build(cat: Catalogue, package: Path, custom_endpoint: Json | None = None) -> dict[Path, str]:
    """Every file of the skill package and the ASK CLI project file, path → text."""
    files = {
        package / MANIFEST: render(manifest(custom_endpoint)),
        package.parent / ASK_RESOURCES: render(ask_resources(package)),
    }
    for locale in LOCALES:
        files[package / CUSTOM_MODELS / f"{locale}.json"] = render(interaction_model(cat, locale))
    return files


def write_model(
    cat: Catalogue, directory: Path | str, custom_endpoint: Json | None = None
) -> list[Path]:
    """Write the skill package to ``directory`` and ask-resources.json next to it."""
    package = Path(directory)
    written = []
    for path, text in build(cat, package, custom_endpoint).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --------------------------------------------------------------------------- Alexa's schema, strict


@cache
def _spec_definitions(spec: Path) -> Mapping[str, Json]:
    definitions: Mapping[str, Json] = json.loads(spec.read_text(encoding="utf-8"))["definitions"]
    return definitions


def strict_definitions(definitions: Mapping[str, Json]) -> dict[str, Json]:
    """Alexa's Swagger definitions as JSON Schema draft 4 that refuses unknown properties.

    Swagger leaves objects open, so a misspelt ``samplez`` would pass. Here:

    * every object schema that lists ``properties`` and says nothing of others gets
      ``additionalProperties: false`` (free-form objects and maps keep what they say);
    * a subtype (``allOf: [{$ref: Base}, {...}]``) is flattened into one object with the
      properties of both, then closed; where the base names a ``discriminator``, that property
      must equal the subtype's ``x-discriminator-value``;
    * a base that has subtypes becomes ``anyOf`` its subtypes (plus itself when it is concrete,
      i.e. has no discriminator), so a reference to ``Interface`` accepts exactly the known
      interfaces and their properties.
    """
    subtypes: dict[str, list[str]] = defaultdict(list)
    for name, schema in definitions.items():
        for part in schema.get("allOf", []):
            if "$ref" in part:
                subtypes[_ref_name(part["$ref"])].append(name)

    def flat(name: str) -> Json:
        schema = definitions[name]
        if "allOf" not in schema:
            return {k: copy.deepcopy(v) for k, v in schema.items() if k != "discriminator"}
        merged: Json = {"type": "object", "properties": {}}
        required: list[str] = []
        for part in schema["allOf"]:
            if "$ref" in part:
                base = _ref_name(part["$ref"])
                piece = flat(base)
                discriminator = definitions[base].get("discriminator")
                if discriminator:
                    value = schema.get("x-discriminator-value", name)
                    piece.setdefault("properties", {})[discriminator] = {
                        "type": "string",
                        "enum": [value],
                    }
            else:
                piece = copy.deepcopy(part)
            merged["properties"].update(piece.get("properties", {}))
            required += [r for r in piece.get("required", []) if r not in required]
            for key, value in piece.items():
                if key not in ("properties", "required", "type", "description"):
                    merged.setdefault(key, value)
        if required:
            merged["required"] = required
        return merged

    out: dict[str, Json] = {}
    for name in definitions:
        concrete = _close(flat(name))
        if name in subtypes:
            variants = [{"$ref": f"#/definitions/{sub}"} for sub in subtypes[name]]
            if "discriminator" not in definitions[name]:
                out[f"{name}.Concrete"] = concrete
                variants.insert(0, {"$ref": f"#/definitions/{name}.Concrete"})
            else:  # types its enum lists with no subtype (CAN_FULFILL_INTENT_REQUEST): bare
                claimed = {definitions[sub].get("x-discriminator-value") for sub in subtypes[name]}
                listed = definitions.get(f"{name}Type", {}).get("enum", [])
                bare = [v for v in listed if v not in claimed]
                if bare:
                    concrete["properties"][definitions[name]["discriminator"]]["enum"] = bare
                    variants.append(concrete)
            out[name] = {"anyOf": variants}
        else:
            out[name] = concrete
    return out


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _close(schema: Json) -> Json:
    """``additionalProperties: false`` on every object schema that lists its properties."""
    if "properties" in schema:
        schema["properties"] = {k: _close(v) for k, v in schema["properties"].items()}
        schema.setdefault("additionalProperties", False)
    if isinstance(schema.get("additionalProperties"), dict):
        schema["additionalProperties"] = _close(schema["additionalProperties"])
    if isinstance(schema.get("items"), dict):
        schema["items"] = _close(schema["items"])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            schema[key] = [_close(s) for s in schema[key]]
    return schema


@cache
def _validator(spec: Path, root: str) -> Any:
    from jsonschema import Draft4Validator

    definitions = strict_definitions(_spec_definitions(spec))
    schema = {"$ref": f"#/definitions/{root}", "definitions": definitions}
    return Draft4Validator(schema)


def schema_problems(document: Any, root: str, spec: Path = SPEC) -> list[str]:
    """What Alexa's schema ``root`` (made strict) says is wrong with ``document``."""
    from jsonschema.exceptions import best_match

    problems = []
    errors = sorted(_validator(spec, root).iter_errors(document), key=lambda e: list(e.path))
    for error in (e for top in errors for e in _explain(top, best_match)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"at {where}: {error.message}")
    return problems


def _explain(error: Any, best_match: Any) -> list[Any]:
    """The errors worth showing for one error. For ``anyOf`` over subtypes, those of the subtype
    whose discriminator matches; if none matches, that the discriminator names no known kind."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    by_variant: dict[Any, list[Any]] = defaultdict(list)
    for e in error.context:
        by_variant[e.schema_path[0]].append(e)

    def kind_mismatch(e: Any) -> bool:
        return bool(e.validator == "enum" and len(e.relative_path) == 1)

    matching = [errs for errs in by_variant.values() if not any(map(kind_mismatch, errs))]
    if len(matching) == 1:
        return [shown for e in matching[0] for shown in _explain(e, best_match)]
    kinds = [e for e in error.context if kind_mismatch(e)]
    if not matching and kinds:
        known = sorted({str(v) for e in kinds for v in e.validator_value})
        shown = kinds[0]
        shown.message = (
            f"{shown.instance!r} is not a known {shown.relative_path[0]}"
            f" (one of {', '.join(known)})"
        )
        return [shown]
    return [best_match(error.context)]


# --------------------------------------------------------------------------- slot words

_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def slot_words(model: Json) -> dict[str, dict[str, str]]:
    """Slot type → (spoken word, lower case) → value id."""
    out: dict[str, dict[str, str]] = {}
    for slot_type in model["interactionModel"]["languageModel"].get("types", []):
        words: dict[str, str] = {}
        for value in slot_type.get("values", []):
            name = value.get("name", {})
            for w in (name.get("value", ""), *name.get("synonyms", [])):
                words.setdefault(w.lower(), value.get("id", ""))
        out[slot_type["name"]] = words
    return out


# --------------------------------------------------------------------------- checks

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
    bare = _SLOT.sub("", sample)
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
    used = _SLOT.findall(sample)
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
            typed = [u for u in _SLOT.findall(sample) if slots.get(u) != SEARCH_QUERY]
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
    used = _SLOT.findall(sample)
    phrase_slots = [u for u in used if slots.get(u) == SEARCH_QUERY]
    if not phrase_slots:
        return []
    problems = []
    if len(used) > 1:
        problems.append(f"sample '{sample}': an AMAZON.SearchQuery slot cannot share a sample")
    if not _SLOT.sub("", sample).strip():
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
    candidates = [request]
    first, _, after = request.partition(" ")
    if first in CONNECTING_WORDS:
        candidates.append(after)
    compiled = nlu.compile_model(model)
    if any(nlu.readings(compiled, c) or nlu.producers(compiled, c) for c in candidates):
        return None
    return f"asks '{request}', which is no sample utterance of the model"


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
