"""One builder per content file, and the catalogue assembled from what they built.

Each builder reads its own file and checks what that file alone can tell; a name it uses from
another file (a source, a muscle, a piece of equipment, an avoid zone, a response, a region) is
noted with :meth:`Build.refer`, and skill/content/checks.py checks those notes, and the rules
that span files, once every file is read. Imported only when YAML is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from skill.content.objects import Catalogue, Source
from skill.content.reader import Problem, Reader, WordOwners, YamlMap


class Build:
    """What the builders share: the readers, the problems, who owns each word, the sources,
    and the names used across files, to be checked once all are read."""

    def __init__(self, readers: Mapping[str, Reader], problems: list[Problem]) -> None:
        self.readers = readers
        self.problems = problems
        self.words = WordOwners(readers)
        self.sources: dict[str, Source] = {}
        # (family, name, reader, line, problem if the family has no such name)
        self.refs: list[tuple[str, str, Reader, int, str]] = []

    def refer(self, family: str, name: str, reader: Reader, line: int, problem: str) -> None:
        """``name`` must be one of ``family`` (declared in another file)."""
        self.refs.append((family, name, reader, line, problem))

    def source(self, reader: Reader, node: YamlMap) -> str:
        """The ``source:`` of a fact: required, and one declared in regions.yaml."""
        sid = reader.get_str(node, "source")
        if sid is None:
            return ""
        line = reader.line_of(node, "source")
        self.refer("source", sid, reader, line, f"unknown source '{sid}'")
        return sid


def build(readers: Mapping[str, Reader], problems: list[Problem]) -> Catalogue | None:
    """The catalogue from parsed files, or None with ``problems`` saying why."""
    from skill.content.builders import muscles, regions, responses, routines, safety, utterances
    from skill.content.checks import check_across_files

    b = Build(readers, problems)
    places = regions.build(b)
    found_muscles, muscle_lines = muscles.build(b)
    found_safety = safety.build(b)
    ranges, found_routines = routines.build(b)
    found_responses, topics = responses.build(b)
    language = utterances.build(b)
    check_across_files(
        b, places, found_muscles, muscle_lines, found_safety, found_routines, found_responses
    )
    if problems or found_safety is None:
        return None
    return Catalogue(
        sources=MappingProxyType(b.sources),
        aspects=MappingProxyType(places.aspects),
        sides=MappingProxyType(places.sides),
        equipment=MappingProxyType(places.equipment),
        regions=MappingProxyType(places.regions),
        conditions=MappingProxyType(places.conditions),
        muscles=MappingProxyType(found_muscles),
        routines=MappingProxyType(found_routines),
        ranges=MappingProxyType(ranges),
        safety=found_safety,
        responses=MappingProxyType(found_responses),
        topics=MappingProxyType(topics),
        language=language,
    )


__all__ = ["Build", "build"]
