"""From the words heard to what they mean: a red flag, a place, a muscle, an answer, a move.

Alexa routes most sentences to ``TellIntent``, whose ``AMAZON.SearchQuery`` slot carries the
runner's own words (and typed slots where a sample matched them). This module reads those
words against the content's vocabularies and ``content/utterances.yaml`` and names the meaning
with the name of the handler's intent (``PainIntent``, ``AMAZON.YesIntent``, ...), so a
sentence and a built-in intent reach the same handler.

Safety first: every word of every request is scanned for red-flag signs (``safety.yaml``)
before anything else, whatever the stage; a sign said inside an ordinary sentence ("my knee
keeps giving way when I run") means the red flag, and nothing else. Negated signs ("no
swelling") are not signs.

Which openers Alexa may drop and which first words get lead intents is worked out when the
model is built (``tpcoach/leads.py``); here a lead's word is read back from its intent's name.

Nothing here knows about Alexa; like :mod:`skill.resolve`, it is the domain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from skill.content import Catalogue
from skill.phrases import find as _find
from skill.phrases import spans as _spans
from skill.phrases import tokens
from skill.records import record
from skill.resolve import NOTHING, Heard, vocabulary
from skill.signs import (
    NEGATORS,
    SIGN_OPENER,
    body_firsts,
    negated,
    only_denied,
    red_flags_in,
    sign_after_opener,
    sign_after_word,
    sign_word_pool,
)

TELL = "TellIntent"
WORDS_SLOT = "words"

PAIN = "PainIntent"
ROUTINE = "RoutineIntent"
ABOUT = "AboutIntent"
SYMPTOM = "SymptomIntent"
READY = "ReadyIntent"
MORE = "MoreIntent"
FALLBACK = "AMAZON.FallbackIntent"
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
NEXT = "AMAZON.NextIntent"
# The step commands: said beside a yes, the yes is a filler ("yeah go on, next").
COMMANDS = frozenset(
    {NEXT, "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent",
     "AMAZON.PauseIntent", "AMAZON.ResumeIntent"}
)  # fmt: skip
# The commands that move through a routine's steps.
STEP_COMMANDS = frozenset(
    {NEXT, "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent"}
)
PROGRESS = "ProgressIntent"
FORGET = "ForgetIntent"
# The answers to "is it better, the same, or worse?": meaning -> intent.
CHANGE_INTENTS = {
    "better": "BetterIntent",
    "same": "SameIntent",
    "worse": "WorseIntent",
    "gone": "GoneIntent",
}
# Meanings with an intent of their own, named by the meaning; read inside sentences as answers.
OWN_INTENTS = {**CHANGE_INTENTS, "progress": PROGRESS, "forget": FORGET}
ANSWER_MEANINGS = ("ready", "unsure", "more", "see_pt", *OWN_INTENTS)
# The questions whose "not sure" or "a bit" is a half yes (the screen's red flags).
_SCREENS = frozenset(["screen", "worse_screen"])
UNSURE_WORDS = 5  # the most words a "not sure" to the screen is said in ("i'm not sure really")
HEDGE_SLOT = "hedge"  # on a yes to the screen that was "not sure" (id unsure) or "a bit" (hedged)
FOLLOW_UP = "follow_up"  # the pending question (skill.state.FOLLOW_UP)
# The yes-or-no questions (skill.state.Question) where an answer said first is the answer,
# whatever else the sentence says of the place.
_ANSWERED_FIRST = frozenset(
    ["offer_routine", "next_muscle", "screen", "ready", "resume", "other_side"]
)
# The answers that end or pause, which a yes said before them does not turn into a yes.
_ENDINGS = frozenset(["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.PauseIntent"])
# Besides a yes: a "no" to the screen, a "pick up" to the resume question.
_OWN_FIRST_ANSWERS = frozenset([(NO, "screen"), ("AMAZON.ResumeIntent", "resume")])


# Words that undo a sign said after them ("no swelling", "it isn't numb").
@record
class Meaning:
    """What a request means to the handlers: an intent name and its slots, as heard."""

    intent: str
    slots: Mapping[str, Heard] = MappingProxyType({})
    text: str = ""  # the words heard, normalised (for "I heard ..." and the logs)

    def heard(self, name: str) -> Heard:
        return self.slots.get(name, NOTHING)


# --------------------------------------------------------------------------- words


# --------------------------------------------------------------------------- vocabularies


@record
class Lexicon:
    """Phrase → meaning maps for reading sentences, built once per catalogue."""

    answers: Mapping[str, str]  # phrase -> meaning (a built-in intent, or a meaning key)
    switch: tuple[str, ...]
    routine: tuple[str, ...]
    fillers: frozenset[str]
    hedged: frozenset[str]  # half yeses to the screen ("a bit", "maybe")
    body: frozenset[str]  # first words of places and muscles
    leading: tuple[tuple[str, ...], ...]
    trailing: tuple[tuple[str, ...], ...]
    recounting: tuple[tuple[str, ...], ...]  # "had to", "won't": before a command told of


@cache
def lexicon(cat: Catalogue) -> Lexicon:
    lang = cat.language
    answers: dict[str, str] = {}
    for intent, phrases in lang.answers.items():
        for p in phrases:
            answers.setdefault(p, intent)
    for key in ANSWER_MEANINGS:
        for p in lang.meanings.get(key, ()):
            answers.setdefault(p, key)
    return Lexicon(
        answers=answers,
        switch=lang.meanings.get("switch", ()),
        routine=lang.meanings.get("routine", ()),
        fillers=lang.within_fillers,
        hedged=frozenset(lang.meanings.get("hedged", ())),
        body=body_firsts(cat),
        leading=tuple(
            tuple(f.split()) for f in sorted(lang.leading_fillers, key=len, reverse=True)
        ),
        trailing=tuple(
            tuple(f.split()) for f in sorted(lang.trailing_fillers, key=len, reverse=True)
        ),
        recounting=tuple(tuple(f.split()) for f in lang.recounting),
    )


def _told_of(lex: Lexicon, toks: list[str], start: int) -> bool:
    """Whether the answer at ``toks[start]`` is told of, not asked for: "I had to stop on the
    stairs", "the pain won't stop" (``utterances.yaml`` ``recounting``)."""
    return any(start >= len(w) and tuple(toks[start - len(w) : start]) == w for w in lex.recounting)


