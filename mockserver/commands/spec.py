"""``mockserver spec``: print a served OpenAPI document, or validate one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mockserver.resources import data_dir

if TYPE_CHECKING:
    from mockserver.http.spec import ApiSpec


def served_apis() -> list[str]:
    return sorted(path.stem for path in data_dir("openapi").glob("*.yaml"))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    spec = commands.add_parser(
        "spec",
        help="print a served OpenAPI document as JSON, or validate one",
        description=(
            "Print the OpenAPI document of an API this server serves (as /openapi.json does), "
            "or, with --validate, check OpenAPI files the way the server loads its own: "
            "every operation has an operationId and one 2xx answer, every schema compiles."
        ),
    )
    spec.add_argument(
        "api",
        nargs="?",
        default="fullstory",
        help=f"the API to print: {', '.join(served_apis())} (default: fullstory)",
    )
    spec.add_argument(
        "--validate",
        metavar="FILE",
        nargs="+",
        type=Path,
        help="check these OpenAPI files instead of printing; exit 1 if one is invalid",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the CLI builds this command's parser on every start.
    import orjson

    from mockserver.http.spec import load_spec

    if args.validate:
        return validate(args.validate)
    apis = served_apis()
    if args.api not in apis:
        print(
            f"mockserver spec: unknown API {args.api!r}; choose one of {', '.join(apis)}",
            file=sys.stderr,
        )
        return 2
    document = load_spec(args.api, data_dir("openapi") / f"{args.api}.yaml").document
    sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    sys.stdout.write("\n")
    return 0


def validate(paths: list[Path]) -> int:
    from mockserver.http.spec import SpecError

    failed = 0
    for path in paths:
        try:
            spec = checked(path)
        except (SpecError, ValueError, KeyError, TypeError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            print(f"{path}: invalid: {problem}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: valid ({len(spec.operations)} operations)")
    return 1 if failed else 0


def checked(path: Path) -> ApiSpec:
    """Load ``path`` and compile what the server would: any problem raises."""
    from mockserver.http.spec import SpecError, load_spec
    from mockserver.http.validation import RequestValidator, ResponseValidator

    spec = load_spec(path.stem, path)
    if not spec.operations:
        raise SpecError("it has no operations")
    for operation in spec.operations:
        _ = operation.success_status  # raises unless exactly one 2xx is documented
        RequestValidator(operation)
        ResponseValidator(operation)
    return spec
