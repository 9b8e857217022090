"""The ``mockserver contract`` subcommand: its options (every one documented in ``--help``) and
what it does with them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mockserver.contract.environment import (
    ADMIN_TOKEN_ENV,
    BUDGET_ENV,
    CONFIG_ENV,
    DEFAULT_EXAMPLES,
    EXAMPLES_ENV,
    KEY_ENV,
    REAL_KEY_ENV,
    REAL_OPT_IN_ENV,
    TARGET_ENV,
    WRITES_ENV,
)

DESCRIPTION = """\
Run the contract kit (Schemathesis conformance with provider states, stateful link chains,
business-rule properties, coverage gate) against a target; with --against, run it on two targets
and write a drift report. Needs the contract extra: pip install 'fullstory-mockserver[contract]'.
"""

EPILOG = f"""\
targets:
  inprocess            a fresh fake in this process (default)
  uvicorn              a fresh fake served on a free 127.0.0.1 port
  inprocess:OPTS       either, with settings and faults: inprocess:seed=3,fault=getMe/500
  http://127.0.0.1:N   any running server; where its /__admin answers, the kit creates its own
                       tenant and key there (admin token: ${ADMIN_TOKEN_ENV}) and deletes them after
  real                 FullStory itself: needs {REAL_OPT_IN_ENV}=1, a key and a --config naming
                       known identities (see --example-config); read-only unless --writes

environment:
  {TARGET_ENV}   default target
  {CONFIG_ENV}   default --config
  MOCKSERVER_CONTRACT_APIS     default --apis
  MOCKSERVER_CONTRACT_PHASES   default --phases
  {EXAMPLES_ENV}  default --max-examples ({DEFAULT_EXAMPLES})
  {WRITES_ENV}    1: same as --writes
  {BUDGET_ENV}    stop after this many requests (real target default 300)
  {REAL_KEY_ENV}             the real API's key (or the config's key_env)
  {KEY_ENV}      key for a URL target without a control plane

exit codes:
  one target:  0 passed, 1 a check, property or the coverage gate failed, 2+ the run could not
               complete (bad target, config, collection error)
  --against:   0 no drift, 1 drift, 2 could not compare (a run left no observations, or the two
               runs sent no request in common)
"""


def add_contract_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contract = commands.add_parser(
        "contract",
        help="run the contract kit against a target (and another, for a drift report)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    contract.add_argument(
        "--target", default=None, help="what to test (see targets below; default inprocess)"
    )
    contract.add_argument(
        "--against", default=None, metavar="TARGET", help="a second target: report drift"
    )
    contract.add_argument(
        "--config", default=None, type=Path, help="TOML: key, known identities, writes, pacing"
    )
    contract.add_argument(
        "--example-config", action="store_true", help="print a documented config file and exit"
    )
    contract.add_argument(
        "--out", default="contract-report", type=Path, help="folder for observations and reports"
    )
    contract.add_argument(
        "--max-examples", type=int, default=None, help="generated examples per operation"
    )
    contract.add_argument(
        "--apis", default=None, help="only these APIs, comma-separated (e.g. fullstory,admin)"
    )
    contract.add_argument(
        "--phases",
        default=None,
        help="conformance phases, comma-separated: examples,coverage,fuzzing (default all)",
    )
    contract.add_argument(
        "--writes", action="store_true", help="allow requests that create things (then deleted)"
    )
    contract.add_argument(
        "--quiet", action="store_true", help="no progress line per test (pytest's dots only)"
    )
    contract.add_argument(
        "pytest_args", nargs="*", help="extra pytest arguments, after --  (e.g. -- -k fullstory)"
    )


def contract(args: argparse.Namespace) -> int:
    import os

    from mockserver.contract.config import EXAMPLE, ConfigError, RunConfig
    from mockserver.contract.runner import RunOptions, run_drift, run_suite
    from mockserver.contract.targets import TargetError

    if args.example_config:
        sys.stdout.write(EXAMPLE.read_text(encoding="utf-8"))
        return 0
    target = args.target or os.environ.get(TARGET_ENV) or "inprocess"
    options = RunOptions(
        config=args.config,
        max_examples=args.max_examples,
        writes=args.writes,
        progress=not args.quiet,
        apis=args.apis,
        phases=args.phases,
        pytest_args=tuple(args.pytest_args),
    )
    out: Path = args.out
    try:
        RunConfig.load(args.config)  # a bad config fails here, not in two pytest processes
        if args.against is None:
            code = run_suite(target, out / "observations.json", options)
            print(f"observations: {out / 'observations.json'}")
            return code
        report, code = run_drift(target, args.against, out, options)
    except (TargetError, ConfigError) as exc:
        print(f"mockserver contract: {exc}", file=sys.stderr)
        return 2
    if report is not None:
        drifted = ", ".join(report.drifted_operations()) or "none"
        print(f"drift report: {out / 'drift.md'} (drift in: {drifted})")
    return code
