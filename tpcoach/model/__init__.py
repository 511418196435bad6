"""The interaction model, generated from the content, and the checks that keep it honest.

- ``language.py``: slot types, sample utterances and intents: one language model per locale.
- ``manifest.py``: the manifest (skill.json) and the ASK CLI's project file.
- ``package.py``: the files of the skill package, as ``tpcoach build-model`` writes them.
- ``schema.py``: Alexa's own JSON schema from its Swagger spec, made strict.
- ``checks.py``: every problem with the package on disk, each naming its file.
"""

from __future__ import annotations

from skill.content import LOCALES
from tpcoach.leads import carrier_words
from tpcoach.model.checks import check_model
from tpcoach.model.language import (
    ASK_RESOURCES,
    CUSTOM_MODELS,
    DEFAULT_PACKAGE,
    INVOCATION_NAME,
    MANIFEST,
    PROJECT_ROOT,
    interaction_model,
)
from tpcoach.model.manifest import EXAMPLE_PHRASES, endpoint, manifest
from tpcoach.model.package import build, write_model
from tpcoach.model.schema import (
    MANIFEST_SCHEMA,
    MODEL_SCHEMA,
    SPEC,
    schema_problems,
    strict_definitions,
)

__all__ = [
    "ASK_RESOURCES",
    "CUSTOM_MODELS",
    "DEFAULT_PACKAGE",
    "EXAMPLE_PHRASES",
    "INVOCATION_NAME",
    "LOCALES",
    "MANIFEST",
    "MANIFEST_SCHEMA",
    "MODEL_SCHEMA",
    "PROJECT_ROOT",
    "SPEC",
    "build",
    "carrier_words",
    "check_model",
    "endpoint",
    "interaction_model",
    "manifest",
    "schema_problems",
    "strict_definitions",
    "write_model",
]
