"""Request bodies and small helpers shared by the hosting tests (web, stores, Lambda)."""

from __future__ import annotations

import json
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-9999-9999-9999-999999999999"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def launch_request(
    user_id: str = "amzn1.ask.account.TESTUSER",
    skill_id: str = SKILL_ID,
    timestamp: str | None = None,
    request_type: str = "LaunchRequest",
) -> dict[str, Any]:
    """A request envelope as Alexa sends it for "open trigger point coach"."""
    application = {"applicationId": skill_id}
    user = {"userId": user_id}
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "user": user,
            "attributes": {},
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": request_type,
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": timestamp or now_iso(),
            "locale": "en-US",
        },
    }


def envelope(body: dict[str, Any]) -> RequestEnvelope:
    result: RequestEnvelope = DefaultSerializer().deserialize(
        payload=json.dumps(body), obj_type=RequestEnvelope
    )
    return result


def user_envelope(user_id: str) -> RequestEnvelope:
    return envelope(launch_request(user_id=user_id))


def closed_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
