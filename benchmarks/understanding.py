"""How well the skill understands runners' own words: the pass rate of a corpus, by category.

    .venv/bin/python benchmarks/understanding.py              # both halves, both clients
    .venv/bin/python benchmarks/understanding.py --half dev --client nlu --failures

The corpus (``benchmarks/understanding/{dev,test}.yaml``) was written by people who saw only
``mapping.md`` (the medical mapping and the questions the skill asks), never the model, the
content's word lists or the code. ``dev`` may be read and tuned on; ``test`` is not read while the
model is tuned: run it, and look only at its table.

Each entry is said at a point of a conversation (``at``). The benchmark first brings a new user
to that point with plain phrasings (for ``step``: the TFL routine at step 3), then says the
entry, through one of two clients:

* ``nlu``: ``tpcoach/nlu.py`` turns the words into the request (as ``tpcoach chat`` does) and the
  skill answers in this process;
* ``va``: npm ``virtual-alexa`` reads the shipped interaction model of the entry's locale, turns
  the words into the request and POSTs it to the skill's web entry on loopback.

An entry passes when the skill's answer means what ``expect`` says, judged on the state the
skill keeps (``sessionAttributes``) and the content it says, never on wording: the right place
answered or a fair question about it, the right muscle, the right move, red-flag advice and no
routine. The benchmark itself is not a test; a fixed slice of ``dev`` is
(tests/test_understanding.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skill.app import build_skill_builder  # noqa: E402
from skill.content import catalogue  # noqa: E402
from skill.state import SESSION_KEY  # noqa: E402
from skill.stores import open_store  # noqa: E402
from skill.text import plain  # noqa: E402
from tpcoach.chat import utter  # noqa: E402
from tpcoach.local import Client, ended, in_process, speech_of  # noqa: E402
from tpcoach.model import INVOCATION_NAME  # noqa: E402
from tpcoach.nlu import load_model  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "understanding"
MODELS = ROOT / "interaction_model" / "interactionModels" / "custom"
VA_RUNNER = ROOT / "tests" / "va" / "run.js"
# Sets that may be read and tuned on, and sets that are only run (their failures never listed).
TUNED = ("dev", "dev2", "redflags", "redflags2", "redflags3", "redflags4", "redflags5",
         "redflags6", "redflags7", "redflags8", "redflags9", "redflags10",
         "redflags11", "redflags12", "redflags13", "redflags14", "redflags15",
         "redflags16", "redflags17", "redflags18", "redflags19", "redflags20",
         "redflags21", "redflags22", "redflags23", "redflags24", "redflags25",
         "redflags26", "redflags27", "redflags28", "redflags29", "redflags30",
         "redflags31", "redflags32", "redflags33", "redflags34", "redflags35",
         # held out until session 21 (measured blind in session 20), tuned on since
         "redflags-holdout14")  # fmt: skip
HELD_OUT = (
    "test",
    "redflags-holdout",
    "redflags-holdout2",
    "redflags-holdout3",
    "redflags-holdout4",
    "redflags-holdout5",
    "redflags-holdout6",
    "redflags-holdout7",
    "redflags-holdout8",
    "redflags-holdout9",
    "redflags-holdout10",
    "redflags-holdout11",
    "redflags-holdout12",
    "redflags-holdout13",
    "redflags-holdout15",
    "redflags-holdout16",
    "redflags-holdout17",
    "redflags-holdout18",
    "redflags-holdout19",
    "redflags-holdout20",
    "redflags-holdout21",
    "redflags-holdout22",
    "redflags-holdout23",
    "redflags-holdout24",
    "redflags-holdout25",
    "redflags-holdout26",
)
CATEGORIES = (
    "place",
    "vague",
    "follow-up",
    "advice",
    "red-flag",
    "not-red-flag",
    "locale",
    "other",
)

# The kinds the writers were given (mapping.md) and the red flags whose advice covers each: an
# emergency sign has its own flag (breathlessness with a clot, saddle numbness with a nerve).
RED_FLAG_KINDS = {
    "clot": ("possible_clot", "breathless_or_chest_pain"),
    "nerve": ("nerve_signs", "saddle_or_bladder"),
    "rupture": ("possible_rupture",),
    "fracture": ("possible_fracture", "rolled_ankle"),
    "stress_fracture": ("stress_fracture",),
    "knee_injury": ("knee_injury",),
    "infection": ("hot_red_joint_fever",),
    "circulation": ("compartment_or_circulation",),
    "unexplained": ("unexplained_pain",),
}


# --------------------------------------------------------------------------- getting there


def _place_phrase(place: str) -> str:
    cat = catalogue()
    region, _, aspect = place.partition(".")
    name = cat.regions[region].name.lower()
    if aspect:
        return f"why does the {aspect} of my {name} hurt"
    return f"why does my {name} hurt"


def context_turns(at: str) -> list[str]:
    """What a new user says to reach ``at`` (the entry is said after these)."""
    offer = ["open trigger point coach", _place_phrase("knee.outside")]
    if at == "start":
        return ["open trigger point coach"]
    if at.startswith("question:"):
        return ["open trigger point coach", _place_phrase(at.split(":", 1)[1])]
    if at.startswith("offer:"):
        return ["open trigger point coach", _place_phrase(at.split(":", 1)[1])]
    if at == "screen":
        return [*offer, "yes"]
    if at == "ready":
        return [*offer, "yes", "no"]
    if at == "step":
        return [*offer, "yes", "no", "ready", "next", "next"]
    if at == "resume":
        return [*offer, "yes", "no", "ready", "next", "next", "stop", "open trigger point coach"]
    if at == "other_side":
        # A step that flows on needs no "next": the last step asks about the other side.
        steps = catalogue().routine("tfl", "lacrosse_ball").steps  # type: ignore[union-attr]
        at_step, nexts = 0, 0
        while at_step < len(steps) - 1:
            if steps[at_step].flow is None:
                nexts += 1
            at_step += 1
        return [*offer, "yes", "no", "ready", *(["next"] * nexts)]
    raise ValueError(f"unknown point of the conversation: {at}")


# --------------------------------------------------------------------------- judging


@dataclass
class Outcome:
    response: dict[str, Any] | None
    before: dict[str, Any]  # the state before the entry was said
    error: str | None = None
    request: dict[str, Any] | None = None  # the request the entry's words became
    # A sign answered with the screen, and the runner then says "yes" (having just told of
    # it): what that yes was answered with (nlu only).
    then_yes: Outcome | None = None

    @property
    def carried_words(self) -> bool:
        """Whether the words reached the skill: an intent other than Fallback, with a slot
        that heard some of them (the safety gate can only read what arrives)."""
        req = (self.request or {}).get("request") or {}
        intent = req.get("intent") or {}
        if req.get("type") != "IntentRequest" or intent.get("name") == "AMAZON.FallbackIntent":
            return False
        return any((slot or {}).get("value") for slot in (intent.get("slots") or {}).values())

    @property
    def state(self) -> dict[str, Any]:
        return ((self.response or {}).get("sessionAttributes") or {}).get(SESSION_KEY) or {}

    @property
    def said(self) -> list[str]:
        return list(self.state.get("said") or [])

    @property
    def speech(self) -> str:
        return plain(speech_of(self.response or {})).lower()

    @property
    def open(self) -> bool:
        return self.response is not None and not ended(self.response)


def _norm(text: str) -> str:
    return " ".join(plain(text).lower().split())


def _advice_heard(out: Outcome) -> set[str]:
    return {
        f.id
        for f in catalogue().safety.red_flags
        if _norm(f.advice)[:60] in " ".join(out.speech.split())
    } | {k.split(":", 1)[1] for k in out.said if k.startswith("red_flag:")}


def _topic_heard(out: Outcome) -> set[str]:
    cat = catalogue()
    heard = {
        t.id for t in cat.topics.values() if _norm(t.text)[:60] in " ".join(out.speech.split())
    }
    if _norm(cat.safety.see_pt.text)[:60] in " ".join(out.speech.split()):
        heard.add("see_pt")
    return heard | {k.split(":", 1)[1] for k in out.said if k.startswith("topic:")}


def instead_of_advice(out: Outcome) -> str:
    """What a red-flag sentence heard as no sign was answered with, from the safest: the
    screen asked (again), the stop rule, a question, an offer of a routine, a step."""
    said, pending = set(out.said), out.state.get("pending")
    if any(k.startswith("step:") for k in said):
        return "a step"
    if pending == "screen" or said & {"screen_again", "screen_intro", "screen_sure"}:
        return "the screen"
    if "stop_rule" in said:
        return "the stop rule"
    if pending in ("region", "aspect", "red_flag"):
        return "a question"
    if pending in ("offer_routine", "ready", "next_muscle", "other_side", "resume"):
        return "an offer"
    return "something else"


def _step(state: dict[str, Any]) -> int | None:
    routine = state.get("routine") or {}
    return routine.get("step", 0) + 1 if routine.get("started") else None


def judge(entry: dict[str, Any], out: Outcome) -> bool:
    """Whether the skill's answer means what the entry expects."""
    if out.response is None:
        return False
    expect = entry["expect"]
    state = out.state
    routine = state.get("routine") or {}
    pressure = bool(routine) or state.get("pending") in ("screen", "ready")
    if expect.get("red_flag") == "none":
        return not _advice_heard(out)  # alarming words that are no sign: no false alarm
    if "red_flag" in expect:
        return bool(_advice_heard(out)) and not pressure and not out.open
    if _advice_heard(out):
        return False  # advice to get checked where no red flag was said
    if "place" in expect:
        region, _, aspect = str(expect["place"]).partition(".")
        if "side" in expect and state.get("side") != expect["side"]:
            return False
        if state.get("region") != region:
            return False
        if state.get("muscles") and (not aspect or state.get("aspect") in (aspect, "any")):
            return True
        # A region alone: one fair question about its parts.
        return not aspect and state.get("pending") == "aspect"
    if "muscle" in expect:
        muscle = expect["muscle"]
        if "side" in expect and (state.get("side") or routine.get("side")) != expect["side"]:
            return False
        return muscle in (
            (state.get("muscles") or [None])[0],
            state.get("offered"),
            routine.get("muscle"),
        )
    if expect.get("vague"):
        return out.open and state.get("pending") in ("region", "aspect") and not pressure
    if expect.get("out_of_domain"):
        return not state.get("muscles") and not routine
    intent = expect.get("intent")
    if isinstance(intent, bool):  # YAML reads a bare yes / no as true / false
        intent = "yes" if intent else "no"
    return _judge_intent(str(intent), entry["at"], out, out.before) if intent else False


