"""The package version, read from the installed metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# The distribution's name on the package index. "mockserver" alone belongs to an unrelated Java
# mock server and its clients; the import package and the command stay `mockserver`.
DISTRIBUTION = "fullstory-mockserver"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
