"""Issue 9's figures, re-measured: measured, never asserted. 127.0.0.1 only.

1. **journal RSS under hostile queries**: ``mockserver serve`` (no key sent, so every request is
   journaled under ``(unauthenticated)``), 1,500 requests (``--hostile``) each with a 63 KB
   query string of tiny parameters; RSS growth against the documented ceiling (cap x entry
   ceiling).
2. **a full journal, a firing fault rule**: the journal of one tenant filled with 1,000 requests
   carrying 60 KB bodies, a latency-0 fault rule on ``getMe`` that fires on every call; then the
   latency of 50 admin writes (``POST /__admin/faults``) and ``GET /me`` throughput (wrk, 10 s,
   32 connections), with and without ``--state-file``.

Run: ``.venv/bin/python bench/hardening.py`` (needs ``wrk`` on PATH for the throughput line).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

KEY = {"Authorization": "Basic mock-admin-key"}


def start(*flags: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--rate-limits",
               "false", "--log-level", "warning", *flags]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    # The banner is logged at info; with --log-level warning, find the port from /proc instead.
    for _ in range(200):
        port = _listening_port(process.pid)
        if port:
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.05)  # startup poll of a child process (a benchmark, not a test)
    process.kill()
    raise SystemExit("server did not start")


def _listening_port(pid: int) -> int | None:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match:
            inodes.add(match.group(1))
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
            return int(fields[1].split(":")[1], 16)
    return None


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)


def hostile_journal(count: int) -> None:
    process, url = start("--max-target-bytes", "70000")
    try:
        query = "&".join(f"k{i}=v" for i in range(63_000 // 8))
        # Raw bytes on one kept-alive socket: httpx spends ~0.4 s parsing such a URL.
        request = f"GET /me?{query} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            _ask(conn, b"GET /me HTTP/1.1\r\nHost: bench\r\n\r\n")
            before = rss_mib(process.pid)
            for n in range(count):
                _ask(conn, request)
                if n + 1 == 1000:  # the ring is full from here on
                    full = rss_mib(process.pid)
                    print(f"  after 1,000 requests: RSS {full:.0f} MiB", flush=True)
            after = rss_mib(process.pid)
        ceiling = 1000 * (2 * 65536 + 8192 + 4096) / 2**20
        print(
            f"journal under hostile queries: RSS {before:.0f} -> {after:.0f} MiB "
            f"(+{after - before:.0f} MiB) after {count:,} requests with 63 KB queries; "
            f"documented ceiling for the one tenant: {ceiling:.0f} MiB"
        )
    finally:
        stop(process)


def _ask(conn: socket.socket, request: bytes) -> None:
    """Send one request and read its whole answer (Content-Length framed)."""
    conn.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += conn.recv(65536)


def full_journal_figures(state_file: Path | None) -> None:
    flags = ["--state-file", str(state_file)] if state_file else []
    process, url = start(*flags)
    try:
        with httpx.Client(base_url=url, headers=KEY, timeout=60) as client:
            session = client.get("/v2/sessions", params={"uid": "jane-checkout"}).json()
            context = f"/v2/sessions/{session['results'][0]['id']}/context"
            filler = {"slice": {"mode": "FIRST"}, "note": "x" * 60_000}
            for _ in range(1000):
                client.post(context, json=filler)
            rule = {"match": {"operation_id": "getMe"}, "action": {"type": "latency", "ms": 0}}
            assert client.post("/__admin/faults", json=rule).status_code == 201
            latencies = []
            for n in range(50):
                start_at = time.perf_counter()
                made = {"match": {"path": f"/bench/{n}"}, "action": {"type": "latency", "ms": 0}}
                assert client.post("/__admin/faults", json=made).status_code == 201
                latencies.append((time.perf_counter() - start_at) * 1000)
        journal_size = ""
        if state_file is not None:
            sizes = [p.stat().st_size for p in state_file.parent.glob(state_file.name + "*")]
            journal_size = f", files on disk {sum(sizes) / 2**20:.0f} MB"
        rps = wrk_rps(url)
        label = "with --state-file" if state_file else "without --state-file"
        print(
            f"{label}: admin write median {statistics.median(latencies):.1f} ms, "
            f"p90 {statistics.quantiles(latencies, n=10)[-1]:.1f} ms; GET /me with a firing "
            f"fault rule: {rps} req/s{journal_size}"
        )
    finally:
        stop(process)


def wrk_rps(url: str) -> str:
    if shutil.which("wrk") is None:
        return "n/a (no wrk)"
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            "-d10s",
            "-H",
            f"Authorization: {KEY['Authorization']}",
            f"{url}/me",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    return f"{float(match.group(1)):,.0f}" if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hostile", type=int, default=1500, help="hostile requests (0: skip)")
    parser.add_argument("--skip-full", action="store_true", help="skip the full-journal figures")
    args = parser.parse_args()
    if args.hostile:
        hostile_journal(args.hostile)
    if not args.skip_full:
        full_journal_figures(None)
        with tempfile.TemporaryDirectory() as folder:
            full_journal_figures(Path(folder) / "state.json")


if __name__ == "__main__":
    main()
