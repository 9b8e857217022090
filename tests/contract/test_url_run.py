"""The whole kit against a fake served over a URL (as a user runs it against a container): the kit
provisions its own tenant through the control plane, and every served operation gets a 2xx."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from mockserver.contract.entries import load_entries
from mockserver.contract.environment import ADMIN_TOKEN_ENV
from mockserver.contract.runner import RunOptions, suite_command
from mockserver.contract.specs import discover_specs
from mockserver.contract.targets import CONTRACT_TOKEN, TargetSpec
from mockserver.testing.fake import start_fake_server


# One server for every API: the control plane's suites (unscoped fault rules, clock, defaults)
# must run after every other API's, or Opal's and the storage mount's cases meet their faults
# (a generated fault rule once answered GET /opal/discovery with a 400).
def test_a_url_run_answers_2xx_for_every_served_operation(tmp_path: Path) -> None:
    settings = TargetSpec.parse("uvicorn", environ={}).fake_settings()
    observations = tmp_path / "observations.json"
    # Short but complete: every suite; examples, then one generated case per operation.
    options = RunOptions(max_examples=1, writes=True, progress=False, phases="examples,fuzzing")
    with start_fake_server(settings, "server") as server:
        command, env = suite_command(server.base_url, observations, options)
        env[ADMIN_TOKEN_ENV] = CONTRACT_TOKEN
        result = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
    # The failures themselves (not only the coverage table that ends the output).
    failures = result.stdout[result.stdout.find("= FAILURES =") :][:6000]
    assert result.returncode == 0, failures + result.stdout[-3000:] + result.stderr[-2000:]
    assert "contract coverage" in result.stdout
    seen = json.loads(observations.read_text())["operations"]
    # Every served operation, but those an entry declares no target of this build can answer 2xx
    # (they must be reported as such, not silently left out).
    served = {
        f"{s.name} {op['operationId']}" for s in discover_specs() for _, _, op in s.operations()
    }
    excused = {f"{name} {op}" for name, entry in load_entries().items() for op in entry.unreachable}
    assert {name for name, op in seen.items() if op["successes"] > 0} == served - excused
    assert all(seen[name]["unreachable"] for name in excused & set(seen))


def test_a_read_only_url_run_skips_links_that_all_need_a_write(tmp_path: Path) -> None:
    """Every Cognigy link starts at creating a profile: without --writes none is left, which is
    a skip with its reason, not Schemathesis' NoLinksFound failing the run."""
    settings = TargetSpec.parse("uvicorn", environ={}).fake_settings()
    options = RunOptions(
        max_examples=1, writes=False, progress=False, apis="cognigy",
        pytest_args=("-k", "test_links", "-rs"),
    )  # fmt: skip
    with start_fake_server(settings, "server") as server:
        command, env = suite_command(server.base_url, tmp_path / "observations.json", options)
        env[ADMIN_TOKEN_ENV] = CONTRACT_TOKEN
        result = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
    assert "NoLinksFound" not in result.stdout, result.stdout[-3000:]
    assert "no link left: every link of this spec involves a write" in result.stdout, result.stdout[
        -3000:
    ]
