"""A contact id belongs to at most one profile of a project, whatever mix of creates, merges,
unmerges, removals, updates and deletes runs, sequentially or on threads at once (Hypothesis
stateful test against the store, compared with a plain model)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mockserver.cognigy.store import ProfileStore
from mockserver.core.clock import Clock, ClockMode
from mockserver.http.errors import ApiError, Conflict

PROJECT = "5ce7c2d833ea1e04d7e6c432"
USER = "a" * 24
contacts = st.sampled_from([f"c{i}" for i in range(8)])


def attempt(call: Any) -> Any:
    try:
        return call()
    except ApiError as error:
        return error


class ContactIds(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = ProfileStore(Clock(ClockMode.FROZEN), seed=7)
        self.ids: list[str] = []

    def _live(self) -> list[str]:
        return [i for i in self.ids if self._exists(i)]

    def _exists(self, profile_id: str) -> bool:
        return not isinstance(attempt(lambda: self.store.get(profile_id)), ApiError)

    @rule(claimed=st.lists(contacts, max_size=3, unique=True))
    def create(self, claimed: list[str]) -> None:
        holders = {self.store.owner_of(PROJECT, c) for c in claimed} - {None}
        result = attempt(lambda: self.store.create(PROJECT, {"contactIds": claimed}, USER))
        if holders:
            assert isinstance(result, Conflict)
        else:
            assert not isinstance(result, ApiError)
            self.ids.append(result.id)

    @rule(batch=st.lists(st.tuples(st.booleans(), contacts), min_size=2, max_size=6))
    def concurrently(self, batch: list[tuple[bool, str]]) -> None:
        """Creates and merges of the same contact ids racing on threads."""
        targets = self._live()

        def run(item: tuple[bool, str]) -> Any:
            is_merge, contact = item
            if is_merge and targets:
                target = targets[int(contact[1:]) % len(targets)]
                return attempt(lambda: self.store.merge(target, contact, PROJECT, USER))
            return attempt(lambda: self.store.create(PROJECT, {"contactIds": [contact]}, USER))

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(run, batch))
        for result in results:
            if not isinstance(result, ApiError) and result.id not in self.ids:
                self.ids.append(result.id)
        made = [
            contact
            for (is_merge, contact), result in zip(batch, results, strict=True)
            if not isinstance(result, ApiError) and not (is_merge and targets)
        ]
        assert len(made) == len(set(made))  # racing creates of one contact id: one wins

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data(), contact=contacts)
    def merge(self, data: st.DataObject, contact: str) -> None:
        live = self._live()
        if not live:
            return
        target = data.draw(st.sampled_from(live))
        before = self.store.owner_of(PROJECT, contact)
        moved = self.store.get(before).contact_ids[:] if before and before != target else []
        merged = self.store.merge(target, contact, PROJECT, USER)
        assert contact in merged.contact_ids
        assert all(c in merged.contact_ids for c in moved)
        if before and before != target:
            assert not self._exists(before)

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def unmerge_or_remove(self, data: st.DataObject) -> None:
        holders = [i for i in self._live() if self.store.get(i).contact_ids]
        if not holders:
            return
        profile = self.store.get(data.draw(st.sampled_from(holders)))
        contact = data.draw(st.sampled_from(profile.contact_ids))
        if data.draw(st.booleans()):
            split = self.store.unmerge(profile.id, contact, USER)
            self.ids.append(split.id)
            assert self.store.owner_of(PROJECT, contact) == split.id
        else:
            self.store.remove_contact(profile.id, contact, USER)
            assert self.store.owner_of(PROJECT, contact) is None

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data(), claimed=st.lists(contacts, max_size=3, unique=True))
    def update_contacts(self, data: st.DataObject, claimed: list[str]) -> None:
        live = self._live()
        if not live:
            return
        target = data.draw(st.sampled_from(live))
        others = {self.store.owner_of(PROJECT, c) for c in claimed} - {None, target}
        result = attempt(lambda: self.store.update(target, {"contactIds": claimed}, USER))
        assert isinstance(result, Conflict) == bool(others)

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        live = self._live()
        if live:
            gone = self.store.get(data.draw(st.sampled_from(live)))
            self.store.delete(gone.id)
            assert all(self.store.owner_of(PROJECT, c) is None for c in gone.contact_ids)

    @invariant()
    def each_contact_id_has_one_profile(self) -> None:
        held: dict[str, str] = {}
        for profile_id in self._live():
            for contact in self.store.get(profile_id).contact_ids:
                assert contact not in held, f"{contact} on {held[contact]} and {profile_id}"
                held[contact] = profile_id
                assert self.store.owner_of(PROJECT, contact) == profile_id
        for contact in (f"c{i}" for i in range(8)):
            if contact not in held:
                assert self.store.owner_of(PROJECT, contact) is None

    @invariant()
    def snapshots_restore_the_same_profiles(self) -> None:
        copy = ProfileStore(Clock(ClockMode.FROZEN), seed=7)
        copy.restore(self.store.snapshot())
        assert copy.snapshot() == self.store.snapshot()


TestContactIds = ContactIds.TestCase
TestContactIds.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
