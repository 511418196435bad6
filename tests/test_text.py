"""The normalisers, in their one home (skill/text.py): what each makes of the same words."""

from __future__ import annotations

import pytest

from skill.resolve import FILLERS
from skill.text import normalise, plain, without


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
