"""The official Node client ``@cognigy/rest-api-client`` (pinned in tests/cognigy/node), driven
unmodified against the fake served by uvicorn on 127.0.0.1. Skipped without Node or without the
installed package (``.ci/run`` installs it with ``npm ci``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread
from tests.cognigy.conftest import PROJECT
from tests.conftest import ADMIN_KEY

NODE_DIR = Path(__file__).parent / "node"
CLIENT = NODE_DIR / "node_modules" / "@cognigy" / "rest-api-client"


@pytest.fixture(scope="module")
def driven() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node is not installed")
    if not CLIENT.is_dir():
        pytest.skip("run `npm ci` in tests/cognigy/node (.ci/run does) to install the client")
    app = create_app(Settings(validate_responses=True, users=100))
    with serve_in_thread(app) as base_url:
        done = subprocess.run(
            [node, str(NODE_DIR / "drive.js"), base_url, ADMIN_KEY, PROJECT],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_create_and_read(driven: dict[str, Any]) -> None:
    created = driven["created"]
    assert created["contactIds"] == ["ann@example.com"] and len(created["_id"]) == 24
    assert driven["read"] == created


def test_update_deep_merges(driven: dict[str, Any]) -> None:
    updated = driven["updated"]
    assert updated["profile"]["lastname"] == "Li" and updated["profile"]["firstname"] == "Ann"
    assert updated["active"] is False


def test_index_and_filter(driven: dict[str, Any]) -> None:
    index = driven["index"]
    assert index["total"] == 2 and index["nextCursor"] is None
    assert [item["profile"]["firstname"] for item in index["items"]] == ["Ann", "Bob"]
    assert [item["profile"]["firstname"] for item in driven["filtered"]["items"]] == ["Bob"]


def test_merge_and_unmerge(driven: dict[str, Any]) -> None:
    assert driven["merged"]["contactIds"] == ["ann@example.com", "bob@example.com"]
    assert driven["merged"]["profile"]["email"] == "bob@example.com"
    assert driven["otherAfterMerge"]["code"] == 1002
    assert driven["unmerged"] == {}
    assert driven["afterUnmerge"]["contactIds"] == ["ann@example.com"]


def test_errors_arrive_as_the_clients_typed_errors(driven: dict[str, Any]) -> None:
    missing = driven["missing"]
    assert missing["status"] == 404 and missing["code"] == 1002
    assert missing["name"] == "Resource Not Found Error"
    conflict = driven["conflict"]
    assert conflict["status"] == 409 and conflict["code"] == 1004
