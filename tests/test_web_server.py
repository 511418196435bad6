"""The documented ways of running the web entry start real servers on loopback and answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.hosting_support import closed_loopback_port, launch_request

ROOT = Path(__file__).resolve().parent.parent


def _environment(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TPCOACH_", "AWS_"))}
    return {**clean, **extra}


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """The server, up and answering /healthz, for the body of the with-statement; its output
    goes to ``log``."""
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert json.load(r) == {"status": "ok"}
                    break
            except OSError:  # refused while binding, or timed out while workers boot
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the server did not come up in 30 s"
                time.sleep(0.1)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def post_launch(port: int) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/alexa",
        data=json.dumps(launch_request()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_gunicorn_serves_the_app_factory_with_several_workers(tmp_path: Path) -> None:
    port = closed_loopback_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "skill.web:create_app_from_env()",
    ]
    store = tmp_path / "progress.sqlite3"
    # Without verification a plain request is answered...
    env = _environment(
        TPCOACH_STORE=f"sqlite:{store}", TPCOACH_NO_VERIFY="1", HOME=str(tmp_path / "home")
    )
    with running(command, env, port, tmp_path / "gunicorn.log"):
        status, body = post_launch(port)
        assert status == 200 and "outputSpeech" in body["response"], body
    assert not (tmp_path / "home" / ".gunicorn").exists(), "gunicorn wrote under $HOME"
    # ...and with it (the default) the same request is refused.
    env = _environment(TPCOACH_STORE=f"sqlite:{store}", HOME=str(tmp_path / "home"))
    with running(command, env, port, tmp_path / "gunicorn.log"):
        status, body = post_launch(port)
        assert status == 400 and set(body) == {"error"}, body


def test_serve_starts_flasks_server_and_says_loudly_that_verification_is_off(
    tmp_path: Path,
) -> None:
    port = closed_loopback_port()
    code = f"import sys; from skill.web import serve; sys.exit(serve(port={port}, verify=False))"
    env = _environment(TPCOACH_STORE="memory")
    log = tmp_path / "serve.log"
    with running([sys.executable, "-c", code], env, port, log):
        status, body = post_launch(port)
        assert status == 200 and "outputSpeech" in body["response"], body
    stderr = log.read_text()
    assert "REQUEST VERIFICATION IS OFF" in stderr
    assert "store=memory" in stderr
