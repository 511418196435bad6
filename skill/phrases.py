"""Phrases in a sentence's words: the matching that the readers of signs and of meanings share.

A phrase list is indexed once by its first word (the lists are the content's and never change),
so finding every phrase of a list in a sentence costs a lookup per word and length of phrase.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from skill.text import normalise

# Contractions that are words of their own: their "'s" is not a possessive.
KEEP_S = frozenset(
    {"it's", "that's", "there's", "what's", "let's", "he's", "she's", "who's", "how's", "where's",
     "here's"}
)  # fmt: skip


# Negative contractions heard or typed without their apostrophe ("i cant walk on it").
APOSTROPHES = {
    w.replace("'", ""): w
    for w in ("can't", "won't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't",
              "couldn't", "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't")
}  # fmt: skip


def tokens(text: str, body: frozenset[str] = frozenset(), *, body_is: bool = False) -> list[str]:
    """Normalised words, with possessives dropped ("calf's" → "calf"), negative contractions
    given back their apostrophe ("cant" → "can't") and "me" as "my" before a word in ``body``
    ("me hammy", not "wakes me up"). With ``body_is``, a word of ``body`` with "'s" is that
    word and "is" ("no, calf's red": the calf is red)."""
    out = []
    for t in normalise(text).split():
        if t.endswith("'s") and t not in KEEP_S:
            t = t[:-2]
            if body_is and t in body:
                out += [t, "is"]
                continue
        out.append(APOSTROPHES.get(t, t))
    return [
        "my" if t == "me" and i + 1 < len(out) and out[i + 1] in body else t
        for i, t in enumerate(out)
    ]


def find(toks: list[str], phrase: tuple[str, ...], start: int = 0) -> int:
    n = len(phrase)
    for i in range(start, len(toks) - n + 1):
        if tuple(toks[i : i + n]) == phrase:
            return i
    return -1


def spans(toks: list[str], words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, word) of ``words`` in ``toks``, longest first, never overlapping."""
    found = [(i - j, w, i) for i, j, w in occurrences(toks, words)]
    taken = [False] * len(toks)
    out: list[tuple[int, int, str]] = []
    for minus_len, w, i in sorted(found):
        j = i - minus_len
        if not any(taken[i:j]):
            out.append((i, j, w))
            for k in range(i, j):
                taken[k] = True
    return sorted(out)


def occurrences(toks: list[str], words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, word) of ``words`` in ``toks``, overlaps included."""
    index = _index(words)
    n = len(toks)
    out = []
    for i, t in enumerate(toks):
        for length, table in index.get(t, ()):
            if i + length > n:
                continue
            for w in table.get(tuple(toks[i : i + length]), ()):
                out.append((i, i + length, w))
    return out


# First word → (length, phrase → its words) for each length of phrase that starts with it: a
# lookup per length, not a comparison per phrase ("my" starts hundreds of them). Two words can
# be one phrase once read ("roller's" and "roller"), so a phrase keeps every word it stands for.
_Index = dict[str, tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]]
# Phrase indexes of the word lists read here (the lexicon's, the vocabulary's and the content's,
# all built once and never changed), by identity, the least recently used dropped first: a
# process that loads the content many times (the tests, a model build) must not end up building
# every index anew on every call. The list is kept beside its index, so its id cannot be reused
# while the entry is here.
_INDEXES: OrderedDict[int, tuple[object, _Index]] = OrderedDict()
_MAX_INDEXES = 256


def _index(words: Iterable[str]) -> _Index:
    """First word → the phrases of ``words`` that start with it, by length."""
    cached = _INDEXES.get(id(words))
    if cached is not None and cached[0] is words:
        _INDEXES.move_to_end(id(words))
        return cached[1]
    building: dict[str, dict[int, dict[tuple[str, ...], list[str]]]] = {}
    for w in sorted(set(words)):
        # read as the words of a sentence are, so "roller's broken" is found in what was said
        phrase = tuple(tokens(w))
        if phrase:
            building.setdefault(phrase[0], {}).setdefault(len(phrase), {}).setdefault(
                phrase, []
            ).append(w)
    index: _Index = {
        first: tuple(
            (length, {phrase: tuple(ws) for phrase, ws in table.items()})
            for length, table in sorted(by_length.items())
        )
        for first, by_length in building.items()
    }
    _INDEXES[id(words)] = (words, index)
    while len(_INDEXES) > _MAX_INDEXES:
        _INDEXES.popitem(last=False)
    return index
