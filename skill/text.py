"""How text is made comparable: the one home of every normaliser the skill and its tools use.

Each does one job and they differ on purpose, so each is defined here once:

- :func:`normalise` — content words and what Alexa heard, for lookup: lower case, punctuation
  (but apostrophes) to spaces, single spaces.
- :func:`without` — the same, with filler words dropped ("the outside of my knee" ~ "outside knee").
- :func:`plain` — SSML back to its words, for cards, logs and screens.
- :func:`words` and :func:`normal` — what a person typed, as the text simulator
  (``tpcoach/nlu.py``) compares it with the model's samples: curly apostrophes made straight,
  apostrophes kept inside words only.
- :func:`sample_key` — what makes two samples the same to Alexa: only case and spacing.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_PUNCT = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[^\w\s']")


def normalise(text: str) -> str:
    """Lower case, punctuation (but apostrophes) to spaces, single spaces."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.lower())).strip()


def without(text: str, fillers: Collection[str]) -> str:
    """:func:`normalise`\\ d, then without the words in ``fillers``."""
    return " ".join(t for t in normalise(text).split() if t not in fillers)


def plain(ssml: str) -> str:
    """The words of SSML: tags to spaces, entities decoded, single spaces."""
    import html  # only for cards, logs and screens

    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", ssml))).strip()


def words(text: str) -> list[str]:
    """Lower-case words: punctuation other than apostrophes is a word break."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [w.strip("'") for w in _NOT_WORD.sub(" ", text).split() if w.strip("'")]


def normal(text: str) -> str:
    """:func:`words`, joined by single spaces."""
    return " ".join(words(text))


def sample_key(sample: str) -> str:
    """What makes two samples the same to Alexa: case and spacing do not count."""
    return " ".join(sample.lower().split())