def said_step(said: list[str]) -> int | None:
    """The first routine step an answer said (its "step:muscle:n" keys), if any."""
    for key in said:
        if key.startswith("step:"):
            return int(key.rsplit(":", 1)[1])
    return None


def _judge_intent(intent: str, at: str, out: Outcome, before: dict[str, Any]) -> bool:
    state, said = out.state, out.said
    routine = state.get("routine") or {}
    step, was = _step(state), _step(before)
    pending = state.get("pending")

    def rechecked() -> bool:
        return "screen_again" in said and pending == "screen"

    checks: dict[str, Callable[[], bool]] = {
        "yes": lambda: (
            pending in ("screen", "ready")
            if at.startswith("offer") or at == "start"
            else (step is not None or "screen_again" in said) and out.open
        ),
        "no": lambda: (
            pending == "ready" or ("screen_sure" in said and pending == "screen")
            if at == "screen"
            else "resume_declined" in said
            if at == "resume"
            else not routine.get("started") or pending == "next_muscle"
            if at.startswith("offer") or at == "other_side"
            else not out.open or pending in ("region", None)
        ),
        # A step that needs no decision flows on to the next (routines.yaml "flow"): what counts
        # is the step the answer starts with, not the one it ends on.
        # A ready that tells of the body ("ready, my calves are stiff") may get the screen again
        # before the first press: a fair question, not a miss.
        "ready": lambda: said_step(said) == 1 or ("screen_again" in said and pending == "screen"),
        # A step command that brings news ("next, but my calf's gone puffy") gets the screen
        # again before the next press, at the step it asked for: a fair question, not a miss.
        "next": lambda: (
            step is not None
            and (was is None or said_step(said) == was + 1 or (rechecked() and step == was + 1))
        ),
        "previous": lambda: step is not None and was is not None and step == max(1, was - 1),
        "repeat": lambda: (step is not None and step == was) or bool(said and at != "step"),
        "start_over": lambda: said_step(said) == 1 or (rechecked() and step == 1),
        "pause": lambda: "paused" in said,
        "resume": lambda: step is not None,
        "stop": lambda: not out.open,
        "help": lambda: out.open and any(k.startswith("help") for k in said),
        "more": lambda: (
            state.get("offered") not in (None, before.get("offered"))
            or "more" in said
            or "answer_also" in said
        ),
        "unsure": lambda: (
            out.open and pending == before.get("pending") and not routine.get("started")
        ),
        "switch_equipment": lambda: (
            (routine.get("equipment") or state.get("equipment"))
            not in (None, (before.get("routine") or {}).get("equipment") or before.get("equipment"))
        ),
        "see_pt": lambda: bool({"see_pt", "physical_therapist"} & _topic_heard(out)),
        "about": lambda: bool(_topic_heard(out)),
    }
    check = checks.get(intent)
    return bool(check and check())


