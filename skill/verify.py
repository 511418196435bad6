"""Alexa's request verification for the web entry: the signature (certificate chain downloaded
at most a few at a time, cached, failures remembered briefly), the skill id, and any verifier
error taken as a failed verification. Lambda needs none of it: Alexa's trigger is the check.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

from skill import _compat

# Before ask-sdk's verifier, which imports the certificate stack: that needs this on OpenSSL
# 3.0.10 and later.
_compat.install_oscrypto_fix()

from ask_sdk_model import RequestEnvelope  # noqa: E402
from ask_sdk_webservice_support import verifier_constants  # noqa: E402
from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    RequestVerifier,
    VerificationException,
)
from asn1crypto import pem  # noqa: E402
from certvalidator import CertificateValidator, ValidationContext  # noqa: E402
from certvalidator.errors import PathError, ValidationError  # noqa: E402
from cryptography import x509  # noqa: E402

log = logging.getLogger(__name__)

CERT_FETCH_TIMEOUT_S = 4.0  # for the whole download, name lookup included
MAX_FETCHES = 4  # certificate downloads at once, per worker
MAX_CACHED_CHAINS = 16  # Alexa uses one chain URL at a time, a new one when it renews
MAX_REMEMBERED_FAILURES = 256
FETCH_FAILURE_TTL_S = 30.0
MAX_CHAIN_BYTES = 64 * 1024


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


class FailClosed(AbstractVerifier):
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
