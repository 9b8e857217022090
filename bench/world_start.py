"""World start time and memory at a given population: measured, never asserted.

Builds the server state (settings, default scenario, the default tenant and its lazy world) the
way ``mockserver serve`` does, ``--repeat`` times in one process, and reports the median build
time, the peak traced allocation of one build, and the process's peak RSS. Then it asks the
world for a few users' sessions and events, so a lazy world that quietly materialises on first
use shows up too. Run: ``.venv/bin/python bench/world_start.py --users 1000000``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

from mockserver.core.keys import DEFAULT_TENANT
from mockserver.fullstory.events_model import session_events
from mockserver.settings import Settings
from mockserver.state import ServerState


def build(users: int) -> ServerState:
    state = ServerState(Settings(users=users))
    state.tenant(DEFAULT_TENANT).fullstory.world.user_at(users - 1)
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--probe-users", type=int, default=200, help="users whose events to build")
    opts = parser.parse_args()
    build(opts.users)  # warm: imports, Faker's data, spec compilation caches
    times = []
    for _ in range(opts.repeat):
        started = time.perf_counter()
        build(opts.users)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    state = build(opts.users)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    world = state.tenant(DEFAULT_TENANT).fullstory.world
    started = time.perf_counter()
    sessions = events = 0
    for index in range(min(opts.probe_users, opts.users)):
        for ref in world.sessions_of(world.user_at(index)):
            session = world.session(ref.session_id)
            assert session is not None
            sessions += 1
            events += len(session_events(session))
    probe_s = time.perf_counter() - started
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"users={opts.users:,}: state + world start median "
        f"{statistics.median(times) * 1000:.1f} ms "
        f"(min {min(times) * 1000:.1f}, {opts.repeat} runs), peak traced allocation of one "
        f"start {peak / 1024:.0f} KiB"
    )
    print(
        f"first {opts.probe_users} users: {sessions} sessions, {events} events rendered in "
        f"{probe_s * 1000:.0f} ms ({events / max(sessions, 1):.0f} events/session); "
        f"process peak RSS {rss_mib:.1f} MiB"
    )


if __name__ == "__main__":
    main()