def _strip_edges(lex: Lexicon, toks: list[str]) -> list[str]:
    out = list(toks)
    changed = True
    while changed and out:
        changed = False
        for f in lex.leading:
            if tuple(out[: len(f)]) == f and len(out) > len(f):
                out, changed = out[len(f) :], True
        for f in lex.trailing:
            if tuple(out[-len(f) :]) == f and len(out) > len(f):
                out, changed = out[: -len(f)], True
    return out


# --------------------------------------------------------------------------- sides and places


SIDE_CONTEXT_BEFORE = frozenset(["my", "the", "on", "to", "your", "his", "her", "that", "this"])
SIDE_NOT_AFTER = frozenset(["now", "away", "after", "before", "then", "there", "here", "at", "as"])


def _side(cat: Catalogue, toks: list[str]) -> tuple[str | None, list[str]]:
    """The side said, and the words without it. "right" counts only where it names a side."""
    vocab = vocabulary(cat)
    rest = list(toks)
    for i, j, w in _spans(toks, vocab.sides):
        side = vocab.sides[w]
        if w == "right" and j - i == 1:
            before = toks[i - 1] if i else ""
            after = toks[j] if j < len(toks) else ""
            loose = after in SIDE_NOT_AFTER or after == ""
            if loose and before not in SIDE_CONTEXT_BEFORE:
                continue
            if before in ("all", "that's", "alright") or after == "on":
                continue
        for k in range(i, j):
            rest[k] = "\x00"
        return side, rest
    return None, rest


