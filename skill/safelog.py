"""Request text in logs, made harmless: one line, printable, bounded.

Anything that came in a request (a timestamp, a slot, an error message quoting either) may hold
newlines or control characters that would forge log lines of their own, or be megabytes long.
:func:`loggable` escapes such characters the way ``repr`` does and cuts the text short;
:func:`describe` does the same for an exception, keeping the traceback's frames (which come from
this code, not from the request) on lines of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import logging

MAX_LOGGED_CHARS = 300


def loggable(value: object, limit: int = MAX_LOGGED_CHARS) -> str:
    """``value`` as one printable line of at most about ``limit`` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = f"{text[:limit]}...({len(text)} chars)"
    escaped = text.encode("unicode_escape").decode("ascii")
    return escaped.replace('"', '\\"')


def describe(error: BaseException) -> str:
    """The exception's type and escaped message, then its traceback frames."""
    import traceback  # only when something failed: not on every cold start

    frames = "".join(traceback.format_tb(error.__traceback__)).rstrip()
    head = f"{type(error).__name__}: {loggable(error)}"
    return f"{head}\n{frames}" if frames else head


class _LazyLogger:
    """A logger that imports :mod:`logging` when something is first logged, not at import:
    logging (with traceback and textwrap) is 4 ms of a cold start that logs nothing."""

    __slots__ = ("_logger", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: Any = None

    def __getattr__(self, attribute: str) -> Any:
        if self._logger is None:
            import logging

            self._logger = logging.getLogger(self._name)
        return getattr(self._logger, attribute)


def logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)``, imported on first use."""
    return cast("logging.Logger", _LazyLogger(name))
