"""A release is written down: one version in pyproject, CITATION.cff and the changelog."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ipssim.version import release_series

ROOT = Path(__file__).resolve().parents[1]


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".dev")[0].split("."))


def test_one_version_everywhere() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = re.search(r'^version: "([^"]+)"$', (ROOT / "CITATION.cff").read_text(), re.M)
    assert citation and citation.group(1) == version, "CITATION.cff names another version"
    releases = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == "Unreleased", "the changelog opens with an [Unreleased] section"
    if ".dev" in version:  # on the way to a release: the changelog's newest is the one before
        assert _numbers(releases[1]) < _numbers(version), f"{releases[1]} is not before {version}"
    else:
        assert releases[1] == version, f"the changelog's newest release is {releases[1]}"


def test_the_release_series_is_major_and_minor() -> None:
    assert release_series("0.2.0.dev0") == release_series("0.2.3") == "0.2"
    assert release_series("1.0.0") != release_series("0.2.0")
