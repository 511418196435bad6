"""How fast the hosting entries are: rerun with ``python benchmarks/hosting.py`` (a few minutes).

1. Cold start, in fresh processes (median of ``--runs``): import plus the first answer to a
   LaunchRequest, for a bare ask-sdk-core skill (one handler, no store) and for the Lambda entry
   (``skill.lambda_function``) with the memory store and with the DynamoDB store. The DynamoDB
   endpoint is a stub on loopback that answers every call with ``{}`` (no item; put accepted):
   it times boto3, the SDK adapter and one local HTTP round trip per call, not AWS.
2. Warm, per request, for the same LaunchRequest to each (median over ``--warm`` requests, the
   median of three rounds).
3. A bounded load run against gunicorn on 127.0.0.1 with the SQLite store and real signature
   verification (a CA made here stands in for Amazon's): virtual users in threads each go through
   a routine (start it, clear the safety screen, step through it), until ``--requests`` requests
   or ``--seconds`` seconds. Afterwards every user's saved progress is read back from the store.

Nothing here is a test: it prints a table. Aim (issue 13): cold start at most 1.3x the bare
skill's, warm at most 1.2x, in the same run. Both sides run from bytecode (``compile_project``);
the entry loads the compiled content (skill/compiled.py), as it does when that is up to date.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-00000000bench"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"

# -- the programs timed in fresh processes ------------------------------------------------------

_EVENT = """
import json, os, time
event = json.loads(os.environ["BENCH_EVENT"])
"""

BARE_SETUP = """
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
sb = SkillBuilder()
@sb.request_handler(can_handle_func=is_request_type("LaunchRequest"))
def launch(handler_input):
    speak = "Welcome to Trigger Point Coach. Where does it hurt?"
    return handler_input.response_builder.speak(speak).ask("Where does it hurt?").response
handler = sb.lambda_handler()
"""
ENTRY_SETUP = "from skill.lambda_function import handler"

COLD = (
    _EVENT
    + """
t0 = time.perf_counter()
%s
answer = handler(event, None)
t1 = time.perf_counter()
assert "outputSpeech" in answer["response"]
print(json.dumps({"cold_s": t1 - t0}))
"""
)
BARE_COLD = COLD % BARE_SETUP
ENTRY_COLD = COLD % ENTRY_SETUP

WARM = """
import json, os, time, statistics
event = json.loads(os.environ["BENCH_EVENT"])
n = int(os.environ["BENCH_N"])
%s
for _ in range(50):
    handler(event, None)
times = []
for _ in range(n):
    t = time.perf_counter()
    handler(event, None)
    times.append(time.perf_counter() - t)
print(json.dumps({"warm_s": statistics.median(times)}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TPCOACH_", "AWS_"))}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def _run(code: str, env: dict[str, str]) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,  # python -c puts the working directory first on sys.path
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark program failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1]), wall


def _launch_event() -> dict[str, Any]:
    from tpcoach.local import envelope, launch_request, new_session_id

    return envelope(
        launch_request(), session_id=new_session_id(), new=True, attributes={}, skill_id=SKILL_ID
    )


