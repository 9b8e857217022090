"""Hostile requests over real sockets: limits, slow clients, malformed HTTP (issue 9, 4 and 9).
Every answer the protocol lets the app give is in the owning API's envelope."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import orjson
import pytest

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    settings = Settings(
        users=20,
        header_timeout=0.5,
        max_target_bytes=4096,
        max_header_bytes=8192,
        max_header_count=50,
        max_connections=20,
    )
    with serve_in_thread(create_app(settings)) as url:
        yield int(url.rsplit(":", 1)[1])


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw``, read until the server closes or the answer is complete."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < _expected(data):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def _expected(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":")[1])
    return len(data)


def fullstory_error(answer: tuple[int, dict[str, str], bytes], status: int) -> str:
    code, headers, body = answer
    assert code == status and headers["content-type"] == "application/json", answer
    parsed = orjson.loads(body)
    assert set(parsed) == {"message", "code"}
    return str(parsed["code"])


def admin_error(answer: tuple[int, dict[str, str], bytes], status: int) -> str:
    code, headers, body = answer
    assert code == status and headers["content-type"] == "application/json", answer
    return str(orjson.loads(body)["error"]["code"])


def get(target: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"Connection: close\r\n\r\n"


def test_huge_header_is_431_in_the_envelope(port: int) -> None:
    big = b"X-Big: " + b"a" * (4 * 1024 * 1024) + b"\r\n"
    assert (
        fullstory_error(exchange(port, get(b"/me", big)), 431) == "request_header_fields_too_large"
    )


def test_too_many_headers_is_431(port: int) -> None:
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(20_000))
    assert (
        fullstory_error(exchange(port, get(b"/me", many)), 431) == "request_header_fields_too_large"
    )
    assert admin_error(exchange(port, get(b"/__admin/keys", many)), 431)


def test_long_target_is_414_in_the_owning_envelope(port: int) -> None:
    query = b"?q=" + b"x" * 70_000
    assert fullstory_error(exchange(port, get(b"/me" + query)), 414) == "uri_too_long"
    assert admin_error(exchange(port, get(b"/__admin/journal" + query)), 414) == "uri_too_long"


@pytest.mark.parametrize(
    "raw",
    [
        get(b"/me/caf\xc3\xa9"),
        get(b"/me\x00"),
        get(b"/me", b"X-Nul: a\x00b\r\n"),
        b"FOO /me HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /v2/sessions/1:2/context HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /v2/sessions/1:2/context HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    ],
)
def test_malformed_requests_get_a_400_in_the_envelope(port: int, raw: bytes) -> None:
    assert fullstory_error(exchange(port, raw), 400) == "invalid_argument"


def test_malformed_admin_request_gets_the_admin_envelope(port: int) -> None:
    assert admin_error(exchange(port, b"FOO /__admin/keys HTTP/1.1\r\nHost: x\r\n\r\n"), 400)


def test_a_slow_client_is_disconnected(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        slow.sendall(b"GET /me HTTP/1.1\r\nHost: x\r\n")  # and never the end of the head
        assert slow.recv(1024) == b""  # closed by the server (header timeout), no answer
    # The server still answers others.
    assert exchange(port, get(b"/me"))[0] == 401


def test_a_slow_head_on_a_kept_alive_connection_is_disconnected(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(get(b"/me").replace(b"Connection: close\r\n", b""))
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < _expected(answer):
            answer += conn.recv(65536)
        assert answer.startswith(b"HTTP/1.1 401")  # answered; the connection stays open
        conn.sendall(b"GET /me HTTP/1.1\r\nHost: x\r\n")  # and never the end of the head
        assert conn.recv(1024) == b""  # closed by the server (header timeout), no answer


def test_connections_beyond_the_limit_get_503(port: int) -> None:
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    try:
        assert exchange(port, get(b"/me"))[0] == 503  # uvicorn answers this one itself
    finally:
        for conn in idle:
            conn.close()


def test_a_target_of_exactly_the_limit_is_served(port: int) -> None:
    target = b"/me?q=" + b"x" * (4096 - len(b"/me?q="))
    assert exchange(port, get(target))[0] == 401  # reaches the app: not refused as too long
    assert exchange(port, get(target + b"x"))[0] == 414


def test_expect_100_continue_is_honoured_whatever_the_case_of_its_name(port: int) -> None:
    head = (
        b"POST /__admin/faults HTTP/1.1\r\nHost: x\r\nEXPECT: 100-Continue\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)  # the body only once the server asks for it
        assert conn.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n")
        conn.sendall(b"{}")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    # The body was read (after the 100) and refused as an incomplete fault rule.
    assert answer.startswith(b"HTTP/1.1 400"), answer
