"""Which openers are carriers and which first words get lead intents, worked out from how the
runtime reads sentences (:func:`skill.understand.understand`), so that every sentence reaches the
skill with its words (``tests/test_coverage.py``). Used to build the interaction model, never at
run time: the skill reads a lead's word back from its intent's name
(:func:`skill.understand.lead_word`).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from functools import cache

from skill.compiled import fingerprint
from skill.content import Catalogue
from skill.records import record
from skill.resolve import Heard, place_id, vocabulary
from skill.signs import (
    SIGN_OPENER,
    red_flags_in,
    sign_openers,
    sign_word_firsts,
    sign_word_intent,
)
from skill.understand import (
    ANSWER_MEANINGS,
    FALLBACK,
    FOLLOW_UP,
    SYMPTOM,
    WORDS_SLOT,
    Meaning,
    meaning_of,
    tokens,
    understand,
)


@cache
def carrier_words(cat: Catalogue) -> tuple[str, ...]:
    """Words that start a TellIntent sample "<word> {words}": Alexa drops them, so only the
    openers of utterances.yaml whose loss changes no known phrase's meaning ("one spot on the
    bone" loses its sign without "one"); the others become leads (:func:`leads`). Those that
    begin signs and can say them through a pool's intent go there (:func:`sign_words`)."""
    pooled = {w for words in sign_words(cat).values() for w in words}
    return tuple(w for w in _carriers(cat) if w not in pooled)


@cache
def _carriers(cat: Catalogue) -> tuple[str, ...]:
    return tuple(w for w in _openers(cat) if not _lost_without(cat, w))


# What may follow a word of SIGN_WORD in everyday sentences, besides the known phrases: the
# words its signs go on with, said of nothing alarming.
_SIGN_WORD_TAILS = (
    "in my calf is tight",
    "on the treadmill",
    "on my long run",
    "up the hill",
    "my knee a bit",
    "of my foot",
    "at the gym",
    "out on the trail",
    "over the weekend",
    "down my leg when i run",
)


@cache
def sign_words(cat: Catalogue) -> Mapping[str, tuple[str, ...]]:
    """Carriers that begin signs no sign opener may begin ("slip" in "slip on the ice",
    "heard" in "heard a noise"), by pool of ``carriers.sign_words``: as carriers they would be
    lost with their sign, so each pool shares an intent, and the skill tries each first word of
    the pool's signs before the words it gets (:func:`skill.signs.sign_after_word`). One joins
    only if every known phrase and probe that starts with it means through that intent what it
    means said whole, or what it meant as a carrier: trying the others' signs must never hear
    one it did not say."""
    carriers = _carriers(cat)
    out = {}
    for pool in sorted(cat.language.sign_words):
        firsts = set(sign_word_firsts(cat, pool))
        out[pool] = tuple(
            w for w in carriers if w in firsts and _reads_through_sign_word(cat, pool, w)
        )
    return out


def _reads_through_sign_word(cat: Catalogue, pool: str, word: str) -> bool:
    tails = {p[len(word) :].strip() for p in _starting(known_phrases(cat), word)}
    for pending in (None, FOLLOW_UP):
        for tail in tails | set(_PROBE_TAILS) | set(_SIGN_WORD_TAILS):
            heard = {WORDS_SLOT: Heard(text=tail)} if tail else {}
            through = meaning_key(cat, meaning_of(cat, sign_word_intent(pool), heard, pending))
            if through not in (
                _meant(cat, f"{word} {tail}".strip(), pending),
                _meant(cat, tail, pending),
            ):
                return False
    return True


def _openers(cat: Catalogue) -> list[str]:
    """The openers of utterances.yaml, but for those that are a sign alone ("buzzy"): the lead
    of that sign's meaning carries them, with the other first words of signs."""
    return sorted(
        w for w in set(cat.language.openers) if _speakable(w) and not red_flags_in(cat, w)
    )


