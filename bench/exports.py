"""Segment export downloads: rows/s and the server's memory while a large file streams.

Starts ``mockserver serve`` on a free loopback port (a world big enough for the rows asked for,
the clock frozen at the world's epoch, exports finishing at once), creates an ``everyone`` event
export per format, downloads it through its signed link with a streaming client that
decompresses and counts rows as they arrive, and stops after ``--rows`` rows. It reports rows/s
(wall time of the download) and the server's resident set: before the download (VmRSS) and its
high-water mark after (VmHWM), whose difference is the growth the download caused.

A second, in-process measure runs the same encoder and gzip stream over synthetic rows (no
world generation) to show what the file pipeline itself sustains (single rows: the general
path, not the played-session one real exports take). A third, the *row half*, times a real
world's export with its sessions played beforehand: CPU per row of everything but generation.

Measured, never asserted. Usage::

    .venv/bin/python bench/exports.py                 # 1,000,000 rows, NDJSON and CSV
    .venv/bin/python bench/exports.py --rows 100000 --formats FORMAT_NDJSON
    .venv/bin/python bench/exports.py --downloads-only --servers 5   # first downloads, repeated
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import free_port, loopback_url, start_server, stop_server, wait_ready

KEY = {"Authorization": "Basic mock-admin-key"}
TENANT = "o-MOCK-na1"
EPOCH = "2026-09-01T00:00:00Z"
EVENTS_PER_USER = 50  # a generated user averages ~64 events over 90 days; leave a margin


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process: on a shared machine, rows per CPU-second says
    more about the server than rows per wall-second."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages at the end of a measure: on a shared machine a
    wall-clock rate means little without them."""
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


def lines(response: httpx.Response) -> Iterator[bytes]:
    """Decompress the gzip stream as it arrives and yield complete lines."""
    inflate = zlib.decompressobj(31)
    rest = b""
    for chunk in response.iter_raw(65536):
        data = rest + inflate.decompress(chunk)
        *complete, rest = data.split(b"\n")
        yield from complete
    tail = rest + inflate.flush()
    if tail:
        yield from tail.split(b"\n")


