"""mockserver: a local, stateful, deterministic fake of FullStory's server APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.version import __version__

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.settings import Settings

__all__ = ["Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing a submodule (the pytest plugin, the CLI) does not load the whole app.
    if name == "create_app":
        from mockserver.app import create_app

        return create_app
    if name == "Settings":
        from mockserver.settings import Settings

        return Settings
    raise AttributeError(name)
