"""Where the packaged OpenAPI documents and scenario fixtures live.

In a wheel they sit inside the package (``mockserver/_data``); in a source checkout or an
editable install they are the top-level ``openapi/`` and ``fixtures/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``openapi`` or ``fixtures``, wherever this copy of the package keeps it."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mockserver's {name}/ folder is missing from this installation")


def spec_path(api: str) -> Path:
    return data_dir("openapi") / f"{api}.yaml"


def fixture_names() -> list[str]:
    """The packaged scenarios, by the name ``--scenario`` and the plugin's marker take."""
    return sorted(path.stem for path in data_dir("fixtures").glob("*.yaml"))
