"""How text is made comparable: the one home of every normaliser the skill and its tools use.

Each does one job and they differ on purpose, so each is defined here once:

- :func:`normalise` — content words and what Alexa heard, for lookup: lower case, punctuation
  (but apostrophes) to spaces, single spaces.
- :func:`without` — the same, with filler words dropped ("the outside of my knee" ~ "outside knee").
- :func:`plain` — SSML back to its words, for cards, logs and screens.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_PUNCT = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")


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
