"""The packaged dev and prod stages, built once per test session into a temporary directory."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    """packaged(stage) -> devtools.package.Package; `chalice package` runs once per stage and session."""
    from devtools.package import package

    built = {}

    def get(stage: str = "dev"):
        if stage not in built:
            built[stage] = package(stage, tmp_path_factory.mktemp(f"dist-{stage}"))
        return built[stage]

    return get


@pytest.fixture(scope="session")
def template(packaged):
    return json.loads(packaged("dev").template.read_text())


def resources_of(template: dict, kind: str) -> dict:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}
