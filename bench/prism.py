"""Prism (``@stoplight/prism-cli``), the spec-driven peer, serving our own OpenAPI documents.

Installed with npm into a cache folder outside the repository (never committed), at the version
``../shared/bench/peers.sh`` pinned, and run the way that script ran "prism-quiet": ``mock -h
127.0.0.1 -p PORT -v error SPEC`` (per-request info logging off, which doubles its throughput).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from run import LOOPBACK, REPO_DIR

PRISM_PACKAGE = "@stoplight/prism-cli"
PRISM_VERSION = "5.14.2"  # as pinned in ../shared/bench/peers.sh (PRISM_VER)
ENTRY = Path("node_modules/@stoplight/prism-cli/dist/index.js")


class PrismUnavailable(RuntimeError):
    """Prism cannot be run here; the message says why (it goes into RESULTS.md)."""


@dataclass(frozen=True, slots=True)
class Prism:
    node: str
    entry: Path
    version: str

    def command(self, spec: str, port: int) -> list[str]:
        document = REPO_DIR / "openapi" / f"{spec}.yaml"
        return [self.node, str(self.entry), "mock", "-h", LOOPBACK, "-p", str(port),
                "-v", "error", str(document)]  # fmt: skip


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mockserver-bench" / f"prism-cli-{PRISM_VERSION}"


def installed_version(folder: Path) -> str | None:
    package = folder / "node_modules" / PRISM_PACKAGE / "package.json"
    if not package.is_file():
        return None
    version: str = json.loads(package.read_text())["version"]
    return version


def ensure_prism(folder: Path, install: bool) -> Prism:
    """Prism from ``folder``, installing it there with npm first if allowed."""
    node = shutil.which("node")
    if node is None:
        raise PrismUnavailable("node is not installed (Prism is a Node.js program)")
    if installed_version(folder) != PRISM_VERSION:
        if not install:
            raise PrismUnavailable(
                f"{PRISM_PACKAGE}@{PRISM_VERSION} is not in {folder} and installing was turned off"
            )
        npm_install(folder)
    version = installed_version(folder)
    if version != PRISM_VERSION:
        raise PrismUnavailable(f"npm left {PRISM_PACKAGE} {version} in {folder}")
    return Prism(node, folder / ENTRY, version)


def npm_install(folder: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise PrismUnavailable("npm is not installed, so Prism cannot be installed")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "package.json"
    if not manifest.exists():
        manifest.write_text('{"name": "mockserver-bench-prism", "private": true}\n')
    argv = [npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
            f"{PRISM_PACKAGE}@{PRISM_VERSION}"]  # fmt: skip
    try:
        done = subprocess.run(
            argv, cwd=folder, capture_output=True, text=True, timeout=900, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PrismUnavailable(f"npm install timed out after {exc.timeout:.0f} s") from None
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip()[-500:]
        raise PrismUnavailable(f"npm install failed (exit {done.returncode}): {tail}")
