"""How the skill sounds: content key + values → SSML, within Alexa's limits.

Handlers decide *what* to say (a response key from ``content/responses.yaml`` and its values);
this module decides *how*: variants, XML escaping, timed holds as chains of breaks of at most
ten seconds, and the size limits of one response.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from skill.content import Catalogue, Step
from skill.text import plain

MAX_BREAK_SECONDS = 10  # Alexa refuses a longer <break>
MAX_SPEECH_CHARS = 8000  # Alexa refuses longer outputSpeech (SSML tags included)
MAX_VALUE_CHARS = 200  # a value said in a template (a word heard, a name): never a speech's worth

# Characters XML 1.0 forbids (C0 controls but tab, newline and return; surrogates; U+FFFE and
# U+FFFF): SSML holding one is refused by every XML parser, Alexa's included.
# Written as the forbidden set, not as "anything but the allowed ranges": the same characters,
# and compiled in half a millisecond instead of five at every cold start.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def clean(words: str, limit: int | None = None) -> str:
    """Words fit to be said: characters XML forbids dropped, runs of spaces made one, and at
    most ``limit`` characters, cut at a word boundary when there is one."""
    words = _SPACES.sub(" ", _NOT_XML.sub("", words)).strip()
    if limit is not None and len(words) > limit:
        cut = words[:limit]
        space = cut.rfind(" ")
        words = (cut[:space] if space > limit // 2 else cut).rstrip()
    return words


class Speech:
    """SSML that is already escaped and safe to join; build it with :func:`text` and friends."""

    __slots__ = ("ssml",)

    def __init__(self, ssml: str) -> None:
        self.ssml = ssml

    def __add__(self, other: Speech) -> Speech:
        if not other.ssml:
            return self
        if not self.ssml:
            return other
        return Speech(f"{self.ssml} {other.ssml}")

    def __bool__(self) -> bool:
        return bool(self.ssml)

    def __repr__(self) -> str:
        return f"Speech({self.ssml!r})"

    def plain(self) -> str:
        """The words only: for cards and logs."""
        return plain(self.ssml)


EMPTY = Speech("")


def text(words: str) -> Speech:
    # &, < and > are what SSML text must escape (& first), as html.escape(quote=False) does,
    # without importing html or xml.sax at a cold start.
    escaped = clean(words).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Speech(escaped)


def pause(seconds: float) -> Speech:
    """A pause of any length, as consecutive breaks of at most ten seconds each."""
    parts = []
    remaining = round(seconds * 1000)
    while remaining > 0:
        chunk = min(remaining, MAX_BREAK_SECONDS * 1000)
        parts.append(
            f'<break time="{chunk // 1000}s"/>'
            if chunk % 1000 == 0
            else f'<break time="{chunk}ms"/>'
        )
        remaining -= chunk
    return Speech("".join(parts))


def join(parts: Iterable[Speech]) -> Speech:
    out = EMPTY
    for p in parts:
        out = out + p
    return out


class MissingValue(KeyError):
    """A handler rendered a response without a value its template needs: a programming error."""


T = TypeVar("T")

if TYPE_CHECKING:  # a Protocol costs a third of a millisecond to define at every cold start
    from typing import Protocol

    class Chooser(Protocol):
        def choice(self, seq: Sequence[T]) -> T: ...


class Variants:
    """Picks a response's variant. Unseeded it reads os.urandom, so that a cold start does not
    import :mod:`random` (3 ms); once seeded (tests, benchmarks) it is ``random.Random(seed)``."""

    def __init__(self) -> None:
        self._seeded: Any = None

    def seed(self, value: int) -> None:
        import random

        self._seeded = random.Random(value)

    def choice(self, seq: Sequence[T]) -> T:
        if self._seeded is not None:
            chosen: T = self._seeded.choice(seq)
            return chosen
        if len(seq) == 1:
            return seq[0]
        return seq[int.from_bytes(os.urandom(4), "big") % len(seq)]


class Renderer:
    """Renders response keys from the catalogue; ``rng`` picks variants (seeded in tests)."""

    def __init__(self, catalogue: Catalogue, rng: Chooser, said: list[str] | None = None) -> None:
        self.catalogue = catalogue
        self.rng = rng
        self.said: list[str] = [] if said is None else said  # keys rendered: what was meant

    def words(self, key: str, **values: object) -> str:
        response = self.catalogue.responses[key]
        missing = response.fields - values.keys()
        if missing:
            raise MissingValue(f"response '{key}' needs {', '.join(sorted(missing))}")
        template = self.rng.choice(response.variants)
        self.said.append(key)
        return template.format(**{k: _spoken(v) for k, v in values.items()})

    def say(self, key: str, **values: object) -> Speech:
        return text(self.words(key, **values))

    def written(self, key: str, **values: object) -> str:
        """Words only to read (a card): rendered as :meth:`words`, but not counted as said."""
        words = self.words(key, **values)
        self.said.pop()
        return words


def _spoken(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return spoken_list([clean(str(v), MAX_VALUE_CHARS) for v in value])
    return clean(str(value), MAX_VALUE_CHARS)


def spoken_list(items: list[str], conjunction: str = "or") -> str:
    """ "front, outside, inside or back"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


