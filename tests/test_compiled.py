"""The compiled content (skill/compiled.py) is the YAML's content exactly, and never stale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skill import compiled
from skill.content import DEFAULT_CONTENT_DIR, load, load_geometry
from skill.records import FrozenRecordError, fields_of, record

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_artifact_is_up_to_date_with_content() -> None:
    # CI's check: content/ edited without `tpcoach build-model` fails here.
    assert compiled.stale(DEFAULT_CONTENT_DIR) is None
    assert compiled.ARTIFACT.read_text(encoding="utf-8") == compiled.text(DEFAULT_CONTENT_DIR)


def test_the_artifact_holds_what_the_yaml_loader_builds() -> None:
    cat, encoded = compiled.load(DEFAULT_CONTENT_DIR)
    geo = compiled.geometry(encoded)
    from_yaml = load(DEFAULT_CONTENT_DIR)
    for name in fields_of(from_yaml):
        assert getattr(cat, name) == getattr(from_yaml, name), name
    geo_yaml = load_geometry(DEFAULT_CONTENT_DIR, from_yaml)
    for name in fields_of(geo_yaml):
        assert getattr(geo, name) == getattr(geo_yaml, name), name
    # Types survive, not just values: read-only mappings, tuples, frozensets.
    assert type(cat.muscles).__name__ == "mappingproxy"
    step = next(iter(cat.routines.values())).steps[0]
    assert isinstance(next(iter(cat.routines.values())).steps, tuple)
    assert type(step).__name__ == "Step"
    assert isinstance(cat.responses["answer"].fields, frozenset)


def test_an_edited_content_file_makes_the_artifact_stale(tmp_path: Path) -> None:
    tree = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, tree)
    artifact = tmp_path / "compiled.json"
    assert compiled.build(tree, artifact)
    assert not compiled.build(tree, artifact)  # the same content writes the same file
    assert compiled.stale(tree, artifact) is None
    responses = tree / "responses.yaml"
    responses.write_text(responses.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert compiled.stale(tree, artifact)
    with pytest.raises(LookupError):
        compiled.load(tree, artifact)


def test_a_stale_artifact_costs_time_never_a_fact(tmp_path: Path) -> None:
    """With the artifact out of date, the skill reads the YAML: what is said is what is there."""
    tree = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, tree)
    responses = tree / "responses.yaml"
    text = responses.read_text(encoding="utf-8")
    responses.write_text(text.replace("Welcome back.", "Welcome back, runner."), encoding="utf-8")
    code = textwrap.dedent(
        """
        import sys
        from skill.content import catalogue
        print(catalogue().responses["welcome_back"].variants[0])
        print("yaml" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"TPCOACH_CONTENT": str(tree), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert result.stdout.split() == ["Welcome", "back,", "runner.", "True"]


def test_the_shipped_content_loads_without_yaml() -> None:
    code = "import sys\nfrom skill.content import catalogue, geometry\ncatalogue(); geometry()\n"
    code += "print('yaml' in sys.modules, 'rapidfuzz' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.stdout.split() == ["False", "False"], result.stderr


@record
class _Point:
    x: int
    y: int = 0


def test_a_record_is_a_frozen_value() -> None:
    assert _Point(1) == _Point(x=1, y=0) != _Point(1, 2)
    assert hash(_Point(1, 2)) == hash(_Point(1, 2))
    assert repr(_Point(1, 2)) == "_Point(x=1, y=2)"
    with pytest.raises(FrozenRecordError):
        _Point(1).x = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Point(1, 2, 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Point(1, z=3)  # type: ignore[call-arg]
