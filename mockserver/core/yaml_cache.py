"""YAML documents read once per content, then from a JSON copy in the user's cache folder.

Turning YAML into Python values is slow even with libyaml's parser (the constructor is Python):
the five OpenAPI documents take about 0.15 s of CPU, a third of a server's cold start and of
every app a test builds. The same document as JSON loads in about 3 ms. The copy is keyed by a
hash of the YAML's bytes, so an edited document is parsed afresh; it is written only when JSON
gives back exactly the same values (no dates, no non-string keys); and a cache folder that
cannot be read or written (a read-only container, no home) just means parsing every time.
``MOCKSERVER_YAML_CACHE=off`` turns it off; ``XDG_CACHE_HOME`` moves it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from mockserver.core.yamlio import load_yaml

CACHE_ENV = "MOCKSERVER_YAML_CACHE"


def cache_home() -> Path:
    """mockserver's folder in the user's cache folder (``XDG_CACHE_HOME`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "mockserver"


def cache_dir() -> Path | None:
    """Where the JSON copies go, or None when caching is off."""
    if os.environ.get(CACHE_ENV, "").lower() in {"0", "off", "false", "no"}:
        return None
    return cache_home() / "yaml"


def load_yaml_cached(text: str, name: str) -> Any:
    """``load_yaml(text)``, from the JSON copy when one exists for these exact bytes. ``name``
    (a file name) groups the copies: writing one removes that name's older ones."""
    folder = cache_dir()
    if folder is None:
        return load_yaml(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    stem = f"{name}-"
    copy = folder / f"{stem}{digest}.json"
    try:
        return orjson.loads(copy.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        pass
    document = load_yaml(text)  # raises yaml.YAMLError as before: nothing is cached
    try:
        encoded = orjson.dumps(document)
        if orjson.loads(encoded) == document:
            _write(folder, copy, stem, encoded)
    except (OSError, TypeError, orjson.JSONEncodeError):
        pass  # not representable as JSON, or nowhere to write: parse next time too
    return document


def _write(folder: Path, copy: Path, stem: str, encoded: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{stem}*.json"):
        old.unlink(missing_ok=True)
    # Written beside and renamed into place: a concurrent start never reads half a file.
    handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(encoded)
        temporary.replace(copy)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
