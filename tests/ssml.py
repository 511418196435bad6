"""Alexa's limits on one response, checked on every response a test produces.

Sources: the Alexa SSML reference (supported tags, breaks of at most 10 s) and the request and
response JSON reference (8000 characters of speech, 24 KB for the whole response).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

SUPPORTED_TAGS = {
    "speak",
    "audio",
    "break",
    "emphasis",
    "lang",
    "p",
    "phoneme",
    "prosody",
    "s",
    "say-as",
    "sub",
    "voice",
    "w",
    "amazon:domain",
    "amazon:effect",
    "amazon:emotion",
}
MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 24 * 1024
MAX_BREAK_MS = 10_000
_TIME = re.compile(r"^(\d+)(ms|s)$")


def ssml_problems(ssml: str) -> list[str]:
    """Why this SSML would be refused, or an empty list."""
    problems = []
    if len(ssml) > MAX_SPEECH_CHARS:
        problems.append(f"speech is {len(ssml)} characters, over {MAX_SPEECH_CHARS}")
    # Namespaced tags (amazon:effect) need a declared prefix for the XML parser.
    doc = ssml.replace("<speak>", '<speak xmlns:amazon="urn:amazon">', 1)
    try:
        root = ET.fromstring(doc)
    except ET.ParseError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    if root.tag != "speak":
        problems.append("the document is not wrapped in <speak>")
    for el in root.iter():
        tag = el.tag.replace("{urn:amazon}", "amazon:")
        if tag not in SUPPORTED_TAGS:
            problems.append(f"unsupported tag <{tag}>")
        if tag == "break":
            m = _TIME.match(el.get("time", ""))
            if not m:
                problems.append(f"break without a valid time: {el.attrib}")
                continue
            ms = int(m.group(1)) * (1000 if m.group(2) == "s" else 1)
            if ms > MAX_BREAK_MS:
                problems.append(f"break of {ms} ms is over 10 s")
    return problems


def assert_valid_response(envelope: dict[str, Any], context: object = "") -> None:
    size = len(json.dumps(envelope).encode("utf-8"))
    assert size <= MAX_RESPONSE_BYTES, f"response is {size} bytes\n{context}"
    response = envelope.get("response") or {}
    for part in ("outputSpeech", "reprompt"):
        speech = response.get(part) or {}
        if part == "reprompt":
            speech = speech.get("outputSpeech") or {}
        if speech:
            assert speech.get("type") == "SSML", f"{part} is not SSML\n{context}"
            problems = ssml_problems(speech["ssml"])
            assert not problems, f"{part}: {problems}\n{speech['ssml']}\n{context}"
    if response and response.get("shouldEndSession") is False:
        assert response.get("reprompt"), f"the session stays open without a reprompt\n{context}"
    card = response.get("card") or {}
    assert len(card.get("content", "") or "") <= 8000, f"card too long\n{context}"
