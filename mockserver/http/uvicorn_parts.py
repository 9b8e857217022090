"""uvicorn's server and config without running uvicorn's package ``__init__``.

``import uvicorn`` (or of any of its submodules) first runs ``uvicorn/__init__.py``, which imports
``uvicorn.main``: click, the reload and multiprocess supervisors, ``platform`` and more, 20 to
30 ms of a cold start that ``serve`` never uses (it builds ``Config`` and ``Server`` itself).
:func:`lazy_uvicorn_package` registers the package module without running its ``__init__``;
the names it defines load on first use: ``Config`` and ``Server`` from their own modules, and any
other (``run``, ``main``, ``__version__``) runs the real ``__init__`` then, so the package is the
same as an eager import for whoever asks later.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from typing import Any


def lazy_uvicorn_package() -> None:
    """Register ``uvicorn`` lazily, unless it is already imported (or cannot be found)."""
    if "uvicorn" in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec("uvicorn")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    loader = spec.loader
    package = types.ModuleType("uvicorn")
    package.__spec__ = spec
    package.__loader__ = loader
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = "uvicorn"

    def attribute(name: str) -> Any:
        if name == "Config":  # uvicorn.lifespan.on does `from uvicorn import Config`
            from uvicorn.config import Config

            return Config
        if name == "Server":
            from uvicorn.server import Server

            return Server
        if name.startswith("__") and name != "__version__":
            raise AttributeError(name)
        del package.__dict__["__getattr__"]
        loader.exec_module(package)  # the real __init__
        return getattr(package, name)

    package.__dict__["__getattr__"] = attribute
    sys.modules["uvicorn"] = package