# --------------------------------------------------------------------------- the two clients


def _state_of(response: dict[str, Any] | None) -> dict[str, Any]:
    return ((response or {}).get("sessionAttributes") or {}).get(SESSION_KEY) or {}


def run_nlu(entries: list[dict[str, Any]]) -> list[Outcome]:
    outcomes = []
    for entry in entries:
        locale = entry.get("locale", "en-US")
        model = (
            load_model(MODELS / f"{locale}.json")
            if (MODELS / f"{locale}.json").exists()
            else load_model()
        )
        client = Client(in_process(build_skill_builder(open_store("memory"))), locale=locale)
        before: dict[str, Any] = {}
        for said in context_turns(entry["at"]):
            exchanges = utter(client, model.understand(said))
            before = _state_of(exchanges[-1][1] if exchanges else None)
        exchanges = utter(client, model.understand(entry["say"]))
        response = exchanges[-1][1] if exchanges else None
        request = exchanges[-1][0] if exchanges else None
        outcome = Outcome(response, before, request=request)
        if _is_sign(entry) and not _advice_heard(outcome) and _screened(outcome):
            follow = utter(client, model.understand("yes"))
            outcome.then_yes = Outcome(follow[-1][1] if follow else None, outcome.state)
        outcomes.append(outcome)
    return outcomes


