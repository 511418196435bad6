"""What the content is read into: immutable records (skill/records.py), and the words of the
content files' own vocabulary (the aspects, likelihoods and step kinds a file may name).

Nothing here reads a file: the builders (skill/content/builders/) make these objects, and
skill/compiled.py stores and restores them.
"""

from __future__ import annotations

from collections.abc import Mapping

from skill.records import record

FILES = (
    "regions.yaml",
    "muscles.yaml",
    "routines.yaml",
    "safety.yaml",
    "responses.yaml",
    "utterances.yaml",
)
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
# The built-in intents whose phrasings utterances.yaml lists under answers.
BUILT_IN_ANSWERS = (
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
)
# Meanings the backend reads inside a sentence, beside the built-ins.
MEANINGS = (
    "ready",
    "unsure",
    "hedged",  # "a bit", "maybe": a half yes, to the screen
    "more",
    "see_pt",
    "switch",
    "routine",
    *("better", "same", "worse", "gone"),  # answers to "is it better, the same, or worse?"
    "progress",  # "how am I doing"
    "forget",  # "forget me", "delete my data"
)
# The answers to the follow-up question, as kept in a user's history.
CHANGES = ("better", "same", "worse", "gone")

ASPECT_IDS = ("front", "back", "outside", "inside", "deep", "top", "bottom")
ANY_ASPECT = "any"
LIKELIHOODS = ("most_common", "common", "less_common")
STEP_KINDS = ("setup", "find", "pressure", "hold", "move", "finish")
# Steps that need no decision from the runner, and so may flow on to the next step after a
# pause (``flow: seconds``) instead of waiting for "next": getting into position, adding weight.
FLOW_KINDS = ("setup", "pressure")
MAX_FLOW_SECONDS = 10  # one SSML break
STEP_PLACEHOLDERS = frozenset({"your", "other", "equipment"})
ADVICE_PLACEHOLDERS = frozenset({"emergency", "urgent"})
NEEDS = ("floor", "wall", "chair")


@record
class Source:
    id: str
    title: str


@record
class Aspect:
    id: str
    name: str
    words: tuple[str, ...]


@record
class Side:
    id: str
    words: tuple[str, ...]


@record
class Equipment:
    id: str
    name: str
    words: tuple[str, ...]


@record
class RankedMuscle:
    muscle: str
    likelihood: str
    source: str


@record
class Location:
    region: str
    aspect: str
    words: tuple[str, ...]
    muscles: tuple[RankedMuscle, ...]
    note: str | None = None


@record
class Region:
    id: str
    name: str
    words: tuple[str, ...]
    aspects: tuple[str, ...]
    question_aspects: bool
    locations: Mapping[str, Location]

    @property
    def single_location(self) -> Location | None:
        """The location to use when no aspect is asked about."""
        if ANY_ASPECT in self.locations:
            return self.locations[ANY_ASPECT]
        if len(self.locations) == 1:
            return next(iter(self.locations.values()))
        return None


@record
class Condition:
    id: str
    name: str
    words: tuple[str, ...]
    region: str
    aspect: str
    source: str
    # said before the answer, where the name may mean more than knots ("sciatica": a nerve)
    first: Sourced | None = None


@record
class NoPressure:
    reason: str
    alternative: str
    source: str


@record
class Muscle:
    id: str
    name: str
    full_name: str | None
    words: tuple[str, ...]
    refers: str
    source: str
    routines: tuple[str, ...]
    no_pressure: NoPressure | None
    more: str | None = None  # the rest of what the source says: "tell me more", the card
    # Muscles the words for this one cover too ("glutes" are all three gluteals): "tell me
    # more" and "what else" name them after it.
    also: tuple[str, ...] = ()

    @property
    def referral(self) -> str:
        """Everything about where its knots send pain, to read."""
        return f"{self.refers} {self.more}" if self.more else self.refers


@record
class Step:
    kind: str
    text: str
    seconds: int | None = None
    reps: int | None = None
    flow: int | None = None  # seconds of pause, then the next step follows without a "next"