class _StubDynamoDb(BaseHTTPRequestHandler):
    """Answers every DynamoDB JSON call with {}: GetItem finds nothing, PutItem succeeds."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body meet delayed ACKs: +40 ms a call

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start_stub_dynamodb() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubDynamoDb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def entry_envs(dynamodb_port: int) -> dict[str, dict[str, str]]:
    event = json.dumps(_launch_event())
    common = {"BENCH_EVENT": event, "TPCOACH_SKILL_ID": SKILL_ID}
    return {
        "bare ask-sdk-core skill": _clean_env(**common),
        "Lambda entry, memory store": _clean_env(**common, TPCOACH_STORE="memory"),
        "Lambda entry, DynamoDB store (stub on loopback)": _clean_env(
            **common,
            TPCOACH_TABLE="progress",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            TPCOACH_DYNAMODB_ENDPOINT=f"http://127.0.0.1:{dynamodb_port}",
        ),
    }


def compile_project() -> None:
    """Bytecode for the project's modules, as the bare skill's packages have it from pip.

    Without it (PYTHONDONTWRITEBYTECODE set, or a fresh checkout) every fresh process of the
    entry would compile skill/ from source while ask-sdk-core loads its bytecode, and the cold
    start would time the compiler, not the skill.
    """
    import compileall

    compileall.compile_dir(ROOT / "skill", quiet=1)


def cold_and_warm(runs: int, warm_n: int) -> list[tuple[str, float, float, float]]:
    """Medians per entry. The entries take turns (one cold start of each, then the next round;
    the warm loops likewise, three rounds), so that a machine whose load changes during the run
    weighs on all of them alike."""
    compile_project()
    stub = start_stub_dynamodb()
    envs = entry_envs(stub.server_address[1])
    inside: dict[str, list[float]] = {name: [] for name in envs}
    wall: dict[str, list[float]] = {name: [] for name in envs}
    warm: dict[str, list[float]] = {name: [] for name in envs}
    for _ in range(runs):
        for name, env in envs.items():
            found, elapsed = _run(BARE_COLD if name.startswith("bare") else ENTRY_COLD, env)
            inside[name].append(found["cold_s"])
            wall[name].append(elapsed)
    for _ in range(WARM_ROUNDS):
        for name, env in envs.items():
            setup = BARE_SETUP if name.startswith("bare") else ENTRY_SETUP
            found, _ = _run(WARM % setup, {**env, "BENCH_N": str(warm_n)})
            warm[name].append(found["warm_s"])
    stub.shutdown()
    return [
        (
            name,
            statistics.median(inside[name]),
            statistics.median(wall[name]),
            statistics.median(warm[name]),
        )
        for name in envs
    ]


WARM_ROUNDS = 3


# -- the load run -----------------------------------------------------------------------------


def signed_app() -> Any:
    """gunicorn's app factory for the load run: verification on, trusting the run's own CA."""
    from skill.web import AlexaRequestVerifier, create_app

    verifier = AlexaRequestVerifier(trust_roots=[Path(os.environ["BENCH_CA_DER"]).read_bytes()])
    verifier.preload(CERT_URL, Path(os.environ["BENCH_CHAIN_PEM"]).read_bytes())
    return create_app(
        store=os.environ["TPCOACH_STORE"], skill_id=SKILL_ID, signature_verifier=verifier
    )


class SignedTransport:
    def __init__(self, port: int, key: Any, stats: dict[str, Any]) -> None:
        self.url = f"http://127.0.0.1:{port}/alexa"
        self.key = key
        self.stats = stats

    def __call__(self, env: dict[str, Any]) -> dict[str, Any]:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        body = json.dumps(env).encode()
        signature = base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "SignatureCertChainUrl": CERT_URL,
                "Signature-256": signature.decode(),
            },
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                result: dict[str, Any] = json.load(response)
                ok = response.status == 200 and "response" in result
        except (urllib.error.URLError, OSError, ValueError) as error:
            result, ok = {"error": repr(error)}, False
        elapsed = time.perf_counter() - started
        with self.stats["lock"]:
            self.stats["latencies"].append(elapsed)
            self.stats["errors"] += 0 if ok else 1
        if not ok:
            raise RuntimeError(f"request failed: {result}")
        return result


def _user_session(
    transport: SignedTransport, user: int, turns: int, deadline: float, budget: dict[str, int]
) -> tuple[str, int | None]:
    """One routine for one user: returns the user id and the step its last response reached."""
    from skill.state import SESSION_KEY
    from tpcoach.local import Client, SlotValue

    client = Client(transport, user_id=f"amzn1.ask.account.BENCH{user:04d}", skill_id=SKILL_ID)

    def spend() -> bool:
        with transport.stats["lock"]:
            if budget["left"] <= 0 or time.monotonic() > deadline:
                return False
            budget["left"] -= 1
            return True

    step = None
    plan: list[tuple[str, dict[str, SlotValue] | None]] = [
        ("RoutineIntent", {"muscle": SlotValue("calf", id="gastrocnemius")}),
        ("AMAZON.NoIntent", None),  # no red flags
        ("LeadReadyIntent", None),
    ]
    plan += [("AMAZON.NextIntent", None)] * max(0, turns - len(plan))
    for name, slots in plan:
        if not spend():
            break
        response = client.intent(name, slots)
        routine = (response.get("sessionAttributes") or {}).get(SESSION_KEY, {}).get("routine")
        if isinstance(routine, dict) and routine.get("started"):
            step = routine.get("step")
    return client.user_id, step


def load_run(
    workers: int, users: int, turns: int, max_requests: int, seconds: float
) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from cryptography.hazmat.primitives import serialization

    from tests.certs import make_ca

    ca = make_ca("Benchmark Root CA")
    signer = ca.issue()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "ca.der").write_bytes(ca.certificate.public_bytes(serialization.Encoding.DER))
        (tmp_path / "chain.pem").write_bytes(signer.chain_pem)
        store_path = tmp_path / "progress.sqlite3"
        port = _closed_port()
        env = _clean_env(
            TPCOACH_STORE=f"sqlite:{store_path}",
            BENCH_CA_DER=str(tmp_path / "ca.der"),
            BENCH_CHAIN_PEM=str(tmp_path / "chain.pem"),
            HOME=str(tmp_path),
        )
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--pythonpath",
            str(ROOT),
            "benchmarks.hosting:signed_app()",
        ]
        log = (tmp_path / "gunicorn.log").open("w")
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
                    time.sleep(0.1)
            stats: dict[str, Any] = {"lock": threading.Lock(), "latencies": [], "errors": 0}
            budget = {"left": max_requests}
            transport = SignedTransport(port, signer.key, stats)
            end = time.monotonic() + seconds
            finals: dict[str, int | None] = {}
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=users) as pool:
                user = 0
                while budget["left"] > 0 and time.monotonic() < end:
                    batch = [
                        pool.submit(_user_session, transport, user + i, turns, end, budget)
                        for i in range(users)
                    ]
                    user += users
                    for future in batch:
                        user_id, step = future.result()
                        finals[user_id] = step
            elapsed = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
        # No lost progress: every user's saved place is the step its last answer reached.
        from skill.stores import SqliteStore
        from tests.hosting_support import envelope as to_envelope
        from tpcoach.local import envelope, launch_request, new_session_id

        store = SqliteStore(store_path)
        lost = []
        for user_id, step in finals.items():
            saved = store.get_attributes(
                to_envelope(
                    envelope(
                        launch_request(),
                        session_id=new_session_id(),
                        new=True,
                        attributes={},
                        user_id=user_id,
                        skill_id=SKILL_ID,
                    )
                )
            )
            saved_step = ((saved.get("progress") or {}) if saved else {}).get("step")
            if step is not None and saved_step != step:
                lost.append((user_id, step, saved_step))
        latencies = sorted(stats["latencies"])
        return {
            "requests": len(latencies),
            "errors": stats["errors"],
            "seconds": elapsed,
            "users": len(finals),
            "with_progress": sum(step is not None for step in finals.values()),
            "lost": lost,
            "p50": latencies[len(latencies) // 2],
            "p95": latencies[int(len(latencies) * 0.95)],
            "p99": latencies[int(len(latencies) * 0.99)],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per cold start")
    parser.add_argument("--warm", type=int, default=500, help="requests per warm measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=8, help="concurrent virtual users")
    parser.add_argument(
        "--turns", type=int, default=5, help="requests per user (stays mid-routine)"
    )
    parser.add_argument("--requests", type=int, default=2000, help="load run: at most this many")
    parser.add_argument("--seconds", type=float, default=60, help="load run: at most this long")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    rows = cold_and_warm(args.runs, args.warm)
    bare_cold, bare_warm = rows[0][1], rows[0][3]
    print(
        "| entry | cold: import + first answer (median) | whole process | vs bare "
        "| warm per request | vs bare |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, cold, wall, warm in rows:
        warm_text, warm_ratio = f"{warm * 1e6:.0f} µs", f"{warm / bare_warm:.2f}x"
        print(
            f"| {name} | {cold * 1e3:.0f} ms | {wall * 1e3:.0f} ms | {cold / bare_cold:.2f}x "
            f"| {warm_text} | {warm_ratio} |"
        )

    load = load_run(args.workers, args.users, args.turns, args.requests, args.seconds)
    print(
        f"\nLoad: gunicorn -w {args.workers} on 127.0.0.1, SQLite store, signature verification "
        f"on, {args.users} concurrent users\n"
    )
    print("| requests | errors | seconds | requests/s | p50 | p95 | p99 | users | progress lost |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {load['requests']} | {load['errors']} | {load['seconds']:.1f} | "
        f"{load['requests'] / load['seconds']:.0f} | {load['p50'] * 1e3:.1f} ms | "
        f"{load['p95'] * 1e3:.1f} ms | {load['p99'] * 1e3:.1f} ms | "
        f"{load['users']} ({load['with_progress']} mid-routine) | {len(load['lost'])} |"
    )
    if load["lost"]:
        print("lost:", load["lost"][:10])
    return 1 if load["errors"] or load["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
