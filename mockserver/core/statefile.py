"""Snapshot files: written atomically, read back with clear errors.

A state file is one JSON object ``{"format": "mockserver-state", "version": 1, ...state}``.
Writes go to a temporary file in the same directory, are fsynced and then renamed over the
target, so a crash (even SIGKILL mid-write) leaves either the old file or the new one, never a
mix. Keys are sorted so the same state always gives the same bytes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

FORMAT_MARKER = "mockserver-state"
FORMAT_VERSION = 1
_RESERVED = ("format", "version")
PRIVATE_MODE = 0o600
_TEMP_SUFFIX = ".tmp"


class StateFileError(Exception):
    """A state file is missing, unreadable, not JSON, or not a state file this version reads."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers and crashes see all of it or none of it."""
    target = Path(path)
    directory = target.parent
    # Named by process and thread: concurrent writers never share a temp file. A killed
    # process's leftovers are removed at the next start (remove_stale_temporaries).
    temp = directory / f"{_temp_prefix(target)}{os.getpid()}.{threading.get_ident()}{_TEMP_SUFFIX}"
    # Private (0600): a state file holds every key's secret.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        try:
            os.fchmod(fd, PRIVATE_MODE)  # the temp file may be an older one with wider rights
            _write_all_and_sync(fd, data)
        finally:
            os.close(fd)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def append_durably(path: str | os.PathLike[str], data: bytes) -> None:
    """Append ``data`` to ``path`` (created private if missing) and fsync it. A crash may leave
    the last line cut short; readers skip such a line."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_MODE)
    try:
        _write_all_and_sync(fd, data)
    finally:
        os.close(fd)


def _write_all_and_sync(fd: int, data: bytes) -> None:
    """``os.write`` may write less than asked (a full disk, a signal): loop, then fsync."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Delete the temp files a killed writer of ``path`` left behind; returns what went.

    Call it before any writer of ``path`` starts (at startup): a live writer's temp file has the
    same shape."""
    target = Path(path)
    prefix = _temp_prefix(target)
    removed = []
    try:
        candidates = list(target.parent.iterdir())
    except OSError:
        return []
    for candidate in candidates:
        if candidate.name.startswith(prefix) and candidate.name.endswith(_TEMP_SUFFIX):
            try:
                candidate.unlink()
            except OSError:
                continue
            removed.append(candidate)
    return removed


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; some platforms cannot open directories, which is fine.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def encode_snapshot(state: Mapping[str, Any]) -> bytes:
    """The bytes of a state file for ``state`` (sorted keys, so deterministic)."""
    clash = [key for key in _RESERVED if key in state]
    if clash:
        raise ValueError(f"state must not use the reserved keys {clash}")
    document = {"format": FORMAT_MARKER, "version": FORMAT_VERSION, **state}
    try:
        return orjson.dumps(
            document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
        )
    except orjson.JSONEncodeError as error:
        raise StateFileError(f"state cannot be written as JSON: {error}") from error


def decode_snapshot(data: bytes, source: str = "state") -> dict[str, Any]:
    """Check the marker and version and return the state (without them)."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise StateFileError(f"{source} is not valid JSON ({error}); is it corrupt?") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_MARKER:
        raise StateFileError(
            f'{source} is not a mockserver state file (expected "format": "{FORMAT_MARKER}")'
        )
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise StateFileError(
            f"{source} has state format version {version!r}; this mockserver reads version "
            f"{FORMAT_VERSION} only"
        )
    return {key: value for key, value in document.items() if key not in _RESERVED}


def write_snapshot(path: str | os.PathLike[str], state: Mapping[str, Any]) -> None:
    write_atomic(path, encode_snapshot(state))


def read_snapshot(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise StateFileError(f"cannot read state file {os.fspath(path)}: {error}") from error
    return decode_snapshot(data, source=f"state file {os.fspath(path)}")