def _content(toks: list[str], words: Mapping[str, str]) -> list[tuple[int, int, str]]:
    return [(i, j, words[w]) for i, j, w in _spans(toks, words)]


@cache
def _places_and_muscles(cat: Catalogue) -> Mapping[str, str]:
    vocab = vocabulary(cat)
    return MappingProxyType({**vocab.muscles, **vocab.places})


# Words that put the ball or the runner against a place ("ball's under my calf", "lying on my
# back", "foot on the ball"): where the ball is, not how the place feels. Said so only with a
# tool or a posture in the sentence: "the pain's right on the heel bone" tells of the heel.
POSITION_WORDS = frozenset(
    {"under", "on", "onto", "against", "beneath", "underneath", "over", "with"}
)
POSTURE_WORDS = frozenset({"lying", "laying", "lie", "sitting", "sit", "kneeling", "leaning"})
OWNERS = frozenset({"my", "me", "the", "your", "right", "left"})


def tells_of_body(cat: Catalogue, text: str) -> bool:
    """Whether ``text`` talks about a place, a muscle or a part of the body, other than to say
    where the ball or the runner is: "ready, though my knee got fat real quick" does, "ready,
    ball's under my calf" and "lying on my back" do not."""
    toks = tokens(text, lexicon(cat).body)
    posed = bool(_spans(toks, vocabulary(cat).equipment)) or not POSTURE_WORDS.isdisjoint(toks)
    named = [*_spans(toks, _places_and_muscles(cat)), *_spans(toks, cat.language.body_words)]
    for i, j, w in named:
        k = i - 1
        while k >= 0 and toks[k] in OWNERS:
            k -= 1
        placed = posed and (
            (k >= 0 and toks[k] in POSITION_WORDS) or (j < len(toks) and toks[j] in POSITION_WORDS)
        )
        # "I'm back", "back on the floor": a back is the body's only with its owner named
        owned = k < i - 1
        if not placed and (w != "back" or owned):
            return True
    return False


def brings_news(cat: Catalogue, text: str) -> bool:
    """Whether a step command or a yes to pressure comes with news: the body talked about, or
    the news said in words of its own ("next, but the pain's never gone away for an hour")."""
    return tells_of_body(cat, text) or says_news(cat, text)


def news_beyond_answer(cat: Catalogue, text: str) -> bool:
    """Whether ``text`` brings news past the answer it may begin with: "hang on, my toes look
    like blueberries" does, "hang on" alone does not (see :func:`brings_news`)."""
    lex = lexicon(cat)
    toks = tokens(text, lex.body)
    start = _answer_start(lex, toks)
    first = [j for i, j, _w in _spans(toks, lex.answers) if i == start]
    rest = " ".join(toks[max(first) if first else 0 :])
    return bool(rest) and brings_news(cat, rest)


def says_news(cat: Catalogue, text: str) -> bool:
    """Whether ``text`` has a word that brings news ("no, but ...", "ready, though ..."), not
    one that only says all is well ("but fine")."""
    toks = tokens(text, lexicon(cat).body)
    news = set(cat.language.news)
    # The longest phrase wins: "but fine" is calm, though "but" is news.
    found = _spans(toks, (*cat.language.news, *cat.language.news_calm))
    return any(w in news for _, _, w in found)


def asks_about(cat: Catalogue, text: str) -> bool:
    """Whether ``text`` is a question ("why does my hip hurt too", "so what about my calf"),
    not news told ("me toes have gone all funny"): its first word, past the fillers, opens one
    (``utterances.yaml`` ``asking``)."""
    lex = lexicon(cat)
    toks = _strip_edges(lex, tokens(text, lex.body))
    return any(i == 0 for i, _, _ in _spans(toks, cat.language.asking))


