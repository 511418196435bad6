"""The content, compiled: ``content/`` read, validated and written as one JSON file.

Reading and checking the YAML takes tens of milliseconds and PyYAML's import as many again; a
cold start needs neither. ``tpcoach build-model`` (which runs after any content change) writes
``skill/content.compiled.json``: the catalogue and the geometry exactly as the loader built them,
and a digest of what they were built from (every file in ``content/`` and the loader's own
source). At start the file is used only when its digest matches what is on disk now; otherwise
the content is read from YAML as before, so a stale artifact can cost time, never a fact.
``tpcoach check`` and a test fail while it is stale, so it never ships so.

The encoding keeps every type: records (skill/records.py) by name, tuples as arrays, mappings
(read-only, as the loader makes them) with their keys in order, frozensets sorted so that the
file is the same on every build.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill import content
from skill.records import fields_of, is_record

ARTIFACT = Path(__file__).with_name("content.compiled.json")
FORMAT = 1
_TYPE = "~"


def digest(directory: Path) -> str:
    """What the artifact is built from: every content file, and the loader (skill/content/),
    the record type and the normaliser that make its objects.

    A CRC and the sizes, not a cryptographic hash: it tells an edited file from the one built,
    and costs a tenth of a millisecond at start (hashlib's import alone costs more).
    """
    crc, sizes = 0, []
    loader = sorted(Path(content.__file__).parent.rglob("*.py"))
    code = [*loader, *(Path(__file__).with_name(n) for n in ("records.py", "text.py"))]
    paths = [*sorted(directory.glob("*.yaml")), *code]
    for path in paths:
        data = path.read_bytes()
        crc = zlib.crc32(data, zlib.crc32(path.name.encode(), crc))
        sizes.append(str(len(data)))
    return f"{crc:08x}-{'.'.join(sizes)}"


def fingerprint(cat: content.Catalogue) -> str:
    """The catalogue as the artifact holds it: the same for two loads of the same content, so
    what is worked out from one (the model's leads) holds for the other."""
    return json.dumps(_encode(cat), ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- encoding


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):
        return value
    if is_record(value):
        out: dict[str, Any] = {_TYPE: type(value).__name__}
        for name in fields_of(value):
            out[name] = _encode(getattr(value, name))
        return out
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, frozenset):
        return {_TYPE: "frozenset", "v": sorted(_encode(v) for v in value)}
    if isinstance(value, (MappingProxyType, dict)):
        kind = "map" if isinstance(value, MappingProxyType) else "dict"
        if all(isinstance(k, str) for k in value):
            return {_TYPE: kind, "v": {k: _encode(v) for k, v in value.items()}}
        return {_TYPE: kind, "items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot compile a {type(value).__name__}: {value!r}")


def _tuples(value: Any) -> Any:
    if type(value) is list:
        return tuple([_tuples(v) if type(v) is list else v for v in value])
    return value


def _decoder() -> Any:
    classes = {
        name: obj
        for name, obj in vars(content).items()
        if isinstance(obj, type) and hasattr(obj, "__record_fields__")
    }

    def hook(obj: dict[str, Any]) -> Any:
        kind = obj.pop(_TYPE, None)
        if kind is None:
            return obj
        if kind == "frozenset":
            return frozenset(_tuples(obj["v"]))
        if kind in ("map", "dict"):
            if "v" in obj:
                items = {k: _tuples(v) if type(v) is list else v for k, v in obj["v"].items()}
            else:
                items = {_tuples(k): _tuples(v) for k, v in obj["items"]}
            return MappingProxyType(items) if kind == "map" else items
        # Every field is in the file: fill the record without its generic __init__.
        made: Any = object.__new__(classes[kind])
        made.__dict__.update({k: _tuples(v) if type(v) is list else v for k, v in obj.items()})
        return made

    return hook


# --------------------------------------------------------------------------- build and load


def text(directory: Path) -> str:
    """The artifact for a content directory (validated: raises ContentError on a problem)."""
    cat = content.load(directory)
    geo = content.load_geometry(directory, cat)
    document = {
        "format": FORMAT,
        "digest": digest(directory),
        "catalogue": _encode(cat),
        # A string inside the document: decoded only when a screen is drawn.
        "geometry": json.dumps(_encode(geo), ensure_ascii=False, separators=(",", ":")),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def build(directory: Path, path: Path = ARTIFACT) -> bool:
    """Write the artifact; True if it changed."""
    new = text(directory)
    if path.exists() and path.read_text(encoding="utf-8") == new:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def stale(directory: Path, path: Path = ARTIFACT) -> str | None:
    """Why the artifact does not match the content, or None when it does."""
    if not path.exists():
        return f"{path.name} is missing: run `tpcoach build-model`"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return f"{path.name} is not valid JSON: run `tpcoach build-model`"
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return f"{path.name} is of another format: run `tpcoach build-model`"
    if document.get("digest") != digest(directory):
        return f"{path.name} is older than content/: run `tpcoach build-model`"
    return None


def load(directory: Path, path: Path = ARTIFACT) -> tuple[content.Catalogue, str]:
    """The compiled catalogue, and the geometry still encoded (:func:`geometry`); LookupError
    when the artifact is missing or stale for ``directory``."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LookupError(f"no compiled content: {error}") from None
    # The digest sits near the start: compare it before decoding the rest.
    head = json.loads(raw[: raw.index(b',"catalogue"')] + b"}")
    if head.get("format") != FORMAT or head.get("digest") != digest(directory):
        raise LookupError("the compiled content is older than content/")
    document = json.loads(raw, object_hook=_decoder())
    return document["catalogue"], document["geometry"]


def geometry(encoded: str) -> content.Geometry:
    found: content.Geometry = json.loads(encoded, object_hook=_decoder())
    return found
