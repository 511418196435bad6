"""Text → request: the shipped interaction model understands what runners say the way Alexa would,
and the matching rule (tpcoach/nlu.py) holds on a small model of our own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tpcoach.local import intent_request
from tpcoach.nlu import (
    FALLBACK,
    Model,
    built_in_phrases,
    compile_model,
    load_model,
    model_path,
)

FIXTURE = Path(__file__).parent / "fixtures" / "model" / "en-US.json"
LOCALES = sorted(p.stem for p in model_path().parent.glob("*.json"))


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="module")
def small() -> Model:
    return load_model(FIXTURE)


def raw_ids(model: Model, text: str) -> tuple[str | None, dict[str, str | None], bool]:
    """The request as Alexa would send it: the intent and its slot ids."""
    u = model.understand(text)
    return u.intent, {k: v.id for k, v in u.slots.items()}, u.new_session


def ids(model: Model, text: str) -> tuple[str | None, dict[str, str | None], bool]:
    """What the skill takes the request to mean (tests/meaning.py)."""
    from skill.resolve import Heard
    from tests.meaning import meaning_ids

    u = model.understand(text)
    if u.intent is None:
        return None, {}, u.new_session
    heard = {k: Heard(id=v.id, text=v.value) for k, v in u.slots.items()}
    return (*meaning_ids(u.intent, heard), u.new_session)


# --------------------------------------------------------------------------- the shipped model

UTTERANCES = [
    # (what is said, intent, slot ids (None: heard but not matched), new session)
    (
        "ask trigger point coach why the outside of my knee hurts",
        "PainIntent",
        {"region": "knee", "aspect": "outside"},
        True,
    ),
    (
        "Alexa, ask trigger point coach why does the outside of my left knee hurt?",
        "PainIntent",
        {"region": "knee", "aspect": "outside", "side": "left"},
        True,
    ),
    ("why does my left knee hurt", "PainIntent", {"region": "knee", "side": "left"}, False),
    ("I think I have IT band syndrome", "PainIntent", {"condition": "it_band_syndrome"}, False),
    ("I have shin splints", "PainIntent", {"condition": "shin_splints"}, False),
    ("the outside", "PainIntent", {"aspect": "outside"}, False),
    ("why does my elbow hurt", FALLBACK, {}, False),
    ("me hammy's tight", "PainIntent", {"muscle": "hamstrings"}, False),
    ("my groin's sore after speed work", "PainIntent", {"region": "groin"}, False),
    ("okay ready", "ReadyIntent", {}, False),
    ("ok ready", "ReadyIntent", {}, False),
    ("nope all good", "AMAZON.NoIntent", {}, False),
    ("my knee keeps giving way", "SymptomIntent", {"symptom": "knee_injury"}, False),
    (
        "tell trigger point coach that my heel hurts",
        "PainIntent",
        {"region": "heel"},
        True,
    ),
    (
        "how do I roll out my calf with a tennis ball",
        "RoutineIntent",
        {"muscle": "gastrocnemius", "equipment": "lacrosse_ball"},
        False,
    ),
    (
        "ask trigger point coach for a lacrosse ball routine for my tfl",
        "RoutineIntent",
        {"equipment": "lacrosse_ball", "muscle": "tfl"},
        True,
    ),
    ("what is a trigger point", "AboutIntent", {"topic": "trigger_point"}, False),
    ("I felt a pop", "SymptomIntent", {"symptom": "possible_rupture"}, False),
    ("ready", "ReadyIntent", {}, False),
    ("I'm ready", "ReadyIntent", {}, False),
    ("next", "AMAZON.NextIntent", {}, False),
    ("um, next please", "AMAZON.NextIntent", {}, False),
    ("go back", "AMAZON.PreviousIntent", {}, False),
    ("say that again", "AMAZON.RepeatIntent", {}, False),
    ("start over", "AMAZON.StartOverIntent", {}, False),
    ("pause", "AMAZON.PauseIntent", {}, False),
    ("resume", "AMAZON.ResumeIntent", {}, False),
    ("ask trigger point coach to resume", "AMAZON.ResumeIntent", {}, True),
    ("help", "AMAZON.HelpIntent", {}, False),
    ("stop", "AMAZON.StopIntent", {}, False),
    ("never mind", "AMAZON.CancelIntent", {}, False),
    ("yeah", "AMAZON.YesIntent", {}, False),
    ("nope", "AMAZON.NoIntent", {}, False),
    ("go home", "AMAZON.NavigateHomeIntent", {}, False),
    ("play some music", FALLBACK, {}, False),  # one of the model's own Fallback samples
    ("what's the weather", FALLBACK, {}, False),  # carried, and read as nothing the skill does
]


@pytest.mark.parametrize(
    ("text", "intent", "slots", "new"), UTTERANCES, ids=[u[0] for u in UTTERANCES]
)
def test_the_shipped_model_understands(
    model: Model, text: str, intent: str, slots: dict[str, str | None], new: bool
) -> None:
    assert ids(model, text) == (intent, slots, new)


@pytest.mark.parametrize(
    "text",
    [
        "open trigger point coach",
        "Alexa, start trigger point coach",
        "launch trigger point coach",
        "talk to trigger point coach",
        "ask trigger point coach",
    ],
)
def test_launch_phrases_start_a_new_session_with_a_launch_request(model: Model, text: str) -> None:
    understood = model.understand(text)
    assert understood.kind == "launch" and understood.new_session
    assert understood.request()["type"] == "LaunchRequest"


@pytest.mark.parametrize("text", ["exit", "Alexa, quit"])
def test_exit_ends_the_session_without_a_request_of_its_own(model: Model, text: str) -> None:
    understood = model.understand(text)
    assert understood.kind == "end"
    with pytest.raises(ValueError, match="ends the session"):
        understood.request()


def test_an_unknown_word_keeps_the_raw_value_with_no_match(model: Model) -> None:
    understood = model.understand("my elbow is painful")
    request = understood.request()
    slot = request["intent"]["slots"]["region"]
    assert slot["value"] == "elbow"
    status = slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"]
    assert status == "ER_SUCCESS_NO_MATCH"
    assert "values" not in slot["resolutions"]["resolutionsPerAuthority"][0]


def test_a_synonym_resolves_to_its_id_and_canonical_name_keeping_the_words_heard(
    model: Model,
) -> None:
    slot = model.understand("my gastroc is sore").request()["intent"]["slots"]["muscle"]
    resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert slot["value"] == "gastroc"
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"]["id"] == "gastrocnemius"
    assert resolution["values"][0]["value"]["name"] != "gastroc", "the name is the value's"


def test_gibberish_is_a_fallback_that_names_the_closest_samples(model: Model) -> None:
    understood = model.understand("flurble wibble zonk")
    assert understood.intent == FALLBACK and not understood.matched
    assert understood.closest and len(understood.closest) <= 3
    samples = {s.text for s in model.samples}
    assert set(understood.closest) <= samples
    out_of_domain = model.understand("play some music")  # a Fallback sample of the model
    assert out_of_domain.intent == FALLBACK and out_of_domain.matched


def test_the_envelope_is_the_one_the_tests_builder_makes(model: Model) -> None:
    def strip(request: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in request.items() if k not in ("requestId", "timestamp")}

    assert strip(model.understand("next").request("en-GB")) == strip(
        intent_request("AMAZON.NextIntent", locale="en-GB")
    )


def test_every_sample_with_values_filled_in_means_what_its_values_say(model: Model) -> None:
    """Round trip: each sample with typed slots, filled with values and synonyms of their types,
    means to the skill what those values mean, whichever sample Alexa takes it for (a typed one,
    or a carrier whose free words hold the same values). Fails when two readings disagree."""
    from skill.content import catalogue
    from skill.resolve import Heard
    from skill.understand import meaning_of

    data = json.loads(model_path().read_text(encoding="utf-8"))["interactionModel"]
    types = {t["name"]: t["values"] for t in data["languageModel"]["types"]}
    wrong = []
    for intent in data["languageModel"]["intents"]:
        slot_types = {
            s["name"]: types[s["type"]] for s in intent.get("slots", []) if s["type"] in types
        }
        for sample in intent.get("samples", []):
            names = re.findall(r"\{(\w+)\}", sample)
            if not names or any(n not in slot_types for n in names):
                continue  # AMAZON.SearchQuery: any words, no ids to come back
            for k in range(3):
                chosen = {}
                for name in names:
                    values = slot_types[name]
                    value = values[(k * 7 + len(name)) % len(values)]
                    phrases = [value["name"]["value"], *value["name"].get("synonyms", [])]
                    chosen[name] = (phrases[k % len(phrases)], value["id"])
                said = re.sub(r"\{(\w+)\}", lambda m, c=chosen: c[m.group(1)][0], sample)
                typed = meaning_of(
                    catalogue(),
                    intent["name"],
                    {n: Heard(id=i, text=t) for n, (t, i) in chosen.items()},
                )
                got = ids(model, said)
                if got[0] != typed.intent:
                    wrong.append(
                        f"{said!r} ({intent['name']}: {sample!r}) -> {got[0]}, typed {typed.intent}"
                    )
    assert not wrong, "\n".join(wrong[:40])


def test_every_built_in_phrase_reaches_its_built_in(model: Model) -> None:
    wrong = [
        f"{phrase!r} -> {model.understand(phrase).describe()}"
        for intent, phrases in built_in_phrases().items()
        for phrase in phrases
        if model.understand(phrase).intent != intent
    ]
    assert not wrong, "a model sample takes a built-in's phrase: " + "; ".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_understands_the_basics(locale: str) -> None:
    m = load_model(locale=locale)
    assert ids(m, "why does the outside of my knee hurt")[:2] == (
        "PainIntent",
        {"aspect": "outside", "region": "knee"},
    )
    assert m.understand("open trigger point coach").kind == "launch"
    assert ids(m, "next")[0] == "AMAZON.NextIntent"


def test_the_model_file_is_read_once_per_path() -> None:
    assert load_model(FIXTURE) is load_model(str(FIXTURE))
    assert load_model() is load_model(model_path("en-US"))


# --------------------------------------------------------------------------- the matching rule


def test_more_literal_words_win_over_a_slot_that_swallows_them(small: Model) -> None:
    # "why does my {region} hurt" could take "the outside of my knee" as an unmatched region
    # (were it short enough); the sample with more literal words wins.
    understood = small.understand("why does the outside of my knee hurt")
    assert understood.sample == "why does the {aspect} of my {region} hurt"


def test_with_equal_literal_words_the_sample_with_resolved_slots_wins(small: Model) -> None:
    # "my {region} hurts" would hear "left knee" as one unknown region.
    assert ids(small, "my left knee hurts")[:2] == (
        "PainIntent",
        {"side": "left", "region": "knee"},
    )
    # and a two-word value beats splitting it into two slots that do not resolve
    assert ids(small, "my lower back hurts")[:2] == ("PainIntent", {"region": "lower_back"})


def test_resolution_is_exact_and_ignores_case_and_punctuation(small: Model) -> None:
    assert ids(small, "I think I have ITBS.")[1] == {"condition": "it_band_syndrome"}
    assert ids(small, "i think i have Iliotibial Band Syndrome")[1] == {
        "condition": "it_band_syndrome"
    }
    assert ids(small, "i think i have it band syndromes")[1] == {"condition": None}


def test_a_sample_of_slots_only_does_not_match_words_it_cannot_resolve(small: Model) -> None:
    # "{region}" and "{aspect}" are samples: "knee" resolves, "banana" must not be a region.
    assert ids(small, "knee")[:2] == ("PainIntent", {"region": "knee"})
    assert small.understand("banana").intent == FALLBACK


def test_an_unresolved_slot_takes_no_more_words_than_the_longest_value(small: Model) -> None:
    # Regions are at most two words long: a three-word region is not heard as one.
    assert ids(small, "why does my big toe hurt")[1] == {"region": None}
    heard = small.understand("why does my big toe nail hurt").slots
    assert all(len(v.value.split()) <= 2 for v in heard.values()), heard


def test_filler_is_dropped_only_when_the_words_as_said_match_nothing(small: Model) -> None:
    assert ids(small, "okay so next please")[0] == "AMAZON.NextIntent"
    assert ids(small, "okay")[0] == "AMAZON.YesIntent"


def test_a_one_shot_uses_the_connector_only_when_it_helps(small: Model) -> None:
    assert ids(small, "ask trigger point coach to resume") == ("AMAZON.ResumeIntent", {}, True)
    assert ids(small, "ask trigger point coach for a routine for my tfl") == (
        "RoutineIntent",
        {"muscle": "tfl"},
        True,
    )
    one_shot = small.understand("ask trigger point coach to flurble")
    assert one_shot.intent == FALLBACK and one_shot.new_session


def test_built_ins_are_heard_only_when_the_model_declares_them() -> None:
    bare = compile_model(
        {
            "interactionModel": {
                "languageModel": {
                    "invocationName": "tiny coach",
                    "intents": [{"name": "ReadyIntent", "samples": ["ready"]}],
                }
            }
        }
    )
    assert bare.understand("ready").intent == "ReadyIntent"
    assert bare.understand("next").intent == FALLBACK
    assert bare.understand("open tiny coach").kind == "launch"
    assert bare.understand("open trigger point coach").kind == "intent"
