"""Property-based fuzz over request envelopes and session attributes (hypothesis): whatever
arrives, zero exceptions, no 5xx, and every answer valid for its request type (SSML
well-formed, within Alexa's limits).

The default run is a few hundred examples; ``TPCOACH_FUZZ_EXAMPLES=2500`` (or
``benchmarks/fuzz.py``) runs more.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Request, RequestEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill import web
from skill.app import build_skill_builder, handled_intents
from skill.content import catalogue
from skill.resolve import vocabulary
from skill.state import QUESTIONS
from skill.stores import MemoryStore
from tests.envelope_checks import assert_valid_for_type

EXAMPLES = int(os.environ.get("TPCOACH_FUZZ_EXAMPLES", "300"))
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

cat = catalogue()
vocab = vocabulary(cat)
IDS = sorted(
    {*cat.regions, *cat.muscles, *cat.aspects, *cat.equipment, *vocab.place_meaning, "left"}
)
WORDS = sorted({*vocab.places, *vocab.muscles, *vocab.topics, *vocab.symptoms})

# Text as it can arrive: words the skill knows, any unicode (controls, U+FFFF, surrogates'
# neighbours), markup, and very long runs.
nasty = st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=60)
texts = st.one_of(
    st.sampled_from(WORDS),
    nasty,
    st.sampled_from(["<speak>", "</speak>", "&amp;", "]]>", "\x00\b\uffff", "<break time='99s'/>"]),
    st.builds(
        lambda w, n: w * n, st.sampled_from(["knee ", "x", "\x0b", "<&>"]), st.integers(1, 3000)
    ),
)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), texts
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, json_values)


routines = st.fixed_dictionaries(
    {},
    optional={
        "muscle": field(st.sampled_from(sorted(cat.muscles))),
        "equipment": field(st.sampled_from(sorted(cat.equipment))),
        "side": field(st.sampled_from(["left", "right"])),
        "step": field(st.integers(0, 8)) | st.sampled_from([float("inf"), -1, 10**30, True]),
        "started": field(st.booleans()),
        "sides_done": field(st.lists(st.sampled_from(["left", "right", "first"]), max_size=2)),
        "muscles": field(st.lists(st.sampled_from(sorted(cat.muscles)), max_size=3)),
    },
)
states = st.fixed_dictionaries(
    {},
    optional={
        "pending": field(st.sampled_from(QUESTIONS)),
        "region": field(st.sampled_from(sorted(cat.regions))),
        "aspect": field(st.sampled_from(sorted(cat.aspects))),
        "side": field(st.sampled_from(["left", "right"])),
        "muscles": field(st.lists(st.sampled_from(sorted(cat.muscles)), max_size=3)),
        "offered": field(st.sampled_from(sorted(cat.muscles))),
        "equipment": field(st.sampled_from(sorted(cat.equipment))),
        "routine": field(routines),
        "misses": field(st.integers(0, 3)),
        "said": field(st.lists(st.text(max_size=10), max_size=2)),
        "warned": field(st.booleans()),
    },
)
attributes = st.one_of(
    st.fixed_dictionaries({"tpc": states}),
    st.fixed_dictionaries({"tpc": json_values}),
    st.dictionaries(st.text(max_size=5), json_values, max_size=2),
)
statuses = st.sampled_from(
    ["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION"]
)


@st.composite
def slots(draw: st.DrawFn) -> dict[str, Any]:
    out = {}
    names = draw(
        st.lists(
            st.sampled_from(
                [
                    "region",
                    "aspect",
                    "side",
                    "condition",
                    "muscle",
                    "equipment",
                    "topic",
                    "symptom",
                    "query",
                ]
            ),
            max_size=4,
            unique=True,
        )
    )
    for name in names:
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if draw(st.booleans()):
            slot["value"] = draw(texts)
        if draw(st.booleans()):
            authorities = []
            for _ in range(draw(st.integers(1, 3))):
                status = draw(statuses)
                authority: dict[str, Any] = {
                    "authority": f"amzn1.er-authority.echo-sdk.{SKILL}.T",
                    "status": {"code": status},
                }
                if status == "ER_SUCCESS_MATCH":
                    ident = draw(st.one_of(st.sampled_from(IDS), texts))
                    authority["values"] = [{"value": {"name": draw(texts), "id": ident}}]
                authorities.append(authority)
            slot["resolutions"] = {"resolutionsPerAuthority": authorities}
        if draw(st.booleans()):
            slot["slotValue"] = {"type": "Simple", "value": draw(texts)}
        out[name] = slot
    return out


REQUEST_TYPES = sorted(Request.discriminator_value_class_map)
INTENTS = [*sorted(handled_intents()), "AMAZON.SomethingNewIntent", "AskAnythingIntent"]


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.one_of(
            st.sampled_from(["LaunchRequest", "IntentRequest", "CanFulfillIntentRequest"]),
            st.sampled_from(REQUEST_TYPES),
        )
    )
    request: dict[str, Any] = {
        "type": kind,
        "requestId": "amzn1.echo-api.request.fuzz",
        "timestamp": "2025-05-14T09:21:44Z",
        "locale": draw(st.sampled_from(["en-US", "en-GB", "de-DE"])),
    }
    if kind in ("IntentRequest", "CanFulfillIntentRequest"):
        request["intent"] = {
            "name": draw(st.sampled_from(INTENTS)),
            "confirmationStatus": "NONE",
            "slots": draw(slots()),
        }
    if kind == "SessionEndedRequest":
        request["reason"] = draw(
            st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
        )
    if kind == "System.ExceptionEncountered":
        request["error"] = {"type": "INVALID_RESPONSE", "message": draw(texts)}
        request["cause"] = {"requestId": draw(texts)}
    if kind.endswith("UserEvent"):
        request["arguments"] = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(["next", "place", "muscle", "tfl", "knee_outside", "stop"]),
                    json_values,
                ),
                max_size=3,
            )
        )
    user = {"userId": "amzn1.ask.account.FUZZ"}
    application = {"applicationId": SKILL}
    body: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "d", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request,
    }
    in_session = draw(st.booleans()) or kind in ("LaunchRequest", "IntentRequest")
    if in_session and draw(st.integers(0, 9)):  # now and then a launch or intent without one
        body["session"] = {
            "new": draw(st.booleans()),
            "sessionId": "amzn1.echo-api.session.fuzz",
            "application": application,
            "user": user,
            "attributes": draw(attributes),
        }
    return body


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def errors() -> Iterator[_Errors]:
    handler = _Errors()
    logger = logging.getLogger("skill")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.fixture(scope="module")
def entries() -> tuple[Any, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TPCOACH_STORE", "memory")
        from skill import lambda_function

        handler = lambda_function.make_handler(MemoryStore(), None)
    client = web.create_app(build_skill_builder(MemoryStore()), verify=False).test_client()
    return handler, client


def readable(body: dict[str, Any]) -> bool:
    try:
        DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)
    except Exception:
        return False
    return True


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=envelopes())
def test_any_envelope_gets_a_valid_answer_and_no_exception(
    body: dict[str, Any], entries: tuple[Any, Any], errors: _Errors
) -> None:
    handler, client = entries
    errors.records.clear()
    context = json.dumps(body)[:2000]
    answer = handler(json.loads(json.dumps(body)), None)  # never raises
    if readable(body):
        assert_valid_for_type(body, answer, context)
    else:
        assert answer == {"version": "1.0", "response": {}}
    response = client.post("/alexa", data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (response.status_code, context)
    if response.status_code == 200:
        assert_valid_for_type(body, response.get_json(), context)
    assert not errors.records, [r.getMessage()[:500] for r in errors.records]
