"""The methods ``@dataclass`` writes, compiled once per text and then read from a cache file.

For every dataclass, Python 3.11's ``dataclasses`` writes the source of ``__init__``,
``__repr__``, ``__eq__``, ``__hash__`` and (frozen) ``__setattr__``/``__delattr__`` and compiles
each with ``exec``: about 0.15 ms a method, 500 of them for the ~90 dataclasses a server loads,
so a quarter of a cold start went into compiling the same texts on every start (measured with
``bench/suite.py --only cold_start`` and ``-X importtime``). Python keeps no ``.pyc`` for them.

:func:`dataclass_code_cached` keeps the compiled code objects of one build (``serve``'s imports
and app) in ``$XDG_CACHE_HOME/mockserver/code`` and gives them back to the next build: while it
is active, ``dataclasses`` finds an ``exec`` in its own module namespace (its global lookup
comes before the builtin) that takes a known text's code object instead of compiling it again,
and compiles an unknown one exactly as ``exec`` would (no inherited ``__future__`` flags,
filename ``<string>``). Same text, same code object: every class comes out as before.

- The file is keyed by the interpreter's bytecode magic number, so code is never shared between
  Python versions; it is written (beside, then renamed into place) only when a build compiled
  something new, and holds only the texts that build used, so it never grows past one build's.
- A missing, unreadable or foreign file means compiling as ever; so does a folder that cannot be
  written (a read-only container). ``MOCKSERVER_CODE_CACHE=off`` turns the cache off.
- Like Python's own ``__pycache__``, the file is code the process will run: it lives in the
  user's own cache folder, which only the user (or root) can write.
- Only ``serve`` uses it, around its build; library users (the pytest plugin, ``create_app``)
  and everything after the build see the untouched ``dataclasses`` module.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import marshal
import os
import tempfile
from collections.abc import Iterator, Mapping
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

from mockserver.core.yaml_cache import cache_home

CACHE_ENV = "MOCKSERVER_CODE_CACHE"
_HOOK = "exec"  # the name dataclasses._create_fn calls


def code_cache_file() -> Path | None:
    """The cache file for this interpreter, or None when the cache is off."""
    if os.environ.get(CACHE_ENV, "").lower() in {"0", "off", "false", "no"}:
        return None
    return cache_home() / "code" / f"dataclass-methods-{MAGIC_NUMBER.hex()}.marshal"


class CompiledTexts:
    """Code objects by source text: those read from the file, and those compiled now."""

    def __init__(self, known: Mapping[str, CodeType]) -> None:
        self.known = known
        self.used: dict[str, CodeType] = {}
        self.compiled = 0

    def code(self, source: str) -> CodeType:
        found = self.used.get(source) or self.known.get(source)
        if found is None:
            # What exec(source) compiles: dataclasses.py has no __future__ imports to pass on.
            found = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled += 1
        self.used[source] = found
        return found

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """``exec`` as ``dataclasses`` calls it, a text's code compiled at most once."""
        builtins.exec(self.code(source) if isinstance(source, str) else source, globals, locals)


def read_codes(path: Path) -> dict[str, CodeType]:
    """The file's code objects by text; {} if it is missing, unreadable or not such a map."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, CodeType)}


def write_codes(path: Path, codes: Mapping[str, CodeType]) -> None:
    """Write beside and rename into place (a concurrent start never reads half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(marshal.dumps(dict(codes)))
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def dataclass_code_cached(path: Path | None = None) -> Iterator[CompiledTexts | None]:
    """Within: dataclasses compile each method text at most once across starts (see the
    module). Yields the texts' bookkeeping, or None when the cache is off or already active."""
    path = path if path is not None else code_cache_file()
    if path is None or _HOOK in vars(dataclasses):
        yield None
        return
    texts = CompiledTexts(read_codes(path))
    setattr(dataclasses, _HOOK, texts.exec)
    try:
        yield texts
    finally:
        delattr(dataclasses, _HOOK)
    if texts.compiled:
        with contextlib.suppress(OSError, ValueError):
            write_codes(path, texts.used)