def measure_download(base: str, pid: int, fmt: str, rows: int) -> dict[str, Any]:
    body = {
        "segmentId": "everyone",
        "type": "TYPE_EVENT",
        "format": fmt,
        "timeRange": {"start": "", "end": ""},
        "segmentTimeRange": {"start": "", "end": ""},
    }
    with httpx.Client(base_url=base, headers=KEY, trust_env=False, timeout=600) as client:
        operation_id = client.post("/segments/v1/exports", json=body).json()["operationId"]
        operation = client.get(f"/operations/v1/{operation_id}").json()
        export_id = operation["results"]["searchExportId"]
        location = client.get(f"/search/v1/exports/{export_id}/results").json()["location"]
        before = rss_kib(pid, "VmRSS")
        cpu_before = cpu_seconds(pid)
        count = 0
        started = time.perf_counter()
        with client.stream("GET", location) as response:
            for line in lines(response):
                if fmt == "FORMAT_CSV" and count == 0 and line.startswith(b"IndvId"):
                    continue  # the header
                count += 1
                if count >= rows:
                    break
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu_before
        peak = rss_kib(pid, "VmHWM")
    return {
        "format": fmt,
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
        "rows_per_server_cpu_second": round(count / cpu) if cpu else None,
        "rss_before_mib": round(before / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "rss_growth_mib": round((peak - before) / 1024, 1),
        "load_average": load_average(),
    }


def measure_pipeline(rows: int, fmt: str, level: int) -> dict[str, Any]:
    """The encoders and gzip stream alone, over synthetic event rows (a page's shared columns
    are one object for its events, as the real rows hand them out)."""
    from mockserver.fullstory.exports.columns import EVENT_COLUMNS, EVENT_LEVEL_COLUMNS
    from mockserver.fullstory.exports.files import encoded, gzipped
    from mockserver.fullstory.exports.layout import EventCells, own_cells
    from mockserver.fullstory.exports.request import ExportFormat, ExportType

    shared = [c for c in EVENT_COLUMNS if c not in EVENT_LEVEL_COLUMNS]
    own = [c for c in EVENT_COLUMNS if c in EVENT_LEVEL_COLUMNS]

    # Made up front and cycled through, so the measure is the encoders' and gzip's, not the
    # making of rows: a page's shared columns are one object for its five events, as real rows
    # hand them out.
    pages = [{column: f"value of {column} {n}" for column in shared} for n in range(1000)]
    events = [
        own_cells(
            {column: f"value of {column} {n}" for column in own}
            | {"EventStart": f"2026-08-01T00:00:{n % 60:02d}.000Z"}
        )
        for n in range(5000)
    ]

    def synthetic() -> Iterator[tuple[dict[str, Any], EventCells]]:
        for n in range(rows):
            yield pages[n // 5 % 1000], events[n % 5000]

    started = time.perf_counter()
    pieces = encoded(synthetic(), ExportFormat(fmt), ExportType.EVENT, ())
    size = sum(len(chunk) for chunk in gzipped(pieces, level))
    seconds = time.perf_counter() - started
    return {
        "format": fmt,
        "gzip_level": level,
        "rows": rows,
        "rows_per_second": round(rows / seconds),
        "gzip_mib": round(size / 2**20, 1),
        "load_average": load_average(),
    }


# An in-process world (WorldConfig defaults) averages about this many events per user.
IN_PROCESS_EVENTS_PER_USER = 400


def measure_row_half(rows: int, fmt: str) -> dict[str, Any]:
    """CPU per row of everything after generating the sessions: an in-process world's sessions
    are played once and kept, then the export runs again with ``rows.played_session`` answered
    from memory, so the measure is the rows' setup, the encoders, framing and gzip (the
    download's path less generation and the HTTP stream)."""
    from unittest import mock

    from mockserver.core.clock import parse_rfc3339
    from mockserver.fullstory.exports import rows as export_rows
    from mockserver.fullstory.exports.files import encoded, gzipped
    from mockserver.fullstory.exports.played import played_session as play
    from mockserver.fullstory.exports.request import parse_export_request
    from mockserver.fullstory.segments.rules import Rule
    from mockserver.fullstory.world.generator import World, WorldConfig

    epoch = parse_rfc3339(EPOCH)
    users = max(1, rows // IN_PROCESS_EVENTS_PER_USER)
    world = World(WorldConfig(seed=1, users=users, org_id=TENANT, org_name="", epoch=epoch))
    whole = {"start": "", "end": ""}
    body = {"segmentId": "everyone", "type": "TYPE_EVENT", "format": fmt, "timeRange": whole}
    request = parse_export_request({**body, "segmentTimeRange": whole}, epoch, epoch)
    played: dict[tuple[int, int], Any] = {}

    def remembered(world: World, ref: Any, number: int) -> Any:
        key = (id(ref), number)
        if key not in played:
            played[key] = play(world, ref, number)
        return played[key]

    def export() -> Iterator[bytes]:
        items = export_rows.export_rows(world, Rule(), request)
        return encoded(items, request.format, request.type, request.fields)

    with mock.patch("mockserver.fullstory.exports.rows.played_session", remembered):
        count = sum(chunk.count(b"\n") for chunk in export()) - (fmt == "FORMAT_CSV")
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _ in gzipped(export()):
                pass
            best = min(best, time.process_time() - started)
    return {
        "format": fmt,
        "rows": count,
        "cpu_us_per_row": round(best / count * 1e6, 2),
        "load_average": load_average(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", nargs="+", default=["FORMAT_NDJSON", "FORMAT_CSV"])
    parser.add_argument(
        "--gzip-levels", nargs="+", type=int, default=[1],
        help="isal levels (0-3) for the pipeline-only measure (the server uses files.GZIP_LEVEL)",
    )  # fmt: skip
    parser.add_argument(
        "--row-half-rows", type=int, default=200_000,
        help="rows of the in-process measure of everything but generation (0: skip it)",
    )  # fmt: skip
    parser.add_argument(
        "--servers", type=int, default=1,
        help="fresh servers, one after another, each downloading --formats in order: a "
        "server's first download also makes the users and loads the export code",
    )  # fmt: skip
    parser.add_argument(
        "--downloads-only", action="store_true",
        help="skip the in-process measures (pipeline only, row half)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    users = max(100, args.rows // EVENTS_PER_USER)
    for fmt in [] if args.downloads_only else args.formats:
        for level in args.gzip_levels:
            print("pipeline only:", measure_pipeline(args.rows, fmt, level), flush=True)
        if args.row_half_rows:
            print("row half:", measure_row_half(args.row_half_rows, fmt), flush=True)
    for _ in range(args.servers):
        measure_downloads(users, args.formats, args.rows)


def measure_downloads(users: int, formats: Sequence[str], rows: int) -> None:
    """One fresh server, the ``formats`` downloaded from it in order."""
    port = free_port()
    command = [
        sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--users", str(users), "--clock", "frozen", "--clock-start", EPOCH,
        "--rate-limits", "false",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as logs:
        server = start_server("fake", command, port, Path(logs))
        try:
            wait_ready(server)
            base = loopback_url(port, "")
            with httpx.Client(base_url=base, trust_env=False) as admin:
                admin.put(f"/__admin/tenants/{TENANT}/lifecycle", json={"default": "immediate"})
            print(f"server: {' '.join(command[1:])}", flush=True)
            for fmt in formats:
                result = measure_download(base, server.process.pid, fmt, rows)
                print("download:", result, flush=True)
        finally:
            with contextlib.suppress(Exception):
                stop_server(server)


if __name__ == "__main__":
    main()
