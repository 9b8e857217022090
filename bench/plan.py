"""How much the suite measures (full or ``--quick``), and what every section shares in one run."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from catalogue import largest_session_user
from prism import Prism
from wrk_load import Wrk


@dataclass(frozen=True, slots=True)
class Plan:
    quick: bool
    seconds: int  # wrk's measured run per server and endpoint (wrk takes whole seconds)
    warmup: int  # an unmeasured wrk run first (0: none)
    threads: int  # wrk -t, as peers.sh
    connections: int  # wrk -c, as peers.sh
    users: int  # users per tenant of the measured fake (serve's default)
    scan_users: int  # users scanned for the largest latest session
    profiles: int  # Cognigy profiles created before the Cognigy reads
    inproc_requests: int  # sequential in-process requests per endpoint
    fixture_tests: int
    fixture_rounds: int
    cold_starts: int  # repeats of our cold start
    prism_cold_starts: int
    scale_users: tuple[int, ...]
    scale_requests: int  # sequential list requests per world size
    scale_builds: int  # in-process state builds per world size
    export_rows: int
    export_formats: tuple[str, ...]
    contract_examples: int  # mockserver contract --max-examples


FULL = Plan(
    quick=False, seconds=5, warmup=2, threads=2, connections=32, users=1000, scan_users=300,
    profiles=200, inproc_requests=1000, fixture_tests=200, fixture_rounds=2, cold_starts=5,
    prism_cold_starts=3, scale_users=(1_000, 1_000_000), scale_requests=300, scale_builds=5,
    export_rows=50_000, export_formats=("FORMAT_NDJSON", "FORMAT_CSV"), contract_examples=10,
)  # fmt: skip

QUICK = dataclasses.replace(
    FULL, quick=True, seconds=1, warmup=0, scan_users=20, profiles=10, inproc_requests=50,
    fixture_tests=10, fixture_rounds=1, cold_starts=1, prism_cold_starts=1, scale_requests=20,
    scale_builds=1, export_rows=500, export_formats=("FORMAT_NDJSON",), contract_examples=1,
)  # fmt: skip


@dataclass(slots=True)
class Context:
    """Shared by the sections of one run: the plan, a scratch folder, the tools found."""

    plan: Plan
    work: Path
    wrk: Wrk | None
    wrk_problem: str | None
    prism: Prism | None
    prism_problem: str | None
    found_events_user: str | None = None

    @property
    def python(self) -> str:
        return sys.executable

    def events_user(self) -> str:
        """The user whose latest session is the large one measured; found once per run."""
        if self.found_events_user is None:
            plan = self.plan
            self.found_events_user = largest_session_user(plan.users, plan.scan_users)
        return self.found_events_user
