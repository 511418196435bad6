"""The checks across content files, once every file is read: each name one file uses from
another exists there (:meth:`skill.content.builders.Build.refer`), every muscle is linked to a
pain place, and muscles.yaml and routines.yaml agree on which routines there are."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from skill.content.objects import Muscle, Response, Routine, Safety

if TYPE_CHECKING:
    from skill.content.builders import Build
    from skill.content.builders.regions import Places


def check_across_files(
    b: Build,
    places: Places,
    muscles: Mapping[str, Muscle],
    muscle_lines: Mapping[str, int],
    safety: Safety | None,
    routines: Mapping[tuple[str, str], Routine],
    responses: Mapping[str, Response],
) -> None:
    names: dict[str, Collection[str]] = {
        "source": b.sources,
        "muscle": muscles,
        "equipment": places.equipment,
        "region": places.regions,
        "avoid_zone": safety.avoid_zones if safety else {},
        "response": responses,
    }
    for family, name, reader, line, problem in b.refs:
        if name not in names[family]:
            reader.problem(line, problem)
    _every_muscle_has_a_place(b, places, muscle_lines)
    _muscles_and_routines_agree(b, muscles, muscle_lines, routines)


def _every_muscle_has_a_place(b: Build, places: Places, muscle_lines: Mapping[str, int]) -> None:
    linked = {
        ranked.muscle
        for region in places.regions.values()
        for location in region.locations.values()
        for ranked in location.muscles
    }
    reader = b.readers["muscles.yaml"]
    for mid, line in muscle_lines.items():
        if mid not in linked:
            reader.problem(line, f"muscle '{mid}' is not linked to any pain location")


def _muscles_and_routines_agree(
    b: Build,
    muscles: Mapping[str, Muscle],
    muscle_lines: Mapping[str, int],
    routines: Mapping[tuple[str, str], Routine],
) -> None:
    for mid, muscle in muscles.items():
        for e in muscle.routines:
            if (mid, e) not in routines:
                b.readers["muscles.yaml"].problem(
                    muscle_lines[mid], f"muscle '{mid}' lists a '{e}' routine that is missing"
                )
    for mid, eid in routines:
        if mid in muscles and eid not in muscles[mid].routines:
            b.readers["routines.yaml"].problem(
                1, f"routine '{mid}/{eid}' is not listed in muscles.yaml routines"
            )
