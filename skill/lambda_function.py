"""AWS Lambda entry: ``skill.lambda_function.handler`` (template.yaml).

Thin on purpose: the skill and its store are built once per container, at import (Lambda's init
phase, which runs at full CPU), and each invocation only deserializes, dispatches and
serializes. Nothing here imports Flask or the certificate stack: with the AlexaSkill trigger,
Lambda only accepts invocations from Alexa for the configured skill id, and the skill builder
checks the id once more.

Environment (set by template.yaml):
    ``TPCOACH_TABLE``     the DynamoDB table; the store is ``dynamodb:<table>``.
    ``TPCOACH_STORE``     a store URL instead (``memory`` for tests and benchmarks).
    ``TPCOACH_SKILL_ID``  answer only this skill.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, cast

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_model import RequestEnvelope

from skill.app import build_skill
from skill.fastserial import Serializer
from skill.safelog import describe, logger
from skill.stores import lambda_store_url, open_store

SKILL_ID_ENV = "TPCOACH_SKILL_ID"
EMPTY_RESPONSE: Event = {"version": "1.0", "response": {}}
log = logger(__name__)  # logging is imported when something is logged

Event = dict[str, Any]
LambdaHandler = Callable[[Event, Any], Event]


def _skill_ids(request_envelope: RequestEnvelope) -> set[str]:
    named = set()
    for holder in (
        request_envelope.context and request_envelope.context.system,
        request_envelope.session,
    ):
        application_id = getattr(getattr(holder, "application", None), "application_id", None)
        if isinstance(application_id, str):
            named.add(application_id)
    return named


def make_handler(
    persistence_adapter: AbstractPersistenceAdapter | None, skill_id: str | None
) -> LambdaHandler:
    """A Lambda handler for the project's skill on this store."""
    skill = build_skill(persistence_adapter=persistence_adapter, skill_id=skill_id)
    serializer = Serializer()  # the SDK's, with class lookups cached and fast timestamps

    def handle(event: Event, context: Any) -> Event:
        # Never raise to Lambda: an exception there is an error Alexa reads to the user, and
        # an unreadable event (a type or enum this SDK does not know) gets the empty answer.
        try:
            request_envelope = serializer.deserialize(
                payload=json.dumps(event), obj_type=RequestEnvelope
            )
        except Exception as error:
            log.warning("an event the SDK cannot read: %s", describe(error))
            return dict(EMPTY_RESPONSE)
        if skill_id is not None and _skill_ids(request_envelope) != {skill_id}:
            # Refused, as the SDK's own check would: not a request this function may answer.
            raise AskSdkException("the request is not for this skill")
        try:
            response_envelope = skill.invoke(request_envelope=request_envelope, context=context)
        except Exception as error:  # a failure outside every handler
            log.error("the skill failed to answer: %s", describe(error))
            return dict(EMPTY_RESPONSE)
        return cast(Event, serializer.serialize(response_envelope))  # a ResponseEnvelope: a dict

    return handle


STORE = open_store(lambda_store_url())
_handle = make_handler(STORE, os.environ.get(SKILL_ID_ENV) or None)


def handler(event: Event, context: Any) -> Event:
    """Lambda's entry point: an Alexa request envelope in, a response envelope out."""
    return _handle(event, context)
