"""From what was heard to ranked muscles, or to the one question to ask next.

Pure functions over the :class:`~skill.content.Catalogue`; nothing here knows about Alexa. Each
heard value is either an entity-resolution id (Alexa matched it to a slot value) or the raw text
Alexa heard but could not match. Raw text is normalised and matched against the content's words
with rapidfuzz; what cannot be matched with confidence is reported as not understood, never
guessed into a muscle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, cached_property

from skill.content import ANY_ASPECT, Catalogue, Condition, Location, Muscle, Region
from skill.records import record
from skill.text import normalise, without

# Words that carry no meaning for matching: "the outside of my knee" ~ "outside knee".
FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "of",
        "in",
        "on",
        "at",
        "to",
        "around",
        "just",
        "right",
        "below",
        "above",
        "near",
        "i",
        "have",
        "has",
        "got",
        "pain",
        "pains",
        "painful",
        "hurts",
        "hurt",
        "hurting",
        "ache",
        "aches",
        "aching",
        "sore",
    ]
)
# Confidence needed for a fuzzy match of raw text, and how far ahead the best must be.
CUTOFF = 82.0
MARGIN = 4.0


@record
class Heard:
    """One slot as heard: ``id`` when entity resolution matched, else the raw ``text``."""

    id: str | None = None
    text: str | None = None

    @property
    def empty(self) -> bool:
        return not self.id and not (self.text and self.text.strip())


NOTHING = Heard()


@record
class Place:
    """What a place word means: a region, possibly with an aspect and a named condition."""

    region: str
    aspect: str | None = None
    condition: str | None = None


@record
class Answer:
    """The ranked muscles for a pain location."""

    region: Region
    location: Location
    side: str | None = None
    condition: Condition | None = None

    @property
    def muscles(self) -> tuple[str, ...]:
        return tuple(r.muscle for r in self.location.muscles)


@record
class Ask:
    """One question to ask before an answer is possible; ``region``/``side`` keep what was heard."""

    slot: str  # "region" or "aspect"
    options: tuple[str, ...]
    region: str | None = None
    side: str | None = None


@record
class NotUnderstood:
    """Something was heard for ``slot`` but it matches nothing in the content with confidence."""

    slot: str
    heard: str
    options: tuple[str, ...]
    region: str | None = None
    side: str | None = None


Outcome = Answer | Ask | NotUnderstood


# --------------------------------------------------------------------------- vocabularies


def place_id(region: str, aspect: str | None = None) -> str:
    """The slot-value id of a place: ``knee`` or ``knee_outside``. Shared with the model builder."""
    return region if aspect in (None, ANY_ASPECT) else f"{region}_{aspect}"


class Words(dict[str, str]):
    """Word → id for one slot, and the same words without fillers (worked out on the first
    match of raw text, then kept as long as the vocabulary)."""

    @cached_property
    def stripped(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for w, ident in sorted(self.items()):
            out.setdefault(without(w, FILLERS) or w, ident)
        return out


@record
class Vocabulary:
    """Word → id maps for each slot, built once per catalogue."""

    places: Mapping[str, str]  # word -> place id
    place_meaning: Mapping[str, Place]  # place id -> meaning
    aspects: Mapping[str, str]
    sides: Mapping[str, str]
    muscles: Mapping[str, str]
    equipment: Mapping[str, str]
    symptoms: Mapping[str, str]  # red-flag word -> red flag id
    topics: Mapping[str, str]


@cache
def vocabulary(cat: Catalogue) -> Vocabulary:
    places: dict[str, str] = {}
    meaning: dict[str, Place] = {}
    for region in cat.regions.values():
        meaning[region.id] = Place(region.id)
        for w in (*region.words, normalise(region.name)):
            places.setdefault(w, region.id)
        for loc in region.locations.values():
            if loc.words:
                pid = place_id(region.id, loc.aspect)
                meaning[pid] = Place(region.id, None if loc.aspect == ANY_ASPECT else loc.aspect)
                for w in loc.words:
                    places.setdefault(w, pid)
    for cond in cat.conditions.values():
        meaning[cond.id] = Place(
            cond.region, None if cond.aspect == ANY_ASPECT else cond.aspect, cond.id
        )
        for w in (*cond.words, normalise(cond.name)):
            places.setdefault(w, cond.id)
    return Vocabulary(
        places=Words(places),
        place_meaning=meaning,
        aspects=_words((a.id, (a.name, *a.words)) for a in cat.aspects.values()),
        sides=_words((s.id, s.words) for s in cat.sides.values()),
        muscles=_words(
            (m.id, (m.name, *((m.full_name,) if m.full_name else ()), *m.words))
            for m in cat.muscles.values()
        ),
        equipment=_words((e.id, (e.name, *e.words)) for e in cat.equipment.values()),
        symptoms=_words((f.id, f.words) for f in cat.safety.red_flags),
        topics=_words((t.id, t.words) for t in cat.topics.values()),
    )


def _words(items: Iterable[tuple[str, Iterable[str]]]) -> Words:
    """Word → id, the id itself (spaced) included; the first claim of a word wins."""
    out = Words()
    for ident, words in items:
        for w in (ident.replace("_", " "), *words):
            out.setdefault(normalise(w), ident)
    return out


# --------------------------------------------------------------------------- matching raw text


def match_word(text: str, words: Mapping[str, str]) -> str | tuple[str, ...] | None:
    """Match raw text to an id.

    Returns the id, ``None`` when nothing is close, or a tuple of the candidate ids when two
    different things are about equally close (the caller asks rather than guesses).
    """
    norm = normalise(text)
    if not norm:
        return None
    if norm in words:
        return words[norm]
    stripped = without(norm, FILLERS)
    choices = (words if isinstance(words, Words) else Words(words)).stripped
    if stripped in choices:
        return choices[stripped]
    if not stripped:
        return None
    from rapidfuzz import fuzz, process  # only when no word matched exactly: not on a cold start

    found = process.extract(stripped, list(choices), scorer=fuzz.ratio, limit=5)
    best = [(w, s) for w, s, _ in found if s >= CUTOFF]
    if not best:
        return None
    top_word, top_score = best[0]
    rivals = {choices[w] for w, s in best if top_score - s < MARGIN} - {choices[top_word]}
    if rivals:
        return tuple(sorted({choices[top_word], *rivals}))
    return choices[top_word]


def _find_within(text: str, words: Mapping[str, str]) -> tuple[str | None, str]:
    """The longest known word standing as whole words inside ``text``, and the text without it."""
    norm = f" {normalise(text)} "
    for w in sorted(words, key=len, reverse=True):
        if f" {w} " in norm:
            return words[w], norm.replace(f" {w} ", " ", 1).strip()
    return None, norm.strip()


# --------------------------------------------------------------------------- resolving slots


def resolve_simple(heard: Heard, words: Mapping[str, str], known: Iterable[str]) -> str | None:
    """An id for a slot with a small vocabulary (side, aspect, equipment); ``None`` if unheard or
    not matched."""
    if heard.id and heard.id in set(known):
        return heard.id
    if heard.text:
        found = match_word(heard.text, words)
        if isinstance(found, str):
            return found
        # A known word inside what was heard: "the lacrosse ball instead".
        return _find_within(heard.text, words)[0]
    return None


def resolve_muscle(cat: Catalogue, heard: Heard) -> Muscle | NotUnderstood | tuple[Muscle, ...]:
    """The muscle named, or not understood with the closest names; a tuple when it is ambiguous."""
    if heard.id and heard.id in cat.muscles:
        return cat.muscles[heard.id]
    text = heard.text or ""
    found = match_word(text, vocabulary(cat).muscles)
    if isinstance(found, str):
        return cat.muscles[found]
    if isinstance(found, tuple):
        return tuple(cat.muscles[m] for m in found)
    return NotUnderstood("muscle", text, suggest(text, vocabulary(cat).muscles))


def suggest(text: str, words: Mapping[str, str], limit: int = 3) -> tuple[str, ...]:
    """The ids whose words are closest to ``text``, best first, for "did you mean" offers."""
    stripped = without(text, FILLERS) or normalise(text)
    if not stripped:
        return ()
    from rapidfuzz import fuzz, process

    out: list[str] = []
    for w, _score, _ in process.extract(stripped, list(words), scorer=fuzz.WRatio, limit=20):
        ident = words[w]
        if ident not in out:
            out.append(ident)
        if len(out) == limit:
            break
    return tuple(out)


def resolve_place(
    cat: Catalogue,
    region: Heard = NOTHING,
    aspect: Heard = NOTHING,
    side: Heard = NOTHING,
    condition: Heard = NOTHING,
) -> Outcome:
    """Ranked muscles for what was heard, or the next question.

    ``region`` may carry a region id, a place id (``knee_outside``), a condition id, or raw text
    such as "the outside of my left knee"; ``condition`` likewise ("IT band syndrome").
    """
    vocab = vocabulary(cat)
    side_id = resolve_simple(side, vocab.sides, cat.sides)
    aspect_id = resolve_simple(aspect, vocab.aspects, cat.aspects)
    place: Place | None = None

    for heard, slot in ((condition, "condition"), (region, "region")):
        if heard.empty or place is not None:
            continue
        if heard.id and heard.id in vocab.place_meaning:
            place = vocab.place_meaning[heard.id]
            continue
        text = heard.text or heard.id or ""
        found = match_word(text, vocab.places)
        if isinstance(found, str):
            place = vocab.place_meaning[found]
            side_id = side_id or _find_within(text, vocab.sides)[0]
            continue
        # Raw text that holds more than a place: "the outside of my left knee".
        within, rest = _find_within(text, vocab.places)
        if within is not None:
            place = vocab.place_meaning[within]
            side_id = side_id or _find_within(rest, vocab.sides)[0]
            aspect_id = aspect_id or _find_within(rest, vocab.aspects)[0]
            continue
        if isinstance(found, tuple):
            options = tuple(dict.fromkeys(vocab.place_meaning[f].region for f in found))
        else:
            options = tuple(
                dict.fromkeys(vocab.place_meaning[p].region for p in suggest(text, vocab.places))
            )
        return NotUnderstood(slot, text, options, side=side_id)

    if place is None:
        return Ask("region", tuple(cat.regions), side=side_id)

    home = cat.regions[place.region]
    chosen_aspect = place.aspect or aspect_id
    cond = cat.conditions.get(place.condition) if place.condition else None
    if chosen_aspect is not None and chosen_aspect in home.locations:
        return Answer(home, home.locations[chosen_aspect], side_id, cond)
    single = home.single_location
    if single is not None:
        return Answer(home, single, side_id, cond)
    if chosen_aspect is not None and not aspect.empty:
        # An aspect this region does not have ("the top of my knee"): ask among its own.
        return Ask("aspect", home.aspects, region=home.id, side=side_id)
    if not home.question_aspects:
        return Answer(home, home.locations[home.aspects[0]], side_id, cond)
    if aspect.text and aspect_id is None:
        # A place word heard where an aspect was expected: "the arch of my foot".
        for text in (f"{aspect.text} of my {home.name}", aspect.text):
            found = match_word(text, vocab.places)
            if isinstance(found, str) and vocab.place_meaning[found].region == home.id:
                within = vocab.place_meaning[found].aspect
                if within is not None and within in home.locations:
                    return Answer(home, home.locations[within], side_id, cond)
    if not aspect.empty and aspect_id is None:
        return NotUnderstood(
            "aspect", aspect.text or "", home.aspects, region=home.id, side=side_id
        )
    return Ask("aspect", home.aspects, region=home.id, side=side_id)
