"""Legitimate requests' latency while forged ones flood the web entry (loopback only, bounded).

    .venv/bin/python benchmarks/flood.py [--seconds 6] [--forgers 32]

The app runs on Werkzeug's threaded server on 127.0.0.1 with verification on, trusting a CA made
for the run (tests/certs.py). Legitimate requests are signed with a chain that is cached.
Forged clients send requests that pass every cheap check (this skill's id, a fresh timestamp, a
plausible certificate URL on s3.amazonaws.com under /echo.api/, a base64 signature), each with a
URL of its own, so that each would need a download; every download here takes
CERT_FETCH_TIMEOUT_S and then fails, as when the network swallows the connection. Nothing
leaves loopback: the verifier's download is replaced by that wait.

Prints the legitimate requests' latency (median, 95th percentile, max) without and with the
flood, and how many downloads the flood started.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from skill import web  # noqa: E402
from skill.app import build_skill_builder  # noqa: E402
from skill.stores import MemoryStore  # noqa: E402
from tests.certs import CERT_URL, OfflineVerifier, make_ca  # noqa: E402
from tests.hosting_support import SKILL_ID, launch_request  # noqa: E402


class BlackholeVerifier(OfflineVerifier):
    def _fetch_cert_chain(self, cert_url: str) -> bytes:
        time.sleep(web.CERT_FETCH_TIMEOUT_S)  # a download the network never answers
        raise web.VerificationException("no answer")


def post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/alexa",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - start


def measure(port: int, signer: Any, seconds: float) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = json.dumps(launch_request(skill_id=SKILL_ID)).encode()
        headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": signer.sign(body)}
        status, took = post(port, body, headers)
        assert status == 200, status
        times.append(took)
        time.sleep(0.05)
    return times


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    median = statistics.median(ms)
    return f"n={len(ms):4d}  median {median:7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--forgers", type=int, default=32)
    args = parser.parse_args()
    for name in ("werkzeug", "skill"):  # one line per refused request would drown the table
        logging.getLogger(name).setLevel(logging.ERROR)
    ca = make_ca()
    signer = ca.issue()
    verifier = BlackholeVerifier(ca, {CERT_URL: signer.chain_pem})
    app = web.create_app(
        build_skill_builder(MemoryStore()), skill_id=SKILL_ID, signature_verifier=verifier
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()

    quiet = measure(port, signer, min(args.seconds, 3.0))
    stop = threading.Event()
    refused = [0]

    def forge(n: int) -> None:
        i = 0
        while not stop.is_set():
            body = json.dumps(launch_request(skill_id=SKILL_ID)).encode()
            url = f"https://s3.amazonaws.com/echo.api/forged-{n}-{i}.pem"
            status, _ = post(
                port, body, {"SignatureCertChainUrl": url, "Signature-256": "Zm9yZ2Vk"}
            )
            refused[0] += status == 400
            i += 1

    forgers = [threading.Thread(target=forge, args=(n,), daemon=True) for n in range(args.forgers)]
    for thread in forgers:
        thread.start()
    flooded = measure(port, signer, args.seconds)
    stop.set()
    for thread in forgers:
        thread.join(timeout=web.CERT_FETCH_TIMEOUT_S + 5)
    server.shutdown()
    print(f"legitimate, quiet:   {summary(quiet)}")
    print(f"legitimate, flooded: {summary(flooded)}")
    print(
        f"forged requests refused: {refused[0]} from {args.forgers} clients; "
        f"downloads started: {verifier.downloads} (at most {web.MAX_FETCHES} at once)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
