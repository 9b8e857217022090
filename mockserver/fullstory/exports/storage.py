"""The fake's own file server for export downloads, standing in for the cloud storage bucket
FullStory's signed ``location`` URLs point at.

It is a separate API mount (``openapi/storage.yaml``): no API key (the signed URL is the
credential), and errors in the storage service's XML envelope, not FullStory's JSON one. A
refused link answers 403 with ``<Error><Code>...`` as a cloud-storage signed URL does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from mockserver.core.keys import KeyLevel
from mockserver.core.lifecycle import LifecycleState
from mockserver.fullstory.exports.links import STORAGE_PREFIX
from mockserver.fullstory.exports.operations import ExportOperation
from mockserver.http.auth import Credentials, Principal
from mockserver.http.errors import ApiError
from mockserver.http.pipeline import Call, Handler, RequestInfo
from mockserver.http.rendering import Reply
from mockserver.http.spec import Operation
from mockserver.state import ServerState

SIGNED_URL_PRINCIPAL = Principal(key_id="signed-url", tenant=None, level=KeyLevel.STANDARD)
XML = "application/xml; charset=UTF-8"
# The storage service's error codes for the statuses the pipeline itself raises.
_CODES = {400: "InvalidArgument", 404: "NoSuchKey", 405: "MethodNotAllowed",
          413: "EntityTooLarge", 500: "InternalError"}  # fmt: skip


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, as ``xml.sax.saxutils.escape`` writes them (without
    importing xml.sax, and urllib.request with it, at every start)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


class StorageError(ApiError):
    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        self.status = status
        self.code = code
        self.details = details
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class XmlEnvelope:
    """``<?xml ...?><Error><Code/><Message/><Details/></Error>``, as cloud storage answers."""

    media_type: str = XML

    def render(self, error: ApiError, path: str) -> bytes:
        code = error.code if isinstance(error, StorageError) else _CODES.get(error.status, "Error")
        details = error.details if isinstance(error, StorageError) else error.message
        return (
            "<?xml version='1.0' encoding='UTF-8'?><Error>"
            f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message>"
            f"<Details>{escape(details)}</Details></Error>"
        ).encode()


@dataclass(frozen=True, slots=True)
class SignedUrlAuthenticator:
    """Anyone may ask; the handler checks the URL's signature (it needs the query and path)."""

    header_names: ClassVar[frozenset[str]] = frozenset()

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        return SIGNED_URL_PRINCIPAL


def _no_such_key(object_name: str) -> StorageError:
    return StorageError(
        404, "NoSuchKey", "The specified key does not exist.", f"No such object: {object_name}"
    )


def download_export_file(call: Call[ServerState]) -> Reply:
    state = call.context
    tenant_id, export_id = call.path["org"], call.path["object"]
    object_name = f"{tenant_id}/{export_id}"
    if not state.has_tenant(tenant_id):
        raise _no_such_key(object_name)
    fullstory = state.tenant(tenant_id).fullstory
    check = fullstory.links.check(export_id, call.query, fullstory.clock.now())
    if check.code is not None:
        raise StorageError(403, check.code, check.message, check.details)
    operation = fullstory.operations.by_export(export_id)
    view = operation.view(poll=False) if operation is not None else None
    if operation is None or view is None or view.state is not LifecycleState.COMPLETED:
        raise _no_such_key(object_name)
    # Export generation (rows, templates, gzip) loads on the first download, not at every start.
    from mockserver.fullstory.exports.files import encoded, gzipped
    from mockserver.fullstory.exports.rows import export_rows

    request = operation.request
    rows = export_rows(fullstory.world, operation.segment.rule, request)
    stream = gzipped(encoded(rows, request.format, request.type, request.fields))
    return Reply(
        stream=stream,
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{file_name(operation)}"'},
    )


def file_name(operation: ExportOperation) -> str:
    """From the segment's name and the export's date ("based on the name of the segment and the
    date that the export was created")."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", operation.segment.name).strip("_") or "segment"
    day = operation.created_at.strftime("%Y%m%d")
    return f"{name}_{day}.{operation.request.format.extension}.gz"


def link_tenant(state: ServerState, request: RequestInfo) -> str | None:
    """The tenant a download link names (journal entries go there), if it exists."""
    parts = request.path.removeprefix(STORAGE_PREFIX + "/").split("/")
    return parts[1] if len(parts) == 3 and state.has_tenant(parts[1]) else None


def handlers() -> dict[str, Handler]:
    return {"downloadExportFile": download_export_file}
