"""The skill as an HTTPS web service: Flask, flask-ask-sdk, and Alexa's request verification.

``POST /alexa`` answers Alexa; ``GET /healthz`` answers a load balancer. The conversation itself
comes from :func:`skill.app.build_skill_builder`; this module only carries requests to it.

What a request must pass before the skill sees it (each failure is a 4xx with a short JSON body,
never a stack trace):

* ``Content-Type: application/json`` (415), at most ``max_body`` bytes (413), UTF-8 (400),
  a JSON object with ``version``, ``context.System`` and ``request.type/requestId/timestamp``
  (400), a request type the SDK knows (400);
* with verification on (the default): the signature (``SignatureCertChainUrl`` and
  ``Signature-256``, certificate chain to a trusted root, ``echo-api.amazon.com``, body signed
  by it) and the timestamp (150 s) (400);
* with a skill id set: the request names that skill (400). ``SkillBuilder.skill_id`` would raise
  this as a dispatch error, a 500, before any handler runs.

A skill that raises while answering gives 500 with a generic body; the error is logged.

Production: several gunicorn workers on loopback behind an HTTPS proxy (``docs/hosting.md``)::

    gunicorn -w 4 -b 127.0.0.1:5000 --no-control-socket 'skill.web:create_app_from_env()'
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import posixpath
import re
import socket
import stat
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

from skill import _compat

# Before flask-ask-sdk: it imports the certificate stack, which needs this on OpenSSL >= 3.0.10.
_compat.install_oscrypto_fix()

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter  # noqa: E402
from ask_sdk_core.exceptions import SerializationException  # noqa: E402
from ask_sdk_core.skill import CustomSkill  # noqa: E402
from ask_sdk_core.skill_builder import CustomSkillBuilder  # noqa: E402
from ask_sdk_model import RequestEnvelope  # noqa: E402
from ask_sdk_webservice_support import verifier_constants  # noqa: E402
from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    RequestVerifier,
    TimestampVerifier,
    VerificationException,
)
from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler  # noqa: E402
from asn1crypto import pem  # noqa: E402
from certvalidator import CertificateValidator, ValidationContext  # noqa: E402
from certvalidator.errors import PathError, ValidationError  # noqa: E402
from cryptography import x509  # noqa: E402
from flask import Flask, Response, current_app, jsonify, request  # noqa: E402
from flask_ask_sdk.skill_adapter import (  # noqa: E402
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import HTTPException  # noqa: E402

from skill.safelog import describe, loggable  # noqa: E402
from skill.stores import local_store_url, open_store  # noqa: E402

log = logging.getLogger(__name__)

SKILL_ID_ENV = "TPCOACH_SKILL_ID"
NO_VERIFY_ENV = "TPCOACH_NO_VERIFY"
ALEXA_ROUTE = "/alexa"
HEALTH_ROUTE = "/healthz"
# Alexa's requests are a few KB; session attributes ride along but stay well under this.
MAX_BODY_BYTES = 128 * 1024
CERT_FETCH_TIMEOUT_S = 4.0  # for the whole download, name lookup included
MAX_FETCHES = 4  # certificate downloads at once, per worker
MAX_CACHED_CHAINS = 16  # Alexa uses one chain URL at a time, a new one when it renews
MAX_REMEMBERED_FAILURES = 256
FETCH_FAILURE_TTL_S = 30.0
MAX_CHAIN_BYTES = 64 * 1024
# Alexa's envelopes nest about a dozen levels; this is far below what json or the SDK's
# recursive deserializer would choke on.
MAX_JSON_DEPTH = 64

NO_SKILL_ID_WARNING = (
    "no skill id set, so requests signed by Alexa for any skill are answered; set --skill-id"
    f" or {SKILL_ID_ENV} to your skill's id."
)
NO_VERIFY_WARNING = (
    "REQUEST VERIFICATION IS OFF: anyone who can reach this server can speak as Alexa, for any "
    "user. Use --no-verify only for local clients on loopback, never behind a public address."
)


def normalised_cert_url(cert_url: str) -> str:
    """The one spelling of a certificate URL that passed the SDK's URL check: scheme and host
    in lower case, no default port, the path normalised as the check normalises it."""
    parts = urlsplit(cert_url)
    path = posixpath.normpath(parts.path) if parts.path else "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{path}{query}"


class _Fetch:
    """One certificate download in flight; everyone who needs that URL waits for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.chain: bytes | None = None
        self.error: BaseException | None = None