# --------------------------------------------------------------------------- routine steps


class _First:
    """Picks the first variant, drawing nothing at random."""

    def choice(self, seq: Sequence[T]) -> T:
        return seq[0]


def fixed(catalogue: Catalogue) -> Renderer:
    """A renderer for words with one wording (a side, the counting words, a card's heading):
    read with :meth:`Renderer.written`, they are not counted as said and draw no variant."""
    return Renderer(catalogue, _First())


def opposite(side: str | None) -> str | None:
    """The other side: right for left, left for right; None when no side is known."""
    return {"left": "right", "right": "left"}.get(side or "")


def your(catalogue: Catalogue, side: str | None) -> str:
    """ "your left", "your right", or "your" when no side was said: the one place a side is
    worded (``responses.yaml``)."""
    words = fixed(catalogue).written
    return words("your_side", side=side) if side else words("your_unsided")


def side_words(catalogue: Catalogue, side: str | None) -> Mapping[str, str]:
    """The placeholders for a side: ``{your}`` and ``{other}`` ("your other" with no side)."""
    other = opposite(side)
    if other is None:
        return {"your": your(catalogue, None), "other": your_other(catalogue)}
    return {"your": your(catalogue, side), "other": your(catalogue, other)}


def your_other(catalogue: Catalogue) -> str:
    return fixed(catalogue).written("your_other")


def tool_name(catalogue: Catalogue, muscle: str, equipment: str) -> str:
    """What an offer or a card title calls a routine's tool: its own word ("soft ball") if it
    has one, else the equipment's name."""
    routine = catalogue.routine(muscle, equipment)
    tool = routine.tool if routine is not None else None
    return tool or catalogue.equipment[equipment].name


def step_text(catalogue: Catalogue, step: Step, side: str | None, equipment: str) -> str:
    return step.text.format(**side_words(catalogue, side), equipment=equipment)


def hold(renderer: Renderer, seconds: int) -> Speech:
    """A timed hold, counted for the listener: start, halfway, ten to go, release.

    Cues fall at fixed points; between them the time passes in breaks of at most ten seconds.
    """
    parts = [renderer.say("hold_start", seconds=seconds)]
    marks: list[tuple[int, Speech]] = []
    if seconds >= 30:
        marks.append((seconds // 2, renderer.say("hold_halfway")))
    if seconds > 15:
        marks.append((seconds - 10, renderer.say("hold_ten_more")))
    elapsed = 0
    for at, cue in marks:
        parts.append(pause(at - elapsed))
        parts.append(cue)
        elapsed = at
    parts.append(pause(seconds - elapsed))
    parts.append(renderer.say("hold_release"))
    return join(parts)


def count_reps(catalogue: Catalogue, reps: int, seconds_each: float = 2.5) -> Speech:
    """Counts repetitions aloud at an easy pace: "one", pause, "two", ..."""
    numbers = fixed(catalogue).written("count_numbers").split()
    parts = []
    for i in range(reps):
        parts.append(text(numbers[i] if i < len(numbers) else str(i + 1)))
        parts.append(pause(seconds_each))
    return join(parts)
