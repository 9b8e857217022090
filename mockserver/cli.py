"""mockserver (the fullstory-mockserver distribution): a local fake of FullStory's server APIs,
the Optimizely Opal FullStory connector and Cognigy's contact profiles, for offline development,
tests and contract tests. Not the Java MockServer.

Settings come from flags and MOCKSERVER_* variables; run `mockserver COMMAND --help` for a
command's options."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from mockserver.commands import keys as keys_command
from mockserver.commands import scenario as scenario_command
from mockserver.commands import spec as spec_command
from mockserver.commands.output import run_to_stdout
from mockserver.contract.command import add_contract_parser, contract
from mockserver.settings import Settings, SettingsError
from mockserver.version import __version__

if TYPE_CHECKING:
    from mockserver.app import MockServerApp

log = logging.getLogger("mockserver")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    serve = commands.add_parser(
        "serve",
        help="run the fake on a local port",
        description="Serve the fake. Flags win over MOCKSERVER_* variables (README, Settings).",
    )
    Settings.add_arguments(serve)
    serve.add_argument(
        "--check",
        action="store_true",
        help="build the app as serve does (settings, specs, scenario, state file read), write "
        "the start caches, and exit: 0 if it would start, 2 if not; binds no port and writes "
        "no state file (the Dockerfile warms the image's caches with it)",
    )
    add_contract_parser(commands)
    spec_command.add_parser(commands)
    scenario_command.add_parser(commands)
    keys_command.add_parser(commands)
    commands.add_parser("version", help="print the version", description="Print the version.")
    for command in commands.choices.values():
        # An unknown flag is reported by the command it was given to, with that command's usage.
        command.set_defaults(command_parser=command)
    return parser


def banner(settings: Settings) -> str:
    key = settings.keys[0].secret if settings.keys else "(none)"
    return (
        f"mockserver {__version__}: FullStory API on http://{settings.host}:{settings.port} "
        f"(spec at /openapi.json; Cognigy at /new, Opal tools at /opal, admin at /__admin), "
        f"key {key!r}, seed {settings.seed}, "
        f"{settings.users} users per tenant, scenario {settings.scenario!r}, clock {settings.clock}"
    )


def _stop_before_serving(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


GC_YOUNG_THRESHOLD = 5000


def serve(settings: Settings, *, check: bool = False) -> int:
    """Serve until stopped (``check``: build, then stop; see :func:`_build`). As a container's
    PID 1 the kernel ignores a SIGTERM that has no handler, so `docker stop` during startup (the
    world is built first) would wait for its SIGKILL: until uvicorn installs its own handlers,
    SIGTERM ends the process."""
    if threading.current_thread() is not threading.main_thread():
        return _serve(settings, check)
    previous = signal.signal(signal.SIGTERM, _stop_before_serving)
    try:
        return _serve(settings, check)
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the server is built, and what was built frozen.

    Almost everything made then lives as long as the server, so the ~125 collections its
    allocations would trigger (about 0.1 s of CPU, measured on a busy machine) would find next
    to nothing. On a normal exit everything built is frozen (moved out of the collector's
    generations, :func:`gc.freeze`) *before* the collector resumes: re-enabled first, the next
    allocation would start a collection of the ~40,000 objects counted as young meanwhile (18
    to 22 ms of every start, measured), and every later full collection would walk them again.
    No :func:`gc.collect` before freezing either: built with the collector paused, it finds no
    cyclic garbage to spare (0 objects, measured) and would walk them all once more. After an
    exception nothing is frozen (what was built is garbage then)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def _build(settings: Settings, check: bool) -> MockServerApp | None:
    """What serve does before it binds: the app (None after printing why it cannot start),
    built with the collector paused and the dataclasses' compiled methods cached.

    ``check`` (``serve --check``) builds the same, so it writes the same start caches (the
    specs' JSON copies and the compiled methods: a later ``serve`` reads them and compiles
    nothing), but only reads the state file: it writes nothing a server would keep (the image's
    state volume stays empty when the Dockerfile warms its caches)."""
    # Imported here, not at the top: `mockserver --help` and the commands that print and end
    # need neither uvicorn nor the app (nor the cache of the dataclasses' compiled methods).
    from mockserver.core.code_cache import dataclass_code_cached

    with collector_paused(), dataclass_code_cached():
        from mockserver.http.uvicorn_parts import lazy_uvicorn_package

        lazy_uvicorn_package()  # before anything imports uvicorn: serve never needs uvicorn.main
        from uvicorn.config import LOG_LEVELS  # names to numbers, "trace" (5) included

        from mockserver.app import create_app
        from mockserver.core.statefile import StateFileError
        from mockserver.fullstory.world.scenario import ScenarioError

        # Imported for serve after the build, but within it: their classes' methods are cached.
        from mockserver.http import server_protocol, transport_faults  # noqa: F401
        from mockserver.persistence import read_state_file
        from mockserver.state import ServerState

        logging.basicConfig(level=LOG_LEVELS[settings.log_level], format="%(message)s")
        try:
            if not check:
                return create_app(settings)
            state = ServerState(settings)
            app = create_app(settings.replace(state_file=None), state)
            if settings.state_file is not None:
                read_state_file(state, settings.state_file)
            return app
        except (StateFileError, SettingsError, ScenarioError) as exc:
            print(f"mockserver: {exc}", file=sys.stderr)
            return None


def _serve(settings: Settings, check: bool = False) -> int:
    app = _build(settings, check)
    if app is None:
        return 2
    if check:
        from mockserver.core.yaml_cache import cache_home

        print(f"mockserver: serve would start; start caches in {cache_home()}")
        return 0
    import uvicorn

    from mockserver.http.server_protocol import uvicorn_options
    from mockserver.http.transport_faults import quiet_uvicorn_drops

    # An export download makes and drops millions of young objects (a session's events live only
    # while its rows are written): at the default gen-0 threshold (700) they are scanned, then
    # promoted and scanned again by older collections. 5,000 halves the collector's share of an
    # export's CPU (~6% -> ~3%, bench/exports.py in process); the older thresholds stay.
    gc.set_threshold(GC_YOUNG_THRESHOLD)
    # Bind and listen first, so `--port 0` works and the banner names the port served.
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = (
                "; another process is using it: pick another port with --port N (or "
                "MOCKSERVER_PORT=N), or --port 0 for any free one"
            )
        print(
            f"mockserver: cannot bind {settings.host}:{settings.port}: {exc.strerror}{hint}",
            file=sys.stderr,
        )
        return 2
    sock.listen(2048)  # connections queue from now on: a client that read the banner can connect
    bound = settings.replace(port=sock.getsockname()[1])
    log.info("%s", banner(bound))
    if settings.admin_token is None and settings.host not in {"127.0.0.1", "localhost", "::1"}:
        log.warning(
            "the control plane /__admin is open to %s: set --admin-token when binding beyond "
            "loopback",
            settings.host,
        )
    config = uvicorn.Config(
        app,
        access_log=settings.access_log,
        log_level=settings.log_level,
        **uvicorn_options(settings, app.render_error),
    )
    quiet_uvicorn_drops()  # after Config, which (re)configures uvicorn's loggers
    uvicorn.Server(config).run(sockets=[sock])
    return 0


# Commands that print and end: each gets quiet handling of a closed pipe (`| head`).
OUTPUT_COMMANDS = {
    "spec": spec_command.run,
    "scenario": scenario_command.run,
    "keys": keys_command.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:  # exits 2
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "version":
        print(__version__)
        return 0
    if args.command == "contract":
        return contract(args)
    if args.command in OUTPUT_COMMANDS:
        command = OUTPUT_COMMANDS[args.command]
        return run_to_stdout(lambda: command(args))
    try:
        settings = Settings.from_arguments(args, os.environ)
    except SettingsError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    return serve(settings, check=args.check)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
