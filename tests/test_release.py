"""A release is written down: one version in pyproject, CITATION.cff and the changelog."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_one_version_everywhere() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = re.search(r'^version: "([^"]+)"$', (ROOT / "CITATION.cff").read_text(), re.M)
    assert citation and citation.group(1) == version, "CITATION.cff names another version"
    releases = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == "Unreleased", "the changelog opens with an [Unreleased] section"
    assert releases[1] == version, f"the changelog's newest release is {releases[1]}, not {version}"
