"""Every place the content knows names its first suspect as written here; body parts the skill
does not cover are not understood, never answered as a nearby place; the side said inside a long
sentence is kept. The resolver alone, then the whole skill from the words a runner says."""

from __future__ import annotations

from typing import Any

import pytest

from skill.app import build_skill_builder
from skill.content import ANY_ASPECT, catalogue
from skill.resolve import Answer, Heard, NotUnderstood, place_id, resolve_place
from skill.state import SESSION_KEY
from skill.stores import open_store
from tpcoach.chat import utter
from tpcoach.local import Client, SlotValue, in_process
from tpcoach.nlu import load_model

CAT = catalogue()

# The muscle each place names first: (region, aspect) -> muscle. Written out, not read from the
# content, so a change to a ranking fails here until this table agrees with it.
FIRST_SUSPECT = {
    ("foot", "bottom"): "foot_muscles",
    ("foot", "top"): "tibialis_anterior",
    ("foot", "inside"): "foot_muscles",
    ("heel", "bottom"): "soleus",
    ("heel", "back"): "soleus",
    ("achilles", ANY_ASPECT): "gastrocnemius",
    ("ankle", "outside"): "peroneals",
    ("ankle", "inside"): "tibialis_posterior",
    ("ankle", "front"): "tibialis_anterior",
    ("ankle", "back"): "soleus",
    ("shin", "front"): "tibialis_anterior",
    ("shin", "inside"): "tibialis_posterior",
    ("shin", "outside"): "peroneals",
    ("calf", "back"): "gastrocnemius",
    ("calf", "inside"): "gastrocnemius",
    ("calf", "outside"): "peroneals",
    ("calf", "deep"): "tibialis_posterior",
    ("knee", "front"): "quadriceps",
    ("knee", "outside"): "tfl",
    ("knee", "inside"): "vastus_medialis",
    ("knee", "back"): "biceps_femoris",
    ("thigh", "front"): "quadriceps",
    ("thigh", "outside"): "tfl",
    ("thigh", "inside"): "adductors",
    ("thigh", "back"): "hamstrings",
    ("hip", "front"): "tfl",
    ("hip", "outside"): "gluteus_medius",
    ("hip", "back"): "piriformis",
    ("groin", ANY_ASPECT): "adductors",
    ("buttock", ANY_ASPECT): "gluteus_minimus",
    ("low_back", ANY_ASPECT): "quadratus_lumborum",
}
# A named condition is the place it belongs to, so its first suspect is that place's.
CONDITION_PLACE = {
    "it_band_syndrome": ("knee", "outside"),
    "runners_knee": ("knee", "front"),
    "shin_splints": ("shin", "front"),
    "plantar_fasciitis": ("heel", "bottom"),
    "achilles_tendinitis": ("achilles", ANY_ASPECT),
    "sciatica": ("buttock", ANY_ASPECT),
    "compartment_syndrome": ("shin", "front"),
}
PLACES = sorted(FIRST_SUSPECT)
NEAR_MISSES = ["shoulder", "rib", "elbow", "neck", "wrist"]


def test_every_place_in_the_content_has_its_first_suspect_written_here() -> None:
    in_content = {(r.id, a) for r in CAT.regions.values() for a in r.locations}
    assert in_content == set(FIRST_SUSPECT), "a place was added or removed: update FIRST_SUSPECT"
    assert set(CAT.conditions) == set(CONDITION_PLACE), "a condition was added or removed"


@pytest.mark.parametrize(("region", "aspect"), PLACES, ids=[f"{r}/{a}" for r, a in PLACES])
def test_each_place_names_its_first_suspect_first(region: str, aspect: str) -> None:
    outcome = resolve_place(CAT, Heard(id=region), Heard(id=aspect))
    assert isinstance(outcome, Answer), outcome
    assert outcome.muscles[0] == FIRST_SUSPECT[(region, aspect)]


@pytest.mark.parametrize("condition", sorted(CONDITION_PLACE))
def test_each_condition_names_the_first_suspect_of_its_place(condition: str) -> None:
    outcome = resolve_place(CAT, condition=Heard(id=condition))
    assert isinstance(outcome, Answer), outcome
    assert (outcome.region.id, outcome.location.aspect) == CONDITION_PLACE[condition]
    assert outcome.muscles[0] == FIRST_SUSPECT[CONDITION_PLACE[condition]]


@pytest.mark.parametrize("part", NEAR_MISSES)
@pytest.mark.parametrize("phrase", ["{part}", "my {part}", "my {part} hurts"])
def test_a_body_part_the_skill_does_not_cover_is_not_understood(part: str, phrase: str) -> None:
    heard = phrase.format(part=part)
    outcome = resolve_place(CAT, Heard(text=heard))
    assert isinstance(outcome, NotUnderstood), f"{heard!r} was taken for {outcome}"


def test_the_side_inside_a_long_sentence_is_kept() -> None:
    heard = "a sharp pain on the outside of my left knee when I run"
    outcome = resolve_place(CAT, Heard(text=heard))
    assert isinstance(outcome, Answer), outcome
    assert (outcome.region.id, outcome.location.aspect, outcome.side) == ("knee", "outside", "left")


# --------------------------------------------------------------------------- the whole skill


def client() -> Client:
    return Client(in_process(build_skill_builder(open_store("memory"))))


def state_of(response: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (response.get("sessionAttributes") or {}).get(SESSION_KEY) or {}
    return found


def say(words: str) -> dict[str, Any]:
    """The runner's words, as Alexa would send them, to a fresh skill; its last answer."""
    exchanges = utter(client(), load_model().understand(words))
    assert exchanges, words
    return exchanges[-1][1]


@pytest.mark.parametrize(("region", "aspect"), PLACES, ids=[f"{r}/{a}" for r, a in PLACES])
def test_the_skill_answers_each_place_with_its_first_suspect(region: str, aspect: str) -> None:
    place = place_id(region, aspect)
    response = client().intent("PainIntent", {"region": SlotValue(place, id=place)})
    assert state_of(response).get("muscles", [])[:1] == [FIRST_SUSPECT[(region, aspect)]]


@pytest.mark.parametrize("part", NEAR_MISSES)
def test_the_skill_names_no_muscle_for_a_body_part_it_does_not_cover(part: str) -> None:
    for words in (f"why does my {part} hurt", f"my {part} hurts"):
        state = state_of(say(words))
        assert not state.get("muscles"), f"{words!r} was answered with {state.get('muscles')}"
        assert state.get("offered") is None, f"{words!r} offered {state.get('offered')}"


def test_the_skill_keeps_the_side_said_inside_a_long_sentence() -> None:
    state = state_of(say("why do I have a sharp pain on the outside of my left knee when I run"))
    assert state.get("muscles", [])[:1] == ["tfl"]
    assert state.get("side") == "left"