def _is_sign(entry: dict[str, Any]) -> bool:
    return "red_flag" in entry["expect"] and entry["expect"]["red_flag"] != "none"


def _screened(out: Outcome) -> bool:
    return instead_of_advice(out) == "the screen"


@contextmanager
def endpoint() -> Iterator[str]:
    """The web entry on loopback, as the tests serve it (verification off, memory store)."""
    from tests.hosting_support import local_endpoint

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with local_endpoint() as url:
        yield url


def va_grammar() -> dict[str, Any]:
    """Alexa's launch grammar for tests/va/run.js: virtual-alexa's own takes "tell me more"
    for a launch and knows no one-shot but "ask <name> to ..."."""
    lang = catalogue().language
    return {
        "invocation": INVOCATION_NAME,
        "launch": list(lang.launch),
        "one_shot": list(lang.one_shot),
        "connectors": list(lang.connectors),
        "wake": list(lang.wake),
    }


def _va_words(text: str) -> str:
    words = text.split()
    return " ".join(words[1:] if words[:1] and words[0].lower() == "alexa" else words)


def run_va(entries: list[dict[str, Any]]) -> list[Outcome]:
    by_locale: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        by_locale[entry.get("locale", "en-US")].append(i)
    outcomes: list[Outcome | None] = [None] * len(entries)
    with endpoint() as url:
        for locale, indexes in by_locale.items():
            model = MODELS / f"{locale}.json"
            conversations = [
                {
                    "name": str(i),
                    "turns": [*context_turns(entries[i]["at"]), _va_words(entries[i]["say"])],
                }
                for i in indexes
            ]
            payload = {
                "model": str(model),
                "url": url,
                "locale": locale,
                "conversations": conversations,
                "grammar": va_grammar(),
            }
            done = subprocess.run(
                ["node", str(VA_RUNNER)],
                input=json.dumps(payload),
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            for conv in json.loads(done.stdout):
                i = int(conv["name"])
                turns = conv["turns"]
                expected = len(context_turns(entries[i]["at"])) + 1
                before = _state_of(turns[-2].get("response")) if len(turns) >= 2 else {}
                if len(turns) < expected or "error" in turns[-1]:
                    where = "" if len(turns) == expected else f"(context turn {len(turns)}) "
                    outcomes[i] = Outcome(None, before, where + str(turns[-1].get("error")))
                else:
                    outcomes[i] = Outcome(
                        turns[-1].get("response"), before, request=turns[-1].get("request")
                    )
    return [o for o in outcomes if o is not None]


# --------------------------------------------------------------------------- the table


def load(half: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load((CORPUS / f"{half}.yaml").read_text("utf-8"))
    return entries


def table(name: str, entries: list[dict[str, Any]], passed: list[bool]) -> str:
    totals: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for entry, ok in zip(entries, passed, strict=True):
        category = entry["category"]
        if category == "red-flag" and entry["expect"].get("red_flag") == "none":
            category = "not-red-flag"  # a look-alike, whatever its writer called it
        stage = f"signs at {entry['at'].split(':')[0]}" if category == "red-flag" else ""
        for key in filter(None, (category, f"locale {entry.get('locale', 'en-US')}", stage)):
            totals[key] += 1
            wins[key] += ok
    lines = [
        f"{name}: {sum(passed)}/{len(passed)} ({100 * sum(passed) / max(1, len(passed)):.0f}%)"
    ]
    for key in [*CATEGORIES, *sorted(k for k in totals if k.startswith(("locale ", "signs at ")))]:
        if totals[key]:
            lines.append(
                f"  {key:<20} {wins[key]:>4}/{totals[key]:<4} {100 * wins[key] / totals[key]:5.1f}%"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--half",
        choices=(*TUNED, *HELD_OUT, "both", "all"),
        default="both",
        help=f"both: dev and test; {', '.join(TUNED[1:])}: development sets (tuned on);"
        f" {', '.join(HELD_OUT)}: held out (never read); all: every one",
    )
    parser.add_argument("--client", choices=("nlu", "va", "both"), default="both")
    parser.add_argument(
        "--failures", action="store_true", help="list the failing entries (never of the test half)"
    )
    args = parser.parse_args()
    halves = {
        "both": ("dev", "test"),
        "all": (*TUNED, *HELD_OUT),
    }.get(args.half, (args.half,))
    clients = ("nlu", "va") if args.client == "both" else (args.client,)
    for half in halves:
        entries = load(half)
        for client in clients:
            outcomes = run_nlu(entries) if client == "nlu" else run_va(entries)
            passed = [judge(e, o) for e, o in zip(entries, outcomes, strict=True)]
            print(table(f"{half} through {client}", entries, passed))
            flagged = [
                o
                for e, o in zip(entries, outcomes, strict=True)
                if "red_flag" in e["expect"] and e["expect"]["red_flag"] != "none"
            ]
            if flagged:
                carried = sum(o.carried_words for o in flagged)
                print(
                    f"  red-flag sentences that reached the skill with their words:"
                    f" {carried}/{len(flagged)}"
                )
                kinds = [
                    any(
                        f"red_flag:{flag}" in o.said
                        for flag in RED_FLAG_KINDS[str(e["expect"]["red_flag"])]
                    )
                    for e, o in zip(entries, outcomes, strict=True)
                    if "red_flag" in e["expect"] and e["expect"]["red_flag"] != "none"
                ]
                print(f"  advice of the kind its writer meant: {sum(kinds)}/{len(kinds)}")
                pressing = [
                    (e, o)
                    for e, o in zip(entries, outcomes, strict=True)
                    if "red_flag" in e["expect"]
                    and e["expect"]["red_flag"] != "none"
                    and any(k.startswith("step:") for k in o.said)
                ]
                print(
                    "  red-flag sentences answered with a pressure step:"
                    f" {len(pressing)}/{len(flagged)}"
                )
                if pressing:
                    # Where and through which intent, never the words: a held-out set's
                    # sentences are not read, but the path that reached pressure may be.
                    paths = Counter(f"at {e['at']} as {_intent_name(o)}" for e, o in pressing)
                    print(
                        "  pressure steps by point and intent: "
                        + ", ".join(f"{what} {n}" for what, n in paths.most_common())
                    )
                instead = Counter(instead_of_advice(o) for o in flagged if not _advice_heard(o))
                if instead:
                    print(
                        "  signs answered without advice got instead: "
                        + ", ".join(f"{what} {n}" for what, n in instead.most_common())
                    )
                asked = [o.then_yes for o in flagged if o.then_yes is not None]
                if asked:
                    # One turn on: the runner who has just told of a sign answers the screen
                    # "yes". Not the measure (that is the first answer), a look at where the
                    # screen leads.
                    then = Counter(
                        "advice"
                        if _advice_heard(o)
                        else "the which-sign question"
                        if o.state.get("pending") == "red_flag"
                        else instead_of_advice(o)
                        for o in asked
                    )
                    print(
                        f'  of those {len(asked)} given the screen, a "yes" then got: '
                        + ", ".join(f"{what} {n}" for what, n in then.most_common())
                    )
            if args.failures and half in TUNED:
                for entry, outcome, ok in zip(entries, outcomes, passed, strict=True):
                    if not ok:
                        print(
                            f"    FAIL [{entry['category']}] at {entry['at']}: {entry['say']!r}"
                            f" expect {entry['expect']} -> said {outcome.said}"
                            f" pending {outcome.state.get('pending')}"
                            f"{' error ' + str(outcome.error)[:60] if outcome.error else ''}"
                        )
            print()


def _intent_name(outcome: Outcome) -> str:
    req = (outcome.request or {}).get("request") or {}
    return str((req.get("intent") or {}).get("name") or req.get("type") or "no request")


if __name__ == "__main__":
    main()