@cache
def known_phrases(cat: Catalogue) -> frozenset[str]:
    """The content's phrases and every phrase of utterances.yaml that has a meaning."""
    lang = cat.language
    said = [p for group in lang.answers.values() for p in group]
    said += [p for group in lang.meanings.values() for p in group]
    return content_phrases(cat) | frozenset(p for w in said if (p := " ".join(tokens(w))))


def _lost_without(cat: Catalogue, word: str) -> list[str]:
    """The known phrases starting with ``word`` that mean something else without it; for kit
    (``kit_first``), not a look-alike that becomes its sign ("shoe snapped" as "snapped"):
    losing the word there errs only toward advice to get checked."""
    kit = word in cat.language.kit_first
    lost = []
    for p in _starting(known_phrases(cat), word):
        rest = p[len(word) :].strip()
        said = meaning_key(cat, understand(cat, p))
        without = meaning_key(cat, understand(cat, rest))
        if kit and said[0] != SYMPTOM and without[0] == SYMPTOM:
            continue
        if said != without and (rest or said[0] != FALLBACK):
            lost.append(p)
    return lost


@cache
def routine_cues(cat: Catalogue) -> tuple[str, ...]:
    """First words of the ways of asking for a routine: RoutineIntent's carriers, which the
    skill reads as "routine ..."; a word that starts a content phrase that reading would change
    ("trigger point") is a lead instead."""
    cues = {p.split()[0] for p in cat.language.meanings.get("routine", ()) if p.split()}
    return tuple(
        sorted(
            c
            for c in cues - set(_openers(cat))
            if _speakable(c) and not _changed_as_routine(cat, c)
        )
    )


def _changed_as_routine(cat: Catalogue, cue: str) -> bool:
    for p in _starting(content_phrases(cat), cue):
        rest = p[len(cue) :].strip()
        again = understand(cat, f"routine {rest}")
        if meaning_key(cat, again)[1] != meaning_key(cat, understand(cat, p))[1]:
            return True
    return False


@record
class Lead:
    """An intent whose samples start with words Alexa does not pass on: "no {words}" is
    LeadNoIntent, and "outer {words}", "lateral {words}" and "outside {words}" are all
    LeadOutsideIntent. The skill puts ``word`` back before the words it does get, so a lead
    may stand for several first words only where that changes no meaning (see
    tests/test_coverage.py)."""

    intent: str
    word: str  # said again before the words heard
    carriers: tuple[str, ...]  # the words that start its samples
    answer: bool = False  # the first word of an answer ("no", "what"), not of a place or sign