@record
class Routine:
    muscle: str
    equipment: str
    avoid: tuple[str, ...]
    source: str
    steps: tuple[Step, ...]
    needs: tuple[str, ...] = ("floor",)  # besides the ball or roller: floor, wall, chair
    # What the fetch prompt asks for when it is not the equipment itself ("a soft ball about
    # four inches across" for the belly, where a lacrosse ball is too hard).
    grab: str | None = None
    # What the offer and the card title call the routine's tool when it is not the equipment
    # ("a soft ball routine", not "a lacrosse ball routine", for the belly).
    tool: str | None = None


@record
class Range:
    min: int
    max: int
    source: str | None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.min <= value <= self.max


@record
class RedFlag:
    id: str
    words: tuple[str, ...]
    advice: str
    source: str
    # Signs found inside a sentence, often said in parts with other words between ("lost ...
    # weight": "lost a heap of weight"): each a tuple of phrases, found in order, close
    # together. Unlike ``words`` they get no lead intent: they are not said first.
    near: tuple[tuple[str, ...], ...] = ()
    # Signs whose parts each say so much alone that they count further apart, anywhere in one
    # sentence ("puffing like I ran a marathon and all I'm doing is lying here"): in order,
    # up to :data:`skill.signs.FAR_GAP` words apart.
    far: tuple[tuple[str, ...], ...] = ()

    @property
    def in_parts(self) -> tuple[tuple[str, ...], ...]:
        """The signs said in parts, near and far."""
        return (*self.near, *self.far)


@record
class Caution:
    id: str
    text: str
    source: str


@record
class AvoidZone:
    id: str
    name: str
    why: str
    source: str


@record
class Sourced:
    text: str
    source: str


@record
class ScreenExtra:
    """One more question for the screen before work on some muscles, and the flag a yes means."""

    id: str
    question: str
    flag: str
    muscles: frozenset[str]
    source: str


@record
class Screen:
    """The yes/no question before each routine session, and the caution said after a no."""

    question: str
    caution: Sourced
    source: str
    extra: tuple[ScreenExtra, ...] = ()
    # The question in parts, asked one at a time when the runner is not sure: each part alone,
    # with the flag a yes to it means (their ``muscles`` are empty: every routine asks them).
    parts: tuple[ScreenExtra, ...] = ()

    def extras_for(self, muscle: str) -> tuple[ScreenExtra, ...]:
        return tuple(e for e in self.extra if muscle in e.muscles)

    def one_at_a_time(self, muscle: str) -> tuple[ScreenExtra, ...]:
        """The questions asked one by one before ``muscle``'s routine: the parts, then extras."""
        return self.parts + self.extras_for(muscle)


@record
class FollowUp:
    """When a runner's "no change" means it is time to see a physical therapist, what to say
    about keeping going, and why a physical therapist (``safety.yaml``: follow_up)."""

    no_change_days: int  # "the same" this long after the first session without a change
    no_change_sessions: int  # or after this many sessions without a change
    summary_days: int  # the weeks "how am I doing" looks back over
    source: str
    keep_going: Sourced
    see_pt: Sourced


@record
class Healed:
    """Words that, said after a sign of ``flags``, put it in the past."""

    flags: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    signs: frozenset[str] = frozenset()  # signs of other flags that heal too (surgery)
    ago: tuple[str, ...] = ()  # just after a sign of now, with a healed word after: then
    never: frozenset[str] = frozenset()  # signs that no past puts away (a clot)


@record
class Explained:
    """Signs that ``causes`` said near them explain away ("red from my new socks")."""

    signs: frozenset[str] = frozenset()
    causes: tuple[str, ...] = ()


@record
class Others:
    """Who else a sign may be said of: ``people`` after one of ``after`` ("my mate"),
    ``pronouns`` ("his"), and ``things`` ("the market had a fall")."""

    after: frozenset[str] = frozenset()
    people: tuple[str, ...] = ()
    pronouns: frozenset[str] = frozenset()
    things: tuple[str, ...] = ()  # a sign just after one, anywhere, is the thing's


