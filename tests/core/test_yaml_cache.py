"""The JSON copies of parsed YAML: same values as parsing, keyed by the exact bytes, never
written for values JSON cannot give back, and harmless when the folder is unusable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockserver.core.yaml_cache import CACHE_ENV, load_yaml_cached
from mockserver.core.yamlio import load_yaml

DOCUMENT = "openapi: 3.1.0\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return tmp_path / "mockserver" / "yaml"


def test_the_copy_gives_the_parsed_values_and_is_replaced_when_the_text_changes(
    cache: Path,
) -> None:
    assert load_yaml_cached(DOCUMENT, "x.yaml") == load_yaml(DOCUMENT)
    [copy] = cache.glob("x.yaml-*.json")
    copy.write_bytes(b'{"from": "the copy"}')  # proves the second read uses it
    assert load_yaml_cached(DOCUMENT, "x.yaml") == {"from": "the copy"}
    edited = DOCUMENT + "info: {title: t}\n"
    assert load_yaml_cached(edited, "x.yaml") == load_yaml(edited)
    assert [p.name for p in cache.glob("x.yaml-*.json")] != [copy.name]  # the old one is gone
    assert len(list(cache.glob("x.yaml-*.json"))) == 1


def test_values_json_cannot_keep_are_not_cached(cache: Path) -> None:
    text = "1: one\nwhen: 2024-01-01\n"
    assert load_yaml_cached(text, "y.yaml") == load_yaml(text)
    assert not list(cache.glob("y.yaml-*.json"))


def test_bad_yaml_raises_as_before_and_nothing_is_cached(cache: Path) -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml_cached("a: [unclosed\n", "z.yaml")
    assert not list(cache.glob("z.yaml-*.json"))


def test_off_or_unwritable_means_parsing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "off")
    assert load_yaml_cached(DOCUMENT, "x.yaml") == load_yaml(DOCUMENT)
    assert not cache.exists()
    monkeypatch.delenv(CACHE_ENV)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_yaml_cached(DOCUMENT, "x.yaml") == load_yaml(DOCUMENT)