class AlexaRequestVerifier(RequestVerifier):
    """ask-sdk's signature verifier, with these changes.

    * The cheap checks come first: both headers present, the certificate URL valid, the
      signature base64; only then is a certificate chain downloaded.
    * Downloads are bounded: one at a time per URL (others wait for it), at most
      :data:`MAX_FETCHES` at once, each within ``fetch_timeout_s`` in all (name lookup
      included: the download runs in a thread the request stops waiting for). A failed URL is
      refused without a new download for :data:`FETCH_FAILURE_TTL_S`. Chains are cached by
      :func:`normalised_cert_url`, at most :data:`MAX_CACHED_CHAINS` of them (least recently used
      dropped first), so URL spellings cannot fill memory.
    * Dates are compared timezone-aware (``not_valid_before_utc``): the SDK reads the naive
      properties that cryptography deprecated, which are slated for removal.
    * ``trust_roots`` replaces the operating system's trust list for the chain check. Only the
      tests pass it (with their own CA); in service the system list is used, as in the SDK.
    """

    def __init__(
        self,
        trust_roots: Sequence[bytes] | None = None,
        fetch_timeout_s: float = CERT_FETCH_TIMEOUT_S,
    ) -> None:
        super().__init__()
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._fetch_timeout_s = fetch_timeout_s
        self._lock = threading.Lock()
        self._chains: OrderedDict[str, bytes] = OrderedDict()
        self._failures: OrderedDict[str, float] = OrderedDict()
        self._fetches: dict[str, _Fetch] = {}
        self.downloads = 0  # downloads started: for tests and the flood benchmark

    def preload(self, cert_url: str, chain: bytes) -> None:
        """Cache ``chain`` for ``cert_url`` as if it had been downloaded."""
        with self._lock:
            self._remember(normalised_cert_url(cert_url), chain)

    def verify(
        self,
        headers: dict[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        sent = {str(k).lower(): v for k, v in headers.items()}
        cert_url = sent.get(verifier_constants.SIGNATURE_CERT_CHAIN_URL_HEADER.lower())
        signature = sent.get(verifier_constants.SIGNATURE_HEADER.lower())
        if not isinstance(cert_url, str) or not isinstance(signature, str):
            raise VerificationException("Missing Signature/Certificate for the skill request")
        self._validate_certificate_url(cert_url)
        try:
            base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationException("Signature is not base64") from error
        super().verify(headers, serialized_request_env, deserialized_request_env)

    def _remember(self, key: str, chain: bytes) -> None:
        self._chains[key] = chain
        self._chains.move_to_end(key)
        while len(self._chains) > MAX_CACHED_CHAINS:
            self._chains.popitem(last=False)

    def _load_cert_chain(self, cert_url: str) -> bytes:
        key = normalised_cert_url(cert_url)
        with self._lock:
            chain = self._chains.get(key)
            if chain is not None:
                self._chains.move_to_end(key)
                return chain
            failed_at = self._failures.get(key)
            if failed_at is not None and time.monotonic() - failed_at < FETCH_FAILURE_TTL_S:
                raise VerificationException("the certificate chain failed to download just now")
            fetch = self._fetches.get(key)
            if fetch is None:
                if len(self._fetches) >= MAX_FETCHES:
                    raise VerificationException("too many certificate downloads at once")
                fetch = self._fetches[key] = _Fetch()
                self.downloads += 1
                threading.Thread(
                    target=self._download, args=(key, fetch), name="cert-fetch", daemon=True
                ).start()
        if not fetch.done.wait(self._fetch_timeout_s):
            raise VerificationException("the certificate chain download timed out")
        if fetch.chain is None:
            raise VerificationException("the certificate chain failed to download", fetch.error)
        return fetch.chain

    def _download(self, key: str, fetch: _Fetch) -> None:
        try:
            fetch.chain = self._fetch_cert_chain(key)
        except BaseException as error:  # anything: the waiting requests are refused
            fetch.error = error
        with self._lock:
            del self._fetches[key]
            if fetch.chain is not None:
                self._failures.pop(key, None)
                self._remember(key, fetch.chain)
            else:
                self._failures[key] = time.monotonic()
                self._failures.move_to_end(key)
                while len(self._failures) > MAX_REMEMBERED_FAILURES:
                    self._failures.popitem(last=False)
        fetch.done.set()

    def _fetch_cert_chain(self, cert_url: str) -> bytes:
        # cert_url has passed _validate_certificate_url: https, s3.amazonaws.com, /echo.api/.
        with urlopen(cert_url, timeout=self._fetch_timeout_s) as response:
            data: bytes = response.read(MAX_CHAIN_BYTES + 1)
        if len(data) > MAX_CHAIN_BYTES:
            raise VerificationException("the certificate chain is too large")
        return data

    def _validate_cert_chain(self, cert_chain: bytes) -> None:
        certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
        if not certificates:
            raise VerificationException("Certificate chain is empty")
        context = (
            ValidationContext(trust_roots=self._trust_roots)
            if self._trust_roots is not None
            else None
        )
        try:
            validator = CertificateValidator(
                certificates[0], certificates[1:], validation_context=context
            )
            validator.validate_usage(key_usage={"digital_signature"})
        except (PathError, ValidationError) as error:
            raise VerificationException("Certificate chain is not valid", error) from error

    def _validate_end_certificate(self, x509_cert: x509.Certificate) -> None:
        now = datetime.now(UTC)
        if not x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc:
            raise VerificationException("Signing Certificate expired")
        try:
            names = x509_cert.extensions.get_extension_for_class(
                x509.SubjectAlternativeName
            ).value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound as error:
            raise VerificationException("Signing certificate has no alternative names") from error
        if verifier_constants.CERT_CHAIN_DOMAIN not in names:
            raise VerificationException(
                f"{verifier_constants.CERT_CHAIN_DOMAIN} domain missing in Signature Certificate"
            )


class SkillIdVerifier(AbstractVerifier):
    """Refuses a request that names another skill (or none) as a verification failure: 400."""

    def __init__(self, skill_id: str) -> None:
        self.skill_id = skill_id

    def verify(
        self,
        headers: dict[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        named: set[str] = set()
        for holder in (
            deserialized_request_env.context and deserialized_request_env.context.system,
            deserialized_request_env.session,
        ):
            application = getattr(holder, "application", None)
            if application is not None and application.application_id is not None:
                named.add(application.application_id)
        if named != {self.skill_id}:
            raise VerificationException(f"request is for skill {sorted(named)}, not this one")


class _FailClosed(AbstractVerifier):
    """Any error inside a verifier is a failed verification (400), not a server error (500)."""

    def __init__(self, inner: AbstractVerifier) -> None:
        self.inner = inner

    def verify(
        self,
        headers: dict[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        try:
            self.inner.verify(headers, serialized_request_env, deserialized_request_env)
        except VerificationException:
            raise
        except Exception as error:
            raise VerificationException(f"{type(self.inner).__name__}: {error!r}") from error


class _SkillAdapter(SkillAdapter):  # type: ignore[misc]
    """flask-ask-sdk's adapter with our verifier chain and our mapping of failures to statuses.

    The app config keys keep their meaning: ``ASK_SDK_VERIFY_SIGNATURE`` puts the signature
    verifier first in the chain, ``ASK_SDK_VERIFY_TIMESTAMP`` the timestamp verifier.
    """

    def __init__(
        self,
        skill: CustomSkill,
        app: Flask,
        verifiers: list[AbstractVerifier],
        signature_verifier: AbstractVerifier | None,
    ) -> None:
        self._signature_verifier = signature_verifier
        self.verifier_chain: list[AbstractVerifier] = []
        super().__init__(skill=skill, skill_id=ALEXA_ROUTE, verifiers=verifiers, app=app)

    def _create_webservice_handler(
        self, skill: CustomSkill, verifiers: list[AbstractVerifier] | None
    ) -> None:
        config = current_app.config
        # Cheapest first: the skill id and the timestamp cost nothing; the signature may cost a
        # certificate download, so a stale or foreign request never triggers one.
        chain: list[AbstractVerifier] = list(verifiers or [])
        if config.get(VERIFY_TIMESTAMP_APP_CONFIG, True):
            chain.append(TimestampVerifier())
        if config.get(VERIFY_SIGNATURE_APP_CONFIG, True):
            chain.append(self._signature_verifier or AlexaRequestVerifier())
        self.verifier_chain = chain
        self._webservice_handler = WebserviceSkillHandler(
            skill=skill,
            verify_signature=False,  # already in the chain, as our subclass
            verify_timestamp=False,  # already in the chain
            verifiers=[_FailClosed(verifier) for verifier in chain],
        )

    def dispatch_request(self) -> Response:
        if request.mimetype != "application/json":
            return _error(415, "expected Content-Type: application/json")
        raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413 from Flask
        if json_depth(raw) > MAX_JSON_DEPTH:
            return _error(400, f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            body = raw.decode("utf-8")
            problem = _shape_problem(json.loads(body))
        except (ValueError, RecursionError):  # UnicodeDecodeError, JSONDecodeError: ValueErrors
            return _error(400, "the body is not a UTF-8 JSON document")
        if problem:
            return _error(400, problem)
        try:
            result = self._webservice_handler.verify_request_and_dispatch(
                http_request_headers=dict(request.headers), http_request_body=body
            )
        except VerificationException as error:
            log.warning("refused a request that failed verification: %s", loggable(error))
            return _error(400, "the request failed verification")
        except (SerializationException, RecursionError) as error:
            log.warning("refused a request the SDK cannot read: %s", loggable(error))
            return _error(400, "the request could not be read")
        except Exception as error:  # the SDK re-raises a handler's error when none takes it
            log.error("the skill failed to answer: %s", describe(error))
            return _error(500, "the skill failed to answer")
        return jsonify(result)


# A string, closed or not (possessive, so a scan never goes back: linear on any input).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]++")


def json_depth(raw: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (strings skipped), without parsing
    it: ``json.loads`` would hit Python's recursion limit on a deep one."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    depth = deepest = 0
    for byte in brackets:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _shape_problem(document: Any) -> str | None:
    """What an Alexa request envelope lacks, or None. Checks only what dispatch relies on."""
    if not isinstance(document, dict):
        return "the body is not a JSON object"
    if not isinstance(document.get("version"), str):
        return "missing field: version"
    context = document.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("System"), dict):
        return "missing field: context.System"
    alexa_request = document.get("request")
    if not isinstance(alexa_request, dict):
        return "missing field: request"
    for field in ("type", "requestId", "timestamp"):
        if not isinstance(alexa_request.get(field), str):
            return f"missing field: request.{field}"
    return None


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _skill_from(
    skill: CustomSkill | CustomSkillBuilder | None,
    skill_id: str | None,
    store: str | AbstractPersistenceAdapter | None,
) -> CustomSkill:
    if isinstance(skill, CustomSkill):
        return skill
    if skill is None:
        from skill.app import build_skill_builder

        if isinstance(store, AbstractPersistenceAdapter):
            adapter = store
        else:
            adapter = open_store(store or local_store_url())
        skill = build_skill_builder(persistence_adapter=adapter, skill_id=skill_id)
    elif skill_id is not None:
        skill.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    built: CustomSkill = skill.create()
    return built


def create_app(
    skill: CustomSkill | CustomSkillBuilder | None = None,
    *,
    verify: bool = True,
    skill_id: str | None = None,
    store: str | AbstractPersistenceAdapter | None = None,
    max_body: int = MAX_BODY_BYTES,
    signature_verifier: AbstractVerifier | None = None,
) -> Flask:
    """The Flask app serving ``skill`` at ``POST /alexa``.

    :param skill: a skill or skill builder; by default the project's skill built with ``store``
        (a store URL or adapter; default ``TPCOACH_STORE`` or the SQLite file).
    :param verify: check Alexa's signature and timestamp. Off only for local clients.
    :param skill_id: refuse (400) requests for any other skill.
    :param max_body: the largest request body accepted, in bytes (413 above).
    :param signature_verifier: replaces :class:`AlexaRequestVerifier` (tests use their own CA).
    """
    built = _skill_from(skill, skill_id, store)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_body
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # flask-ask-sdk reads these when the adapter is built: they must be set first.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = verify
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = verify
    if not verify:
        log.warning(NO_VERIFY_WARNING)
    adapter = _SkillAdapter(
        skill=built,
        app=app,
        verifiers=[SkillIdVerifier(skill_id)] if skill_id else [],
        signature_verifier=signature_verifier,
    )
    app.extensions["tpcoach"] = {"adapter": adapter, "verify": verify, "skill_id": skill_id}
    app.add_url_rule(ALEXA_ROUTE, "alexa", adapter.dispatch_request, methods=["POST"])

    @app.get(HEALTH_ROUTE)
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _error(error.code or 500, error.name)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        log.error(
            "unexpected error serving %s %s: %s",
            loggable(request.method),
            loggable(request.path),
            describe(error),
        )
        return _error(500, "internal error")

    return app


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def create_app_from_env() -> Flask:
    """The app configured from the environment, for gunicorn:
    ``TPCOACH_STORE``, ``TPCOACH_SKILL_ID``, ``TPCOACH_NO_VERIFY`` (see docs/hosting.md).

    The rules of ``tpcoach serve`` hold here too: without verification the app refuses to start
    unless every address the process listens on is loopback (or a Unix socket); without a skill
    id it says that requests for any skill are answered.
    """
    verify = not _env_flag(NO_VERIFY_ENV)
    skill_id = os.environ.get(SKILL_ID_ENV) or None
    if not verify:
        problem = _not_loopback_only(_listening_hosts())
        if problem:
            message = f"refusing {NO_VERIFY_ENV}=1: {problem}"
            print(f"tpcoach: {message}", file=sys.stderr)
            raise RuntimeError(message)
    elif skill_id is None:
        log.warning(NO_SKILL_ID_WARNING)
    return create_app(verify=verify, skill_id=skill_id, store=local_store_url())


def _listening_hosts() -> list[str] | None:
    """The addresses of the listening sockets this process holds (a gunicorn worker inherits
    its arbiter's), ``"unix"`` for a Unix socket; None when the process's sockets cannot be
    listed (no /proc)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except (OSError, ValueError):
        return None
    hosts = []
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        try:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                if sock.family == socket.AF_UNIX:
                    hosts.append("unix")
                elif sock.family in (socket.AF_INET, socket.AF_INET6):
                    hosts.append(str(sock.getsockname()[0]))
        except OSError:
            pass
        finally:
            sock.close()
    return hosts


def _not_loopback_only(hosts: list[str] | None) -> str | None:
    if hosts is None:
        return "cannot tell which addresses this process listens on"
    if not hosts:
        return (
            "this process listens on no socket yet (gunicorn --preload?), so its addresses "
            "cannot be checked; bind 127.0.0.1 and load the app in the workers"
        )
    public = sorted({h for h in hosts if h != "unix" and not _is_loopback(h)})
    if public:
        return f"listening on {', '.join(public)}; bind 127.0.0.1 for local clients only"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    store: str | None = None,
    skill_id: str | None = None,
    verify: bool = True,
) -> int:
    """``tpcoach serve``: the app on Flask's own server, for local use. Returns an exit code.

    ``store`` and ``skill_id`` default to ``TPCOACH_STORE`` and ``TPCOACH_SKILL_ID``. With
    ``verify=False`` the server binds only to a loopback address.
    """
    if not verify and not _is_loopback(host):
        print(
            f"tpcoach serve: refusing --no-verify on {host}: bind to 127.0.0.1 for local "
            "clients, or keep verification on.",
            file=sys.stderr,
        )
        return 2
    store_url = store or local_store_url()
    skill_id = skill_id or os.environ.get(SKILL_ID_ENV) or None
    try:
        app = create_app(verify=verify, skill_id=skill_id, store=store_url)
    except ValueError as error:  # a store URL that names no store
        print(f"tpcoach serve: {error}", file=sys.stderr)
        return 2
    if not verify:
        print(f"\n*** {NO_VERIFY_WARNING} ***\n", file=sys.stderr)
    elif skill_id is None:
        print(f"tpcoach serve: {NO_SKILL_ID_WARNING}", file=sys.stderr)
    print(
        f"tpcoach serve: POST http://{host}:{port}{ALEXA_ROUTE}  store={store_url}  "
        f"skill_id={skill_id or '(any)'}  verification={'on' if verify else 'OFF'}",
        file=sys.stderr,
    )
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
    return 0