@record
class Safety:
    screen: Screen
    red_flags: tuple[RedFlag, ...]
    cautions: tuple[Caution, ...]
    avoid_zones: Mapping[str, AvoidZone]
    see_pt: Sourced
    disclaimer: Sourced
    numbers: Mapping[str, Mapping[str, str]]  # locale -> {emergency, urgent}
    not_signs: tuple[str, ...]
    follow_up: FollowUp
    # words that may stand between a sign's words ("can't really walk")
    soft_words: frozenset[str] = frozenset()
    # said after a sign, they put it in the past ("broke it years ago but it healed fine")
    healed: Healed = Healed()
    # a sign just after someone else is theirs ("my mate tore his calf")
    others: Others = Others()
    # redness or warmth with what explains it ("red from my new socks")
    explained: Explained = Explained()
    # said just after a sign, they deny it ("swelling is not there")
    denied_after: tuple[str, ...] = ()


@record
class Response:
    key: str
    fields: frozenset[str]
    variants: tuple[str, ...]


@record
class Topic:
    """A question about trigger points themselves: "what is a trigger point"."""

    id: str
    name: str
    words: tuple[str, ...]
    text: str
    source: str


@record
class Language:
    """What the skill hears around the content's own words (``utterances.yaml``)."""

    launch: tuple[str, ...]
    one_shot: tuple[str, ...]
    connectors: tuple[str, ...]
    exit: tuple[str, ...]
    wake: tuple[str, ...]
    leading_fillers: tuple[str, ...]
    trailing_fillers: tuple[str, ...]
    within_fillers: frozenset[str]
    openers: tuple[str, ...]
    second_words: tuple[str, ...]
    whole_only: frozenset[str]  # first words of answers heard only as the whole answer
    kit_first: frozenset[str]  # carriers though a look-alike starts with them ("shoe snapped")
    # carriers that begin signs, by pool; each pool keeps them through an intent of its own
    sign_words: Mapping[str, frozenset[str]]
    said_as: Mapping[str, str]  # an opener the lead of another may carry ("nearly" → "almost")
    answers: Mapping[str, tuple[str, ...]]  # built-in intent -> phrasings
    meanings: Mapping[str, tuple[str, ...]]  # ready, unsure, more, ... -> phrasings
    out_of_domain: tuple[str, ...]
    body_words: Mapping[str, tuple[str, ...]]  # "leg" -> region ids to offer
    news: tuple[str, ...]  # "but", "mind you": news said with a command or a yes to pressure
    news_calm: tuple[str, ...]  # "but fine": a news word that says all is well
    asking: tuple[str, ...]  # "why", "what": the words a question opens with
    recounting: tuple[str, ...]  # "had to", "won't": a command after them is told, not asked
    locale_say: Mapping[str, Mapping[str, str]]  # locale -> spoken word -> the locale's word
    # Typed sample templates (``typed``): fill name -> phrases, and the templates of TellIntent
    # and RoutineIntent; `tpcoach build-model` fills and filters them.
    typed_fills: Mapping[str, tuple[str, ...]]
    typed_tell: tuple[str, ...]
    typed_routine: tuple[str, ...]
    locale_hear: Mapping[str, tuple[str, ...]]  # locale -> its own typed TellIntent templates


@record(eq=False)  # hashed by identity: one catalogue per load
class Catalogue:
    """Everything the skill knows and says, read once from ``content/``."""

    sources: Mapping[str, Source]
    aspects: Mapping[str, Aspect]
    sides: Mapping[str, Side]
    equipment: Mapping[str, Equipment]
    regions: Mapping[str, Region]
    conditions: Mapping[str, Condition]
    muscles: Mapping[str, Muscle]
    routines: Mapping[tuple[str, str], Routine]
    ranges: Mapping[str, Range]
    safety: Safety
    responses: Mapping[str, Response]
    topics: Mapping[str, Topic]
    language: Language

    def routine(self, muscle: str, equipment: str) -> Routine | None:
        return self.routines.get((muscle, equipment))
