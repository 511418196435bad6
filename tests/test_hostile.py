"""Hostile requests at the web entry and the skill: refused cheaply with a 4xx, or answered
validly; nothing reaches the log as a line of its own; certificate downloads stay bounded."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill import web
from skill.app import build_skill_builder
from skill.state import SESSION_KEY
from skill.stores import MemoryStore
from tests.certs import CERT_URL, OfflineVerifier, TestCA, make_ca
from tests.hosting_support import SKILL_ID, launch_request
from tests.ssml import assert_valid_response
from tpcoach.local import Client, SlotValue


@pytest.fixture(scope="module")
def ca() -> TestCA:
    return make_ca()


class CountingVerifier(OfflineVerifier):
    """Counts downloads; a URL not preloaded takes ``delay`` seconds and then fails."""

    def __init__(self, ca: TestCA, chains: dict[str, bytes], delay: float = 0.0) -> None:
        super().__init__(ca, chains)
        self.delay = delay
        self.fetched: list[str] = []

    def _fetch_cert_chain(self, cert_url: str) -> bytes:
        self.fetched.append(cert_url)
        time.sleep(self.delay)
        return super()._fetch_cert_chain(cert_url)


def app_with(verifier: web.AlexaRequestVerifier, builder: CustomSkillBuilder | None = None) -> Any:
    return web.create_app(
        builder or build_skill_builder(MemoryStore()),
        skill_id=SKILL_ID,
        signature_verifier=verifier,
    ).test_client()


def post(client: Any, body: bytes, **headers: str) -> Any:
    sent = {"Content-Type": "application/json"}
    sent.update(headers)
    return client.post("/alexa", data=body, headers=sent)


SIGNED = {"SignatureCertChainUrl": CERT_URL, "Signature-256": "c2lnbmF0dXJl"}


def test_deeply_nested_json_is_refused_with_400_before_parsing(ca: TestCA) -> None:
    client = app_with(CountingVerifier(ca, {}))
    for body in (b"[" * 30_000 + b"]" * 30_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        response = post(client, body, **SIGNED)
        assert response.status_code == 400, response.data[:200]


def test_json_that_is_deep_only_inside_strings_is_not_refused_for_depth() -> None:
    assert (
        web.json_depth(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
        == 1
    )


def test_an_oversized_body_is_refused_with_413(ca: TestCA) -> None:
    response = post(app_with(CountingVerifier(ca, {})), b" " * (web.MAX_BODY_BYTES + 1))
    assert response.status_code == 413


def test_a_bad_timestamp_with_newlines_is_logged_on_one_line(
    ca: TestCA, caplog: pytest.LogCaptureFixture
) -> None:
    client = app_with(CountingVerifier(ca, {}))
    body = launch_request(skill_id=SKILL_ID)
    body["request"]["timestamp"] = "yesterday\nCRITICAL forged log line\r\nand more"
    with caplog.at_level(logging.INFO):
        response = post(client, json.dumps(body).encode(), **SIGNED)
    assert response.status_code == 400
    messages = [r.getMessage() for r in caplog.records]
    assert messages and all("\n" not in m and "\r" not in m for m in messages), messages


@pytest.mark.parametrize("problem", ["stale", "other skill"])
def test_cheap_checks_refuse_before_any_certificate_download(ca: TestCA, problem: str) -> None:
    verifier = CountingVerifier(ca, {})
    client = app_with(verifier)
    if problem == "stale":
        old = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = launch_request(skill_id=SKILL_ID, timestamp=old)
    else:
        body = launch_request(skill_id="amzn1.ask.skill.someone-else")
    assert post(client, json.dumps(body).encode(), **SIGNED).status_code == 400
    assert verifier.fetched == [], "a certificate was downloaded for a request refused anyway"


def test_a_signature_that_is_not_base64_is_refused_before_any_download(ca: TestCA) -> None:
    verifier = CountingVerifier(ca, {})
    headers = {**SIGNED, "Signature-256": "not base64!"}
    body = json.dumps(launch_request(skill_id=SKILL_ID)).encode()
    assert post(app_with(verifier), body, **headers).status_code == 400
    assert verifier.fetched == []


def test_failed_downloads_are_remembered_and_spellings_share_one_entry(ca: TestCA) -> None:
    verifier = CountingVerifier(ca, {})
    client = app_with(verifier)
    body = json.dumps(launch_request(skill_id=SKILL_ID)).encode()
    spellings = [
        "https://s3.amazonaws.com/echo.api/forged.pem",
        "https://S3.AMAZONAWS.COM/echo.api/forged.pem",
        "https://s3.amazonaws.com:443/echo.api/./forged.pem",
        "https://s3.amazonaws.com/echo.api/x/../forged.pem",
    ]
    for url in spellings * 5:
        headers = {**SIGNED, "SignatureCertChainUrl": url}
        assert post(client, body, **headers).status_code == 400
    assert verifier.fetched == ["https://s3.amazonaws.com/echo.api/forged.pem"]


def test_the_chain_cache_is_bounded(ca: TestCA) -> None:
    verifier = CountingVerifier(ca, {})
    for i in range(web.MAX_CACHED_CHAINS * 3):
        verifier.preload(f"https://s3.amazonaws.com/echo.api/{i}.pem", b"x")
    assert len(verifier._chains) == web.MAX_CACHED_CHAINS


def test_concurrent_requests_for_one_url_make_one_download_within_the_time_limit(
    ca: TestCA,
) -> None:
    verifier = CountingVerifier(ca, {}, delay=0.5)
    verifier._fetch_timeout_s = 0.2
    url = "https://s3.amazonaws.com/echo.api/slow.pem"
    outcomes: list[float] = []

    def attempt() -> None:
        start = time.monotonic()
        with pytest.raises(web.VerificationException):
            verifier._load_cert_chain(url)
        outcomes.append(time.monotonic() - start)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(verifier.fetched) == 1, verifier.fetched
    assert len(outcomes) == 8 and max(outcomes) < 0.45, outcomes


def test_at_most_a_few_downloads_run_at_once(ca: TestCA) -> None:
    verifier = CountingVerifier(ca, {}, delay=0.3)
    verifier._fetch_timeout_s = 0.05
    for i in range(web.MAX_FETCHES * 3):
        with pytest.raises(web.VerificationException):
            verifier._load_cert_chain(f"https://s3.amazonaws.com/echo.api/{i}.pem")
    assert len(verifier.fetched) <= web.MAX_FETCHES


# --------------------------------------------------------------------------- at the skill


def test_a_9000_character_slot_gives_speech_within_alexas_limit(client: Client) -> None:
    response = client.intent("PainIntent", {"region": SlotValue("blah " * 1800)})
    assert_valid_response(response)
    assert len(response["response"]["outputSpeech"]["ssml"]) < 8000


@pytest.mark.parametrize("text", ["\b", "\x00", "\uffff", "knee\x0b", "<speak>&", "]]>\ud7ff"])
def test_control_characters_in_a_slot_give_well_formed_ssml(client: Client, text: str) -> None:
    response = client.intent("PainIntent", {"region": SlotValue(f"my {text} ankle thing")})
    assert_valid_response(response)


@pytest.mark.parametrize(
    "poison",
    [
        {"routine": {"muscle": "tfl", "equipment": "lacrosse_ball", "step": float("inf")}},
        {"routine": {"muscle": "tfl", "equipment": "lacrosse_ball", "step": "3"}},
        {"misses": "many"},
        {"region": ["knee"]},
        {"pending": {"a": 1}},
        {"region": "no-such-region", "pending": "aspect"},
        {"routine": {"muscle": "tfl", "equipment": "lacrosse_ball", "step": 99, "started": True}},
        # A screen "answered" by a string, or a part of it far past its last question.
        {
            "screened": "yes",
            "pending": "ready",
            "routine": {"muscle": "tfl", "equipment": "lacrosse_ball"},
        },
        {
            "part": 10**6,
            "pending": "screen",
            "routine": {"muscle": "tfl", "equipment": "lacrosse_ball"},
        },
        {
            "part": True,
            "pending": "screen",
            "routine": {"muscle": "tfl", "equipment": "lacrosse_ball"},
        },
    ],
)
def test_poisoned_session_state_is_treated_as_no_state(
    poison: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    app = web.create_app(build_skill_builder(store), verify=False).test_client()
    body = launch_request(skill_id=SKILL_ID)
    body["request"] = {
        **body["request"],
        "type": "IntentRequest",
        "intent": {"name": "AMAZON.NextIntent", "confirmationStatus": "NONE"},
    }
    body["session"]["new"] = False
    body["session"]["attributes"] = {SESSION_KEY: poison}
    with caplog.at_level(logging.WARNING, logger="skill.state"):
        response = app.post("/alexa", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:300]
    assert_valid_response(response.get_json())
    logged = [r for r in caplog.records if "does not parse" in r.getMessage()]
    assert len(logged) == 1, "logged once"


def test_every_field_of_the_session_state_is_checked_when_read() -> None:
    # A field read unchecked would let a forged session skip the screen ("screened": "yes").
    from dataclasses import fields

    from skill.state import _STATE_FIELDS, State

    assert {f.name for f in fields(State)} == set(_STATE_FIELDS)


def test_poisoned_saved_progress_is_treated_as_nothing_saved(store: Any, client: Client) -> None:
    client.launch()
    client.end_session()
    from tests.hosting_support import user_envelope
    from tpcoach.local import LOCAL_USER_ID

    store.save_attributes(
        user_envelope(LOCAL_USER_ID),
        {"progress": {"muscle": "tfl", "equipment": "lacrosse_ball", "step": 1e308}},
    )
    response = client.launch()
    assert_valid_response(response)
    assert "offer_resume" not in response["sessionAttributes"][SESSION_KEY]["said"]
