"""A checkout's entry to the contract kit: the same plugin and suites the wheel ships
(``mockserver/contract/plugin.py``, ``mockserver/contract/suite/``), so ``pytest contract_tests``
and ``mockserver contract`` run the same tests."""

from mockserver.contract.plugin import *  # noqa: F403 - the plugin's hooks and fixtures
