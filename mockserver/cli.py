"""``mockserver serve | spec | version``. Settings come from flags and MOCKSERVER_* variables."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

import orjson

from mockserver.app import create_app, load_specs
from mockserver.settings import Settings, SettingsError
from mockserver.version import __version__

log = logging.getLogger("mockserver")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake on a local port")
    Settings.add_arguments(serve)
    spec = commands.add_parser("spec", help="print a served OpenAPI document as JSON")
    spec.add_argument("api", nargs="?", default="fullstory", choices=["fullstory", "admin"])
    commands.add_parser("version", help="print the version")
    return parser


def banner(settings: Settings) -> str:
    key = settings.keys[0].secret if settings.keys else "(none)"
    return (
        f"mockserver {__version__}: FullStory API on http://{settings.host}:{settings.port} "
        f"(admin at /__admin, spec at /openapi.json), key {key!r}, seed {settings.seed}, "
        f"{settings.users} users per tenant, scenario {settings.scenario!r}, clock {settings.clock}"
    )


def serve(settings: Settings) -> int:
    import uvicorn

    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    app = create_app(settings)
    log.info("%s", banner(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        access_log=settings.access_log,
        log_level=settings.log_level,
        server_header=False,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "version":
        print(__version__)
        return 0
    if args.command == "spec":
        sys.stdout.write(
            orjson.dumps(load_specs()[args.api].document, option=orjson.OPT_INDENT_2).decode()
        )
        sys.stdout.write("\n")
        return 0
    try:
        settings = Settings.from_arguments(args, os.environ)
    except SettingsError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    return serve(settings)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
