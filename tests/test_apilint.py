"""The API lint (`make apilint`): the committed documents pass Spectral with .spectral.yaml
(spectral:oas + the DIGG REST API-profil rules) without a problem, and each DIGG rule fires on
a document that breaks it."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared.openapi import COMBINED, DOCS_DIR
from shared.settings import REPO_ROOT

SPECTRAL = REPO_ROOT / "node_modules" / ".bin" / "spectral"


def _spectral(path: Path) -> list[dict[str, Any]]:
    if not SPECTRAL.exists():
        pytest.skip("node_modules is missing: run `npm ci` (CI does, in .ci/run)")
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", ".spectral.yaml", "-f", "json", "--quiet", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    return found


def test_committed_combined_document_has_no_lint_problem() -> None:
    problems = _spectral(DOCS_DIR / f"{COMBINED}.json")
    assert [(p["code"], p["path"]) for p in problems] == []


def test_each_digg_rule_fires_on_a_document_that_breaks_it(tmp_path: Path) -> None:
    doc = json.loads((DOCS_DIR / "budget.json").read_text())
    broken = copy.deepcopy(doc)
    broken["servers"] = [{"url": "http://kvalitetsnavet.se/api/budget"}]
    frames = broken["paths"].pop("/v1/frames")
    broken["paths"]["/v1/Budget_Frames"] = frames
    broken["paths"]["/frames-unversioned"] = copy.deepcopy(frames)
    error = frames["get"]["responses"]["404"]["content"]
    error["application/json"] = error["application/problem+json"]
    schemas = broken["components"]["schemas"]
    schemas["FrameOut"]["properties"]["createdAt"] = {"type": "string", "format": "date-time"}
    schemas["FrameOut"]["properties"]["updated_at"] = {"type": "string"}
    schemas["FrameOut"]["properties"]["decided_on"] = {"type": "string"}
    schemas["FrameOut"]["properties"]["change"] = {"type": "array", "items": {"type": "string"}}
    del schemas["Problem"]["properties"]["instance"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    codes = {p["code"] for p in _spectral(path)}
    assert {
        "digg-ufn02-https-server",
        "digg-ufn02-no-plain-http",
        "digg-fel01-problem-details",
        "digg-fel01-problem-schema",
        "digg-ame05-snake-case-fields",
        "digg-ame06-plural-lists",
        "digg-dot02-date-time",
        "digg-dot02-date",
        "digg-url-lowercase",
        "digg-ver05-version-in-path",
    } <= codes, codes
