"""The shipped content, once per process: compiled (skill/compiled.py) when the artifact is up
to date with ``content/``, else read from YAML; and :func:`load` for any content directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from skill.content.figures import GEOMETRY_FILE, SCREENS_FILE, Geometry
from skill.content.objects import FILES, Catalogue
from skill.content.reader import ContentError, Problem, Reader

CONTENT_ENV = "TPCOACH_CONTENT"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent.parent / "content"


def content_dir() -> Path:
    return Path(os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT_DIR)


@cache
def _shipped() -> tuple[Catalogue, str | None]:
    """The content of :func:`content_dir`: compiled (skill/compiled.py) when the artifact is up
    to date with it, with the geometry still encoded; else read from YAML (no geometry yet)."""
    directory = content_dir()
    from skill import compiled

    try:
        return compiled.load(directory)
    except LookupError:
        return load(directory), None


def catalogue() -> Catalogue:
    """The shipped content, loaded once per process."""
    return _shipped()[0]


def load(directory: Path | str) -> Catalogue:
    """Load and validate a content directory; raise :class:`ContentError` listing every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    readers = {name: Reader(directory / name, problems) for name in FILES}
    if not all(r.parsed for r in readers.values()):
        # A file that cannot be read or parsed: cross-file checks would only add noise.
        raise ContentError(problems)
    from skill.content.builders import build  # only when YAML is read

    catalogue = build(readers, problems)
    if problems:
        raise ContentError(problems)
    assert catalogue is not None
    return catalogue


@cache
def geometry() -> Geometry:
    """The shipped geometry, loaded and checked against the shipped content once per process."""
    cat, encoded = _shipped()
    if encoded is None:
        return load_geometry(content_dir(), cat)
    from skill import compiled

    return compiled.geometry(encoded)


def compiled_in_use() -> bool:
    """Whether the shipped content came from the compiled artifact (checked when it was built)."""
    return _shipped()[1] is not None


def load_geometry(directory: Path | str, cat: Catalogue) -> Geometry:
    """Load and validate ``geometry.yaml``; raise :class:`ContentError` listing every problem."""
    problems: list[Problem] = []
    reader = Reader(Path(directory) / GEOMETRY_FILE, problems)
    words_reader = Reader(Path(directory) / SCREENS_FILE, problems)
    from skill.content.builders.geometry import build_geometry, build_screen_words

    words = build_screen_words(words_reader, cat) if words_reader.parsed else None
    result = build_geometry(reader, cat, words) if reader.parsed and words else None
    if problems or result is None:
        raise ContentError(problems)
    return result