def meaning_key(cat: Catalogue, meaning: Meaning) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What a meaning comes to for the handlers: the intent and what each slot names, a part
    and a region that name a place together counted as that place."""
    # Words heard but not known (a place the content lacks) count as "not known", whatever they
    # were: the handlers answer all of them alike; a vague body word ("legs") is its own.
    body = cat.language.body_words
    slots = {
        k: str(h.id or (h.text if h.text in body else "?"))
        for k, h in meaning.slots.items()
        if k != "also"
    }
    aspect, region = slots.get("aspect"), slots.get("region")
    if aspect and region and place_id(region, aspect) in vocabulary(cat).place_meaning:
        slots["region"] = place_id(region, aspect)
        del slots["aspect"]
    return meaning.intent, tuple(sorted(slots.items()))


@cache
def content_phrases(cat: Catalogue) -> frozenset[str]:
    """Every phrase the content gives a meaning: places, muscles, parts, sides, tools, topics,
    conditions, signs, the phrases that only look like signs, and the vague body words."""
    vocab = vocabulary(cat)
    phrases: set[str] = set()
    for words in (vocab.places, vocab.muscles, vocab.aspects, vocab.sides, vocab.equipment):
        phrases |= set(words)
    phrases |= set(vocab.topics)
    for condition in cat.conditions.values():
        phrases |= set(condition.words)
    for flag in cat.safety.red_flags:
        phrases |= set(flag.words)
    phrases |= set(cat.safety.not_signs) | set(cat.language.body_words)
    return frozenset(p for w in phrases if (p := " ".join(tokens(w))))


def _answer_words(cat: Catalogue) -> list[str]:
    """First words of answers no carrier or cue says, and the openers that cannot be carriers."""
    lang = cat.language
    phrases = (
        *(p for group in lang.answers.values() for p in group),
        *(p for key in ANSWER_MEANINGS for p in lang.meanings.get(key, ())),
    )
    taken = set(_carriers(cat)) | set(routine_cues(cat)) | set(lang.whole_only)
    words = {p.split()[0] for p in phrases if p.split()} - taken
    words |= set(_openers(cat)) - set(_carriers(cat))
    cues = {p.split()[0] for p in lang.meanings.get("routine", ()) if p.split()}
    words |= cues - taken
    return sorted(w for w in words if _speakable(w))


def _starting(phrases: Iterable[str], start: str) -> list[str]:
    """The phrases that are ``start`` or start with its words."""
    ordered = _sorted(phrases if isinstance(phrases, (frozenset, tuple)) else tuple(phrases))
    # Sorted, the phrases that go on from ``start`` lie together: after "start " and before
    # "start!" ("!" is the character after the space).
    lo = bisect_left(ordered, start)
    exact = [start] if lo < len(ordered) and ordered[lo] == start else []
    return [*exact, *ordered[bisect_left(ordered, start + " ") : bisect_left(ordered, start + "!")]]


@cache
def _sorted(phrases: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(phrases)))


Key = tuple[str, tuple[tuple[str, str], ...]]


def _answer_leads(cat: Catalogue) -> list[Lead]:
    """Answers' first words that mean one thing alone ("yeah", "yep") share the lead of that
    meaning; the others ("carry", "the") keep their own, said again exactly."""
    groups: dict[Key, list[str]] = {}
    alone: list[Lead] = []
    before_signs: list[str] = []
    known = known_phrases(cat)
    for w in _answer_words(cat):
        said = understand(cat, w)
        if said.intent == FALLBACK:
            # "better", "worse": answers only to "is it better, the same, or worse?"
            said = understand(cat, w, FOLLOW_UP)
        if w in cat.language.openers and _only_signs_need(cat, w):
            before_signs.append(w)
        elif w in cat.language.openers:
            alone.append(Lead(lead_intent(w), w, (w,), answer=True))
        elif said.intent != FALLBACK:
            groups.setdefault(meaning_key(cat, said), []).append(w)
        else:
            # Nothing alone ("hang", "hold"): grouped by what its phrases mean, "hang on" and
            # "hold on" both a pause; :func:`_leads_of` keeps apart any that differ.
            meanings = sorted({meaning_key(cat, understand(cat, p)) for p in _starting(known, w)})
            groups.setdefault(("", tuple((m[0], str(m[1])) for m in meanings)), []).append(w)
    if before_signs:
        alone.append(Lead(SIGN_OPENER, "", tuple(before_signs), answer=True))
    return _said_as(cat, alone) + _leads_of(cat, groups, answer=True)


def _said_as(cat: Catalogue, alone: list[Lead]) -> list[Lead]:
    """The openers of ``carriers.said_as`` join the lead of the word they are said as, where
    every known phrase and probe means the same that way."""
    own = {lead.word: lead for lead in alone if lead.carriers == (lead.word,)}
    joined: dict[str, list[str]] = {}
    for word, as_word in cat.language.said_as.items():
        if word in own and as_word in own and _same_said_as(cat, word, as_word):
            joined.setdefault(as_word, []).append(word)
    gone = {w for words in joined.values() for w in words}
    return [
        Lead(lead.intent, lead.word, tuple(sorted([*lead.carriers, *joined[lead.word]])), True)
        if lead.word in joined
        else lead
        for lead in alone
        if lead.word not in gone
    ]


def _only_signs_need(cat: Catalogue, opener: str) -> bool:
    """Whether every known phrase and probe that starts with ``opener`` means the same when
    it reaches the skill through :data:`SIGN_OPENER` without it: an opener that only signs
    need ("aching" for "aching nonstop", "at" for "at night"), all of which share one intent."""
    if opener not in sign_openers(cat):
        return False
    tails = {p[len(opener) :].strip() for p in _starting(known_phrases(cat), opener)}
    for pending in (None, FOLLOW_UP):
        for tail in tails | set(_PROBE_TAILS):
            whole = _meant(cat, f"{opener} {tail}".strip(), pending)
            if whole != _through_sign_opener(cat, tail, pending):
                return False
    return True


def _through_sign_opener(cat: Catalogue, words: str, pending: str | None) -> Key:
    heard = {WORDS_SLOT: Heard(text=words)} if words else {}
    return meaning_key(cat, meaning_of(cat, SIGN_OPENER, heard, pending))


def _content_leads(cat: Catalogue, taken: set[str]) -> list[Lead]:
    """One lead per meaning that content phrases start with: a first word that means something
    alone joins the lead of its meaning ("outer" → outside); one that does not ("gave") brings
    its whole phrases ("gave way" → the knee red flag)."""
    phrases = content_phrases(cat)
    by_first: dict[str, list[str]] = {}
    for p in sorted(phrases):
        by_first.setdefault(p.split()[0], []).append(p)
    groups: dict[Key, list[str]] = {}
    for first, starting in sorted(by_first.items()):
        if first in taken or not _speakable(first):
            continue
        alone = understand(cat, first)
        if alone.intent != FALLBACK:
            groups.setdefault(meaning_key(cat, alone), []).append(first)
            continue
        for p in starting:
            said = understand(cat, p)
            if said.intent != FALLBACK and all(_speakable(w) for w in p.split()):
                groups.setdefault(meaning_key(cat, said), []).append(p)
    # A phrase that starts with another lead's carrier is already carried by it, exactly.
    every = {m for members in groups.values() for m in members}
    for key, members in groups.items():
        groups[key] = [
            m for m in members if not any(o != m and m.startswith(o + " ") for o in every)
        ]
    return _fewer_leads(cat, _leads_of(cat, groups, answer=False))


def _fewer_leads(cat: Catalogue, leads: list[Lead]) -> list[Lead]:
    """A first word whose phrases make a lead of their own ("weight without trying", or the two
    of "tibialis anterior" and "tibialis posterior") gets one lead that says the word again
    exactly instead: for no more intents it carries every sentence that starts with the word
    ("weight is dropping off me"), and the backend reads the rest of the phrase as it comes."""
    own: dict[str, list[Lead]] = {}
    for lead in leads:
        firsts = {c.split()[0] for c in lead.carriers}
        if len(firsts) == 1 and all(" " in c for c in lead.carriers):
            own.setdefault(firsts.pop(), []).append(lead)
    exact = set(own)
    out = [Lead(lead_intent(w), w, (w,), answer=True) for w in sorted(exact)]
    for lead in leads:
        kept = tuple(c for c in lead.carriers if c.split()[0] not in exact)
        if not kept:
            continue
        if lead.word in kept:
            out.append(Lead(lead.intent, lead.word, kept, answer=lead.answer))
        else:  # its own word is gone: the others share the leads they can, as before
            out += _leads_of(cat, {("", ()): list(kept)}, answer=lead.answer)
    return out


def _leads_of(cat: Catalogue, groups: Mapping[Key, list[str]], *, answer: bool) -> list[Lead]:
    """A lead per group of carriers with one meaning. A carrier that would change meaning when
    said as the lead's word keeps a lead of its own."""
    phrases = known_phrases(cat)
    leads: list[Lead] = []
    for members in groups.values():
        # The lead's word: of the members (one that starts no look-alike of a sign, "warm up",
        # then the one most known phrases start with, then the shortest), the one that can be
        # said for the most others; those left over form leads of their own the same way.
        left = sorted(
            members,
            key=lambda m: (
                bool(_starting(cat.safety.not_signs, m)),
                -len(_starting(phrases, m)),
                len(m),
                m,
            ),
        )
        while left:
            best: list[str] = []
            for word in left:
                kept = [word, *(m for m in left if m != word and _same_said_as(cat, m, word))]
                if len(kept) > len(best):
                    best = kept
                if len(best) == len(left):
                    break
            leads.append(Lead(lead_intent(best[0]), best[0], tuple(sorted(best)), answer=answer))
            left = [m for m in left if m not in best]
    return leads


