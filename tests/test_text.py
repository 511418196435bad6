"""The normalisers, in their one home (skill/text.py): what each makes of the same words."""

from __future__ import annotations

import pytest

from skill import phrases
from skill.phrases import occurrences, spans, tokens
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


def test_phrases_are_found_where_they_start_overlaps_and_all() -> None:
    words = ("gave way", "gave", "way out", "roller's", "roller")
    said = tokens("it gave way out of nowhere on the roller")
    assert sorted(occurrences(said, words)) == [
        (1, 2, "gave"),
        (1, 3, "gave way"),
        (2, 4, "way out"),
        (8, 9, "roller"),
        (8, 9, "roller's"),
    ]
    # the longest first, none overlapping; of two words read as one phrase, the first in order
    assert spans(said, words) == [(1, 3, "gave way"), (8, 9, "roller")]


def test_a_phrase_index_stays_cached_however_many_lists_were_read_before() -> None:
    # A process that loads the content many times (the tests, a model build) reads many
    # lists; one read after the cache has filled up must not be indexed anew on every call.
    for n in range(2 * phrases._MAX_INDEXES):
        phrases._index((f"word{n}",))
    late = ("calf", "back of my calf")
    first = phrases._index(late)
    assert phrases._index(late) is first
    assert occurrences(tokens("the back of my calf"), late) == [
        (1, 5, "back of my calf"),
        (4, 5, "calf"),
    ]
