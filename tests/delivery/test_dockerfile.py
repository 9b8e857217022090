"""The Dockerfile's promises, checked without a container engine: its properties as written, and
its exact start command run from the built wheel in a fresh virtual environment."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import tomllib
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mockserver.settings import ENV_PREFIX, Settings

from ..wheel import build_wheel
from .api_calls import call_each_api, mint_key
from .dockerfile import Dockerfile

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile.read()


def test_slim_python_311_base(dockerfile: Dockerfile) -> None:
    assert dockerfile.all("FROM") == ["python:3.11-slim"]


def test_installs_the_project_with_its_pinned_dependencies_into_a_venv(
    dockerfile: Dockerfile,
) -> None:
    runs = " && ".join(dockerfile.all("RUN"))
    assert "python -m venv /opt/venv" in runs
    assert "pip install /src" in runs  # pyproject.toml pins every dependency with ==
    assert dockerfile.env["PATH"].startswith("/opt/venv/bin:")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert all("==" in requirement for requirement in project["dependencies"])


def test_runs_as_a_non_root_user(dockerfile: Dockerfile) -> None:
    user = dockerfile.last("USER")
    assert user not in {"root", "0", ""}
    assert any(
        "useradd --system --uid 10001" in run and user in run for run in dockerfile.all("RUN")
    )


def test_configured_by_mockserver_variables_binding_all_interfaces_inside(
    dockerfile: Dockerfile,
) -> None:
    env = dockerfile.env
    assert env["MOCKSERVER_HOST"] == "0.0.0.0"
    assert dockerfile.all("EXPOSE") == [env["MOCKSERVER_PORT"]]
    assert dockerfile.cmd == ["mockserver", "serve"]  # every setting comes from MOCKSERVER_*


def test_the_state_file_is_on_the_declared_volume(dockerfile: Dockerfile) -> None:
    volume = dockerfile.last("VOLUME")
    assert Path(dockerfile.env["MOCKSERVER_STATE_FILE"]).parent == Path(volume)
    # The volume folder is made and owned by the user before it is declared.
    owned = [
        run for run in dockerfile.all("RUN") if f"chown {dockerfile.last('USER')} {volume}" in run
    ]
    assert owned


WARM = "mockserver serve --check"


def test_the_start_caches_are_written_at_build_time_by_the_user_that_serves(
    dockerfile: Dockerfile,
) -> None:
    """Every container starts warm: the caches a start reads (specs' JSON copies, compiled
    dataclass methods) are written into the image by ``serve --check``, after every ENV serve
    reads and as the user that serves, in a folder that user owns outside the state volume
    and outside /tmp (a read-only container's usual tmpfs would hide it)."""
    order = [keyword for keyword, _ in dockerfile.instructions]
    (warm,) = [i for i, (_, args) in enumerate(dockerfile.instructions) if args.startswith(WARM)]
    assert order[warm] == "RUN"
    assert max(i for i, kw in enumerate(order) if kw in {"ENV", "USER"}) < warm
    assert warm < order.index("VOLUME")  # nothing of the build lands on the state volume
    cache = Path(dockerfile.env["XDG_CACHE_HOME"])
    user, volume = dockerfile.last("USER"), Path(dockerfile.last("VOLUME"))
    assert volume not in cache.parents and Path("/tmp") not in cache.parents
    assert any(f"chown {user} " in run and str(cache) in run for run in dockerfile.all("RUN"))
    # Readable by any user a container is started as (`docker run --user N`).
    assert dockerfile.instructions[warm][1] == f'{WARM} && chmod -R a+rX "$XDG_CACHE_HOME"'


def test_healthcheck_calls_the_health_endpoint(dockerfile: Dockerfile) -> None:
    options, command = dockerfile.healthcheck
    assert {"interval", "timeout", "retries"} <= set(options)
    assert command[:2] == ["python", "-c"] and "/__admin/health" in command[2]


# -- the start command, from the wheel, in a fresh virtual environment -------------------------


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with only the built wheel and its pinned dependencies (from the index)."""
    root = tmp_path_factory.mktemp("wheel-venv")
    wheel = build_wheel(root / "dist")
    venv.create(root / "venv", with_pip=True)
    pip = [str(root / "venv/bin/python"), "-m", "pip", "install", "-q"]
    result = subprocess.run([*pip, str(wheel)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"installing the wheel into a fresh venv failed:\n{result.stderr[-2000:]}")
    return root / "venv"


@pytest.fixture
def started(
    dockerfile: Dockerfile, wheel_venv: Path, tmp_path: Path
) -> Iterator[tuple[str, dict[Path, int]]]:
    """The Dockerfile's CMD with its ENV, as the image runs it, after its warm step; only the
    address (loopback, a free port: a test never listens beyond this machine), the state folder
    and the cache folder differ. Yields the address and the warmed cache files' inodes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKSERVER_", "VIRTUAL_ENV"))}
    env |= dockerfile.env
    env |= {
        "PATH": f"{wheel_venv / 'bin'}:{os.environ['PATH']}",
        "VIRTUAL_ENV": str(wheel_venv),
        "MOCKSERVER_HOST": "127.0.0.1",
        "MOCKSERVER_PORT": "0",
        "MOCKSERVER_STATE_FILE": str(tmp_path / "state.json"),
        "MOCKSERVER_USERS": "100",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    warm = WARM.split()
    subprocess.run(
        [str(wheel_venv / "bin" / warm[0]), *warm[1:]],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    warmed = {path: path.stat().st_ino for path in (tmp_path / "cache").rglob("*.*")}
    command = [str(wheel_venv / "bin" / dockerfile.cmd[0]), *dockerfile.cmd[1:]]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    assert process.stderr is not None
    try:
        banner = process.stderr.readline()  # the socket listens before the banner
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        yield f"http://127.0.0.1:{match.group(1)}", warmed
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_start_command_serves_every_api_from_the_wheel(
    started: tuple[str, dict[Path, int]],
    dockerfile: Dockerfile,
    wheel_venv: Path,
    tmp_path: Path,
) -> None:
    base_url, warmed = started
    # The venv's module comes from the wheel, not from this checkout.
    where = subprocess.run(
        [str(wheel_venv / "bin/python"), "-c", "import mockserver; print(mockserver.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(wheel_venv))
    call_each_api(base_url)
    # The start read the warm step's caches and rewrote none (nothing new to compile or parse).
    assert len(warmed) > 5
    assert {p: p.stat().st_ino for p in (tmp_path / "cache").rglob("*.*")} == warmed
    # The HEALTHCHECK's own command says healthy.
    _, health = dockerfile.healthcheck
    port = base_url.rsplit(":", 1)[1]
    env = {**os.environ, "MOCKSERVER_PORT": port}
    assert (
        subprocess.run(
            [str(wheel_venv / "bin" / health[0]), *health[1:]], env=env, check=False
        ).returncode
        == 0
    )
    # A write reaches the state file named by the image's variable.
    mint_key(base_url)
    assert (tmp_path / "state.json").is_file()


def test_the_readme_s_docker_examples_match_the_dockerfile(dockerfile: Dockerfile) -> None:
    """`docker run` and Compose as the README shows them: the image's name, its port published
    on loopback, its declared volume, and MOCKSERVER_* variables the server knows."""
    docker = README.split("\n## Docker\n", 1)[1].split("\n## ", 1)[0]
    port, volume = dockerfile.last("EXPOSE"), dockerfile.last("VOLUME")
    known = {ENV_PREFIX + field.name.upper() for field in dataclasses.fields(Settings)}

    run = docker.split("```bash", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    run_line = next(line for line in run.splitlines() if "docker run" in line)
    assert f"-p 127.0.0.1:{port}:{port}" in run_line
    assert f":{volume} " in run_line and run_line.split()[-1] == "fullstory-mockserver"
    assert set(re.findall(r"-e (\w+)=", run_line)) <= known

    (compose_text,) = re.findall(r"```yaml\n(.*?)```", docker, re.DOTALL)
    (service,) = yaml.safe_load(compose_text)["services"].values()
    assert service["image"] == "fullstory-mockserver"
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert [entry.split(":", 1)[1] for entry in service["volumes"]] == [volume]
    assert set(service["environment"]) <= known
