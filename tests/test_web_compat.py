"""The oscrypto fix (skill/_compat.py): flask-ask-sdk imports on OpenSSL >= 3.0.10.

Each check runs in a fresh interpreter: once anything has imported oscrypto in this process,
the outcome of an import no longer says anything about a fresh one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from skill import _compat

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )


def test_a_fresh_interpreter_imports_the_web_entry_and_its_verifier() -> None:
    result = run_python(
        """
        import json, re, sys
        import skill.web
        import flask_ask_sdk.skill_adapter
        import ask_sdk_webservice_support.verifier
        import certvalidator
        from oscrypto import asymmetric
        from oscrypto._openssl import _libcrypto
        print(json.dumps({
            "version": _libcrypto.libcrypto_version,
            "info": list(_libcrypto.libcrypto_version_info),
        }))
        """
    )
    assert result.returncode == 0, f"importing the web stack failed:\n{result.stderr[-3000:]}"
    found = json.loads(result.stdout.strip().splitlines()[-1])
    parts = found["info"]
    assert all(isinstance(part, int) for part in parts[:3]) and parts[0] >= 1, found
    assert found["version"].startswith(".".join(map(str, parts[:3]))), found


def test_the_fix_rewrites_only_the_old_pattern_in_only_the_two_modules(tmp_path: Path) -> None:
    """A stand-in oscrypto package shows what the finder does, whatever OpenSSL is installed."""
    package = tmp_path / "oscrypto" / "_openssl"
    package.mkdir(parents=True)
    (tmp_path / "oscrypto" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    old = f"PATTERN = {_compat.OLD_PATTERN}\n"
    (package / "_libcrypto_cffi.py").write_text(old)
    (package / "_libcrypto_ctypes.py").write_text(f"PATTERN = {_compat.NEW_PATTERN}\n")
    (package / "_other.py").write_text(old)
    result = run_python(
        """
        import json
        from skill import _compat
        _compat.install_oscrypto_fix()
        _compat.install_oscrypto_fix()  # idempotent
        from oscrypto._openssl import _libcrypto_cffi, _libcrypto_ctypes, _other
        import sys
        print(json.dumps({
            "cffi": _libcrypto_cffi.PATTERN,
            "ctypes": _libcrypto_ctypes.PATTERN,
            "other": _other.PATTERN,
            "finders": sum(type(f).__name__ == "_OscryptoVersionFinder" for f in sys.meta_path),
        }))
        """,
        PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    fixed = r"\b(\d+\.\d+\.\d+[a-z]*)\b"
    assert found["cffi"] == fixed, "the old pattern was not replaced"
    assert found["ctypes"] == fixed, "an already fixed module must load unchanged"
    assert found["other"] == r"\b(\d\.\d\.\d[a-z]*)\b", "only the two modules may be touched"
    assert found["finders"] == 1
    assert not list(package.glob("__pycache__/_libcrypto_cffi.*")), "patched code was cached"
    assert (package / "_libcrypto_cffi.py").read_text() == old, "the file on disk must not change"


def test_the_fixed_pattern_reads_the_versions_openssl_reports() -> None:
    import re

    pattern = re.compile(json.loads(_compat.NEW_PATTERN.replace("'", '"')))
    for banner, version in [
        ("OpenSSL 3.0.19 27 Jan 2026", "3.0.19"),
        ("OpenSSL 3.0.2 15 Mar 2022", "3.0.2"),
        ("OpenSSL 1.1.1w  11 Sep 2023", "1.1.1w"),
        ("OpenSSL 3.10.11 1 Jan 2030", "3.10.11"),
    ]:
        match = pattern.search(banner)
        assert match is not None and match.group(1) == version, banner