def command_said_first(cat: Catalogue, text: str) -> str | None:
    """The step command a sentence begins with ("next, me calf's feeling heaps looser"): next,
    go back, repeat or start over (a "ready" or "done" is a next), or None."""
    lex = lexicon(cat)
    toks = tokens(text, lex.body)
    first = _answered_first(lex, toks)
    # A yes before the command is a filler ("righto next, ...", "yeah okay next").
    for skip in (1, 2):
        if first != YES or len(toks) <= skip:
            break
        first = _answered_first(lex, toks[skip:]) or first
    if first == "ready":
        return NEXT
    if first == "AMAZON.RepeatIntent" and toks[:1] == ["what"]:
        return None  # "what if this doesn't help": a question, not "what was that"
    return first if first in STEP_COMMANDS else None


# --------------------------------------------------------------------------- reading a sentence


def understand(cat: Catalogue, text: str, pending: str | None = None) -> Meaning:
    """What ``text`` means where ``pending`` is the question the skill left open.

    Long on purpose: one pass over the sentence, trying the meanings in the order that decides
    between them (a red flag first, then the follow-up's answer, an answer said whole, an answer
    said first to a yes-or-no question, a muscle or a place, a topic or a tool, an answer said
    inside a sentence, a body word); split into steps, that order would be spread over
    functions that each depend on what the others found."""
    lex = lexicon(cat)
    vocab = vocabulary(cat)
    spoken = tokens(text, lex.body)
    norm = " ".join(spoken)
    flags = red_flags_in(cat, text)
    if flags:
        return Meaning(SYMPTOM, {"symptom": Heard(id=flags[0], text=norm)}, norm)
    toks = _strip_edges(lex, list(spoken))
    if not toks:
        return Meaning(FALLBACK, {}, norm)
    said = " ".join(toks)

    side, rest = _side(cat, toks)
    if pending == "screen" and only_denied(cat, text):
        # "It's not swollen or red", "I haven't had a fall": every sign named is denied.
        return _answer(NO, pending, side, norm)
    # Places and muscles read together, the longest words first: "hip flexors" is a muscle, not
    # the hip; a word that is both ("calf", "IT band") is read as both.
    both = _spans(rest, _places_and_muscles(cat))
    places = [(i, j, vocab.places[w]) for i, j, w in both if w in vocab.places]
    muscles = [(i, j, vocab.muscles[w]) for i, j, w in both if w in vocab.muscles]
    rest_after_places = list(rest)
    for i, j, _ in places:
        for k in range(i, j):
            rest_after_places[k] = "\x00"
    aspects = _content(rest_after_places, vocab.aspects)
    asked_place = pending in ("aspect", "region")

    if pending == FOLLOW_UP:
        # "Is it better, the same, or worse?": an answer said anywhere in the sentence; "it's not
        # helping" (said elsewhere, it asks when to see a physical therapist) is no change.
        changes = [
            (i, -(j - i), lex.answers[w])
            for i, j, w in _spans(toks, lex.answers)
            if lex.answers[w] in CHANGE_INTENTS
        ]
        if changes:
            return _answer(min(changes)[2], pending, side, norm)
        not_helping = [
            w
            for _i, _j, w in _spans(toks, cat.language.meanings.get("see_pt", ()))
            if any(t in NEGATORS or t.endswith("n't") or t == "keeps" for t in w.split())
        ]
        if not_helping and not places:
            return _answer("same", pending, side, norm)

    if pending in _SCREENS and said in lex.hedged:
        # "A bit", "maybe", said whole to the screen: a half yes (which one is asked next).
        return _answer("hedged", pending, side, norm)
    whole = lex.answers.get(said)
    if whole is not None and not (asked_place and (places or aspects)):
        return _answer(whole, pending, side, norm)

    # A tool said with a "no" before it is the one the runner lacks: "I don't have a ball, can I
    # do it with my roller" asks for the roller.
    # "I haven't got a roller" asks for the other tool, when there is just one other.
    tools = _content(rest, vocab.equipment)
    equipment = [e for e in tools if not negated(toks, e[0])]
    lacking = {e[2] for e in tools} - {e[2] for e in equipment}
    others = [t for t in cat.equipment if t not in lacking]
    if tools and not equipment and len(others) == 1:
        equipment = [(tools[0][0], tools[0][1], others[0])]
    wants_routine = bool(_spans(toks, lex.routine))
    slots: dict[str, Heard] = {}
    if side:
        slots["side"] = Heard(id=side)
    if equipment:
        slots["equipment"] = Heard(id=equipment[0][2])

    # How the pain has changed is an answer only to the follow-up question: elsewhere "a bit"
    # and "the same" are words around a place ("a bit sore on the outside").
    inside = [
        (i, -(j - i), lex.answers[w])
        for i, j, w in _spans(toks, lex.answers)
        if lex.answers[w] not in CHANGE_INTENTS and not _told_of(lex, toks, i)
    ]
    if pending in _SCREENS and (len(toks) > UNSURE_WORDS or says_news(cat, said)):
        # At the screen, "not sure if it matters, but ..." is news, not a "not sure" (which
        # may have a word or two around it: "I'm not sure really").
        inside = [a for a in inside if a[2] != "unsure"]
    # A yes said first to a yes-or-no question, then how the place feels ("yeah let's do it, my
    # IT band's tight"; "ready, my calves are stiff"): the yes, unless a part of the place is
    # named, which may correct it ("yes but more the inside"). At the screen a "no" said first
    # is its answer too ("no, it's the same tight calf"): it asks about signs, not places.
    # A part of the place said by name ("the inside of my knee"), not as a condition or a
    # muscle ("runner's knee", "my IT band").
    muscle_words = {(i, j) for i, j, _ in muscles}
    parts_named = aspects or any(
        vocab.place_meaning[p].aspect
        and not vocab.place_meaning[p].condition
        and (i, j) not in muscle_words
        for i, j, p in places
    )
    # "ready, ball's under my hip": the tool it asked for, and where it is, said with the ready;
    # a routine request with the tool, which the handler takes as the ready when it is the
    # routine's tool (not the place, which would start the answer again).
    if (
        pending == "ready"
        and tools
        and (places or muscles)
        and not (_spans(toks, lex.switch) or wants_routine)
        and (_answered_first(lex, spoken) or "") in (YES, "ready")
    ):
        return Meaning(ROUTINE, slots, norm)
    if pending in _ANSWERED_FIRST and not parts_named and not tools:
        # Said first, else said last ("calf's been fine, just a bit tight, so yes please").
        first_answer = _answered_first(lex, spoken) or ""
        if first_answer not in (YES, NO, "ready"):
            first_answer = _answered_last(lex, toks) or first_answer
        for skip in (1, 2):
            # "Please stop", "okay, pause": a yes before an end or a pause is a filler.
            after = _answered_first(lex, spoken[skip:]) if first_answer == YES else None
            if after in _ENDINGS:
                return _answer(after, pending, side, norm)
        if first_answer in (YES, "ready") or (first_answer, pending) in _OWN_FIRST_ANSWERS:
            return _answer(first_answer, pending, side, norm)
    if muscles and (wants_routine or not places):
        # "calf" and "IT band" name a place and a muscle: a place, unless a routine is asked for.
        slots["muscle"] = Heard(id=muscles[0][2])
        return Meaning(ROUTINE if wants_routine else PAIN, slots, norm)
    spoken_answer = [a for a in inside if -a[1] > 1]  # "start again", "from the top"
    if not places and aspects and spoken_answer and not asked_place:
        return _answer(_most_said(spoken_answer), pending, side, norm)
    if places or (aspects and (asked_place or pending is None)):
        if places:
            pid = places[0][2]
            meaning = vocab.place_meaning[pid]
            key = "condition" if meaning.condition else "region"
            slots[key] = Heard(id=pid)
            if len({vocab.place_meaning[p].region for _, _, p in places}) > 1:
                others = [
                    p for _, _, p in places[1:] if vocab.place_meaning[p].region != meaning.region
                ]
                slots["also"] = Heard(id=others[0])
        if aspects:
            slots["aspect"] = Heard(id=aspects[0][2])
        return Meaning(PAIN, slots, norm)
    topics = _content(rest, vocab.topics)
    see_pt = _spans(toks, cat.language.meanings.get("see_pt", ()))
    if see_pt:
        return Meaning(ABOUT, {"topic": Heard(id="physical_therapist")}, norm)
    longest_tool = max((j - i for i, j, _ in equipment), default=0)
    # "Next, this knot is stubborn": a step command said first is what was asked; a topic's
    # word after it ("knot") is talk, not a question about knots.
    if (
        topics
        and max(j - i for i, j, _ in topics) >= longest_tool
        and command_said_first(cat, norm) is None
    ):
        return Meaning(ABOUT, {"topic": Heard(id=topics[0][2])}, norm)
    switching = _spans(toks, lex.switch) or wants_routine
    if equipment and (switching or pending in ("offer_routine", None)):
        return Meaning(ROUTINE, slots, norm)
    # An answer said with more around it: "yes let's do the right", "hold on the dog needs out".
    if inside:
        return _answer(_most_said(inside), pending, side, norm)
    body = [w for w in cat.language.body_words if _find(toks, tuple(w.split())) >= 0]
    if body or side:
        heard = max(body, key=len) if body else ""
        return Meaning(PAIN, {**slots, "region": Heard(text=heard or said)}, norm)
    return Meaning(FALLBACK, {}, norm)


