"""The package version: the one place it is written (pyproject.toml reads it from here, as
setuptools' dynamic ``attr`` version).

A literal rather than a lookup in the installed metadata: ``importlib.metadata`` costs a tenth
of a server's start, and the ``serve`` banner prints the version.
"""

from __future__ import annotations

# The distribution's name on the package index. "mockserver" alone belongs to an unrelated Java
# mock server and its clients; the import package and the command stay `mockserver`.
DISTRIBUTION = "fullstory-mockserver"

__version__ = "0.1.0"
