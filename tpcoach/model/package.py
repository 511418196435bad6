"""The skill package on disk: ``tpcoach build-model`` calls :func:`write_model`, which writes the
ASK CLI v2 skill package::

    ask-resources.json                         the ASK CLI's project file, next to the package
    interaction_model/skill.json               the manifest
    interaction_model/interactionModels/custom/<locale>.json   one language model per locale
"""

from __future__ import annotations

import json
from pathlib import Path

from skill.content import LOCALES, Catalogue
from tpcoach.model.language import ASK_RESOURCES, CUSTOM_MODELS, MANIFEST, Json, interaction_model
from tpcoach.model.manifest import ask_resources, manifest


def render(document: Json) -> str:
    """Stable JSON: sorted keys, two-space indent, a trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build(cat: Catalogue, package: Path, custom_endpoint: Json | None = None) -> dict[Path, str]:
    """Every file of the skill package and the ASK CLI project file, path → text."""
    files = {
        package / MANIFEST: render(manifest(custom_endpoint)),
        package.parent / ASK_RESOURCES: render(ask_resources(package)),
    }
    for locale in LOCALES:
        files[package / CUSTOM_MODELS / f"{locale}.json"] = render(interaction_model(cat, locale))
    return files


def write_model(
    cat: Catalogue, directory: Path | str, custom_endpoint: Json | None = None
) -> list[Path]:
    """Write the skill package to ``directory`` and ask-resources.json next to it."""
    package = Path(directory)
    written = []
    for path, text in build(cat, package, custom_endpoint).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
