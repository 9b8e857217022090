"""The contract-test kit's engine: specs, targets, observations and drift reports.

The suites themselves live in ``contract_tests/``; this package is what they (and
``mockserver contract``) share, so a new spec in ``openapi/`` is covered with no change here.
"""
