"""Hypothesis properties of the business rules the spec cannot state.

Each property is one test with its own fresh tenant on the target's fake; a new rule (pagination
with no gaps or repeats, summaries that conform to their schema) is one more function here.
They need a fake this run controls (its world, clock and limiter), so they are ``fake_only``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.contract.specs import discover_specs
from mockserver.contract.targets import Target
from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES
from mockserver.fullstory.summaries.dialect import to_json_schema
from mockserver.testing.fake import Fake

pytestmark = pytest.mark.fake_only

FULLSTORY = next(spec for spec in discover_specs() if spec.name == "fullstory")
PINNED = [
    ("jane-checkout", "jane.checkout@example.com"),
    ("sam-support", "sam.support@example.com"),
]
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)


@pytest.fixture
def fake(request: pytest.FixtureRequest, contract_target: Target) -> Iterator[Fake]:
    binding = contract_target.bind(FULLSTORY)
    assert binding.server is not None
    with Fake(binding.server, f"property:{request.node.nodeid}") as fake:
        fake.set_rate_limits(False)
        yield fake


@pytest.fixture
def client(fake: Fake, contract_target: Target) -> Iterator[httpx.Client]:
    def count(request: httpx.Request) -> None:
        contract_target.count()

    with fake.client(event_hooks={"request": [count]}) as client:
        yield client


def users(fake: Fake) -> st.SearchStrategy[tuple[str, str]]:
    world = fake.tenant.fullstory.world
    generated = st.integers(0, world.config.users - 1).map(
        lambda i: (world.user_at(i).uid, world.user_at(i).email)
    )
    return st.one_of(st.sampled_from(PINNED), generated)


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["results"]]


def test_uid_and_email_give_the_union(fake: Fake, client: httpx.Client) -> None:
    @PROPERTY_SETTINGS
    @given(users(fake), users(fake))
    def check(a: tuple[str, str], b: tuple[str, str]) -> None:
        by_uid = ids(client.get("/v2/sessions", params={"uid": a[0], "limit": 100}))
        by_email = ids(client.get("/v2/sessions", params={"email": b[1], "limit": 100}))
        both = ids(client.get("/v2/sessions", params={"uid": a[0], "email": b[1], "limit": 100}))
        assert len(both) == len(set(both)), "a session listed twice"
        assert set(both) == (set(by_uid) | set(by_email)) or len(both) == 100

    check()


@pytest.mark.parametrize(
    ("path", "key", "time_field"),
    [("/v2/sessions", "results", "created_time"), ("/sessions/v2", "sessions", "createdTime")],
)
def test_limit_and_most_recent_first(
    fake: Fake, client: httpx.Client, path: str, key: str, time_field: str
) -> None:
    @PROPERTY_SETTINGS
    @given(users(fake), st.integers(1, 100), st.booleans())
    def check(user: tuple[str, str], limit: int, by_email: bool) -> None:
        params: dict[str, Any] = {"email" if by_email else "uid": user[1] if by_email else user[0]}
        everything = client.get(path, params={**params, "limit": 100}).json()[key]
        response = client.get(path, params={**params, "limit": limit})
        assert response.status_code == 200, response.text
        items = response.json()[key]
        assert len(items) <= limit
        assert items == everything[: len(items)], "not a prefix of the full, ordered list"
        assert len(items) == min(limit, len(everything))
        times = [item[time_field] for item in items]
        as_numbers = [int(t) for t in times] if time_field == "createdTime" else times
        assert as_numbers == sorted(as_numbers, reverse=True), "not most recent first"

    check()


def test_same_seed_same_bytes(fake: Fake, client: httpx.Client) -> None:
    """Two fresh worlds built from the same seed answer the same requests byte for byte."""
    fake.freeze_clock("2026-09-01T00:00:00Z")

    @PROPERTY_SETTINGS
    @given(
        st.lists(
            st.tuples(users(fake), st.sampled_from(["events", "context", "me"])),
            min_size=1,
            max_size=4,
        )
    )
    def check(script: list[tuple[tuple[str, str], str]]) -> None:
        def play() -> list[bytes]:
            bodies = []
            for (uid, _), what in script:
                listed = client.get("/v2/sessions", params={"uid": uid, "limit": 1})
                bodies.append(listed.content)
                first = listed.json()["results"]
                if what == "me":
                    bodies.append(client.get("/me").content)
                elif first:
                    sid = first[0]["id"]
                    bodies.append(
                        client.get(f"/v2/sessions/{sid}/events").content
                        if what == "events"
                        else client.post(f"/v2/sessions/{sid}/context", json={}).content
                    )
            return bodies

        first = play()
        fake.reset()  # rebuilt from its constructors: a fresh world with the same seed
        fake.set_rate_limits(False)
        assert play() == first

    check()


def test_rate_limits_are_honest(fake: Fake, client: httpx.Client) -> None:
    """Frozen clock: never more than ``burst`` accepted; Retry-After is exact (waiting one
    second less is still refused, waiting that long is enough)."""
    fake.freeze_clock("2026-09-01T00:00:00Z")

    @PROPERTY_SETTINGS
    @given(st.integers(1, 5), st.sampled_from([0.25, 0.5, 1.0, 2.0, 10.0]), st.integers(1, 12))
    def check(burst: int, rate: float, attempts: int) -> None:
        fake.tenant.limiter.reset()
        fake.set_rate_limits({"rate_per_second": rate, "burst": burst})
        statuses = [client.get("/me").status_code for _ in range(attempts)]
        assert statuses.count(200) == min(burst, attempts)
        assert set(statuses) <= {200, 429}
        if attempts <= burst:
            return
        refused = client.get("/me")
        assert refused.status_code == 429
        retry_after = int(refused.headers["Retry-After"])
        assert retry_after >= 1
        if retry_after > 1:
            fake.advance_clock(retry_after - 1)
            assert client.get("/me").status_code == 429, "Retry-After was longer than needed"
            fake.advance_clock(1)
        else:
            fake.advance_clock(retry_after)
        assert client.get("/me").status_code == 200, "Retry-After was too short"

    check()


def test_a_response_validates_against_its_response_schema(fake: Fake, client: httpx.Client) -> None:
    """Any built-in or client-made profile, any user's latest session: ``response`` conforms to
    the ``response_schema`` the same answer echoes (translated from FullStory's dialect)."""
    made = fake.create_profile(
        response_schema={
            "type": "OBJECT",
            "properties": {
                "summary": {"type": "STRING"},
                "sentiment": {"type": "STRING", "enum": ["positive", "neutral", "negative"]},
                "issues": {"type": "ARRAY", "items": {"type": "STRING"}},
                "page_count": {"type": "INTEGER"},
            },
            "required": ["summary"],
        }
    )
    profiles = [profile.id for profile in BUILTIN_PROFILES] + [made]

    @PROPERTY_SETTINGS
    @given(users(fake), st.sampled_from(profiles))
    def check(user: tuple[str, str], profile: str) -> None:
        listed = client.get("/v2/sessions", params={"uid": user[0], "limit": 1}).json()["results"]
        if not listed:
            return
        answer = client.get(
            f"/v2/sessions/{listed[0]['id']}/summary", params={"config_profile": profile}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        validator = jsonschema_rs.validator_for(to_json_schema(body["response_schema"]))
        assert validator.is_valid(body["response"]), (profile, body["response"])

    check()


def test_profile_listing_neither_skips_nor_repeats(fake: Fake, client: httpx.Client) -> None:
    """Profiles created or deleted between pages: every profile that stayed is listed once."""

    @PROPERTY_SETTINGS
    @given(st.integers(1, 5), st.lists(st.booleans(), max_size=6))
    def check(limit: int, changes: list[bool]) -> None:
        first = client.get("/v2/visit_profile", params={"limit": 100}).json()
        before = [p["id"] for p in first["profiles"]]
        seen: list[str] = []
        deleted: set[str] = set()
        token = None
        while True:
            params: dict[str, Any] = {"limit": limit, **({"page_token": token} if token else {})}
            page = client.get("/v2/visit_profile", params=params).json()
            seen += [p["id"] for p in page["profiles"]]
            if changes:
                if changes.pop():
                    client.post("/v2/visit_profile", json={"name": "between pages"})
                elif seen:
                    deleted.add(seen[-1])
                    client.delete(f"/v2/visit_profile/{seen[-1]}")
            token = page["next_page_token"]
            if not token:
                break
        assert len(seen) == len(set(seen)), "a profile listed twice"
        assert set(before) - deleted <= set(seen), "a profile skipped"

    check()
