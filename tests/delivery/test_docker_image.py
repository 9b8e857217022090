"""The Docker image, built from the unchanged Dockerfile and run with podman (runc).

No image registry and no Docker engine are reachable on these machines, but podman builds and
runs real images (README, "Docker"; /work/shared/reference/containers-here.md): the Dockerfile's
base image is made from Debian's packages by ``docker/podman-base-image.sh`` under the name the
Dockerfile uses, unless it exists already. ``.ci/run`` installs podman, runc and debootstrap.
Skipped, saying why, only where podman cannot run at all.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .api_calls import call_each_api, key_works, mint_key
from .dockerfile import Dockerfile

REPO = Path(__file__).resolve().parents[2]
IMAGE = "localhost/fullstory-mockserver:test"
STATE_DIR = "/var/lib/mockserver"
# crun, podman's default runtime, fails on this sandbox's cgroup mode; runc works everywhere.
PODMAN = ("podman", "--runtime", "runc")
HEALTHY_WITHIN_S = 90.0


def qualified(image: str) -> str:
    """``python:3.11-slim`` as podman stores an image pulled under that name."""
    first = image.split("/", 1)[0]
    if "/" not in image:
        return f"docker.io/library/{image}"
    if "." in first or ":" in first or first == "localhost":
        return image
    return f"docker.io/{image}"


class Podman:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, *args: str, timeout: float = 120, check: bool = True) -> str:
        result = subprocess.run(
            [*PODMAN, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"podman {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result.stdout


def why_podman_cannot_run(env: dict[str, str]) -> str | None:
    for tool in ("podman", "runc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (.ci/run installs podman and runc with apt-get)"
    try:
        info = subprocess.run(
            [*PODMAN, "info"], capture_output=True, text=True, env=env, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"podman cannot run here: {exc}"
    if info.returncode != 0:
        last = (info.stderr.strip().splitlines() or ["no message"])[-1]
        return f"podman cannot run here: {last}"
    return None


@pytest.fixture(scope="module")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Podman:
    env = dict(os.environ)
    if "CONTAINERS_CONF" not in env:
        # Some sandboxes refuse setrlimit(NOFILE), which podman applies by default.
        conf = tmp_path_factory.mktemp("podman") / "containers.conf"
        conf.write_text("[containers]\ndefault_ulimits = []\n")
        env["CONTAINERS_CONF"] = str(conf)
    reason = why_podman_cannot_run(env)
    if reason is not None:
        pytest.skip(reason)
    return Podman(env)


@pytest.fixture(scope="module")
def image(podman: Podman) -> str:
    base = qualified(Dockerfile.read().last("FROM"))
    exists = [*PODMAN, "image", "exists", base]
    missing = subprocess.run(exists, env=podman.env, check=False).returncode != 0
    if missing and shutil.which("debootstrap") is not None:
        made = subprocess.run(
            [str(REPO / "docker/podman-base-image.sh"), base],
            capture_output=True,
            text=True,
            env=podman.env,
            timeout=1200,
            check=False,
        )
        if made.returncode != 0:
            pytest.fail(f"making the base image {base} failed:\n{made.stderr[-3000:]}")
    # Without debootstrap, podman build pulls the base where a registry is reachable.
    podman.run(
        "build", "--format", "docker", "--network", "host", "-t", IMAGE, str(REPO), timeout=1200
    )
    return IMAGE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Container:
    def __init__(self, podman: Podman, name: str, volume: str, port: int) -> None:
        self.podman, self.name, self.volume, self.port = podman, name, volume, port
        self.base_url = f"http://127.0.0.1:{port}"

    def start_new(self, image: str) -> None:
        # --network host, so the container's 127.0.0.1 is this machine's: the test binds
        # loopback instead of the image's 0.0.0.0, to listen on no interface beyond this machine.
        self.podman.run(
            "run", "--detach", "--name", self.name, "--network", "host",
            "-e", "MOCKSERVER_HOST=127.0.0.1", "-e", f"MOCKSERVER_PORT={self.port}",
            "-e", "MOCKSERVER_USERS=100",
            "-v", f"{self.volume}:{STATE_DIR}", image,
        )  # fmt: skip

    def wait_healthy(self) -> None:
        """Run the image's HEALTHCHECK until it passes (no systemd here to schedule it)."""
        deadline = time.monotonic() + HEALTHY_WITHIN_S
        while time.monotonic() < deadline:
            check = subprocess.run(
                [*PODMAN, "healthcheck", "run", self.name],
                capture_output=True,
                env=self.podman.env,
                timeout=30,
                check=False,
            )
            if check.returncode == 0:
                return
            state = self.podman.run("inspect", "--format", "{{.State.Status}}", self.name).strip()
            if state != "running":
                pytest.fail(f"the container is {state}:\n{self.logs()}")
            time.sleep(0.25)  # polling another process's startup, not waiting on our own state
        pytest.fail(f"not healthy within {HEALTHY_WITHIN_S} s:\n{self.logs()}")

    def logs(self) -> str:
        return self.podman.run("logs", self.name, check=False)

    def remove(self) -> None:
        self.podman.run("rm", "--force", "--time", "10", self.name, check=False)


@pytest.fixture
def container(podman: Podman, image: str) -> Iterator[Container]:
    suffix = f"{os.getpid()}-{time.monotonic_ns()}"
    box = Container(podman, f"fsm-test-{suffix}", f"fsm-test-state-{suffix}", free_port())
    podman.run("volume", "create", box.volume)
    try:
        yield box
    finally:
        box.remove()
        podman.run("volume", "rm", "--force", box.volume, check=False)


def test_image_is_healthy_serves_every_api_and_keeps_state_across_restarts(
    container: Container, image: str
) -> None:
    podman = container.podman
    config = podman.run("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image)
    assert "/__admin/health" in config  # --format docker keeps the HEALTHCHECK
    container.start_new(image)
    container.wait_healthy()
    assert podman.run("exec", container.name, "id", "-u").strip() != "0"
    call_each_api(container.base_url)
    secret = mint_key(container.base_url)  # state only the state file brings back

    podman.run("stop", "--time", "20", container.name)  # SIGTERM: a graceful stop
    podman.run("start", container.name)
    container.wait_healthy()
    assert key_works(container.base_url, secret)

    # A new container on the same volume (an upgrade, say) finds the state too.
    container.remove()
    container.start_new(image)
    container.wait_healthy()
    assert key_works(container.base_url, secret)
    call_each_api(container.base_url)
