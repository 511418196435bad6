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
from ask_sdk_model import RequestEnvelope

from skill.app import build_skill
from skill.stores import STORE_ENV, TABLE_ENV, open_store

SKILL_ID_ENV = "TPCOACH_SKILL_ID"

Event = dict[str, Any]
Handler = Callable[[Event, Any], Event]


def store_url_from_env() -> str:
    """``TPCOACH_STORE``, else ``dynamodb:$TPCOACH_TABLE``; no silent fallback to a local file."""
    url = os.environ.get(STORE_ENV)
    if url:
        return url
    table = os.environ.get(TABLE_ENV)
    if table:
        return f"dynamodb:{table}"
    raise RuntimeError(
        f"no store configured: set {TABLE_ENV} to the DynamoDB table (template.yaml does), "
        f"or {STORE_ENV} to a store URL"
    )


def make_handler(
    persistence_adapter: AbstractPersistenceAdapter | None, skill_id: str | None
) -> Handler:
    """A Lambda handler for the project's skill on this store."""
    skill = build_skill(persistence_adapter=persistence_adapter, skill_id=skill_id)
    serializer = skill.serializer

    def handle(event: Event, context: Any) -> Event:
        request_envelope = serializer.deserialize(
            payload=json.dumps(event), obj_type=RequestEnvelope
        )
        response_envelope = skill.invoke(request_envelope=request_envelope, context=context)
        return cast(Event, serializer.serialize(response_envelope))  # a ResponseEnvelope: a dict

    return handle


STORE = open_store(store_url_from_env())
_handle = make_handler(STORE, os.environ.get(SKILL_ID_ENV) or None)


def handler(event: Event, context: Any) -> Event:
    """Lambda's entry point: an Alexa request envelope in, a response envelope out."""
    return _handle(event, context)
