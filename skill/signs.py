"""Red-flag signs in what was said, before anything else is read.

Every word of every request is read here first (:func:`skill.understand.understand` calls
:func:`red_flags_in`), whatever the stage: a sign said inside an ordinary sentence ("my knee
keeps giving way when I run") is the red flag. The lists are ``content/safety.yaml``'s:

* ``words``: sign phrases found anywhere (a starred word stands for its forms, ``pop*``);
* ``near``: signs said in parts, in order, a few words apart ("lost ... weight" hears "lost a
  heap of weight");
* ``far``: the same, for parts that each say much alone, heard further apart in one sentence
  ("puffing like I'd run a marathon and all I'm doing is lying here");
* ``not_signs``: look-alikes ("warm up", "I fell asleep"), each taking away any sign no longer
  than itself, so "can't catch my breath" is still a sign though "catch my breath" is none;
* ``soft_words``: words that may stand inside a sign ("I can't really walk").

A negator just before a sign undoes it ("no swelling", "not having any swelling or tingling"),
but not a "no" that answers and goes on ("no, my calf is swollen").
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cache
from types import MappingProxyType

from skill.content import Catalogue, Explained, Healed, Others
from skill.phrases import occurrences, spans, tokens
from skill.records import record
from skill.resolve import vocabulary

NEGATORS = frozenset(
    {
        "no", "not", "isn't", "aren't", "wasn't", "weren't", "without", "never", "don't",
        "doesn't", "didn't", "haven't", "hasn't", "hadn't", "nothing", "none", "zero", "nor",
    }
)  # fmt: skip
NEGATION_REACH = 3  # a negator this many words before a sign undoes it
# Words a negation reaches across without counting them: "no swelling or tingling at all".
NEGATION_GLUE = frozenset(
    {"or", "nor", "and", "any", "having", "have", "got", "signs", "sign", "of", "a", "real",
     "much", "kind", "sort", "like", "\x00"}
)  # fmt: skip
# Verbs that start a statement after an answering "no" ("no, heard a snap in my calf") but are
# denied by a "not" ("not heard a snap", "not had a fall").
_TOLD = frozenset({"heard", "felt", "had", "saw", "noticed"})
# After an answering "no", the start of a statement: what follows is not negated.
ANSWER_THEN = frozenset(
    {"way", "i", "i'm", "i've", "i'd", "it", "it's", "my", "me", "the", "we", "but", "and", "so",
     "thanks", "worries", "problem", "actually", "because", "cause", "though", "that's", "this",
     "both", "since", "when", "after", "well", "then", "now", "there", "there's", "sir", "mate",
     "ready", "bar", "apart", "besides", "only", "just", "save", "biggie", "big", "dramas",
     "drama", "fuss", "still", "went", "landed", "literally", *_TOLD}
)  # fmt: skip
# After a "not", the start of a statement ("probably not, it's got worse every run"); not the
# words that a "not" can go on to ("not my knee that's swollen" still holds the sign).
NOT_THEN = ANSWER_THEN - {"my", "me", "the", "this", "both", "when", "after", "since", *_TOLD}

# After an answering "no" and one word, these make a statement of it: "no, calf's red".
STATEMENT_VERBS = frozenset(
    {"is", "are", "was", "has", "feels", "looks", "went", "got", "keeps", "keep"}
)
# The body as the subject of a statement after an answering "no": "no, calf's flushed".
SUBJECTS = frozenset(
    {"calf", "calves", "knee", "knees", "leg", "legs", "foot", "feet", "hip", "hips", "back",
     "shin", "shins", "heel", "heels", "ankle", "ankles", "thigh", "thighs", "toe", "toes",
     "achilles", "groin", "arch", "bum", "butt", "glute", "hamstring", "quad"}
)  # fmt: skip
# A sign that is itself a verb of what happened, with its subject between it and an answering
# "no": "no, knee swelled up after twisting" (a denial would be "no swelling").
HAPPENED = frozenset(
    {"swelled", "gave", "buckled", "locked", "snapped", "popped", "ballooned", "blew",
     "collapsed", "tore", "cracked", "twisted", "went", "gone", "turned", "feels", "felt"}
)  # fmt: skip

# "not yet", "not today": an answer about when, after which a statement starts.
ANSWER_WHEN = frozenset({"yet", "today", "now", "tonight", "anymore", "again"})


# After a negator, words that make it doubt, not denial: "not sure", "don't know".
UNSURE_THEN = frozenset(["sure", "certain", "know", "knowing", "positive"])


# The runner as the subject of what follows.
I_WORDS = frozenset({"i", "i'm", "i've", "i'd"})
# The runner as what a sign happens to: "no, my calf is swollen", "kicked me", "snap in my calf".
SELF_WORDS = frozenset({"me", "my", "myself"})
# The words a sign may start with that say it cannot be done ("can't feel the floor").
CANT_WORDS = frozenset({"can't", "cannot", "couldn't", "won't", "wouldn't", "unable"})


def negated(toks: list[str], start: int) -> bool:
    """Whether a negator stands just before ``toks[start]``: within :data:`NEGATION_REACH`
    words, not counting the glue of a list ("not having any swelling or tingling") and reaching
    as far again past each "or" of one, and with no "but" or "if" between. A "no" that
    answers and then says something ("no, my calf is swollen", "no way, I fell") negates
    nothing."""
    counted, reach = 0, NEGATION_REACH
    for k in range(start - 1, max(-1, start - 6 * NEGATION_REACH - 1), -1):
        t = toks[k]
        if t in ("but", "though", "although", "except", "if", "whether"):
            return False  # "not sure if it's swollen" denies nothing
        if t in ("or", "nor"):
            reach += NEGATION_REACH  # "haven't been on a long flight or had surgery"
        if t in I_WORDS and start < len(toks) and toks[start] in CANT_WORDS:
            # A sign that holds its own negator starts a clause of its own: "the sock isn't
            # there, I can't feel the floor" denies nothing.
            return False
        if t in NEGATORS:
            after = [*toks[k + 1 : k + 3], "", ""]
            if after[0] in UNSURE_THEN and k + 1 < start:
                return False  # "I'm not sure about numb", "don't know if it's swollen"
            if (
                t in ("no", "none")
                and after[0] in ANSWER_THEN
                and (k + 1 < start or toks[start] in I_WORDS | SELF_WORDS)
            ):
                # "no, my calf is swollen"; "no, I fell" (a sign that starts with the runner)
                return False
            if (
                t == "no"
                and after[1] in STATEMENT_VERBS
                and (k + 2 < start or (k + 1 == start and after[0] in SUBJECTS))
            ):
                # "no, calf's red" (the calf is red); "no, calf's flushed", where the sign
                # starts at the calf (not "no swelling is there", which denies it)
                return False
            if t == "no" and k + 1 < start and toks[start] in HAPPENED:
                return False  # "no, knee swelled up" (it did)
            if t == "no" and k + 1 == start and after[0] in ("landed", "went"):
                return False  # "no, landed on it", "no, went flying" (not "no twisted ankle")
            if t == "not" and k + 1 < start and after[0] in NOT_THEN:
                return False  # "probably not, it's got worse every run"
            if (
                t == "not"
                and after[0] == "really"
                and k + 2 <= start
                and after[1] in NOT_THEN | CANT_WORDS
            ):
                return False  # "not really, can't hold my pee lately"
            # "not yet, my calf is hard as a rock", "not today, I went over on the ice"
            return not (
                k + 2 <= start and after[0] in ANSWER_WHEN and after[1] in ANSWER_THEN | CANT_WORDS
            )
        if t not in NEGATION_GLUE:
            counted += 1
            if counted >= reach:
                return False
    return False


# first word → (the phrases said in order, red flag id, words that may stand between two)
NearSigns = Mapping[str, tuple[tuple[tuple[tuple[str, ...], ...], str, int], ...]]


@record
class Signs:
    """The sign lists of one catalogue, read once."""

    red_flags: Mapping[str, str]  # sign phrase -> red flag id
    near: NearSigns  # first word → (the phrases said in order and close, red flag id, gap)
    not_signs: tuple[str, ...]  # phrases that hold a sign word but are no sign ("warm up")
    body: frozenset[str]  # first words of places and muscles ("me hammy" is "my hammy")
    healed: Healed  # said after a sign of an injury that heals, they put it in the past
    others: Others  # a sign just after someone else is theirs
    explained: Explained  # redness or warmth with what explains it
    denied_after: tuple[str, ...]  # said just after a sign, they deny it ("is not there")


@cache
def body_firsts(cat: Catalogue) -> frozenset[str]:
    """The first words of places, muscles and body words."""
    vocab = vocabulary(cat)
    words = (*vocab.places, *vocab.muscles, *cat.language.body_words)
    return frozenset(w.split()[0] for w in words if w.split())


# Everyday words that no opener's sign of two words may end with: a rest that starts with one
# ("on the treadmill") would be heard as that sign ("slipped on the treadmill").
CLAUSE_WORDS = frozenset(
    {"it", "on", "in", "over", "there", "up", "out", "off", "down", "to", "here", "that",
     "this", "the", "a", "an", "my", "me", "i", "running", "and", "so", "for", "with", "at"}
)  # fmt: skip

# The intent of sentences that start with an opener only signs begin (tpcoach/leads.py).
SIGN_OPENER = "SignOpenerIntent"


@record
class OpenerSigns:
    """What may follow one opener in a sign it begins."""

    next: frozenset[str]  # the second words of its signs ("at" → "night")
    later: frozenset[str]  # words said later on in near signs it begins alone ("bit" … "bone")


@cache
def _opener_signs(cat: Catalogue) -> Mapping[str, OpenerSigns]:
    """Each opener that begins a sign of several words, and what may follow it there."""
    openers = set(cat.language.openers)
    nexts: dict[str, set[str]] = {}
    later: dict[str, set[str]] = {}
    spoiled: set[str] = set()
    body = body_firsts(cat)
    for flag in cat.safety.red_flags:
        for parts in flag.in_parts:
            if parts[0] in openers and len(parts) > 1:
                later.setdefault(parts[0], set()).add(parts[1].split()[0])
                # A near sign that goes on with a place ("block ... inside ... knee") would be
                # heard in every sentence through SignOpenerIntent that names the place ("hurts
                # inside my knee"): its opener keeps an intent of its own.
                if any(p.split()[0] in body for p in parts[1:]):
                    spoiled.add(parts[0])
        for sign in (*flag.words, *(parts[0] for parts in flag.in_parts)):
            words = sign.split()
            if len(words) > 1 and words[0] in openers:
                nexts.setdefault(words[0], set()).add(words[1])
                # After any of these openers, a word that starts everyday clauses would be
                # heard as this sign ("was on the treadmill" as "slipped on the treadmill"):
                # such an opener keeps an intent of its own.
                if len(words) == 2 and words[1] in CLAUSE_WORDS:
                    spoiled.add(words[0])
    return MappingProxyType(
        {
            k: OpenerSigns(frozenset(v), frozenset(later.get(k, ())))
            for k, v in nexts.items()
            if k not in spoiled
        }
    )


def sign_openers(cat: Catalogue) -> tuple[str, ...]:
    """Sentence openers that begin a sign of several words ("at night", "feels weak", "came off
    my bike"). Alexa drops the opener of a sample it matched, so such a sentence reaches the
    skill through :data:`SIGN_OPENER` without it, and the skill tries each of these before the
    words it got (:func:`sign_after_opener`)."""
    return tuple(sorted(_opener_signs(cat)))


def sign_after_opener(cat: Catalogue, words: str) -> str:
    """What was said before ``words``, as far as signs go: the first of :func:`sign_openers`
    that makes a sign of them ("night" after "at"), else the words as they came. It may hear a
    sign that another opener would have made; it never loses one. Only the openers whose signs
    go on with the words said are tried."""
    return _sign_after(cat, words, _opener_signs(cat))


# The intents of sentences that start with a word that begins signs but is no sign opener, as
# its signs go on with everyday words ("heard a noise", "slip on the ice"): as a carrier it
# would be lost, with its sign (tpcoach/leads.py). One per pool of ``carriers.sign_words``.
SIGN_WORD_PREFIX = "SignWord"


def sign_word_intent(pool: str) -> str:
    """The intent of a pool of ``carriers.sign_words``: "rupture" is SignWordRuptureIntent."""
    return f"{SIGN_WORD_PREFIX}{pool.capitalize()}Intent"


def sign_word_pool(cat: Catalogue, intent: str) -> str | None:
    """The pool whose intent ``intent`` is, or None."""
    if not intent.startswith(SIGN_WORD_PREFIX):
        return None
    return next((p for p in cat.language.sign_words if sign_word_intent(p) == intent), None)


@cache
def _word_signs(cat: Catalogue, pool: str) -> Mapping[str, OpenerSigns]:
    """Each word of a pool of ``carriers.sign_words`` that begins a sign of several words or a
    near sign and is no sign opener, and what may follow it there."""
    openers = _opener_signs(cat)
    words = cat.language.sign_words.get(pool, frozenset())
    nexts: dict[str, set[str]] = {}
    later: dict[str, set[str]] = {}
    for flag in cat.safety.red_flags:
        for parts in flag.in_parts:
            first = parts[0].split()
            if len(first) > 1:
                nexts.setdefault(first[0], set()).add(first[1])
            elif len(parts) > 1:
                later.setdefault(first[0], set()).add(parts[1].split()[0])
        for sign in flag.words:
            said = sign.split()
            if len(said) > 1:
                nexts.setdefault(said[0], set()).add(said[1])
    return MappingProxyType(
        {
            k: OpenerSigns(frozenset(nexts.get(k, ())), frozenset(later.get(k, ())))
            for k in sorted(nexts.keys() | later.keys())
            if k not in openers and k in words
        }
    )


def sign_word_firsts(cat: Catalogue, pool: str) -> tuple[str, ...]:
    """The words :func:`sign_after_word` may put back for ``pool``: those of its words that
    begin signs and are no sign opener."""
    return tuple(_word_signs(cat, pool))


def sign_after_word(cat: Catalogue, pool: str, words: str) -> str:
    """What was said before ``words`` that reached the skill through the intent of ``pool``,
    as far as signs go: the first of its words that makes a sign of them ("heard" before "a
    loud noise"), else the words as they came."""
    return _sign_after(cat, words, _word_signs(cat, pool))


def _sign_after(cat: Catalogue, words: str, table: Mapping[str, OpenerSigns]) -> str:
    lex = signs(cat)
    toks = tokens(words, lex.body)
    firsts = {*toks[:1], *[t for t in toks if t not in cat.safety.soft_words][:1]}
    own: set[str] | None = None
    for opener, then in sorted(table.items()):
        if not firsts & then.next and not then.later.intersection(toks):
            continue
        said = f"{opener} {words}".strip()
        if own is None:
            own = set(red_flags_in(cat, words))
        if not set(red_flags_in(cat, said)) <= own:
            return said
    return words


def _near_index(cat: Catalogue) -> NearSigns:
    index: dict[str, list[tuple[tuple[tuple[str, ...], ...], str, int]]] = {}
    for flag in cat.safety.red_flags:
        for gap, said in ((NEAR_GAP, flag.near), (FAR_GAP, flag.far)):
            for parts in said:
                words = tuple(tuple(tokens(p)) for p in parts)
                index.setdefault(words[0][0], []).append((words, flag.id, gap))
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


@cache
def signs(cat: Catalogue) -> Signs:
    flags: dict[str, str] = {}
    for flag in cat.safety.red_flags:
        for w in flag.words:
            flags.setdefault(w, flag.id)
    safety = cat.safety
    return Signs(
        flags,
        _near_index(cat),
        safety.not_signs,
        body_firsts(cat),
        safety.healed,
        safety.others,
        safety.explained,
        safety.denied_after,
    )


def red_flags_in(cat: Catalogue, text: str) -> list[str]:
    """The red flags whose signs are said in ``text`` (not negated), in the content's order."""
    lex = signs(cat)
    said = tokens(text, lex.body, body_is=True)
    # The words as said, and again without the soft words that may stand inside a sign ("I
    # can't really walk"): a sign found either way counts. Spans are kept in the places of
    # the words as said, so a look-alike found either way ("blue and pink all over", whose
    # "all" is soft) takes away what it holds in both.
    soft = cat.safety.soft_words
    unsoft = [k for k, t in enumerate(said) if t not in soft]
    readings = ((said, list(range(len(said)))), ([said[k] for k in unsoft], unsoft))
    look_alikes = [
        (where[a], where[b - 1] + 1)
        for toks, where in readings
        for a, b, _ in occurrences(toks, lex.not_signs)
    ]
    found: set[str] = set()
    # Whose a sign is and whether it is past are read in the words as said, so that a soft
    # word inside what puts a sign in the past ("all good now") still counts.
    as_said = _NowAndMine(list(said), lex)  # before look-alikes blank their words
    for toks, where in readings:
        toks = list(toks)
        now = _Placed(as_said, where)
        denials = {a for a, _b, _ in occurrences(toks, lex.denied_after)}
        # A sign counts unless a look-alike at least as long overlaps it: "catch my breath"
        # is no sign, "can't catch my breath" is; "I fell asleep" holds no fall.
        kept = []
        for i, j, w in spans(toks, lex.red_flags):
            si, sj = where[i], where[j - 1] + 1
            if not any(b - a >= sj - si and a < sj and si < b for a, b in look_alikes):
                kept.append((i, j, w))
        held = {k for i, j, _ in kept for k in range(where[i], where[j - 1] + 1)}
        for a, b in look_alikes:
            if not set(range(a, b)) <= held:
                toks = [
                    "\x00" if a <= where[k] < b and where[k] not in held else t
                    for k, t in enumerate(toks)
                ]
        found |= {
            lex.red_flags[w]
            for i, j, w in kept
            if not negated(toks, i)
            and not _denied_after(toks, j, denials)
            and now.holds(i, j, lex.red_flags[w], w)
        }
        found |= _said_near(toks, lex.near, now, denials)
    return [f.id for f in cat.safety.red_flags if f.id in found]


OTHERS_REACH = 3  # words that may stand between someone else ("my mate") and their sign
HEALED_REACH = 12  # words that may stand between a sign and what puts it in the past
AGO_REACH = 2  # words that may stand between a sign of now and a "years ago" that dates it
EXPLAINED_REACH = 6  # words that may stand between redness or warmth and what explains it
BUT_WORDS = frozenset({"but", "though", "although", "except"})
# Said just after a "but", these go on to explain the sign before it ("red, but that's from
# the socks"); any other word may start something else ("but I've had the heat pack on my back").
EXPLAINING = frozenset({"that's", "thats", "that", "it's", "its", "this", "only", "just"})
# "when I", "as I'm": what follows is something the runner did, so a sign just before it is theirs.
WHEN_WORDS = frozenset({"when", "as", "while", "whilst"})
# Words that make what follows the runner's own: "my wife says my leg is blue".
OWN_WORDS = frozenset(
    {"i", "i'm", "i've", "i'd", "me", "my", "mine", "myself", "says", "said", "say", "thinks",
     "think", "thought", "reckons", "reckon", "noticed", "told", "tells", "saw", "worried",
     "worries", "and", "but", "then", "so", "now", "also", "plus", "because", "cause", "when",
     "while", "since", "too"}
)  # fmt: skip


def _likeness(toks: list[str], a: int) -> bool:
    """Whether ``toks[a]`` follows a "like" (or "like a"): "hot like a sunburn", not "like
    ninety degrees out"."""
    before = toks[max(0, a - 2) : a]
    return before[-1:] == ["like"] or (
        len(before) == 2 and before[0] == "like" and before[1] in ("a", "an", "the", "my")
    )


def only_denied(cat: Catalogue, text: str) -> bool:
    """Whether ``text`` names signs and denies every one of them ("it's not swollen or red",
    "I haven't had a fall"): an answer of no to the safety screen. The caller has found no
    red flag in it, so no sign said without a negator reaches here as a denial."""
    lex = signs(cat)
    said = tokens(text, lex.body, body_is=True)
    found = spans(said, lex.red_flags)
    return bool(found) and all(negated(said, i) for i, _j, _w in found)


class _Placed:
    """:class:`_NowAndMine` of the words as said, asked about a sign found in a reading whose
    word ``k`` is word ``where[k]`` as said."""

    def __init__(self, now: _NowAndMine, where: list[int]) -> None:
        self.now, self.where = now, where

    def holds(self, start: int, end: int, flag: str, sign: str = "") -> bool:
        return self.now.holds(self.where[start], self.where[end - 1] + 1, flag, sign)


class _NowAndMine:
    """Whether a sign found in ``toks`` is the runner's now: not someone else's ("my mate tore
    his calf") and not an injury that has healed ("I broke it years ago but it healed fine")."""

    def __init__(self, toks: list[str], lex: Signs) -> None:
        who = lex.others
        self.theirs = [
            b for a, b, _ in occurrences(toks, who.people) if a == 0 or toks[a - 1] in who.after
        ] + [k + 1 for k, t in enumerate(toks) if t in who.pronouns]
        healed = occurrences(toks, lex.healed.words)
        self.healed = [a for a, _b, _ in healed if not negated(toks, a)]
        self.ago = [a for a, _b, _ in occurrences(toks, lex.healed.ago)]
        self.never = lex.healed.never
        # A cause said as a likeness explains nothing: "red and hot like a sunburn".
        self.causes = [
            (a, b)
            for a, b, _ in occurrences(toks, lex.explained.causes)
            if not negated(toks, a) and not _likeness(toks, a)
        ]
        self.toks = toks
        self.pronouns = who.pronouns
        # "... snap in my calf": a place of the runner's said just after a sign
        self.mine = {
            k for k in range(len(toks) - 1) if toks[k] in SELF_WORDS and toks[k + 1] in lex.body
        }
        # "... he heard a pop when I lunged": the sign came as the runner did something
        self.mine |= {
            k for k in range(len(toks) - 1) if toks[k] in WHEN_WORDS and toks[k + 1] in I_WORDS
        }
        # "the market had a big fall": a thing just before a sign (its last word's end)
        self.things = [b for _a, b, _ in occurrences(toks, who.things)]
        self.body = lex.body
        self.healing = lex.healed.flags
        self.healing_signs = lex.healed.signs
        self.explainable = lex.explained.signs

    def holds(self, start: int, end: int, flag: str, sign: str = "") -> bool:
        said_mine = any(
            end <= k <= end + OTHERS_REACH and not self.pronouns.intersection(self.toks[end:k])
            for k in self.mine
        )
        # "my partner heard something snap in my calf" is still the runner's, and so is a sign
        # that names the runner in its own words ("a teammate kicked me in the heel": SELF_WORDS)
        said_mine = said_mine or not SELF_WORDS.isdisjoint(self.toks[start:end])
        for b in self.theirs:
            between = self.toks[b:start]
            if (
                0 <= start - b <= OTHERS_REACH
                and not OWN_WORDS.intersection(between)
                and not said_mine
            ):
                return False
        for b in self.things:
            # the thing's, unless the runner or the body is named between or in the sign
            near = self.toks[b:end]
            if (
                0 <= start - b <= OTHERS_REACH
                and not OWN_WORDS.intersection(near)
                and self.body.isdisjoint(near)
                and not said_mine
            ):
                return False
        if sign in self.explainable and any(
            self._explains(start, end, a, b) for a, b in self.causes
        ):
            return False
        healed = [a for a in self.healed if 0 <= a - end <= HEALED_REACH]
        if flag in self.healing or sign in self.healing_signs:
            return not healed
        # "my knee was swollen years ago ... but that's all healed": then, not now
        then = [a for a in self.ago if 0 <= a - end <= AGO_REACH]
        return not (then and set(healed) - set(then) and sign not in self.never)

    def _explains(self, start: int, end: int, a: int, b: int) -> bool:
        """Whether the cause at ``a:b`` is close to the sign at ``start:end``: other signs it
        explains count for nothing between ("red, warm from the sauna"); every other word
        counts, "and" too, so a cause far off explains nothing. A "but" between parts them,
        unless it goes on to explain the sign before it ("red, but that's from the socks"; not
        "red, but I had the heat pack on my back")."""
        after = a >= end
        if not after and b > start:
            return False  # a cause that holds the sign's own words ("hot water") explains nothing
        gap = self.toks[end:a] if after else self.toks[b:start]
        words = [t for t in gap if t not in self.explainable]
        parted = any(
            t in BUT_WORDS and not (after and gap[k + 1 : k + 2] and gap[k + 1] in EXPLAINING)
            for k, t in enumerate(gap)
        )
        return len(words) <= EXPLAINED_REACH and not parted


# Words that may stand between a sign and what denies it: "swelling and all is not there".
DENIAL_GLUE = frozenset({"and", "all", "or", "any", "anything", "like", "that", "at", "\x00"})


def _denied_after(toks: list[str], end: int, denials: AbstractSet[int]) -> bool:
    """Whether a denial (``denied_after``) follows the sign that ends at ``end``, with only
    :data:`DENIAL_GLUE` between."""
    k = end
    while k < len(toks) and k not in denials and toks[k] in DENIAL_GLUE:
        k += 1
    return k in denials


NEAR_GAP = 5  # words that may stand between the parts of a near sign
FAR_GAP = 14  # and of a far one


def _said_near(
    toks: list[str], near: NearSigns, now: _Placed, denials: AbstractSet[int] = frozenset()
) -> set[str]:
    """The red flags of near signs (``near``: first word → (parts as word tuples, flag id,
    gap)) said in ``toks``: the parts in order, each within its gap (:data:`NEAR_GAP`, or
    :data:`FAR_GAP` for a far sign) of the one before, none negated (the first as any sign
    is; a later one by a negator between it and the part before: "the muscle bit, not the
    bone"), and the runner's now (``now``)."""
    found: set[str] = set()

    def at(i: int, phrase: tuple[str, ...]) -> bool:
        return tuple(toks[i : i + len(phrase)]) == phrase

    said = set(toks)
    for start, first in enumerate(toks):
        for parts, flag, gap in near.get(first, ()):
            if flag in found or not all(p[0] in said for p in parts[1:]):
                continue
            if not at(start, parts[0]) or negated(toks, start):
                continue
            end = start + len(parts[0])
            for phrase in parts[1:]:
                window = range(end, min(len(toks), end + gap + 1))
                nxt = next((k for k in window if at(k, phrase)), None)
                if nxt is None or negated(toks[end:nxt], nxt - end):
                    break
                end = nxt + len(phrase)
            else:
                if now.holds(start, end, flag) and not _denied_after(toks, end, denials):
                    found.add(flag)
    return found
