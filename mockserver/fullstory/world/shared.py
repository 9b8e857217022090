"""What every world of one server shares: parsed scenarios and one Faker.

A scenario's parse is immutable (frozen dataclasses and tuples), so one parse serves every
tenant built from the same text; the pytest plugin builds a tenant per test, and parsing the
default scenario's YAML again each time cost ~20 ms a test. The cache is bounded, because the
admin API lets clients upload scenario text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from mockserver.fullstory.world.fakers import SharedFaker
from mockserver.fullstory.world.scenario import Scenario, parse_scenario

SCENARIOS_KEPT = 16


class SharedWorldParts:
    def __init__(self, scenarios_kept: int = SCENARIOS_KEPT) -> None:
        self.faker = SharedFaker()
        self._kept = scenarios_kept
        self._scenarios: OrderedDict[tuple[str, str], Scenario] = OrderedDict()
        self._lock = threading.Lock()

    def scenario(self, text: str, source: str) -> Scenario:
        """``parse_scenario(text, source)``, parsed once while it is in use."""
        key = (source, text)
        with self._lock:
            found = self._scenarios.get(key)
            if found is not None:
                self._scenarios.move_to_end(key)
                return found
        parsed = parse_scenario(text, source)  # raises ScenarioError: nothing is kept
        with self._lock:
            self._scenarios[key] = parsed
            while len(self._scenarios) > self._kept:
                self._scenarios.popitem(last=False)
        return parsed
