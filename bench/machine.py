"""The machine a run was made on, as RESULTS.md states it."""

from __future__ import annotations

import compileall
import contextlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from run import REPO_DIR, cpu_model, package_version

import mockserver


def memory_gib() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    return "unknown"


def os_name() -> str:
    pretty = ""
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.partition("=")[2].strip('"') + ", "
    return f"{pretty}{platform.system()} {platform.release()}"


def output_of(argv: list[str]) -> str | None:
    if shutil.which(argv[0]) is None:
        return None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        lines = (done.stdout or done.stderr).strip().splitlines()
        return lines[0] if lines else ""
    return None


def git_commit() -> str:
    head = output_of(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = output_of(["git", "-C", str(REPO_DIR), "status", "--porcelain", "--untracked-files=no"])
    return head + (" (with uncommitted changes)" if dirty else "")


def loadavg_text() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def facts() -> list[tuple[str, str]]:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    versions = ", ".join(
        f"{name} {package_version(name)}"
        for name in ("starlette", "uvicorn", "uvloop", "httptools", "httpx")
        if package_version(name)
    )
    return [
        ("CPU", cpu_model() or platform.processor() or "unknown"),
        ("cores", f"{cpus} ({usable} usable by this process)"),
        ("memory", memory_gib()),
        ("OS", os_name()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("libraries", versions),
        ("node", output_of(["node", "--version"]) or "not installed"),
        ("commit", git_commit()),
    ]


def compile_bytecode() -> str:
    """Compile the package's bytecode, as ``pip install`` of the wheel (and the Docker image)
    does. A checkout is an editable install: run with ``PYTHONDONTWRITEBYTECODE`` set, as here,
    Python never caches its bytecode, and every server a run starts would compile ~150 modules
    from source first (about a third of a second of a cold start) that an installed copy never
    compiles."""
    package = Path(mockserver.__file__).parent
    if not compileall.compile_dir(package, quiet=1):
        return "could not all be compiled: servers compile some modules from source"
    return f"compiled before the run ({package}), as installing the wheel does"
