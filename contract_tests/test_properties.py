"""Collected from the shipped suite: mockserver/contract/suite/test_properties.py."""

from mockserver.contract.suite.test_properties import *  # noqa: F403
