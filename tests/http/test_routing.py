from __future__ import annotations

import pytest

from mockserver.http.routing import SpecDriftError, _template_regex, check_drift, route_order
from mockserver.http.spec import Operation


def _op(operation_id: str) -> Operation:
    return Operation("t", operation_id, "GET", "/x", (), None, {}, secured=True)


def test_static_segments_sort_before_parameters() -> None:
    paths = ["/segments/v1/{id}", "/segments/v1/exports", "/a/{x}/c", "/a/b/{y}"]
    assert sorted(paths, key=route_order) == [
        "/a/b/{y}",
        "/a/{x}/c",
        "/segments/v1/exports",
        "/segments/v1/{id}",
    ]


def test_drift_names_both_directions() -> None:
    with pytest.raises(SpecDriftError) as info:
        check_drift("fullstory", [_op("a"), _op("b")], {"b": None, "c": None})
    message = str(info.value)
    assert "no handler: a" in message and "no operation in the spec: c" in message


def test_no_drift_passes() -> None:
    check_drift("fullstory", [_op("a")], {"a": None})


def test_template_regex_matches_whole_segments() -> None:
    from mockserver.http.routing import _template_regex

    regex = _template_regex("/v2/sessions/{session_id}/events")
    match = regex.fullmatch("/v2/sessions/1:2/events")
    assert match is not None and match.groupdict() == {"session_id": "1:2"}
    assert regex.fullmatch("/v2/sessions/1/2/events") is None
    assert regex.fullmatch("/v2/sessions//events") is None
    assert _template_regex("/a.b/{x}").fullmatch("/aXb/1") is None


def test_template_groups_compile_at_their_first_request_and_only_the_specs() -> None:
    """Nothing is compiled at start; a request compiles its own group (or the parameter-first
    one it falls back to), and paths no template has add nothing (the cache stays bounded)."""
    from mockserver.app import create_app
    from mockserver.testing.transport import in_process_client

    app = create_app()
    router = app.spec_router
    assert router.templated == {} and router.uncompiled
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as client:
        for n in range(50):
            assert client.get(f"/no/such/{n}/path/{n}").status_code == 404
        assert client.get("/v2/sessions/1:2/events").status_code in {200, 404}
        assert client.get("/segments/v1/no-such-segment").status_code == 404
    assert set(router.templated) <= set(router.uncompiled)
    assert ("v2", 4) in router.templated and ("segments", 3) in router.templated
    for key, routes in router.templated.items():
        assert [(r.pattern, d) for r, d in routes] == [
            (_template_regex(path).pattern, d) for path, d in router.uncompiled[key]
        ]
