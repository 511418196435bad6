"""What the skill makes of a request, for tests that check understanding on meaning.

``skill.understand.meaning_of`` reads the request's intent and slots; a place comes back as its
region and aspect ("knee_outside" is both), so a test can name a place one way whichever sample
Alexa matched.
"""

from __future__ import annotations

from collections.abc import Mapping

from skill.content import catalogue
from skill.resolve import Heard, vocabulary
from skill.understand import meaning_of


def meaning_ids(intent: str, slots: Mapping[str, Heard]) -> tuple[str, dict[str, str | None]]:
    """The handlers' intent and the ids of what was heard, a place as region and aspect."""
    found = meaning_of(catalogue(), intent, slots)
    ids: dict[str, str | None] = {k: h.id for k, h in found.slots.items()}
    place = vocabulary(catalogue()).place_meaning.get(str(ids.get("region")))
    if place is not None and "condition" not in ids:
        ids["region"] = place.region
        if place.aspect:
            ids["aspect"] = place.aspect
    return found.intent, ids
