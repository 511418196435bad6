"""The resolver, alone: heard values to ranked muscles, one question, or "not understood"."""

from __future__ import annotations

import pytest

from skill.content import catalogue
from skill.resolve import (
    NOTHING,
    Answer,
    Ask,
    Heard,
    NotUnderstood,
    resolve_muscle,
    resolve_place,
)

CAT = catalogue()


def by_id(region: str, aspect: str | None = None) -> Answer | Ask | NotUnderstood:
    return resolve_place(CAT, Heard(id=region), Heard(id=aspect) if aspect else NOTHING)


def by_text(text: str) -> Answer | Ask | NotUnderstood:
    return resolve_place(CAT, Heard(text=text))


# Every location -> muscle mapping in the article, most likely first where it ranks them.
# (region, aspect, muscles that must come first in this order, muscles that must be listed)
ARTICLE = [
    ("achilles", None, [], {"gastrocnemius", "soleus"}),  # calf -> Achilles, most commonly
    ("calf", "deep", ["tibialis_posterior"], set()),  # posterior tibialis -> deep lower leg
    ("ankle", "inside", ["tibialis_posterior"], set()),  # ... or around the ankle
    ("calf", "outside", ["peroneals"], set()),  # peroneals -> outside of the lower leg
    ("shin", "front", ["tibialis_anterior"], set()),  # anterior tibialis -> shin splints
    # quads -> front of knee; the article's "hip flexor" there is the rectus femoris, a quad
    ("knee", "front", ["quadriceps"], set()),
    ("knee", "outside", ["tfl"], set()),  # TFL -> outside of the knee
    ("hip", "front", [], {"tfl", "iliopsoas"}),  # TFL and hip flexors -> front of the hip
    ("hip", "outside", [], {"gluteus_medius", "gluteus_minimus", "tfl", "iliopsoas"}),
    ("groin", None, [], {"tfl", "iliopsoas"}),  # ... or the groin
    ("buttock", None, [], {"gluteus_medius", "gluteus_minimus"}),  # glutes -> the butt
    # ... or the low back, after the QL and iliopsoas (the reference's low-back list)
    ("low_back", None, ["quadratus_lumborum"], {"gluteus_medius", "gluteus_minimus"}),
]


@pytest.mark.parametrize(("region", "aspect", "first", "listed"), ARTICLE)
def test_every_article_mapping_resolves_as_the_article_says(
    region: str, aspect: str | None, first: list[str], listed: set[str]
) -> None:
    outcome = by_id(region, aspect)
    assert isinstance(outcome, Answer), outcome
    assert list(outcome.muscles[: len(first)]) == first
    assert listed <= set(outcome.muscles)
    top = {m.muscle for m in outcome.location.muscles if m.likelihood == "most_common"}
    if listed and not first:
        # Where the article ranks these as most common, they lead the list.
        assert top <= listed | top and set(outcome.muscles[: len(top)]) == top


def test_the_articles_most_common_lower_leg_muscles_outrank_the_less_frequent() -> None:
    achilles = by_id("achilles")
    assert isinstance(achilles, Answer)
    likelihood = {m.muscle: m.likelihood for m in achilles.location.muscles}
    assert likelihood["gastrocnemius"] == likelihood["soleus"] == "most_common"


# Synonyms and plausible mis-hearings, as Alexa passes raw text it could not match.
WORDS = [
    ("kneecap", "knee", "front"),
    ("knee cap", "knee", "front"),
    ("outer knee", "knee", "outside"),
    ("IT band", "knee", "outside"),
    ("behind my knee", "knee", "back"),
    ("shin splints", "shin", "front"),
    ("butt", "buttock", "any"),
    ("lower back", "low_back", "any"),
    ("side of my hip", "hip", "outside"),
    ("the outside of my knee", "knee", "outside"),
    ("achillies", "achilles", "any"),
    ("the bottom of my heal", "heel", "bottom"),
    ("shin splint", "shin", "front"),
    ("inner thighs", "thigh", "inside"),
    ("arch", "foot", "bottom"),
    ("plantar fasciitis", "heel", "bottom"),
    ("I T band syndrome", "knee", "outside"),
]


