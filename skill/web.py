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

import ipaddress
import json
import logging
import os
import re
import socket
import stat
import sys
from typing import Any

from skill import _compat

# Before flask-ask-sdk: it imports the certificate stack, which needs this on OpenSSL >= 3.0.10.
_compat.install_oscrypto_fix()

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter  # noqa: E402
from ask_sdk_core.exceptions import SerializationException  # noqa: E402
from ask_sdk_core.skill import CustomSkill  # noqa: E402
from ask_sdk_core.skill_builder import CustomSkillBuilder  # noqa: E402
from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    TimestampVerifier,
    VerificationException,
)
from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler  # noqa: E402
from flask import Flask, Response, current_app, jsonify, request  # noqa: E402
from flask_ask_sdk.skill_adapter import (  # noqa: E402
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import HTTPException  # noqa: E402

from skill.safelog import describe, loggable  # noqa: E402
from skill.stores import local_store_url, open_store  # noqa: E402
from skill.verify import MAX_CACHED_CHAINS as MAX_CACHED_CHAINS  # noqa: E402
from skill.verify import MAX_FETCHES as MAX_FETCHES  # noqa: E402
from skill.verify import (  # noqa: E402
    AlexaRequestVerifier,
    FailClosed,
    SkillIdVerifier,
)

log = logging.getLogger(__name__)

SKILL_ID_ENV = "TPCOACH_SKILL_ID"
NO_VERIFY_ENV = "TPCOACH_NO_VERIFY"
ALEXA_ROUTE = "/alexa"
HEALTH_ROUTE = "/healthz"
# Alexa's requests are a few KB; session attributes ride along but stay well under this.
MAX_BODY_BYTES = 128 * 1024
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
            verifiers=[FailClosed(verifier) for verifier in chain],
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
