"""The linters the project promises are clean: ruff on the code and tests, mypy (strict) on skill/
and tpcoach/.
Run here so that the README's one test command checks them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "skill", "tpcoach", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing_in_skill() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
