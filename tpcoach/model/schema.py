"""Alexa's own JSON schema for the interaction model and the manifest (from ask-smapi-model's
Swagger spec), made strict: every object closed, so that a misspelt key is an error."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from tpcoach.model.language import PROJECT_ROOT, Json

SPEC = PROJECT_ROOT / "node_modules" / "ask-smapi-model" / "spec.json"
MODEL_SCHEMA = "v1.skill.interactionModel.InteractionModelData"
MANIFEST_SCHEMA = "v1.skill.Manifest.SkillManifestEnvelope"


@cache
def _spec_definitions(spec: Path) -> Mapping[str, Json]:
    definitions: Mapping[str, Json] = json.loads(spec.read_text(encoding="utf-8"))["definitions"]
    return definitions


def strict_definitions(definitions: Mapping[str, Json]) -> dict[str, Json]:
    """Alexa's Swagger definitions as JSON Schema draft 4 that refuses unknown properties.

    Swagger leaves objects open, so a misspelt ``samplez`` would pass. Here:

    * every object schema that lists ``properties`` and says nothing of others gets
      ``additionalProperties: false`` (free-form objects and maps keep what they say);
    * a subtype (``allOf: [{$ref: Base}, {...}]``) is flattened into one object with the
      properties of both, then closed; where the base names a ``discriminator``, that property
      must equal the subtype's ``x-discriminator-value``;
    * a base that has subtypes becomes ``anyOf`` its subtypes (plus itself when it is concrete,
      i.e. has no discriminator), so a reference to ``Interface`` accepts exactly the known
      interfaces and their properties.
    """
    subtypes: dict[str, list[str]] = defaultdict(list)
    for name, schema in definitions.items():
        for part in schema.get("allOf", []):
            if "$ref" in part:
                subtypes[_ref_name(part["$ref"])].append(name)

    def flat(name: str) -> Json:
        schema = definitions[name]
        if "allOf" not in schema:
            return {k: copy.deepcopy(v) for k, v in schema.items() if k != "discriminator"}
        merged: Json = {"type": "object", "properties": {}}
        required: list[str] = []
        for part in schema["allOf"]:
            if "$ref" in part:
                base = _ref_name(part["$ref"])
                piece = flat(base)
                discriminator = definitions[base].get("discriminator")
                if discriminator:
                    value = schema.get("x-discriminator-value", name)
                    piece.setdefault("properties", {})[discriminator] = {
                        "type": "string",
                        "enum": [value],
                    }
            else:
                piece = copy.deepcopy(part)
            merged["properties"].update(piece.get("properties", {}))
            required += [r for r in piece.get("required", []) if r not in required]
            for key, value in piece.items():
                if key not in ("properties", "required", "type", "description"):
                    merged.setdefault(key, value)
        if required:
            merged["required"] = required
        return merged

    out: dict[str, Json] = {}
    for name in definitions:
        concrete = _close(flat(name))
        if name in subtypes:
            variants = [{"$ref": f"#/definitions/{sub}"} for sub in subtypes[name]]
            if "discriminator" not in definitions[name]:
                out[f"{name}.Concrete"] = concrete
                variants.insert(0, {"$ref": f"#/definitions/{name}.Concrete"})
            else:  # types its enum lists with no subtype (CAN_FULFILL_INTENT_REQUEST): bare
                claimed = {definitions[sub].get("x-discriminator-value") for sub in subtypes[name]}
                listed = definitions.get(f"{name}Type", {}).get("enum", [])
                bare = [v for v in listed if v not in claimed]
                if bare:
                    concrete["properties"][definitions[name]["discriminator"]]["enum"] = bare
                    variants.append(concrete)
            out[name] = {"anyOf": variants}
        else:
            out[name] = concrete
    return out


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _close(schema: Json) -> Json:
    """``additionalProperties: false`` on every object schema that lists its properties."""
    if "properties" in schema:
        schema["properties"] = {k: _close(v) for k, v in schema["properties"].items()}
        schema.setdefault("additionalProperties", False)
    if isinstance(schema.get("additionalProperties"), dict):
        schema["additionalProperties"] = _close(schema["additionalProperties"])
    if isinstance(schema.get("items"), dict):
        schema["items"] = _close(schema["items"])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            schema[key] = [_close(s) for s in schema[key]]
    return schema


@cache
def _validator(spec: Path, root: str) -> Any:
    from jsonschema import Draft4Validator

    definitions = strict_definitions(_spec_definitions(spec))
    schema = {"$ref": f"#/definitions/{root}", "definitions": definitions}
    return Draft4Validator(schema)


def schema_problems(document: Any, root: str, spec: Path = SPEC) -> list[str]:
    """What Alexa's schema ``root`` (made strict) says is wrong with ``document``."""
    from jsonschema.exceptions import best_match

    problems = []
    errors = sorted(_validator(spec, root).iter_errors(document), key=lambda e: list(e.path))
    for error in (e for top in errors for e in _explain(top, best_match)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"at {where}: {error.message}")
    return problems


def _explain(error: Any, best_match: Any) -> list[Any]:
    """The errors worth showing for one error. For ``anyOf`` over subtypes, those of the subtype
    whose discriminator matches; if none matches, that the discriminator names no known kind."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    by_variant: dict[Any, list[Any]] = defaultdict(list)
    for e in error.context:
        by_variant[e.schema_path[0]].append(e)

    def kind_mismatch(e: Any) -> bool:
        return bool(e.validator == "enum" and len(e.relative_path) == 1)

    matching = [errs for errs in by_variant.values() if not any(map(kind_mismatch, errs))]
    if len(matching) == 1:
        return [shown for e in matching[0] for shown in _explain(e, best_match)]
    kinds = [e for e in error.context if kind_mismatch(e)]
    if not matching and kinds:
        known = sorted({str(v) for e in kinds for v in e.validator_value})
        shown = kinds[0]
        shown.message = (
            f"{shown.instance!r} is not a known {shown.relative_path[0]}"
            f" (one of {', '.join(known)})"
        )
        return [shown]
    return [best_match(error.context)]
