"""POST /alexa: real signature and timestamp verification, and a 4xx for every bad request.

The verifier is the production one (skill.web.AlexaRequestVerifier) with a CA made by the test
as its trust root and the certificate chains preloaded (tests/certs.py); nothing is mocked and
nothing leaves loopback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill import web
from skill.app import build_skill_builder
from skill.stores import MemoryStore
from tests.certs import CERT_URL, OfflineVerifier, Signer, TestCA, make_ca
from tests.hosting_support import OTHER_SKILL_ID, SKILL_ID, launch_request


@pytest.fixture(scope="module")
def ca() -> TestCA:
    return make_ca()


@pytest.fixture(scope="module")
def signer(ca: TestCA) -> Signer:
    return ca.issue()


def make_app(
    ca: TestCA,
    chains: dict[str, bytes],
    skill_id: str | None = SKILL_ID,
    builder: CustomSkillBuilder | None = None,
) -> Flask:
    return web.create_app(
        builder or build_skill_builder(persistence_adapter=MemoryStore()),
        skill_id=skill_id,
        signature_verifier=OfflineVerifier(ca, chains),
    )


def post(
    client: FlaskClient,
    body: bytes,
    signer: Signer | None,
    cert_url: str = CERT_URL,
    signed_body: bytes | None = None,
    **headers: str,
) -> TestResponse:
    sent = {"Content-Type": "application/json; charset=utf-8"}
    if signer is not None:
        sent["SignatureCertChainUrl"] = cert_url
        sent["Signature-256"] = signer.sign(signed_body if signed_body is not None else body)
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    return client.post(web.ALEXA_ROUTE, data=body, headers=sent)


def launch_body(**overrides: Any) -> bytes:
    return json.dumps(launch_request(**overrides)).encode()


def assert_refused(response: TestResponse, status: int = 400) -> None:
    assert response.status_code == status, f"expected {status}, got {response.status_code}"
    assert response.is_json and set(response.get_json()) == {"error"}, response.data[:300]
    assert b"Traceback" not in response.data and b'File "' not in response.data


def assert_answered(response: TestResponse) -> None:
    assert response.status_code == 200, response.data[:500]
    document = response.get_json()
    assert document["version"] == "1.0"
    assert "outputSpeech" in document["response"], "a launch must be answered with speech"


# -- the accepting path ---------------------------------------------------------------------------


def test_a_request_signed_by_a_trusted_echo_api_certificate_is_answered(
    ca: TestCA, signer: Signer
) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    assert_answered(post(client, launch_body(), signer))


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
    ids=["explicit-443", "upper-case-host", "dotdot-staying-inside"],
)
def test_certificate_urls_alexa_may_send_are_accepted(
    ca: TestCA, signer: Signer, cert_url: str
) -> None:
    client = make_app(ca, {cert_url: signer.chain_pem}).test_client()
    assert_answered(post(client, launch_body(), signer, cert_url=cert_url))


def test_a_timestamp_within_150_seconds_is_accepted(ca: TestCA, signer: Signer) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    earlier = (datetime.now(UTC) - timedelta(seconds=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_answered(post(client, launch_body(timestamp=earlier), signer))


# -- refused by the signature check -------------------------------------------------------------


def test_a_tampered_body_is_refused(ca: TestCA, signer: Signer) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    original = launch_body(user_id="amzn1.ask.account.ALICE")
    tampered = original.replace(b"ALICE", b"MALLORY")
    assert_refused(post(client, tampered, signer, signed_body=original))


@pytest.mark.parametrize(
    "cert_url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    ],
    ids=[
        "http",
        "other-host",
        "suffixed-host",
        "upper-case-path",
        "other-path",
        "dotdot-escape",
        "other-port",
    ],
)
def test_a_certificate_url_outside_amazons_echo_api_bucket_is_refused(
    ca: TestCA, signer: Signer, cert_url: str
) -> None:
    # The chain is preloaded for the bad URL too: only the URL check can refuse it.
    client = make_app(ca, {cert_url: signer.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), signer, cert_url=cert_url))


def test_an_expired_certificate_is_refused(ca: TestCA) -> None:
    now = datetime.now(UTC)
    expired = ca.issue(not_before=now - timedelta(days=30), not_after=now - timedelta(days=1))
    client = make_app(ca, {CERT_URL: expired.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), expired))


def test_a_certificate_not_yet_valid_is_refused(ca: TestCA) -> None:
    now = datetime.now(UTC)
    early = ca.issue(not_before=now + timedelta(days=1), not_after=now + timedelta(days=30))
    client = make_app(ca, {CERT_URL: early.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), early))


@pytest.mark.parametrize("dns_name", ["echo-api.amazon.com.evil.example", "evil.example", None])
def test_a_certificate_for_another_name_is_refused(ca: TestCA, dns_name: str | None) -> None:
    wrong = ca.issue(dns_name=dns_name)
    client = make_app(ca, {CERT_URL: wrong.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), wrong))


def test_a_certificate_from_an_untrusted_ca_is_refused(ca: TestCA) -> None:
    impostor = make_ca("Impostor Root CA").issue()
    client = make_app(ca, {CERT_URL: impostor.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), impostor))


def test_a_body_signed_with_another_key_is_refused(ca: TestCA, signer: Signer) -> None:
    other_key = make_ca("Unrelated key").key
    forged = Signer(key=other_key, chain_pem=signer.chain_pem)
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    assert_refused(post(client, launch_body(), forged))


@pytest.mark.parametrize("dropped", ["SignatureCertChainUrl", "Signature-256", "both"])
def test_a_request_missing_a_signature_header_is_refused(
    ca: TestCA, signer: Signer, dropped: str
) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    body = launch_body()
    headers = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": signer.sign(body),
    }
    for name in ("SignatureCertChainUrl", "Signature-256"):
        if dropped in (name, "both"):
            del headers[name]
    assert_refused(client.post(web.ALEXA_ROUTE, data=body, headers=headers))


@pytest.mark.parametrize("signature", ["not base64 at all!", "", "QUJD"])
def test_a_signature_that_is_not_a_signature_is_refused(
    ca: TestCA, signer: Signer, signature: str
) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    response = client.post(
        web.ALEXA_ROUTE,
        data=launch_body(),
        headers={
            "Content-Type": "application/json",
            "SignatureCertChainUrl": CERT_URL,
            "Signature-256": signature,
        },
    )
    assert_refused(response)


# -- refused by the timestamp check -----------------------------------------------------------


@pytest.mark.parametrize("offset_s", [-151, -3600, 151])
def test_a_stale_or_future_timestamp_is_refused(ca: TestCA, signer: Signer, offset_s: int) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    when = (datetime.now(UTC) + timedelta(seconds=offset_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_refused(post(client, launch_body(timestamp=when), signer))


# -- the skill id ---------------------------------------------------------------------------


def test_a_signed_request_for_another_skill_is_refused_with_400(ca: TestCA, signer: Signer) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    assert_refused(post(client, launch_body(skill_id=OTHER_SKILL_ID), signer))


def test_without_verification_a_request_for_another_skill_is_still_refused() -> None:
    app = web.create_app(build_skill_builder(MemoryStore()), verify=False, skill_id=SKILL_ID)
    client = app.test_client()
    assert_refused(post(client, launch_body(skill_id=OTHER_SKILL_ID), None))
    assert_answered(post(client, launch_body(skill_id=SKILL_ID), None))


def test_without_a_configured_skill_id_any_skill_is_served(ca: TestCA, signer: Signer) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}, skill_id=None).test_client()
    assert_answered(post(client, launch_body(skill_id=OTHER_SKILL_ID), signer))


# -- bad input: a 4xx, never a crash or a stack trace ----------------------------------------


def _without(path: str) -> bytes:
    document = launch_request()
    *parents, last = path.split(".")
    holder = document
    for key in parents:
        holder = holder[key]
    del holder[last]
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00 not utf-8",
        b"[]",
        b'"a string"',
        b"null",
        _without("version"),
        _without("context"),
        _without("context.System"),
        _without("request"),
        _without("request.type"),
        _without("request.requestId"),
        _without("request.timestamp"),
        launch_body(request_type="Alexa.Unknown.RequestType"),
        json.dumps(
            {**launch_request(), "request": {**launch_request()["request"], "timestamp": 5}}
        ).encode(),
        json.dumps(
            {**launch_request(), "request": {**launch_request()["request"], "timestamp": "soon"}}
        ).encode(),
    ],
    ids=[
        "empty",
        "not-json",
        "not-utf8",
        "array",
        "string",
        "null",
        "no-version",
        "no-context",
        "no-system",
        "no-request",
        "no-type",
        "no-request-id",
        "no-timestamp",
        "unknown-type",
        "numeric-timestamp",
        "unparsable-timestamp",
    ],
)
@pytest.mark.parametrize("verify", [True, False], ids=["verified", "unverified"])
def test_a_malformed_request_gets_400(
    ca: TestCA, signer: Signer, body: bytes, verify: bool
) -> None:
    if verify:
        client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
        response = post(client, body, signer)
    else:
        app = web.create_app(build_skill_builder(MemoryStore()), verify=False, skill_id=SKILL_ID)
        response = post(app.test_client(), body, None)
    assert_refused(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_declared_json_gets_415(
    ca: TestCA, signer: Signer, content_type: str
) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    body = launch_body()
    headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": signer.sign(body)}
    if content_type:
        headers["Content-Type"] = content_type
    assert_refused(client.post(web.ALEXA_ROUTE, data=body, headers=headers), 415)


def test_an_oversized_body_gets_413(ca: TestCA, signer: Signer) -> None:
    client = make_app(ca, {CERT_URL: signer.chain_pem}).test_client()
    document = launch_request()
    document["session"]["attributes"] = {"padding": "x" * web.MAX_BODY_BYTES}
    assert_refused(post(client, json.dumps(document).encode(), signer), 413)


def test_the_routes_answer_json_for_wrong_methods_and_paths(ca: TestCA) -> None:
    client = make_app(ca, {}).test_client()
    assert client.get(web.HEALTH_ROUTE).get_json() == {"status": "ok"}
    assert_refused(client.get(web.ALEXA_ROUTE), 405)
    assert_refused(client.post("/nowhere", json={}), 404)


def test_a_skill_that_fails_gets_500_without_a_stack_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    builder = CustomSkillBuilder()

    @builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))
    def broken(handler_input: Any) -> Any:
        raise RuntimeError("handler bug")

    app = web.create_app(builder, verify=False)
    with caplog.at_level(logging.ERROR, logger="skill.web"):
        response = post(app.test_client(), launch_body(), None)
    assert_refused(response, 500)
    assert b"handler bug" not in response.data
    assert any("failed to answer" in record.getMessage() for record in caplog.records)


# -- verification is on unless switched off, and says so when off ----------------------------


def test_verification_is_on_by_default_with_the_production_verifiers() -> None:
    app = web.create_app(build_skill_builder(MemoryStore()), skill_id=SKILL_ID)
    assert app.config["ASK_SDK_VERIFY_SIGNATURE"] is True
    assert app.config["ASK_SDK_VERIFY_TIMESTAMP"] is True
    chain = app.extensions["tpcoach"]["adapter"].verifier_chain
    # Cheapest first: no certificate is downloaded for a stale or foreign request.
    assert [type(verifier) for verifier in chain] == [
        web.SkillIdVerifier,
        web.TimestampVerifier,
        web.AlexaRequestVerifier,
    ]
    # An unsigned request fails before any certificate would be fetched.
    assert_refused(post(app.test_client(), launch_body(), None))


def test_turning_verification_off_logs_a_loud_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.web"):
        app = web.create_app(build_skill_builder(MemoryStore()), verify=False)
    assert any("VERIFICATION IS OFF" in record.getMessage() for record in caplog.records)
    assert app.extensions["tpcoach"]["adapter"].verifier_chain == []
    assert_answered(post(app.test_client(), launch_body(), None))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.org"])
def test_serve_refuses_to_expose_an_unverified_server(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert web.serve(host=host, port=1, store="memory", verify=False) == 2
    assert "refusing --no-verify" in capsys.readouterr().err


def test_serve_rejects_an_unknown_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert web.serve(port=1, store="postgres://nowhere") == 2
    assert "unknown store" in capsys.readouterr().err
