from __future__ import annotations

from datetime import UTC, datetime

from mockserver.core.signing import Signer, compact_time, new_secret, parse_compact_time


def test_signatures_verify_only_with_the_same_secret_and_parts() -> None:
    signer = Signer(new_secret())
    signature = signer.sign("tenant", "object", "20260901T000000Z", "300")
    assert signer.verify(signature, "tenant", "object", "20260901T000000Z", "300")
    assert signer.verify(signature.upper(), "tenant", "object", "20260901T000000Z", "300")
    assert not signer.verify(signature, "other", "object", "20260901T000000Z", "300")
    assert not Signer(new_secret()).verify(signature, "tenant", "object", "20260901T000000Z", "300")


def test_compact_time_round_trips() -> None:
    at = datetime(2026, 9, 1, 12, 30, 5, tzinfo=UTC)
    assert compact_time(at) == "20260901T123005Z"
    assert parse_compact_time(compact_time(at)) == at
