"""template.yaml deploys what the issue asks for, cfn-lint finds nothing, and the Makefile that
`sam build` runs packages a function that imports and answers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from tests.hosting_support import launch_request

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
LAMBDA_REQUIREMENTS = ROOT / "requirements-lambda.txt"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags: !Ref X becomes {"Ref": "X"}, and so on."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)
    return loaded


def test_cfn_lint_finds_nothing() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")  # the one installed with the dev extras
    result = subprocess.run(
        [str(cfn_lint if cfn_lint.exists() else "cfn-lint"), "--", str(TEMPLATE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"cfn-lint:\n{result.stdout}{result.stderr}"


def test_the_function_runs_python_3_12_or_newer_on_arm64_within_alexas_time(
    template: dict[str, Any],
) -> None:
    function = template["Resources"]["SkillFunction"]
    assert function["Type"] == "AWS::Serverless::Function"
    properties = function["Properties"]
    runtime = re.fullmatch(r"python3\.(\d+)", properties["Runtime"])
    assert runtime and int(runtime.group(1)) >= 12, properties["Runtime"]
    assert properties["Architectures"] == ["arm64"]
    assert 3 <= properties["Timeout"] <= 8, "Alexa waits about 8 s; Lambda's default is 3"
    assert isinstance(properties["MemorySize"], int) and properties["MemorySize"] >= 128
    module, _, attribute = properties["Handler"].rpartition(".")
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), properties["Handler"]
    assert attribute == "handler"


def test_only_alexa_for_the_skill_id_parameter_may_invoke_the_function(
    template: dict[str, Any],
) -> None:
    assert "SkillId" in template["Parameters"]
    properties = template["Resources"]["SkillFunction"]["Properties"]
    events = properties["Events"]
    assert [event["Type"] for event in events.values()] == ["AlexaSkill"]
    assert next(iter(events.values()))["Properties"]["SkillId"] == {"Ref": "SkillId"}
    assert properties["Environment"]["Variables"]["TPCOACH_SKILL_ID"] == {"Ref": "SkillId"}


def test_the_table_is_keyed_by_id_on_demand_and_given_to_the_function(
    template: dict[str, Any],
) -> None:
    table = template["Resources"]["ProgressTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["Properties"]["AttributeDefinitions"] == [
        {"AttributeName": "id", "AttributeType": "S"}
    ]
    variables = template["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["TPCOACH_TABLE"] == {"Ref": "ProgressTable"}


def test_the_function_may_touch_only_items_of_its_own_table(template: dict[str, Any]) -> None:
    policies = template["Resources"]["SkillFunction"]["Properties"]["Policies"]
    statements = [statement for policy in policies for statement in policy["Statement"]]
    assert statements, "the function needs access to its table"
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] == {"Fn::GetAtt": ["ProgressTable", "Arn"]}
        assert set(statement["Action"]) <= {
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:UpdateItem",
        }, "more than item access, or another service"


def build_artifact(artifact: Path) -> None:
    """What `sam build` runs, with pip switched off (no network)."""
    make = subprocess.run(
        ["make", "-s", "build-SkillFunction", f"ARTIFACTS_DIR={artifact}", "PIP=true"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert make.returncode == 0, make.stderr


def test_the_lambda_artifact_holds_no_developer_tool(tmp_path: Path) -> None:
    """The function ships the runtime only: no module of tpcoach/ (cli, chat, local envelopes,
    gallery, nlu, the model builder and its checks), under any name, and nothing it ships
    imports the tools."""
    artifact = tmp_path / "SkillFunction"
    build_artifact(artifact)
    shipped = sorted(p.relative_to(artifact) for p in artifact.rglob("*.py"))
    assert shipped, "the artifact holds no Python module"
    tools = {p.stem for p in (ROOT / "tpcoach").rglob("*.py")} - {"__init__"}
    assert tools >= {"cli", "chat", "local", "gallery", "nlu", "language", "checks", "leads"}
    assert not (artifact / "tpcoach").exists()
    # A tool's module name may be taken by a runtime one in another package (the content
    # loader has its own checks.py): only the top level of skill/ must not hold one.
    at_top = {p.stem for p in shipped if len(p.parts) == 2 and p.parts[0] == "skill"}
    assert at_top.isdisjoint(tools), f"tooling modules shipped: {sorted(at_top & tools)}"
    importing = [
        str(p)
        for p in shipped
        if re.search(r"^\s*(from|import) tpcoach\b", (artifact / p).read_text(), re.M)
    ]
    assert not importing, f"shipped modules import the tools: {importing}"


def test_the_makefile_packages_a_function_that_answers(tmp_path: Path) -> None:
    """The artifact holds skill/ and content/ only, and the handler imports from it and answers
    a LaunchRequest."""
    artifact = tmp_path / "SkillFunction"
    build_artifact(artifact)
    assert sorted(path.name for path in artifact.iterdir()) == ["content", "skill"]
    assert (artifact / "skill" / "lambda_function.py").is_file()
    assert list((artifact / "content").glob("*.yaml")), "the content YAML was not packaged"
    assert (artifact / "skill" / "content.compiled.json").is_file(), "no compiled content"
    assert not list(artifact.rglob("__pycache__"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TPCOACH_", "AWS_", "PYTHON"))
    }
    code = """
