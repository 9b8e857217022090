"""Replies as handlers build them."""

from __future__ import annotations

from mockserver.http.rendering import Reply, raw_reply


def test_raw_reply_is_reply_with_raw_alone() -> None:
    built = raw_reply(b'{"a":1}')
    assert type(built) is Reply
    assert built == Reply(raw=b'{"a":1}')
    assert built._asdict() == Reply(raw=b'{"a":1}')._asdict()