def _answer_start(lex: Lexicon, toks: list[str]) -> int:
    """Where an answer said first would begin: past the fillers that are no answer ("um")."""
    start = 0
    while start < len(toks) and (toks[start],) in lex.leading and toks[start] not in lex.answers:
        start += 1
    return start


def _answered_first(lex: Lexicon, toks: list[str]) -> str | None:
    """The answer that begins a sentence, after fillers that are no answer ("um, yeah ..."),
    the longest said there ("yeah go on then"); None if it begins with none."""
    start = _answer_start(lex, toks)
    said = [(j, w) for i, j, w in _spans(toks, lex.answers) if i == start]
    if not said:
        return None
    meaning = lex.answers[max(said)[1]]
    return None if meaning in CHANGE_INTENTS else meaning


def _answered_last(lex: Lexicon, toks: list[str]) -> str | None:
    """The answer that ends a sentence (its trailing fillers already taken off: "calf's been
    fine, just a bit tight, so yes please"), the longest said there; None if it ends with none
    or with one said inside a longer phrase."""
    said = [
        (-i, w)
        for i, j, w in _spans(toks, lex.answers)
        if j == len(toks) and not _told_of(lex, toks, i)
    ]
    if not said:
        return None
    meaning = lex.answers[max(said)[1]]
    return None if meaning in CHANGE_INTENTS else meaning


