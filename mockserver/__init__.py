"""mockserver: a local, stateful, deterministic fake of FullStory's server APIs."""

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.version import __version__

__all__ = ["Settings", "__version__", "create_app"]
