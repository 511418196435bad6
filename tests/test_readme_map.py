"""README's map of the code matches the tree: every module and package of skill/ and tpcoach/ is
named in it, and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## How it is built") : README.index("## Content")]


def named_paths() -> set[str]:
    return set(re.findall(r"`((?:skill|tpcoach|content|tests|benchmarks)/[\w./*<>-]*)`", SECTION))


def test_every_module_and_package_of_the_code_is_on_the_map() -> None:
    missing = []
    for package in ("skill", "tpcoach"):
        for path in sorted((ROOT / package).iterdir()):
            if path.name.startswith("__") or path.name.startswith("."):
                continue
            if path.is_dir() or path.suffix in (".py", ".json"):
                name = f"{package}/{path.name}" + ("/" if path.is_dir() else "")
                if f"`{name}`" not in SECTION:
                    missing.append(name)
    assert not missing, f"modules missing from README's map: {missing}"


def test_every_path_on_the_map_exists() -> None:
    gone = [
        p
        for p in named_paths()
        if "<" not in p and "*" not in p and not (ROOT / p.rstrip("/")).exists()
    ]
    assert not gone, f"README's map names paths that do not exist: {gone}"
