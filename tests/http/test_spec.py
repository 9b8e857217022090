from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from mockserver.http.spec import SpecError, load_spec
from mockserver.resources import data_dir, spec_path


@pytest.mark.parametrize("api", ["fullstory", "admin"])
def test_packaged_documents_are_valid_openapi(api: str) -> None:
    validate(yaml.safe_load(spec_path(api).read_text()))


def test_every_fullstory_operation_declares_permission_and_documents_errors() -> None:
    spec = load_spec("fullstory", spec_path("fullstory"))
    for op in spec.operations:
        assert op.extensions.get("x-fullstory-permission") in {"Standard", "Architect", "Admin"}
        assert {401, 429, 500} <= set(op.responses), op.operation_id
        assert "Retry-After" in op.responses[429].required_headers
        for status, response in op.responses.items():
            if status >= 400:
                assert response.schema is not None
                assert response.schema["required"] == ["message", "code"]


def test_operations_are_read_with_refs_resolved() -> None:
    spec = load_spec("fullstory", spec_path("fullstory"))
    op = spec.operation("listSessions")
    assert (op.method, op.path, op.success_status) == ("GET", "/sessions/v2", 200)
    limit = next(p for p in op.parameters if p.name == "limit")
    assert limit.schema["default"] == 20 and limit.location == "query"
    assert spec.operation("getSessionEvents").parameters[0].required


def test_data_dir_finds_the_checkout_folders() -> None:
    assert (data_dir("openapi") / "fullstory.yaml").is_file()


def test_rejects_non_31_documents(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n")
    with pytest.raises(SpecError, match=r"not an OpenAPI 3\.1"):
        load_spec("old", path)


def test_operation_without_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"
    )
    with pytest.raises(SpecError, match="no operationId"):
        load_spec("bad", path)


def test_unresolvable_ref_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      operationId: a\n"
        "      responses: {'200': {$ref: '#/components/responses/Nope'}}\n"
    )
    with pytest.raises(SpecError, match="unresolvable"):
        load_spec("bad", path)