# Words said after a lead's carrier when its meaning is compared with the lead's word.
# The signs among them catch a negator said for a word that is none ("nope swollen" is a sign,
# "no swollen" is not).
_PROBE_TAILS = (
    "",
    "hurts",
    "is sore on the left",
    "of my knee",
    "when i run",
    "swollen",
    "numb",
    "it is numb",
)


def _same_said_as(cat: Catalogue, carrier: str, word: str) -> bool:
    """Whether every content phrase and probe that starts with ``carrier`` means the same with
    ``word`` said in its place."""
    # The look-alikes of signs among them: "popped out for a run" must not come back as "torn
    # out for a run", a warning nobody needed.
    tails = {p[len(carrier) :].strip() for p in _starting(known_phrases(cat), carrier)}
    for pending in (None, FOLLOW_UP):
        for tail in tails | set(_PROBE_TAILS):
            if _meant(cat, f"{carrier} {tail}", pending) != _meant(cat, f"{word} {tail}", pending):
                return False
    return True


@cache
def _meant(cat: Catalogue, text: str, pending: str | None) -> Key:
    """:func:`meaning_key` of ``text`` (kept: the leads compare each member with each other)."""
    return meaning_key(cat, understand(cat, text, pending))


# Leads by the content they were worked out from: working them out reads tens of thousands of
# sentences, and every ``tpcoach build-model`` or check of the same content in one process
# would do it again for its own load of the catalogue.
_BY_CONTENT: dict[str, tuple[Lead, ...]] = {}


