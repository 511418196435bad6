"""The interaction model: built from the content, committed as built, valid by Alexa's own schema
(made strict), and consistent with the handlers and the content."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.app import handled_intents
from skill.content import Catalogue, catalogue
from tpcoach import cli
from tpcoach.model import (
    ASK_RESOURCES,
    CUSTOM_MODELS,
    DEFAULT_PACKAGE,
    EXAMPLE_PHRASES,
    LOCALES,
    MANIFEST,
    MANIFEST_SCHEMA,
    MODEL_SCHEMA,
    SPEC,
    build,
    check_model,
    interaction_model,
    schema_problems,
    strict_definitions,
    write_model,
)
from tpcoach.nlu import Model, compile_model

Json = dict[str, Any]

# The slots each intent's handler reads (skill/handlers/*.py: turn.heard("...")).


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return catalogue()


@pytest.fixture(scope="module")
def us_model(cat: Catalogue) -> Json:
    return interaction_model(cat, "en-US")


def read(path: Path) -> Json:
    data: Json = json.loads(path.read_text(encoding="utf-8"))
    return data


def intents_of(model: Json) -> dict[str, Json]:
    return {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}


# --------------------------------------------------------------------------- the shipped files


def test_the_committed_files_are_exactly_what_build_model_writes(cat: Catalogue) -> None:
    drifted = [
        str(path)
        for path, text in build(cat, DEFAULT_PACKAGE).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    assert not drifted, f"run `tpcoach build-model` and commit: {drifted} differ from the build"


def test_the_shipped_package_has_no_problem_at_all(cat: Catalogue) -> None:
    problems = check_model(cat, DEFAULT_PACKAGE)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_validates_against_alexas_strict_schema(locale: str) -> None:
    document = read(DEFAULT_PACKAGE / CUSTOM_MODELS / f"{locale}.json")
    assert schema_problems(document, MODEL_SCHEMA) == []


def test_the_manifest_validates_against_alexas_strict_schema() -> None:
    assert schema_problems(read(DEFAULT_PACKAGE / MANIFEST), MANIFEST_SCHEMA) == []


def _tell_samples(document: Any) -> set[str]:
    model = document["interactionModel"]["languageModel"]
    return {s for i in model["intents"] if i["name"] == "TellIntent" for s in i["samples"]}


def test_the_english_locales_share_a_model_and_add_their_own_words(cat: Catalogue) -> None:
    """Each locale's model is the common one plus its own typed samples in TellIntent
    (``utterances.yaml``: ``locales.<locale>.hear``), and each of its templates is heard."""
    documents = {loc: read(DEFAULT_PACKAGE / CUSTOM_MODELS / f"{loc}.json") for loc in LOCALES}
    common = set.intersection(*(_tell_samples(d) for d in documents.values()))

    def without_tell(document: Any) -> Any:
        model = document["interactionModel"]["languageModel"]
        return [i for i in model["intents"] if i["name"] != "TellIntent"], model["types"]

    for loc, document in documents.items():
        assert without_tell(document) == without_tell(documents["en-US"]), loc
        own = _tell_samples(document) - common
        for template in cat.language.locale_hear.get(loc, ()):
            words = max(re.split(r"\{[^}]*\}", template), key=len).strip()
            assert any(words in s for s in own), f"{loc}: nothing of {template!r} is heard"
    gb, us = _tell_samples(documents["en-GB"]), _tell_samples(documents["en-US"])
    assert any("niggling" in s for s in gb - us)
    assert any("crook" in s for s in _tell_samples(documents["en-AU"]) - us)


def test_ask_resources_points_the_ask_cli_at_the_package() -> None:
    resources = read(DEFAULT_PACKAGE.parent / ASK_RESOURCES)
    src = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (DEFAULT_PACKAGE.parent / src / MANIFEST).is_file()
    assert resources["askcliResourcesVersion"] == "2020-03-31"


def test_the_files_end_with_a_newline_and_sort_their_keys(cat: Catalogue) -> None:
    for path, text in build(cat, DEFAULT_PACKAGE).items():
        assert text.endswith("}\n"), path
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n", path


# --------------------------------------------------------------------------- handlers and content


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_the_model_declares_has_a_handler_or_is_read_for_its_words(
    locale: str,
) -> None:
    from tpcoach.leads import lead_words

    declared = set(intents_of(read(DEFAULT_PACKAGE / CUSTOM_MODELS / f"{locale}.json")))
    leads = set(lead_words(catalogue()))
    assert declared - {"TellIntent"} - leads <= handled_intents()
    assert "TellIntent" in declared and leads <= declared


def test_tell_intent_carries_free_words_behind_carriers_and_typed_slots(us_model: Json) -> None:
    tell = intents_of(us_model)["TellIntent"]
    slots = {s["name"]: s["type"] for s in tell["slots"]}
    assert slots["words"] == "AMAZON.SearchQuery"
    # signs are read from the words, never from a typed slot: a sample's own word ("my {region}
    # is {symptom}") would split a sign ("thigh is throbbing") in two
    assert {"region", "aspect", "side", "condition", "topic"} <= set(slots)
    assert "symptom" not in slots
    carried = [s for s in tell["samples"] if "{words}" in s]
    assert len(carried) >= 80
    assert all(s.replace("{words}", "").strip() and s.count("{") == 1 for s in carried)


def test_built_ins_are_extended_only_with_phrases_no_carrier_says(
    cat: Catalogue, us_model: Json
) -> None:
    from tpcoach.leads import lead_words
    from tpcoach.model import carrier_words

    carriers = {*carrier_words(cat), *lead_words(cat).values()}
    for name, it in intents_of(us_model).items():
        if name.startswith("AMAZON."):
            for sample in it.get("samples", []):
                words = sample.split()
                assert len(words) == 1 or words[0] not in carriers, (name, sample)
    assert intents_of(us_model)["AMAZON.FallbackIntent"]["samples"]
    assert understand(us_model, "nope all good") == [("AMAZON.NoIntent", {})]
    assert understand(us_model, "no it's just tight") == [("AMAZON.NoIntent", {})]


def test_fallback_sensitivity_is_set(us_model: Json) -> None:
    config = us_model["interactionModel"]["languageModel"]["modelConfiguration"]
    assert config["fallbackIntentSensitivity"]["level"] in ("LOW", "MEDIUM", "HIGH")


def test_custom_intents_carry_many_phrasings(us_model: Json) -> None:
    counts = {n: len(i.get("samples", [])) for n, i in intents_of(us_model).items()}
    assert counts["TellIntent"] >= 200
    assert counts["RoutineIntent"] >= 8
    # "ready" alone and "ready, my calf's gone numb" share one intent
    assert {"ready", "ready {words}"} <= set(intents_of(us_model)["LeadReadyIntent"]["samples"])
    assert "ReadyIntent" not in counts
    assert sum(1 for n in counts if n.startswith("Lead")) >= 150


_COMPILED: dict[int, tuple[Json, Model]] = {}


def _compiled(model: Json) -> Model:
    """The model compiled once per document (a test that changes one compiles its own copy)."""
    kept = _COMPILED.get(id(model))
    if kept is None or kept[0] is not model:
        kept = _COMPILED[id(model)] = (model, compile_model(model))
    return kept[1]


def understand(model: Json, utterance: str) -> list[tuple[str, dict[str, str]]]:
    """What the skill takes the utterance to mean: the request the model makes of it (by the
    matcher chat and tests use), read by the skill's own understanding."""
    from skill.resolve import Heard
    from skill.understand import meaning_of

    heard = _compiled(model).understand(utterance)
    slots = {k: Heard(id=v.id, text=v.value) for k, v in heard.slots.items()}
    meaning = meaning_of(catalogue(), str(heard.intent), slots)
    return [(meaning.intent, {k: str(h.id) for k, h in meaning.slots.items() if h.id})]


