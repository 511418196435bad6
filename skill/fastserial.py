"""ask-sdk-core's serializer, with the two slow steps of reading a request made fast.

Reading a request envelope is most of a warm request's time, and two private steps of
``DefaultSerializer`` are most of that: it resolves every model class by name with
``__import__`` on every request, and parses every timestamp with dateutil's general-purpose
parser. :class:`Serializer` caches the classes by name and reads ISO 8601 timestamps (all Alexa
sends) with ``datetime.fromisoformat``, falling back to dateutil for anything else. The result is
the same objects (``tests/test_lambda.py`` compares both on every request shape in
``tests/envelopes/``). If a later SDK renames these private steps, the overrides are simply not
called: slower, never wrong.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

_load_class = getattr(DefaultSerializer, "_DefaultSerializer__load_class_from_name", None)
_parse_datetime = getattr(DefaultSerializer, "_DefaultSerializer__deserialize_datetime", None)


class Serializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None and _load_class is not None:
            found = self._classes[class_name] = _load_class(self, class_name)
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed.date() if obj_type is date else parsed
        if _parse_datetime is None:
            return payload
        return _parse_datetime(self, payload, obj_type)
