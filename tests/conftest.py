"""Shared fixtures: the skill in process, with a fresh in-memory store for each test."""

from __future__ import annotations

from typing import Any

import pytest

from skill.app import build_skill_builder
from skill.stores import open_store
from tpcoach.local import Client, in_process


@pytest.fixture
def store() -> Any:
    return open_store("memory")


@pytest.fixture
def client(store: Any) -> Client:
    return Client(in_process(build_skill_builder(store)))
