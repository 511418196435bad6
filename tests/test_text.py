"""The normalisers, in their one home (skill/text.py): what each makes of the same words."""

from __future__ import annotations

import pytest

from skill.resolve import FILLERS
from skill.text import normal, normalise, plain, sample_key, without, words


@pytest.mark.parametrize(
    ("said", "normal"),
    [
        ("The OUTSIDE of my Knee!", "the outside of my knee"),
        ("runner's   knee", "runner's knee"),
        ("I.T. band", "i t band"),
        ("  heel-pain, again  ", "heel pain again"),
        ("snake_case stays", "snake_case stays"),
        ("", ""),
    ],
)
def test_normalise_lowers_turns_punctuation_but_apostrophes_to_spaces_and_squeezes(
    said: str, normal: str
) -> None:
    assert normalise(said) == normal


def test_without_fillers_keeps_only_the_words_that_carry_the_place() -> None:
    assert without("The outside of my knee hurts", FILLERS) == "outside knee"
    assert without("my pain", FILLERS) == ""


def test_plain_gives_the_words_of_ssml() -> None:
    ssml = 'Step 1 of 6. <break time="3s"/> Hold &amp; breathe &lt;slowly&gt;.'
    assert plain(ssml) == "Step 1 of 6. Hold & breathe <slowly>."


def test_words_are_what_a_person_typed_with_apostrophes_kept_inside_words_only() -> None:
    assert words("Why doesn\u2019t my 'knee' hurt?!") == ["why", "doesn't", "my", "knee", "hurt"]
    assert normal("  Runner's   KNEE. ") == "runner's knee"


def test_two_samples_are_the_same_to_alexa_when_only_case_and_spacing_differ() -> None:
    assert sample_key("Why does  my {region} HURT") == sample_key("why does my {region} hurt")
    assert sample_key("my knee's sore") != sample_key("my knees sore")