@pytest.mark.parametrize(("text", "region", "aspect"), WORDS)
def test_synonyms_and_mishearings_resolve(text: str, region: str, aspect: str) -> None:
    outcome = by_text(text)
    assert isinstance(outcome, Answer), outcome
    assert (outcome.region.id, outcome.location.aspect) == (region, aspect)


@pytest.mark.parametrize("region", ["knee", "hip", "shin", "calf", "thigh", "ankle", "foot"])
def test_a_region_with_several_parts_asks_which_part(region: str) -> None:
    outcome = by_id(region)
    assert isinstance(outcome, Ask)
    assert outcome.slot == "aspect" and outcome.region == region
    assert set(outcome.options) == set(CAT.regions[region].aspects)


def test_the_knee_question_offers_front_outside_inside_and_back() -> None:
    outcome = by_text("my knee")
    assert isinstance(outcome, Ask)
    assert set(outcome.options) == {"front", "outside", "inside", "back"}


def test_nothing_heard_asks_where() -> None:
    outcome = resolve_place(CAT)
    assert isinstance(outcome, Ask) and outcome.slot == "region"


def test_the_side_is_kept_through_a_question() -> None:
    outcome = resolve_place(CAT, Heard(id="knee"), side=Heard(text="left"))
    assert isinstance(outcome, Ask) and outcome.side == "left"


@pytest.mark.parametrize("text", ["elbow", "banana bread", "my left ear", "zzz", "neck"])
def test_unknown_places_are_not_understood_never_a_muscle(text: str) -> None:
    outcome = by_text(text)
    assert isinstance(outcome, NotUnderstood), outcome
    assert outcome.heard == text


@pytest.mark.parametrize(
    ("text", "muscle"),
    [
        ("hip flexors", "iliopsoas"),
        ("TFL", "tfl"),
        ("glutes", "gluteus_maximus"),  # the big one, as runners mean it
        ("glute med", "gluteus_medius"),
        ("quads", "quadriceps"),
        ("hamstring", "hamstrings"),
        ("calf", "gastrocnemius"),
        ("piraformis", "piriformis"),
        ("soleus", "soleus"),
    ],
)
def test_muscle_names_and_mishearings_resolve(text: str, muscle: str) -> None:
    found = resolve_muscle(CAT, Heard(text=text))
    assert not isinstance(found, (NotUnderstood, tuple)), found
    assert found.id == muscle


@pytest.mark.parametrize("text", ["elbow", "biceps curl", "neck muscles"])
def test_unknown_muscles_are_not_understood(text: str) -> None:
    assert isinstance(resolve_muscle(CAT, Heard(text=text)), (NotUnderstood, tuple))


def test_no_word_names_two_places() -> None:
    """One word must not mean two regions: the loader refuses it; here, the shipped words."""
    from skill.resolve import vocabulary

    vocab = vocabulary(CAT)
    words = [w for r in CAT.regions.values() for w in r.words]
    words += [w for r in CAT.regions.values() for loc in r.locations.values() for w in loc.words]
    words += [w for c in CAT.conditions.values() for w in c.words]
    assert len(words) == len(set(words))
    assert all(w in vocab.places for w in words)


def test_a_place_word_heard_as_the_aspect_is_understood() -> None:
    outcome = resolve_place(CAT, Heard(id="foot"), Heard(text="arch"))
    assert isinstance(outcome, Answer)
    assert (outcome.region.id, outcome.location.aspect) == ("foot", "bottom")


def test_a_known_word_inside_a_longer_phrase_is_found_for_small_vocabularies() -> None:
    from skill.resolve import resolve_simple, vocabulary

    vocab = vocabulary(CAT)
    heard = Heard(text="the lacrosse ball instead")
    assert resolve_simple(heard, vocab.equipment, CAT.equipment) == "lacrosse_ball"
    assert resolve_simple(Heard(text="on my left side"), vocab.sides, CAT.sides) == "left"
    assert resolve_simple(Heard(text="a banana"), vocab.equipment, CAT.equipment) is None
