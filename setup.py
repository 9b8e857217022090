"""Packaging detail pyproject.toml cannot express: ship the top-level ``openapi/`` and
``fixtures/`` folders inside the wheel as ``mockserver/_data/``, so an installed copy works from
any directory (see mockserver/resources.py)."""

from setuptools import find_packages, setup

DATA = {"mockserver._data.openapi": "openapi", "mockserver._data.fixtures": "fixtures"}

setup(
    packages=[*find_packages(include=["mockserver", "mockserver.*"]), *DATA],
    package_dir=DATA,
    package_data={
        "mockserver": ["py.typed", "contract/*.toml"],
        **{name: ["*.yaml", "*.md"] for name in DATA},
    },
)
