"""A private PKI for testing Alexa's request signatures offline.

Alexa signs each request body with the key of a certificate for ``echo-api.amazon.com`` and
sends the URL of its chain. Here a CA and leaf certificates made with ``cryptography`` stand in
for Amazon's; :func:`offline_verifier` gives the production verifier this CA as its only trust
root and the chains it would otherwise download, so no test reaches the network.

Import the certificate stack (ask_sdk_webservice_support, certvalidator) only through
``skill.web``: importing it first needs ``skill._compat``'s fix on OpenSSL >= 3.0.10.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from skill.web import AlexaRequestVerifier, VerificationException

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"
ALEXA_NAME = "echo-api.amazon.com"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class Signer:
    """A leaf certificate, the chain Alexa would publish for it, and its key."""

    key: rsa.RSAPrivateKey
    chain_pem: bytes

    def sign(self, body: bytes) -> str:
        signature = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")


@dataclass(frozen=True)
class TestCA:
    __test__ = False  # not a test class, whatever pytest thinks of the name

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def issue(
        self,
        dns_name: str | None = ALEXA_NAME,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key: rsa.RSAPrivateKey | None = None,
    ) -> Signer:
        now = datetime.now(UTC)
        key = key or _leaf_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(dns_name or "no alternative name"))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=True,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if dns_name is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False
            )
        leaf = builder.sign(self.key, hashes.SHA256())
        chain = leaf.public_bytes(serialization.Encoding.PEM) + self.certificate.public_bytes(
            serialization.Encoding.PEM
        )
        return Signer(key=key, chain_pem=chain)


def make_ca(common_name: str = "Trigger Point Coach Test Root CA") -> TestCA:
    key = _key()
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return TestCA(key=key, certificate=certificate)


@cache
def _leaf_key() -> rsa.RSAPrivateKey:
    return _key()  # one key for all leaves: RSA key generation is the slow part


class OfflineVerifier(AlexaRequestVerifier):
    """The production verifier, trusting only ``ca``, with chains preloaded by URL.

    A URL that was not preloaded is refused rather than fetched: tests never leave loopback.
    """

    def __init__(self, ca: TestCA, chains: dict[str, bytes]) -> None:
        super().__init__(trust_roots=[ca.der])
        for url, chain in chains.items():
            self.preload(url, chain)

    def _fetch_cert_chain(self, cert_url: str) -> bytes:
        raise VerificationException(f"test verifier does not fetch {cert_url}")
