"""The contract kit against a served fake: ``mockserver contract --target URL`` as a user runs
it, timed from the outside; the requests counted on the server's side from uvicorn's access
log, so the count holds whichever version of the kit is installed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from pathlib import Path

from plan import Context
from report import Section, num, table
from run import REPO_DIR, fake_command, free_port, running

from mockserver.contract.environment import ADMIN_TOKEN_ENV

ACCESS_LINE = re.compile(r'"[A-Z]+ \S+ HTTP/[\d.]+" \d{3}')
SUMMARY_LINE = re.compile(r"\d+ (passed|failed|error)")  # pytest's last line


# The whole kit, as the README runs it against a served fake: the kit provisions its own tenant
# through the control plane (this token) and may write (--writes). Without them a URL target is
# read-only and knows no identities, and its coverage gate rightly fails the reads that need one.
ADMIN_TOKEN = "bench-contract-admin-token"


def kit_command(ctx: Context, url: str, out: Path) -> list[str]:
    """``mockserver contract --target URL --writes``, with ``--max-examples`` and ``--out``."""
    head = [ctx.python, "-m", "mockserver", "contract"]
    help_text = subprocess.run([*head, "--help"], capture_output=True, text=True, check=False)
    command = [*head, "--target", url, "--writes"]
    if "--max-examples" in help_text.stdout:
        command += ["--max-examples", str(ctx.plan.contract_examples)]
    if "--out" in help_text.stdout:
        command += ["--out", str(out)]
    return command


def access_count(log: Path) -> int:
    lines = log.read_text(errors="replace").splitlines()
    return sum(1 for line in lines if ACCESS_LINE.search(line))


def contract_kit(ctx: Context) -> Section:
    section = Section("contract")
    port = free_port()
    # The access log is on only here: it is how the server side counts the kit's requests.
    command = [
        *fake_command(port, ctx.plan.users),
        *("--access-log", "true", "--log-level", "info", "--admin-token", ADMIN_TOKEN),
    ]
    with running("contract-fake", command, port, ctx.work) as server:
        before = access_count(server.log_path)  # the readiness probe's request
        argv = kit_command(ctx, f"http://127.0.0.1:{port}", ctx.work / "contract-reports")
        started = time.perf_counter()
        env = {**os.environ, ADMIN_TOKEN_ENV: ADMIN_TOKEN}
        done = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, check=False,
                              env=env, timeout=1800)  # fmt: skip
        seconds = time.perf_counter() - started
    requests = access_count(server.log_path) - before  # counted once the server has stopped
    summary = [line for line in done.stdout.splitlines() if SUMMARY_LINE.search(line)]
    outcome = summary[-1] if summary else f"exit {done.returncode}"
    shown = shlex.join(argv[2:]).replace(str(ctx.work), "$TMP").replace(str(port), "PORT")
    section.add(
        f"`{ADMIN_TOKEN_ENV}=T {shown}` against `mockserver serve --rate-limits false "
        "--access-log true --admin-token T` (the kit makes its own tenant and key there, writes, "
        "and deletes them after); wall time of the kit's process, requests counted in the "
        "server's access log.",
        "",
        *table(
            ["measure", "value"],
            [
                ["wall time", f"{seconds:.1f} s"],
                ["requests served", f"{requests:,}"],
                ["requests/s over the run", num(requests / seconds if seconds else None)],
                ["kit's exit status", str(done.returncode)],
                ["kit's outcome", outcome.strip("= ")],
            ],
        ),
    )
    if done.returncode not in {0, 1}:
        tail = (done.stdout + done.stderr).strip()[-600:]
        section.problem(f"the kit did not run to the end (exit {done.returncode}): {tail}")
    elif done.returncode == 1:
        section.add("", "The kit reported failing checks (its findings, listed by the kit "
                    "itself; they do not change the timing above).")  # fmt: skip
    return section
