"""wrk, driven by a Lua script per call (method, headers, body), on 127.0.0.1 only.

wrk (Debian's ``wrk`` package) is what ``../shared/bench/peers.sh`` measured the peers with. The
suite makes sure it is there (:func:`ensure_wrk` installs it with apt-get when it can) and says
so in RESULTS.md when it is not: the Python load generator in ``run.py`` saturates before the
servers do, so it is not used as a silent substitute.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from catalogue import Call
from run import LOOPBACK, LoadResult, load_result, loadavg, parse_wrk, wrk_version


@dataclass(frozen=True, slots=True)
class Wrk:
    path: str
    version: str | None


def ensure_wrk(install: bool) -> tuple[Wrk | None, str | None]:
    """wrk on PATH, installing Debian's package if allowed and possible; else (None, why)."""
    found = shutil.which("wrk")
    if found is None and install:
        found, problem = apt_install_wrk()
        if found is None:
            return None, problem
    if found is None:
        return None, "wrk is not installed and installing was not allowed (apt-get install wrk)"
    return Wrk(found, wrk_version(found)), None


def apt_install_wrk() -> tuple[str | None, str]:
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return None, "wrk is missing; apt-get is absent or needs root (apt-get install wrk)"
    tail = ""
    for step in ([apt, "install", "-y", "wrk"], [apt, "update"], [apt, "install", "-y", "wrk"]):
        done = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)
        tail = (done.stdout + done.stderr).strip()[-300:]
        if step[1] == "install" and done.returncode == 0 and shutil.which("wrk"):
            return shutil.which("wrk"), ""
    return None, f"wrk is missing and `apt-get install -y wrk` failed: {tail}"


def lua_string(text: str) -> str:
    """A Lua long string holding ``text`` verbatim (its level chosen so it cannot close early)."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def lua_script(c: Call) -> str:
    lines = [f"wrk.method = {lua_string(c.method)}"]
    if c.body is not None:
        lines.append(f"wrk.body = {lua_string(c.body.decode())}")
    # The spaces matter: `[[[` would not parse as an index holding a long string.
    lines += [f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in c.headers]
    return "\n".join(lines) + "\n"


def run_wrk(
    wrk: Wrk, port: int, c: Call, *, seconds: int, threads: int, connections: int, script: Path
) -> LoadResult:
    """One wrk run of ``seconds`` (wrk takes whole seconds) against 127.0.0.1:``port``; the
    result's ``target`` is the script's stem (ours, bare, prism)."""
    script.write_text(lua_script(c))
    url = f"http://{LOOPBACK}:{port}{c.path}"
    argv = [wrk.path, "--latency", f"-t{max(1, min(threads, connections))}", f"-c{connections}",
            f"-d{seconds}s", "-s", str(script), url]  # fmt: skip
    before = loadavg()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True)
    if done.stderr.strip():  # wrk reports a script error there and then runs without the script
        raise ValueError(f"wrk: {done.stderr.strip()[:300]}")
    numbers = parse_wrk(done.stdout)
    return load_result(
        numbers,
        target=script.stem,
        endpoint=c.name,
        round=1,
        tool="wrk",
        command=shlex.join(argv),
        duration_s=seconds,
        loadavg_before=before,
    )