@cache
def leads(cat: Catalogue) -> tuple[Lead, ...]:
    """Every lead intent: the first words of answers, then those of the content's phrases that
    no carrier or routine cue starts."""
    key = hashlib.sha256(fingerprint(cat).encode()).hexdigest()
    if key not in _BY_CONTENT:
        _BY_CONTENT[key] = _worked_out(cat)
    return _BY_CONTENT[key]


def _worked_out(cat: Catalogue) -> tuple[Lead, ...]:
    answer = _answer_leads(cat)
    taken = set(_carriers(cat)) | set(routine_cues(cat)) | set(_answer_words(cat))
    pool = [
        Lead(sign_word_intent(name), "", words, answer=True)
        for name, words in sign_words(cat).items()
        if words
    ]
    return tuple(
        sorted([*answer, *pool, *_content_leads(cat, taken)], key=lambda lead: lead.intent)
    )


@cache
def lead_words(cat: Catalogue) -> Mapping[str, str]:
    """Intent name → the words the skill says again before what the intent carries."""
    return {lead.intent: lead.word for lead in leads(cat)}


def lead_intent(word: str) -> str:
    """The intent name that keeps a lead's word: "let's" is LeadLetAposSIntent."""
    parts = [p for p in word.replace("'", " apos ").split() if p]
    return "Lead" + "".join(p.capitalize() for p in parts) + "Intent"


def _speakable(word: str) -> bool:
    return bool(word) and all(ch.isalpha() or ch in "'." for ch in word) and word[0].isalpha()