import json, os, sys
import skill, skill.content
from skill import lambda_function
answer = lambda_function.handler(json.loads(os.environ["EVENT"]), None)
print(json.dumps({"skill": skill.__file__, "content": str(skill.content.DEFAULT_CONTENT_DIR),
                  "speech": "outputSpeech" in answer["response"], "yaml": "yaml" in sys.modules}))
"""
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={
            **env,
            "PYTHONPATH": str(artifact),
            "TPCOACH_STORE": "memory",
            "EVENT": json.dumps(launch_request()),
        },
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["skill"].startswith(str(artifact)), "imported the repository, not the artifact"
    assert found["content"].startswith(str(artifact)), "content is read from outside the package"
    assert found["speech"]
    assert not found["yaml"], "the packaged function read YAML: its compiled content is stale"


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.match(r"[A-Za-z0-9._-]+", line)
            assert match, line
            names.add(_normal(match.group(0)))
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(names: set[str]) -> set[str]:
    """The named distributions and everything they require, as installed here."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_normal(requirement.name))
    return seen


def test_requirements_lambda_brings_every_package_the_lambda_entry_imports() -> None:
    code = """
import json, sys
from importlib import metadata
before = set(sys.modules)  # what the interpreter loaded at startup (site hooks, .pth files)
import skill.lambda_function
owners = metadata.packages_distributions()
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps(sorted({dist for name in new for dist in owners.get(name, [])})))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TPCOACH_", "AWS_"))}
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env={**env, "TPCOACH_TABLE": "progress", "AWS_DEFAULT_REGION": "eu-west-1"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    imported = {_normal(name) for name in json.loads(run.stdout.strip().splitlines()[-1])}
    imported.discard("trigger-point-coach")
    listed = _requirement_names(LAMBDA_REQUIREMENTS.read_text().splitlines())
    missing = imported - _closure(listed)
    assert not missing, f"add to requirements-lambda.txt: {sorted(missing)}"


def test_requirements_lambda_lists_only_project_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _requirement_names(project["dependencies"])
    listed = _requirement_names(LAMBDA_REQUIREMENTS.read_text().splitlines())
    assert listed <= declared, f"not in pyproject.toml dependencies: {sorted(listed - declared)}"


def test_the_table_keeps_point_in_time_recovery(template: dict[str, Any]) -> None:
    table = template["Resources"]["ProgressTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_delete_permission_is_explained_by_the_feature_that_needs_it() -> None:
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    policy = text[text.index("Policies:") : text.index("dynamodb:GetItem")]
    assert "forget me" in policy, "DeleteItem is granted: the template must say what for"


def test_the_sdk_packages_whose_internals_web_py_overrides_are_pinned() -> None:
    import tomllib
    from importlib.metadata import version

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for package in ("ask-sdk-webservice-support", "flask-ask-sdk"):
        (pin,) = [d for d in dependencies if d.startswith(f"{package}")]
        assert "==" in pin, f"{package} must be pinned: skill/web.py overrides its internals"
        assert pin.split("==")[1] == version(package), f"installed {package} is not the pin"
