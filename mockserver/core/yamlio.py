"""YAML reading with libyaml's C parser when PyYAML was built with it.

The pure-Python parser spends most of a server start on the scenario file and the specs; the C
parser gives the same documents (the constructor, which turns nodes into values, is the same
safe one) several times faster.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, faster; raises ``yaml.YAMLError`` the same way."""
    return yaml.load(text, Loader=_LOADER)
