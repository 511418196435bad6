"""The property-based fuzz of tests/test_fuzz.py at full size: 2,500 envelopes by default.

    .venv/bin/python benchmarks/fuzz.py [EXAMPLES]

Prints hypothesis's statistics; exits non-zero on any failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    examples = sys.argv[1] if len(sys.argv) > 1 else "2500"
    env = {**os.environ, "TPCOACH_FUZZ_EXAMPLES": examples}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_fuzz.py",
        "--hypothesis-show-statistics",
    ]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))