def _most_said(inside: list[tuple[int, int, str]]) -> str:
    """Of the answers said inside a sentence (start, -length, meaning), the meaning said in the
    most words ("let's start again from the top" is a start over, though "let's start" comes
    first), then the first said."""
    said_words: dict[str, int] = {}
    for _i, minus_len, answer in inside:
        said_words[answer] = said_words.get(answer, 0) - minus_len
    # "ok next", "yeah go on, next", "alright, start over": a yes beside a command is a filler,
    # however many words it takes.
    if YES in said_words and COMMANDS.intersection(said_words):
        del said_words[YES]
    best = max(said_words.values())
    tied = [a for _, _, a in sorted(inside) if a in said_words and said_words[a] == best]
    return next((a for a in tied if a != YES), tied[0])


_NAME_PART = re.compile(r"[A-Z][a-z]*")


def lead_word(intent: str) -> str | None:
    """The word a lead intent's name keeps (the inverse of :func:`lead_intent`), or None for an
    intent that is no lead. Read from the name, so the backend needs no table of leads."""
    if not (intent.startswith("Lead") and intent.endswith("Intent")) or len(intent) <= 10:
        return None
    parts = [p.lower() for p in _NAME_PART.findall(intent[4:-6])]
    if not parts or "".join(parts) != intent[4:-6].lower():
        return None
    return " ".join(parts).replace(" apos ", "'")


