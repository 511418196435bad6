"""Let the Alexa request verifier import on OpenSSL 3.0.10 and later.

The problem
    ``flask_ask_sdk.skill_adapter`` imports ``ask_sdk_webservice_support.verifier``, which imports
    ``certvalidator``, which imports ``oscrypto``. oscrypto 1.3.0 (the newest release on PyPI)
    reads the libcrypto version with the pattern ``\\d\\.\\d\\.\\d``: "OpenSSL 3.0.19" does not
    match, and the import fails with ``LibraryNotFoundError: Error detecting the version of
    libcrypto`` on every machine with OpenSSL 3.0.10 or newer (wbond/oscrypto#75, #78). The fix,
    ``\\d+\\.\\d+\\.\\d+``, is on oscrypto's master branch but in no release; the re-packaged forks
    on PyPI install the same ``oscrypto`` package directory under another distribution name, so
    they would overwrite the files of the ``oscrypto`` that certvalidator requires.

The fix
    :func:`install_oscrypto_fix` puts a finder at the front of ``sys.meta_path`` that takes over
    the loading of exactly two modules, ``oscrypto._openssl._libcrypto_cffi`` and
    ``oscrypto._openssl._libcrypto_ctypes``, and compiles them from their own source with that
    one pattern replaced by upstream's. Nothing on disk changes; no bytecode is cached for the
    patched modules. If the installed oscrypto no longer contains the old pattern (a fixed
    release), the finder steps aside and the module loads as shipped.

Only the web entry (``skill/web.py``, and its verifier ``skill/verify.py``) calls this, before
it imports flask-ask-sdk or the verifier. The Lambda entry imports neither oscrypto nor this
module's callers. ``tests/test_web_compat.py`` fails if a
fresh interpreter can no longer import the verifier through ``skill.web``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import CodeType, ModuleType

# The modules that parse the version string: oscrypto uses the cffi one when cffi is installed,
# the ctypes one otherwise.
PATCHED_MODULES = frozenset(
    {"oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes"}
)
# Exactly as these characters appear in oscrypto 1.3.0's source, and as upstream fixed them.
OLD_PATTERN = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b'"
NEW_PATTERN = "'\\\\b(\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*)\\\\b'"


class _PatchedSourceLoader(importlib.machinery.SourceFileLoader):
    """Loads a module from its source with the version pattern replaced; caches no bytecode."""

    def get_code(self, fullname: str) -> CodeType:
        source = self.get_data(self.path).decode("utf-8")
        patched = source.replace(OLD_PATTERN, NEW_PATTERN)
        return compile(patched, self.path, "exec", dont_inherit=True)


class _OscryptoVersionFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in PATCHED_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        with open(spec.origin, encoding="utf-8") as source:
            if OLD_PATTERN not in source.read():
                return None  # a release that parses the version correctly: leave it alone
        spec.loader = _PatchedSourceLoader(fullname, spec.origin)
        return spec


def install_oscrypto_fix() -> None:
    """Make the next import of oscrypto's libcrypto binding read versions like 3.0.19.

    Idempotent. Must run before anything imports ``oscrypto.asymmetric`` (directly or through
    certvalidator, ask-sdk-webservice-support or flask-ask-sdk); afterwards it changes nothing.
    """
    if not any(isinstance(finder, _OscryptoVersionFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OscryptoVersionFinder())
