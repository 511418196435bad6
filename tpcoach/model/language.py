"""The interaction model, built from the content: slot types, sample utterances, intents, one
language model per locale.

Slot values come from ``content/``: ids are content ids (places from
:func:`skill.resolve.place_id`), synonyms are the content's words. Sample utterances are carrier
phrases crossed with the ways a runner names a place, a muscle or a symptom. Every English locale
gets the same language model, with its own words added (``utterances.yaml`` locales): no carrier
phrase has a spelling that differs between them, and the content already lists regional words
side by side (physio and physical therapist, bum and butt).

There is no dialog model. The handlers ask their own clarifying questions, whose choices depend on
the region heard (the aspects of a knee are not those of a heel), and they take partial intents
("the outside", "use the roller") from the conversation state; Alexa-side elicitation would ask
the wrong question and auto-delegation would hold those partial intents back.

The manifest is :mod:`tpcoach.model.manifest`, the files on disk :mod:`tpcoach.model.package`,
Alexa's schema :mod:`tpcoach.model.schema`, the checks :mod:`tpcoach.model.checks`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from pathlib import Path
from typing import Any

from skill.content import LOCALES, Catalogue
from skill.resolve import place_id
from skill.signs import SIGN_OPENER, SIGN_WORD_PREFIX, sign_openers
from skill.text import normalise, sample_key
from tpcoach import nlu
from tpcoach.leads import Lead, carrier_words, leads, routine_cues

Json = dict[str, Any]
SLOT_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # a slot named in a sample

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACKAGE = PROJECT_ROOT / "interaction_model"

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


@cache
def _lead_firsts(cat: Catalogue) -> frozenset[str]:
    """The first words of every carrier, routine cue and lead: Alexa passes on none of them."""
    return frozenset(
        {
            *carrier_words(cat),
            *routine_cues(cat),
            *(c.split()[0] for lead in leads(cat) for c in lead.carriers),
        }
    )


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
    # "sleeping's a nightmare", "walking's gotten weird": the contraction is one word to Alexa,
    # and the skill reads it as the word alone, so it is lost as harmlessly.
    firsts = _lead_firsts(cat)
    samples += [
        f"{c}'s {{{WORDS}}}" for c in sorted(carriers) if c.isalpha() and f"{c}'s" not in firsts
    ]
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


@cache
def splits_a_sign(cat: Catalogue, sample: str) -> str | None:
    """The red-flag sign a typed sample could cut, if any. Alexa sends a slot's words but not
    the sample's own words, so in "my {region} aches" the words "my shin and bone aches" would
    reach the skill as "shin and bone": a sign that runs from a slot into the sample's words
    (or lies in them) would be lost. Of several, the first in ``safety.yaml``'s order."""
    parts = nlu.sample_parts(sample)
    runs: list[tuple[bool, bool, tuple[str, ...]]] = []  # (slot before, slot after, words)
    current: list[str] = []
    before = False
    for is_slot, item in parts:
        if is_slot:
            if current:
                runs.append((before, True, tuple(current)))
            current, before = [], True
        else:
            current.append(item)
    if current:
        runs.append((before, False, tuple(current)))
    index = _sign_index(cat)
    found: list[tuple[int, str]] = []
    for slot_before, slot_after, run in runs:
        for a in range(len(run)):
            for b in range(a + 1, len(run) + 1):
                found += index.whole.get(run[a:b], ())
        for k in range(1, len(run) + 1):
            if slot_before:  # the sign's head in the slot, its tail starting the run
                found += index.tails.get(run[:k], ())
            if slot_after:  # its head ending the run, its tail in the slot
                found += index.heads.get(run[-k:], ())
    return min(found)[1] if found else None


class _SignIndex:
    """The red-flag signs as words: whole, and cut in two (head, tail), each with its place in
    ``safety.yaml``'s order."""

    def __init__(self, cat: Catalogue) -> None:
        self.whole: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self.heads: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self.tails: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        signs = (sign for flag in cat.safety.red_flags for sign in flag.words)
        for order, sign in enumerate(signs):
            words = tuple(nlu.words(sign))
            if not words:
                continue
            self.whole.setdefault(words, []).append((order, sign))
            for k in range(1, len(words)):
                self.heads.setdefault(words[:k], []).append((order, sign))
                self.tails.setdefault(words[k:], []).append((order, sign))


@cache
def _sign_index(cat: Catalogue) -> _SignIndex:
    return _SignIndex(cat)


def lead_intent_model(
    lead: Lead,
    said_alone: set[str],
    contracted: AbstractSet[str] = frozenset(),
    places: AbstractSet[str] = frozenset(),
) -> Json:
    """A lead's samples: each carrier before the words, and each carrier said alone ("calf",
    "numbness", "back") unless a built-in already hears that word alone (``said_alone``)."""
    samples = [f"{c} {{{WORDS}}}" for c in lead.carriers]
    # a word of a sign-word pool is a carrier that keeps its signs: alone, like a carrier, it
    # is no sample
    pooled = lead.intent.startswith(SIGN_WORD_PREFIX)
    samples += [c for c in lead.carriers if sample_key(c) not in said_alone and not pooled]
    # "calf's tight", "hamstring's sore", "walking's gotten weird", "low back's wrecked":
    # Alexa writes the contraction as one word (not of an answer's word: no one says "yes's")
    samples += [
        f"{c}'s {{{WORDS}}}"
        for c in lead.carriers
        if (c.isalpha() or c in places)
        and (not lead.answer or lead.intent == SIGN_OPENER or pooled or c in contracted)
    ]
    return intent(lead.intent, {WORDS: SEARCH_QUERY}, _unique(samples))


def lead_intents(cat: Catalogue) -> list[Json]:
    """One intent per lead (:func:`tpcoach.leads.leads`): its name keeps the word."""
    said_alone = {sample_key(s) for it in built_in_intents(cat) for s in it.get("samples", [])}
    firsts = _lead_firsts(cat)
    contracted = {w for w in sign_openers(cat) if f"{w}'s" not in firsts}
    # a place of more than one word is contracted too: "low back's wrecked"
    places = {
        w
        for r in cat.regions.values()
        for w in (*r.words, *(p for loc in r.locations.values() for p in loc.words))
        if " " in w and w.replace(" ", "").isalpha()
    }
    return [lead_intent_model(lead, said_alone, contracted, places) for lead in leads(cat)]


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
    used = {name for sample in typed for name in SLOT_PLACEHOLDER.findall(sample)} | {WORDS}
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
    used = {name for sample in samples for name in SLOT_PLACEHOLDER.findall(sample)}
    return intent(TELL, {k: v for k, v in types.items() if k in used}, samples)


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
