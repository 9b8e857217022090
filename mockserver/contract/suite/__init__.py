"""The contract suites, shipped in the wheel: ``mockserver contract`` runs them with
``-p mockserver.contract.plugin --pyargs mockserver.contract.suite``; a checkout's
``contract_tests/`` collects the same tests."""
