"""Reproducible installs: the lock files pin every package with hashes and agree with
pyproject.toml; make, CI and the Dockerfile install from them (the image is not built here:
no Docker engine, so the Dockerfile is checked as text)."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from shared.settings import REPO_ROOT

LOCK = REPO_ROOT / "requirements.lock"
DEV_LOCK = REPO_ROOT / "requirements-dev.lock"
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def pins(path: str) -> dict[str, str]:
    """name → version of every `name==version` entry, each of which must carry a hash."""
    text = (REPO_ROOT / path).read_text()
    entries = re.findall(
        r"^([A-Za-z0-9._-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", text, re.M
    )
    names = re.findall(r"^([A-Za-z0-9._-]+)==", text, re.M)
    assert len(entries) == len(names), f"{path}: an entry without --hash"
    return {canonicalize_name(name): version for name, version, _ in entries}


def direct(requirements: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in requirements:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == "kvalitetsnavet":
            continue  # the dev extra's own `kvalitetsnavet[embedded]`
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line}: pin direct dependencies with =="
        found[canonicalize_name(requirement.name)] = specifier.version
    return found


def test_the_production_lock_pins_every_direct_dependency_at_its_version() -> None:
    locked = pins("requirements.lock")
    for name, version in direct(PYPROJECT["dependencies"]).items():
        assert locked.get(name) == version, (name, version, locked.get(name))


def test_the_dev_lock_pins_runtime_dev_and_embedded_alike() -> None:
    locked = pins("requirements-dev.lock")
    extras = PYPROJECT["optional-dependencies"]
    wanted = {
        **direct(PYPROJECT["dependencies"]),
        **direct(extras["dev"]),
        **direct(extras["embedded"]),
    }
    for name, version in wanted.items():
        assert locked.get(name) == version, (name, version, locked.get(name))
    # Whatever both install, they install at the same version.
    for name, version in pins("requirements.lock").items():
        assert locked.get(name) == version, name


def test_the_embedded_postgresql_is_an_extra_not_in_the_production_lock() -> None:
    assert "pgserver" in direct(PYPROJECT["optional-dependencies"]["embedded"])
    assert "pgserver" not in direct(PYPROJECT["dependencies"])
    assert "pgserver" not in pins("requirements.lock")
    assert "kvalitetsnavet[embedded]" in PYPROJECT["optional-dependencies"]["dev"]


def test_make_installs_the_dev_lock_with_hashes_then_the_project_without_dependencies() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "requirements-dev.lock" in recipe.splitlines()[0], "the venv is rebuilt on a new lock"
    installs = [line.strip() for line in recipe.splitlines() if "pip install" in line]
    assert "--require-hashes -r requirements-dev.lock" in installs[-2]
    assert installs[-1].endswith("--no-deps -e .")
    assert ".[dev]" not in recipe
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make --no-print-directory .venv/.installed" in ci


def test_the_image_installs_the_production_lock_before_the_code() -> None:
    text = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    steps = [line for line in text.splitlines() if re.match(r"^(COPY|RUN)\s", line)]
    lock_install = next(
        i for i, s in enumerate(steps) if "--require-hashes -r requirements.lock" in s
    )
    first_code = next(i for i, s in enumerate(steps) if re.match(r"COPY (shared|services)\b", s))
    assert steps[lock_install - 1].startswith("COPY requirements.lock")
    assert lock_install < first_code, "dependency layer after the code: no cache for it"
    project = next(s for s in steps[first_code:] if "pip install" in s)
    assert "--no-deps" in project
    installs = " ".join(s for s in steps if "pip install" in s)
    for forbidden in ("pgserver", "[dev]", "[embedded]", "requirements-dev.lock"):
        assert forbidden not in installs
