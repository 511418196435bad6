"""Request bodies and small helpers shared by the hosting tests (web, stores, Lambda)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from tpcoach import local

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-9999-9999-9999-999999999999"


def launch_request(
    user_id: str = "amzn1.ask.account.TESTUSER",
    skill_id: str = SKILL_ID,
    timestamp: str | None = None,
    request_type: str = "LaunchRequest",
) -> dict[str, Any]:
    """A request envelope as Alexa sends it for "open trigger point coach" (tpcoach/local.py
    builds it, as for every other test)."""
    request = local.launch_request()
    request["type"] = request_type
    if timestamp is not None:
        request["timestamp"] = timestamp
    return local.envelope(
        request,
        session_id=local.new_session_id(),
        new=True,
        attributes={},
        user_id=user_id,
        skill_id=skill_id,
    )


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


@contextmanager
def local_endpoint() -> Iterator[str]:
    """The skill's web entry on an ephemeral loopback port, verification off, memory store (as
    ``tpcoach serve --no-verify``): yields the URL to POST requests to."""
    from werkzeug.serving import make_server

    from skill.web import create_app

    server = make_server("127.0.0.1", 0, create_app(verify=False, store="memory"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alexa"
    finally:
        server.shutdown()
        thread.join(timeout=10)
