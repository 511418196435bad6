"""Request envelopes as Alexa sends them, and a client that threads a session between turns.

Used by the dialogue tests and by ``tpcoach chat`` / ``tpcoach say``, so that both talk to the
skill exactly as a device would: a LaunchRequest or IntentRequest with entity-resolution results,
the session attributes of the previous response sent back, a new session after one ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Envelope = dict[str, Any]
Transport = Callable[[Envelope], Envelope]

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
LOCAL_USER_ID = "amzn1.ask.account.LOCALUSER"
AUTHORITY = "amzn1.er-authority.echo-sdk.{skill}.{slot_type}"


@dataclass(frozen=True)
class SlotValue:
    """A slot as Alexa heard it: ``id`` set on an entity-resolution match, else no match.

    ``name`` is the matched value's canonical name (Alexa puts it in the resolution; ``value``
    keeps the words heard); it defaults to ``value``.
    """

    value: str
    id: str | None = None
    slot_type: str = "Custom"
    name: str | None = None

    def to_json(self, name: str, skill_id: str) -> dict[str, Any]:
        authority = AUTHORITY.format(skill=skill_id, slot_type=self.slot_type)
        if self.id is not None:
            resolution = {
                "authority": authority,
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": self.name or self.value, "id": self.id}}],
            }
        else:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        return {
            "name": name,
            "value": self.value,
            "confirmationStatus": "NONE",
            "resolutions": {"resolutionsPerAuthority": [resolution]},
        }


def timestamp(moment: datetime) -> str:
    """A request timestamp as Alexa writes it (ISO 8601, UTC, whole seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> str:
    return timestamp(datetime.now(UTC))


def launch_request(locale: str = "en-US") -> dict[str, Any]:
    return {
        "type": "LaunchRequest",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now(),
        "locale": locale,
    }


def intent_request(
    name: str,
    slots: Mapping[str, SlotValue] | None = None,
    *,
    skill_id: str = LOCAL_SKILL_ID,
    locale: str = "en-US",
) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now(),
        "locale": locale,
        "dialogState": "COMPLETED",
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {k: v.to_json(k, skill_id) for k, v in (slots or {}).items()},
        },
    }


def session_ended_request(reason: str = "USER_INITIATED", locale: str = "en-US") -> dict[str, Any]:
    return {
        "type": "SessionEndedRequest",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now(),
        "locale": locale,
        "reason": reason,
    }


def envelope(
    request: dict[str, Any],
    *,
    session_id: str,
    new: bool,
    attributes: Mapping[str, Any],
    user_id: str = LOCAL_USER_ID,
    skill_id: str = LOCAL_SKILL_ID,
    device: Mapping[str, Any] | None = None,
) -> Envelope:
    application = {"applicationId": skill_id}
    user = {"userId": user_id}
    env: Envelope = {
        "version": "1.0",
        "session": {
            "new": new,
            "sessionId": session_id,
            "application": application,
            "attributes": dict(attributes),
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {
                    "deviceId": "amzn1.ask.device.LOCAL",
                    "supportedInterfaces": dict((device or {}).get("supportedInterfaces") or {}),
                },
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request,
    }
    if device and device.get("Viewport"):
        env["context"]["Viewport"] = dict(device["Viewport"])
    return env


# Devices for local runs and tests: supportedInterfaces and Viewport as an Echo Show 8 and a
# Fire TV (a screen, no APL) send them; the default is a device without a screen.
ECHO_SHOW: Mapping[str, Any] = {
    "supportedInterfaces": {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}},
    "Viewport": {
        "experiences": [
            {"arcMinuteWidth": 221, "arcMinuteHeight": 162, "canRotate": False, "canResize": False}
        ],
        "mode": "HUB",
        "shape": "RECTANGLE",
        "pixelWidth": 1280,
        "pixelHeight": 800,
        "dpi": 160,
        "currentPixelWidth": 1280,
        "currentPixelHeight": 800,
        "touch": ["SINGLE"],
    },
}
FIRE_TV: Mapping[str, Any] = {
    "supportedInterfaces": {},
    "Viewport": {
        "mode": "TV",
        "shape": "RECTANGLE",
        "pixelWidth": 1920,
        "pixelHeight": 1080,
        "dpi": 320,
        "currentPixelWidth": 1920,
        "currentPixelHeight": 1080,
    },
}


def user_event_request(arguments: list[Any], locale: str = "en-US") -> dict[str, Any]:
    """A touch on an APL document: what Alexa sends when a SendEvent command runs."""
    return {
        "type": "Alexa.Presentation.APL.UserEvent",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now(),
        "locale": locale,
        "token": "trigger-point-coach",
        "arguments": list(arguments),
        "source": {"type": "TouchWrapper", "handler": "Press", "id": f"button-{arguments[0]}"},
    }


def new_session_id() -> str:
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


@dataclass
class Client:
    """Talks to a skill as one device would, keeping the session between turns."""

    transport: Transport
    user_id: str = LOCAL_USER_ID
    skill_id: str = LOCAL_SKILL_ID
    locale: str = "en-US"
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    last_request: Envelope | None = None
    last_response: Envelope | None = None
    device: Mapping[str, Any] | None = None  # ECHO_SHOW, FIRE_TV; None: no screen
    # Where request timestamps come from; tests inject one to move days forward.
    clock: Callable[[], datetime] | None = None

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def send(self, request: dict[str, Any]) -> Envelope:
        new = self.session_id is None
        if new:
            self.session_id = new_session_id()
            self.attributes = {}
        assert self.session_id is not None
        if self.clock is not None:
            request = {**request, "timestamp": timestamp(self.clock())}
        env = envelope(
            request,
            session_id=self.session_id,
            new=new,
            attributes=self.attributes,
            user_id=self.user_id,
            skill_id=self.skill_id,
            device=self.device,
        )
        self.last_request = env
        response = self.transport(env)
        self.last_response = response
        if request["type"] == "SessionEndedRequest" or ended(response):
            self.session_id = None
            self.attributes = {}
        else:
            self.attributes = dict(response.get("sessionAttributes") or {})
        return response

    def launch(self) -> Envelope:
        return self.send(launch_request(self.locale))

    def intent(self, name: str, slots: Mapping[str, SlotValue] | None = None) -> Envelope:
        return self.send(intent_request(name, slots, skill_id=self.skill_id, locale=self.locale))

    def touch(self, *arguments: Any) -> Envelope:
        """A touch on a button of the screen shown: an APL UserEvent."""
        return self.send(user_event_request(list(arguments), self.locale))

    def end_session(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Envelope | None:
        """What Alexa sends when the listener goes quiet: a SessionEndedRequest."""
        if self.session_id is None:
            return None
        return self.send(session_ended_request(reason, self.locale))


def ended(response: Envelope) -> bool:
    return bool((response.get("response") or {}).get("shouldEndSession", True))


def speech_of(response: Envelope) -> str:
    """The outputSpeech SSML of a response ('' when there is none)."""
    out = (response.get("response") or {}).get("outputSpeech") or {}
    return str(out.get("ssml") or out.get("text") or "")


def in_process(skill_builder: Any) -> Transport:
    """A transport that hands the envelope to the skill in this process, as Lambda would."""
    handler = skill_builder.lambda_handler()

    def send(env: Envelope) -> Envelope:
        result: Envelope = handler(env, None)
        return result

    return send
