"""YAML reading with libyaml's C parser when PyYAML was built with it.

The pure-Python parser spends most of a server start on the scenario file and the specs; the C
parser gives the same documents (the constructor, which turns nodes into values, is the same
safe one) several times faster.

PyYAML itself is imported on the first parse, not with this module: a start reads the specs
and the packaged scenario from their JSON copies (core/yaml_cache.py) and parses no YAML, and
importing PyYAML costs ~15 ms of it.
"""

from __future__ import annotations

from typing import Any


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, faster; raises ``yaml.YAMLError`` the same way."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def yaml_error() -> type[Exception]:
    """``yaml.YAMLError``, for an ``except`` clause (evaluated only once something is raised,
    so catching it costs no import)."""
    import yaml

    return yaml.YAMLError
