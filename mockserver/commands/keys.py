"""``mockserver keys``: the API keys ``serve`` would accept with the same flags and variables."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from mockserver.settings import Settings, SettingsError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser(
        "keys",
        help="list the API keys serve would accept (defaults, --key or MOCKSERVER_KEYS)",
        description=(
            "Print the keys `mockserver serve` would accept given the same --key flags and "
            "MOCKSERVER_KEYS: secret, tenant, level, the role GET /me reports, the e-mail, and "
            "the key_id the journal and the admin API show instead of the secret."
        ),
    )
    others = [field.name for field in dataclasses.fields(Settings) if field.name != "keys"]
    Settings.add_arguments(keys, skip=others)  # the same --key as serve's, with its help


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_arguments(args, os.environ)
    except SettingsError as exc:
        print(f"mockserver keys: {exc}", file=sys.stderr)
        return 2
    print("secret\ttenant\tlevel\trole\temail\tkey_id")
    for key in settings.keys:
        print(
            f"{key.secret}\t{key.tenant}\t{key.level.name.lower()}\t{key.level.role}\t"
            f"{key.email or '-'}\t{key.key_id}"
        )
    return 0
