"""Provider states, resolved on one target: what the entry and the config file name, then what
the entry's :class:`~mockserver.contract.entries.Discover` requests learn from the target."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import httpx

from mockserver.contract.control import ControlPlane
from mockserver.contract.entries import ApiEntry, Discover, fill, names_in


def read_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901, enough for the kit (``/results/0/id``)."""
    node = document
    for raw in filter(None, pointer.split("/")):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(pointer)
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(pointer)
    return node


def resolve_states(
    entry: ApiEntry,
    known: Mapping[str, Any],
    api: httpx.Client,
    *,
    control: ControlPlane | None,
    writes_allowed: bool,
    cleanups: contextlib.ExitStack,
) -> tuple[dict[str, Any], dict[str, str]]:
    """``(states, unavailable)``: every state the entry can have here, and why the others
    cannot be had (so a skip names the reason, not just the missing name)."""
    states = dict(known)
    unavailable: dict[str, str] = {}
    for step in entry.discover:
        if step.state in states:
            continue
        why = _why_not(step, states, control, writes_allowed)
        if why is None:
            try:
                states.update(_discover(step, states, api, control, cleanups))
                continue
            except (KeyError, httpx.HTTPError, ValueError) as exc:
                why = f"{step.method} {step.path} did not give {step.pointer}: {exc!r}"
        unavailable[step.state] = why
    return states, unavailable


def refresh_states(
    entry: ApiEntry,
    names: set[str],
    states: dict[str, Any],
    api: httpx.Client,
    *,
    control: ControlPlane | None,
) -> None:
    """Learn again, in place, the states among ``names`` whose values expire (``refresh``
    steps), so a request made of them now is not refused for being stale. A step that fails
    now leaves the old value (the request then gets its documented answer to a stale one)."""
    for step in entry.discover:
        if step.refresh and step.state in states and any(step.gives(n) for n in names):
            with contextlib.suppress(KeyError, httpx.HTTPError, ValueError):
                states.update(_discover(step, states, api, control, contextlib.ExitStack()))


def _why_not(
    step: Discover, states: Mapping[str, Any], control: ControlPlane | None, writes: bool
) -> str | None:
    templates = [step.path, dict(step.params), step.json, dict(step.headers)]
    missing = sorted(names_in(templates) - set(states))
    if missing:
        return f"needs {', '.join(missing)}"
    if step.admin and control is None:
        return "needs the control plane of a fake"
    if step.writes and not writes:
        return "creates something: writes are not allowed on this target"
    return None


def _discover(
    step: Discover,
    states: Mapping[str, Any],
    api: httpx.Client,
    control: ControlPlane | None,
    cleanups: contextlib.ExitStack,
) -> dict[str, Any]:
    """The step's state (and those it derives), learnt from the target."""
    path = fill(step.path, states)
    kwargs: dict[str, Any] = {"params": fill(dict(step.params), states) or None}
    if step.headers:
        kwargs["headers"] = fill(dict(step.headers), states)
    if step.json is not None:
        kwargs["json"] = fill(step.json, states)
    if step.admin:
        assert control is not None
        response = control.request(step.method, path.removeprefix("/__admin"), **kwargs)
    else:
        response = api.request(step.method, path, **kwargs)
    if not response.is_success:
        raise ValueError(f"answered {response.status_code}")
    found = read_pointer(response.json(), step.pointer)
    # Ids as text (they go into paths and queries); a document (a snapshot) as it is.
    value = found if isinstance(found, dict | list) else str(found)
    if step.cleanup:
        method, _, template = step.cleanup.partition(" ")
        target = fill(template, {**states, step.state: value})
        if step.admin:
            assert control is not None
            cleanups.callback(_quietly, control.request, method, target.removeprefix("/__admin"))
        else:
            cleanups.callback(_quietly, api.request, method, target, **kwargs.get("headers", {}))
    derived = step.derive(value) if step.derive else {}
    return {step.state: value, **{f"{step.state}.{k}": v for k, v in derived.items()}}


def _quietly(send: Any, method: str, path: str, **headers: str) -> None:
    # Cleanup must not hide the run's own result; a resource already gone is fine.
    with contextlib.suppress(httpx.HTTPError):
        send(method, path, **({"headers": headers} if headers else {}))
