"""Collected from the shipped suite: mockserver/contract/suite/test_conformance.py."""

from mockserver.contract.suite.test_conformance import *  # noqa: F403
