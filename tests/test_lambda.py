"""The Lambda entry answers Alexa without Flask or the certificate stack, on the table it is
given, for the skill it is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_runtime.exceptions import AskSdkException

from skill.stores import MemoryStore
from tests.hosting_support import OTHER_SKILL_ID, SKILL_ID, launch_request

ROOT = Path(__file__).resolve().parent.parent
# Modules the web entry needs and the Lambda entry must never load.
WEB_ONLY = (
    "flask",
    "werkzeug",
    "flask_ask_sdk",
    "ask_sdk_webservice_support",
    "certvalidator",
    "oscrypto",
    "asn1crypto",
    "skill.web",
    "skill._compat",
)


def run_lambda(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TPCOACH_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**clean, **env},
        check=False,
    )


def test_the_lambda_entry_answers_without_loading_flask_or_the_certificate_stack() -> None:
    result = run_lambda(
        f"""
        import json, os, sys
        import skill.lambda_function as entry
        answer = entry.handler(json.loads(os.environ["EVENT"]), None)
        loaded = sorted(
            name for name in sys.modules
            if any(name == m or name.startswith(m + ".") for m in {WEB_ONLY!r})
        )
        print(json.dumps({{"answer": answer, "loaded": loaded}}))
        """,
        TPCOACH_STORE="memory",
        TPCOACH_SKILL_ID=SKILL_ID,
        EVENT=json.dumps(launch_request()),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["loaded"] == [], f"the Lambda entry loaded web-only modules: {found['loaded']}"
    assert "outputSpeech" in found["answer"]["response"]
    json.dumps(found["answer"])  # what Lambda returns to Alexa must be plain JSON


def test_the_store_defaults_to_the_dynamodb_table_from_the_environment() -> None:
    result = run_lambda(
        """
        import skill.lambda_function as entry
        print(type(entry.STORE).__name__, entry.STORE.table_name, entry.STORE.partition_key_name)
        """,
        TPCOACH_TABLE="tpcoach-progress",
        AWS_REGION="eu-west-1",
        AWS_DEFAULT_REGION="eu-west-1",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["DynamoDbStore", "tpcoach-progress", "id"]


def test_without_a_table_the_lambda_entry_fails_at_init_saying_what_to_set() -> None:
    result = run_lambda("import skill.lambda_function")
    assert result.returncode != 0
    assert "TPCOACH_TABLE" in result.stderr


def test_the_lambda_handler_answers_only_its_own_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPCOACH_STORE", "memory")
    from skill import lambda_function

    handle = lambda_function.make_handler(MemoryStore(), SKILL_ID)
    answer: dict[str, Any] = handle(launch_request(skill_id=SKILL_ID), None)
    assert answer["version"] == "1.0" and "outputSpeech" in answer["response"]
    with pytest.raises(AskSdkException):
        handle(launch_request(skill_id=OTHER_SKILL_ID), None)


def test_the_entry_reads_every_request_shape_as_the_sdk_does() -> None:
    """skill/fastserial.py: the same objects as ask-sdk-core's own serializer, faster."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.fastserial import Serializer

    sdk, ours = DefaultSerializer(), Serializer()
    shapes = sorted((ROOT / "tests" / "envelopes").glob("*.json"))
    assert shapes
    for path in shapes:
        raw = path.read_text(encoding="utf-8")
        theirs, mine = sdk.deserialize(raw, RequestEnvelope), ours.deserialize(raw, RequestEnvelope)
        assert mine == theirs, path.name
        assert sdk.serialize(mine) == sdk.serialize(theirs), path.name
    # A timestamp that is not ISO 8601 still goes to dateutil, as before.
    odd = '{"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r",'
    odd += ' "timestamp": "Tue, 14 May 2025 09:21:44 GMT", "locale": "en-US"}}'
    assert ours.deserialize(odd, RequestEnvelope) == sdk.deserialize(odd, RequestEnvelope)
