"""429 handled, not accepted: Retry-After honoured, pace slowed, the same request re-sent,
counted; a request that only ever got 429 comes back as 429 (the suites then fail it)."""

from __future__ import annotations

from collections.abc import Iterator

from mockserver.contract.pacing import RECOVER_AFTER, Pacer, retry_after_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def answers(*statuses: tuple[int, dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    yield from statuses


def send(pacer: Pacer, script: Iterator[tuple[int, dict[str, str]]]) -> int:
    response = pacer.send(lambda: next(script), lambda r: r[0], lambda r: r[1])
    return response[0]


def test_waits_as_told_then_resends() -> None:
    clock = Clock()
    pacer = Pacer(sleep=clock.sleep, monotonic=clock.monotonic)
    script = answers((429, {"Retry-After": "2"}), (200, {}))
    assert send(pacer, script) == 200
    assert clock.slept == [2.0]
    assert (pacer.stats.throttled, pacer.stats.gave_up, pacer.stats.waited) == (1, 0, 2.0)
    assert pacer.rate_per_second == 0.5  # paces itself from now on


def test_only_429_gives_up_after_the_retries_and_counts_it() -> None:
    clock = Clock()
    pacer = Pacer(retries=2, sleep=clock.sleep, monotonic=clock.monotonic)
    script = answers(*[(429, {"retry-after": "1"})] * 3)
    assert send(pacer, script) == 429
    assert pacer.stats.gave_up == 1 and pacer.stats.throttled == 3
    assert pacer.stats.refused_after_wait == 2  # waited as told and was refused again


def test_a_wait_longer_than_allowed_is_not_slept() -> None:
    clock = Clock()
    pacer = Pacer(max_wait=60, sleep=clock.sleep, monotonic=clock.monotonic)
    assert send(pacer, answers((429, {"Retry-After": "3600"}))) == 429
    assert clock.slept == [] and pacer.stats.gave_up == 1


def test_missing_retry_after_backs_off() -> None:
    clock = Clock()
    pacer = Pacer(sleep=clock.sleep, monotonic=clock.monotonic)
    assert send(pacer, answers((429, {}), (429, {}), (200, {}))) == 200
    assert clock.slept[:2] == [1.0, 2.0]


def test_pacing_spaces_requests() -> None:
    clock = Clock()
    pacer = Pacer(rate_per_second=4, sleep=clock.sleep, monotonic=clock.monotonic)
    for _ in range(3):
        assert send(pacer, answers((200, {}))) == 200
    assert clock.slept == [0.25, 0.25]


def test_retry_after_forms() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_the_pace_recovers_after_answers_without_429() -> None:
    clock = Clock()
    pacer = Pacer(sleep=clock.sleep, monotonic=clock.monotonic)
    assert send(pacer, answers((429, {"Retry-After": "1"}), (200, {}))) == 200
    assert pacer.rate_per_second == 1.0
    rates = []
    for _ in range(7 * RECOVER_AFTER):
        send(pacer, answers((200, {})))
        rates.append(pacer.rate_per_second)
    assert rates[RECOVER_AFTER - 1] == 2.0  # doubled after RECOVER_AFTER calm answers
    assert rates[-1] == 0.0  # unpaced again, as the run started


def test_a_configured_pace_is_the_ceiling_of_recovery() -> None:
    clock = Clock()
    pacer = Pacer(rate_per_second=4, sleep=clock.sleep, monotonic=clock.monotonic)
    send(pacer, answers((429, {"Retry-After": "1"}), (200, {})))
    assert pacer.rate_per_second == 2.0
    for _ in range(3 * RECOVER_AFTER):
        send(pacer, answers((200, {})))
    assert pacer.rate_per_second == 4.0