def place(found: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """The place a PainIntent meaning names, as region and aspect ("knee_outside" is both)."""
    from skill.resolve import vocabulary

    ((_, slots),) = found
    out = {k: v for k, v in slots.items() if k not in ("region", "aspect")}
    meaning = vocabulary(catalogue()).place_meaning.get(slots.get("region", ""))
    if meaning is not None:
        out["region"] = meaning.region
        if meaning.aspect:
            out["aspect"] = meaning.aspect
    if "aspect" in slots:
        out["aspect"] = slots["aspect"]
    return out


def only(found: list[tuple[str, dict[str, str]]], intent: str) -> list[dict[str, str]]:
    return [slots for name, slots in found if name == intent]


def test_every_region_can_be_asked_about_by_its_name(cat: Catalogue, us_model: Json) -> None:
    for region in cat.regions.values():
        heard = only(understand(us_model, f"why does my {region.name} hurt"), "PainIntent")
        assert {"region": region.id} in heard, region.id


def test_every_place_can_be_named_by_each_of_its_words(cat: Catalogue, us_model: Json) -> None:
    from skill.resolve import place_id

    for region in cat.regions.values():
        for loc in region.locations.values():
            for word in loc.words:
                heard = only(understand(us_model, f"I have pain in the {word}"), "PainIntent")
                assert heard and heard[0].get("region") in (
                    place_id(region.id, loc.aspect),
                    region.id,
                ), (word, heard)


def test_a_place_said_first_with_s_is_still_that_place(cat: Catalogue, us_model: Json) -> None:
    """ "low back's been wrecked", "calf's killing me": Alexa writes the contraction as one
    word, so a place said first with it needs samples of its own, of one word or several."""
    from skill.resolve import place_id

    for region in cat.regions.values():
        for loc in region.locations.values():
            for word in (*region.words, *loc.words):
                if word.split()[0] in ("my", "the", "under") or not word.replace(" ", "").isalpha():
                    continue
                said = f"{word}'s been tight for a month"
                heard = only(understand(us_model, said), "PainIntent")
                assert heard and heard[0].get("region") in (
                    place_id(region.id, loc.aspect),
                    region.id,
                ), (said, heard)


def test_every_condition_muscle_topic_and_red_flag_is_reachable(
    cat: Catalogue, us_model: Json
) -> None:
    for cond in cat.conditions.values():
        heard = only(understand(us_model, f"I think I have {cond.name}"), "PainIntent")
        assert {"condition": cond.id} in heard, cond.id
    for muscle in cat.muscles.values():
        for word in (muscle.name, *muscle.words):
            heard = only(understand(us_model, f"how do I roll out my {word}"), "RoutineIntent")
            assert heard and heard[0].get("muscle") == muscle.id, (word, heard)
    for topic in cat.topics.values():
        for word in topic.words:
            heard = only(understand(us_model, f"tell me about {word}"), "AboutIntent")
            assert heard and heard[0].get("topic") in (topic.id, "physical_therapist"), word
    for flag in cat.safety.red_flags:
        for word in flag.words:
            said = (f"my leg is {word}", f"I think {word}", word)
            assert any(only(understand(us_model, s), "SymptomIntent") for s in said), word


@pytest.mark.parametrize(
    ("utterance", "intent", "slots"),
    [
        (
            "why does the outside of my knee hurt",
            "PainIntent",
            {"aspect": "outside", "region": "knee"},
        ),
        ("I have pain in my left achilles", "PainIntent", {"side": "left", "region": "achilles"}),
        (
            "my left knee hurts on the outside",
            "PainIntent",
            {"side": "left", "region": "knee", "aspect": "outside"},
        ),
        ("outer knee pain", "PainIntent", {"region": "knee_outside"}),
        ("what causes groin pain when I run", "PainIntent", {"region": "groin"}),
        ("I think I have IT band syndrome", "PainIntent", {"condition": "it_band_syndrome"}),
        ("the inside", "PainIntent", {"aspect": "inside"}),
        ("how do I roll out my calf", "RoutineIntent", {"muscle": "gastrocnemius"}),
        (
            "I want a foam roller routine for my glutes",
            "RoutineIntent",
            {"equipment": "foam_roller", "muscle": "gluteus_maximus"},
        ),
        ("roll out my right hamstring", "RoutineIntent", {"side": "right", "muscle": "hamstrings"}),
        ("use the roller", "RoutineIntent", {"equipment": "foam_roller"}),
        ("what is a trigger point", "AboutIntent", {"topic": "trigger_point"}),
        ("why doesn't rest fix it", "AboutIntent", {"topic": "rest"}),
        ("when should I see a physical therapist", "AboutIntent", {"topic": "physical_therapist"}),
        ("I felt a pop", "SymptomIntent", {"symptom": "possible_rupture"}),
        ("my leg is swollen", "SymptomIntent", {"symptom": "possible_clot"}),
        ("my left calf is numb", "SymptomIntent", {"symptom": "nerve_signs"}),
        ("my knee keeps giving way when I run", "SymptomIntent", {"symptom": "knee_injury"}),
        ("I felt a snap in my achilles", "SymptomIntent", {"symptom": "possible_rupture"}),
        (
            "my foot has gone cold and pale",
            "SymptomIntent",
            {"symptom": "compartment_or_circulation"},
        ),
        ("me hammy's tight", "PainIntent", {"muscle": "hamstrings"}),
        ("why are my shins sore", "PainIntent", {"region": "shin"}),
        ("okay I'm set", "ReadyIntent", {}),
    ],
)
def test_utterances_mean_what_they_say(
    us_model: Json, utterance: str, intent: str, slots: dict[str, str]
) -> None:
    found = understand(us_model, utterance)
    ((name, got),) = found
    assert name == intent, (utterance, name, got)
    if intent == "PainIntent" and "muscle" not in slots:
        got = place(found)
        want = place([(intent, slots)])
    else:
        want = slots
    assert {k: got.get(k) for k in want} == want, (utterance, got)


def test_the_example_phrases_are_samples_of_the_model(us_model: Json) -> None:
    for phrase in EXAMPLE_PHRASES[1:]:
        request = phrase.split(" coach ", 1)[1]
        assert understand(us_model, request), phrase


# --------------------------------------------------------------------------- broken copies


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the shipped package (and ask-resources.json) to break."""
    shutil.copytree(DEFAULT_PACKAGE, tmp_path / DEFAULT_PACKAGE.name)
    shutil.copy(DEFAULT_PACKAGE.parent / ASK_RESOURCES, tmp_path / ASK_RESOURCES)
    return tmp_path / DEFAULT_PACKAGE.name


def edit(path: Path, change: Callable[[Json], None]) -> None:
    document = read(path)
    change(document)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def lm(document: Json) -> Json:
    language_model: Json = document["interactionModel"]["languageModel"]
    return language_model


def custom(document: Json, name: str) -> Json:
    return intents_of(document)[name]


def slot_type(document: Json, name: str) -> Json:
    return next(t for t in lm(document)["types"] if t["name"] == name)


def misspell_samples(d: Json) -> None:
    custom(d, "LeadReadyIntent")["samplez"] = custom(d, "LeadReadyIntent").pop("samples")


def open_in_invocation(d: Json) -> None:
    lm(d)["invocationName"] = "open trigger point coach"


def sample_in_two_intents(d: Json) -> None:
    custom(d, "LeadReadyIntent")["samples"].append("my knee hurts")


def carrier_a_lead_starts(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("no thanks {words}")


def typed_sample_a_lead_says(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("{aspect} of my {region}")


def typed_sample_cutting_a_sign(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("my {region} aches")


def undeclared_slot(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("tell me about {subject}")


def search_query_without_carrier(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("{words}")


def search_query_beside_a_slot(d: Json) -> None:
    custom(d, "TellIntent")["samples"].append("my {region} {words}")


def model_too_big(d: Json) -> None:
    custom(d, "LeadReadyIntent")["samples"] += [
        f"ready {'x' * 150} {chr(97 + i % 26)}" for i in range(12000)
    ]


def value_without_id(d: Json) -> None:
    del slot_type(d, "Muscle")["values"][0]["id"]


def sample_twice(d: Json) -> None:
    custom(d, "LeadReadyIntent")["samples"].append("Ready")


def digits_in_sample(d: Json) -> None:
    custom(d, "LeadReadyIntent")["samples"].append("ready in 5")


def built_in_phrase_a_carrier_says(d: Json) -> None:
    custom(d, "AMAZON.YesIntent")["samples"].append("my pleasure")


def handled_intent_missing(d: Json) -> None:
    lm(d)["intents"] = [i for i in lm(d)["intents"] if i["name"] != "AMAZON.PauseIntent"]


def unhandled_intent(d: Json) -> None:
    lm(d)["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather like"]})


def content_id_missing(d: Json) -> None:
    values = slot_type(d, "Muscle")["values"]
    slot_type(d, "Muscle")["values"] = [v for v in values if v["id"] != "soleus"]


def word_for_two_values(d: Json) -> None:
    slot_type(d, "Side")["values"][0]["name"]["synonyms"].append("right")


def unknown_slot_type(d: Json) -> None:
    slot = next(s for s in custom(d, "TellIntent")["slots"] if s["name"] == "topic")
    slot["type"] = "Subject"


MODEL_BREAKS = [
    (misspell_samples, "Additional properties are not allowed ('samplez' was unexpected)"),
    (
        open_in_invocation,
        "invocation name 'open trigger point coach' contains the launch or wake word 'open'",
    ),
    (
        sample_in_two_intents,
        "'my knee hurts' is both LeadReadyIntent ('my knee hurts') and TellIntent",
    ),
    (
        carrier_a_lead_starts,
        "'no thanks zzprobe' is both TellIntent ('no thanks {words}') and LeadNoIntent",
    ),
    (typed_sample_a_lead_says, "is both TellIntent ('{aspect} of my {region}') and Lead"),
    (typed_sample_cutting_a_sign, "sample 'my {region} aches' could cut the sign 'bone aches'"),
    (search_query_without_carrier, "an AMAZON.SearchQuery slot needs a carrier phrase"),
    (search_query_beside_a_slot, "an AMAZON.SearchQuery slot cannot share a sample"),
    (model_too_big, "over Alexa's 1500000"),
    (
        undeclared_slot,
        "sample 'tell me about {subject}' uses slot {subject}, which the intent does not declare",
    ),
    (value_without_id, "slot type Muscle: the value 'adductors' has no id"),
    (sample_twice, "intent LeadReadyIntent: sample 'Ready' is there twice"),
    (
        digits_in_sample,
        "sample 'ready in 5' may hold only letters, spaces, apostrophes, periods and {slots}",
    ),
    (
        built_in_phrase_a_carrier_says,
        "'my pleasure' is both AMAZON.YesIntent ('my pleasure') and TellIntent",
    ),
    (
        handled_intent_missing,
        "intent AMAZON.PauseIntent is needed by a routine skill but not declared",
    ),
    (unhandled_intent, "intent WeatherIntent is declared in the model but no handler takes it"),
    (content_id_missing, "slot type Muscle has no value for the content id 'soleus'"),
    (word_for_two_values, "slot type Side: 'right' names both left and right"),
    (unknown_slot_type, "intent TellIntent slot topic: slot type Subject is not declared"),
]


@pytest.mark.parametrize(
    ("breaks", "message"), MODEL_BREAKS, ids=[b.__name__ for b, _ in MODEL_BREAKS]
)
def test_a_broken_locale_file_fails_with_the_right_message(
    cat: Catalogue, package: Path, breaks: Callable[[Json], None], message: str
) -> None:
    path = package / CUSTOM_MODELS / "en-GB.json"
    edit(path, breaks)
    problems = check_model(cat, package)
    assert any(p.startswith(f"{path}: ") and message in p for p in problems), "\n".join(problems)
    assert f"{path}: differs from what `tpcoach build-model` writes" in "\n".join(problems)
    assert not any(str(package / CUSTOM_MODELS / "en-US.json") in p for p in problems)


def misspelt_manifest_field(d: Json) -> None:
    locale = d["manifest"]["publishingInformation"]["locales"]["en-US"]
    locale["examplePhrasez"] = locale.pop("examplePhrases")


def unknown_interface(d: Json) -> None:
    d["manifest"]["apis"]["custom"]["interfaces"] = [{"type": "HOLOGRAM"}]


def example_not_a_sample(d: Json) -> None:
    d["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"][1] = (
        "Alexa, ask trigger point coach to bake a cake"
    )


def no_disclaimer(d: Json) -> None:
    d["manifest"]["publishingInformation"]["locales"]["en-US"]["description"] = "Roll it out."


MANIFEST_BREAKS = [
    (
        misspelt_manifest_field,
        "Additional properties are not allowed ('examplePhrasez' was unexpected)",
    ),
    (unknown_interface, "'HOLOGRAM' is not a known type"),
    (example_not_a_sample, "asks 'bake a cake', which is no sample utterance of the model"),
    (no_disclaimer, "must say the skill is 'not a substitute for professional medical advice'"),
]


@pytest.mark.parametrize(
    ("breaks", "message"), MANIFEST_BREAKS, ids=[b.__name__ for b, _ in MANIFEST_BREAKS]
)
def test_a_broken_manifest_fails_with_the_right_message(
    cat: Catalogue, package: Path, breaks: Callable[[Json], None], message: str
) -> None:
    path = package / MANIFEST
    edit(path, breaks)
    problems = check_model(cat, package)
    assert any(p.startswith(f"{path}: ") and message in p for p in problems), "\n".join(problems)


def test_a_locale_nobody_builds_is_a_problem(cat: Catalogue, package: Path) -> None:
    shutil.copy(package / CUSTOM_MODELS / "en-US.json", package / CUSTOM_MODELS / "fr-FR.json")
    problems = check_model(cat, package)
    assert any("fr-FR.json: not a locale this skill builds" in p for p in problems), problems


def test_a_missing_file_is_a_problem(cat: Catalogue, package: Path) -> None:
    (package / CUSTOM_MODELS / "en-AU.json").unlink()
    problems = check_model(cat, package)
    assert any("en-AU.json: missing" in p for p in problems), problems


def test_without_alexas_schema_the_check_says_to_run_npm_ci(cat: Catalogue, tmp_path: Path) -> None:
    problems = check_model(cat, DEFAULT_PACKAGE, spec=tmp_path / "spec.json")
    assert problems == [
        f"{tmp_path / 'spec.json'}: not found, so the files cannot be checked against Alexa's"
        " schema: run `npm ci` in the project root"
    ]


def test_alexas_schema_is_installed() -> None:
    assert SPEC.is_file(), "node_modules/ask-smapi-model is missing: run `npm ci`"


# --------------------------------------------------------------------------- strictness itself

SWAGGER: Json = {
    "Shape": {
        "type": "object",
        "required": ["kind"],
        "discriminator": "kind",
        "properties": {"kind": {"type": "string"}},
    },
    "Circle": {
        "allOf": [
            {"$ref": "#/definitions/Shape"},
            {"type": "object", "properties": {"radius": {"type": "number"}}},
        ],
        "x-discriminator-value": "CIRCLE",
    },
    "Square": {
        "allOf": [
            {"$ref": "#/definitions/Shape"},
            {"type": "object", "required": ["side"], "properties": {"side": {"type": "number"}}},
        ],
        "x-discriminator-value": "SQUARE",
    },
    "Drawing": {
        "type": "object",
        "properties": {
            "shapes": {"type": "array", "items": {"$ref": "#/definitions/Shape"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "meta": {"type": "object", "properties": {"author": {"type": "string"}}},
        },
    },
}


@pytest.mark.parametrize(
    ("drawing", "valid"),
    [
        ({"shapes": [{"kind": "CIRCLE", "radius": 1}, {"kind": "SQUARE", "side": 2}]}, True),
        ({"labels": {"anything": "goes in a map"}}, True),
        ({"shapez": []}, False),  # a typo at the top
        ({"meta": {"autor": "x"}}, False),  # a typo in an inline object
        ({"shapes": [{"kind": "CIRCLE", "side": 2}]}, False),  # a square's property on a circle
        ({"shapes": [{"kind": "TRIANGLE"}]}, False),  # no such subtype
        ({"shapes": [{"kind": "SQUARE"}]}, False),  # a subtype's required property
    ],
)
def test_strict_definitions_refuse_what_swagger_would_let_through(
    drawing: Json, valid: bool
) -> None:
    from jsonschema import Draft4Validator

    loose = Draft4Validator({"$ref": "#/definitions/Drawing", "definitions": SWAGGER})
    strict = Draft4Validator(
        {"$ref": "#/definitions/Drawing", "definitions": strict_definitions(SWAGGER)}
    )
    assert strict.is_valid(drawing) is valid
    if valid:
        assert loose.is_valid(drawing)


def test_strict_definitions_leave_the_spec_itself_unchanged() -> None:
    spec = read(SPEC)["definitions"]
    before = copy.deepcopy(spec)
    strict_definitions(spec)
    assert spec == before


# --------------------------------------------------------------------------- the command line


def test_build_model_writes_a_package_that_checks_clean(cat: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "interaction_model"
    assert cli.main(["build-model", "--model", str(target)]) == 0
    assert (tmp_path / ASK_RESOURCES).is_file()
    assert sorted(p.name for p in (target / CUSTOM_MODELS).iterdir()) == sorted(
        f"{locale}.json" for locale in LOCALES
    )
    assert check_model(cat, target) == []
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.json")}
    write_model(cat, target)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.json")} == before


def test_tpcoach_check_reports_model_problems(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(package / CUSTOM_MODELS / "en-US.json", open_in_invocation)
    assert cli.main(["check", "--model", str(package)]) == 1
    assert "contains the launch or wake word 'open'" in capsys.readouterr().err
    assert cli.main(["check"]) == 0


@pytest.mark.parametrize(
    "uri",
    ["https://coach.example.org/alexa", "arn:aws:lambda:us-east-1:123456789012:function:tpcoach"],
)
def test_a_deployers_endpoint_is_valid_and_not_drift(
    cat: Catalogue, package: Path, uri: str
) -> None:
    assert cli.main(["build-model", "--model", str(package), "--endpoint", uri]) == 0
    document = read(package / MANIFEST)
    assert document["manifest"]["apis"]["custom"]["endpoint"]["uri"] == uri
    assert check_model(cat, package) == []


def test_an_endpoint_must_be_an_arn_or_https(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["build-model", "--model", str(package), "--endpoint", "http://x/a"]) == 2
    assert "a Lambda ARN or an https:// URL" in capsys.readouterr().err
    assert "endpoint" not in read(package / MANIFEST)["manifest"]["apis"]["custom"]


def test_a_word_that_is_a_place_and_a_muscle_is_the_place_unless_a_routine_is_asked_for(
    us_model: Json,
) -> None:
    """ "calf" and the IT band words name a place and a muscle: one intent carries them, and
    the skill reads them as the place, or as the muscle when a routine is asked for."""
    assert understand(us_model, "my calf hurts")[0] == ("PainIntent", {"region": "calf"})
    assert understand(us_model, "roll my IT band") == [("RoutineIntent", {"muscle": "tfl"})]
    name, slots = understand(us_model, "why does my IT band hurt")[0]
    assert name == "PainIntent" and slots.get("region") == "knee_outside"