# The order slot words are read in when a sentence reached TellIntent through typed slots.
TELL_SLOTS = ("side", "aspect", "region", "condition", "muscle", "equipment", "symptom", "topic")


def meaning_of(
    cat: Catalogue, intent: str, slots: Mapping[str, Heard], pending: str | None = None
) -> Meaning:
    """What an intent request means. The safety gate runs first: any red-flag sign in any of
    its words means the red flag, whatever the intent and the stage."""
    texts = [h.text for n in (*TELL_SLOTS, WORDS_SLOT) if (h := slots.get(n)) and h.text]
    texts += [h.text for n, h in slots.items() if h.text and n not in (*TELL_SLOTS, WORDS_SLOT)]
    aspect, region = slots.get("aspect"), slots.get("region")
    if aspect and aspect.text and region and region.text:
        # "the {aspect} of my {region}": say it as one place, so "front of my lower leg" is
        # read as the place it names, not as a lower leg with a front.
        texts = [
            f"{aspect.text} of my {region.text}" if t == aspect.text else t
            for t in texts
            if t != region.text
        ]
    if intent == TELL:
        return understand(cat, " ".join(texts), pending)
    if intent == SIGN_OPENER:
        return understand(cat, sign_after_opener(cat, " ".join(texts)), pending)
    pool = sign_word_pool(cat, intent)
    if pool is not None:
        return understand(cat, sign_after_word(cat, pool, " ".join(texts)), pending)
    lead = lead_word(intent)
    if lead is not None:
        return understand(cat, " ".join([lead, *texts]), pending)
    if intent == ROUTINE and WORDS_SLOT in slots:
        # Its carrier asked for a routine ("roll out ..."): read the rest as a routine request.
        said = understand(cat, "routine " + " ".join(texts), pending)
        if said.intent == PAIN and "muscle" not in said.slots:
            return Meaning(ROUTINE, {k: v for k, v in said.slots.items() if k == "side"}, said.text)
        return said
    flags = red_flags_in(cat, " ".join(texts)) if texts else []
    symptom = slots.get("symptom")
    if symptom is not None and symptom.id:
        flags = flags or [str(symptom.id)]
    if flags:
        return Meaning(SYMPTOM, {"symptom": Heard(id=flags[0], text=" ".join(texts))})
    return Meaning(intent, {n: h for n, h in slots.items() if not h.empty})


def _answer(meaning: str, pending: str | None, side: str | None, norm: str) -> Meaning:
    slots = {"side": Heard(id=side)} if side else {}
    if meaning == "ready":
        return Meaning(READY, slots, norm)
    if meaning in ("unsure", "hedged") and pending in _SCREENS:
        return Meaning(YES, {HEDGE_SLOT: Heard(id=meaning)}, norm)
    if meaning == "unsure":
        return Meaning(FALLBACK, {}, norm)
    if meaning == "more":
        return Meaning(MORE, slots, norm)
    if meaning == "see_pt":
        return Meaning(ABOUT, {"topic": Heard(id="physical_therapist")}, norm)
    if meaning in OWN_INTENTS:
        return Meaning(OWN_INTENTS[meaning], {}, norm)
    if meaning == NEXT and pending in ("offer_routine", "next_muscle"):
        return Meaning(MORE, slots, norm)  # "the next one" at an offer: the next suspect
    if meaning == YES and pending == "ready":
        return Meaning(READY, slots, norm)
    return Meaning(meaning, slots, norm)


__all__ = [
    "TELL",
    "WORDS_SLOT",
    "Meaning",
    "lead_word",
    "lexicon",
    "meaning_of",
    "red_flags_in",
    "tells_of_body",
    "tokens",
    "understand",
]
