"""Collected from the shipped suite: mockserver/contract/suite/test_stateful.py."""

from mockserver.contract.suite.test_stateful import *  # noqa: F403
