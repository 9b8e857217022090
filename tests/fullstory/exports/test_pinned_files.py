"""Export files pinned byte for byte: the sha256 (first 24 hex digits) of small exports' text,
as the code wrote them before the played rows' speed work (be57d6c, whose output a dump of 1,492
files had matched since). The fast paths (templates.py, played.py, times.py) are held to the
general encoder by other tests; these hold the whole file, generation included, to what users
of earlier versions got: three formats, UTC (a fixed zone's shortcut) and two zones with DST
changes, the default layout, one with wildcards and page columns out of order, one starting
with page columns, and the individuals' file."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from mockserver.fullstory.exports.files import encoded
from mockserver.fullstory.exports.request import parse_export_request
from mockserver.fullstory.exports.rows import export_rows
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World, WorldConfig

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
LAYOUTS: dict[str, list[str] | None] = {
    "default": None,
    "custom": [
        "EventStart", "user_*", "PageUrl", "EventType", "evt_*", "IndvId", "PageStart", "UserEmail",
    ],
    "page-first": ["PageUrl", "PageId", "SessionId", "EventStart", "EventType"],
}  # fmt: skip
PINNED: dict[tuple[str, str, str, str], str] = {
    ("FORMAT_CSV", "UTC", "default", "TYPE_EVENT"): "03ccab32802a3c2c130c8ac8",
    ("FORMAT_CSV", "UTC", "default", "TYPE_INDIVIDUAL"): "1ade6032b0f5a52b18747384",
    ("FORMAT_CSV", "UTC", "custom", "TYPE_EVENT"): "00dbbb4bc249f7c0a7f9ee52",
    ("FORMAT_CSV", "UTC", "page-first", "TYPE_EVENT"): "4271dec5d5f75607de6a16c3",
    ("FORMAT_CSV", "America/New_York", "default", "TYPE_EVENT"): "3e06a70f1080af217e47c67e",
    ("FORMAT_CSV", "America/New_York", "default", "TYPE_INDIVIDUAL"): "08e9eab1ceb4c0f693da4275",
    ("FORMAT_CSV", "America/New_York", "custom", "TYPE_EVENT"): "ae2ace981a2ba0c461323d38",
    ("FORMAT_CSV", "America/New_York", "page-first", "TYPE_EVENT"): "21cc8b0208a4fd0415ebf772",
    ("FORMAT_CSV", "Australia/Lord_Howe", "default", "TYPE_EVENT"): "96ab0aade32678e49175cd52",
    ("FORMAT_CSV", "Australia/Lord_Howe", "default", "TYPE_INDIVIDUAL"): "c2da094acc5f737f69cad1ef",
    ("FORMAT_CSV", "Australia/Lord_Howe", "custom", "TYPE_EVENT"): "7f8fa36c37a8e01ac0a046a5",
    ("FORMAT_CSV", "Australia/Lord_Howe", "page-first", "TYPE_EVENT"): "6efb569e697cb7d77de76af6",
    ("FORMAT_JSON", "UTC", "default", "TYPE_EVENT"): "a09e9c3b424fde81d7a68afe",
    ("FORMAT_JSON", "UTC", "default", "TYPE_INDIVIDUAL"): "c2659a6f7d6a3bde9bd441c5",
    ("FORMAT_JSON", "UTC", "custom", "TYPE_EVENT"): "46a4cee67302011a2100095f",
    ("FORMAT_JSON", "UTC", "page-first", "TYPE_EVENT"): "702f94f81e61c5e0b0c588ef",
    ("FORMAT_JSON", "America/New_York", "default", "TYPE_EVENT"): "e96a6dcd058ac22e74a26f41",
    ("FORMAT_JSON", "America/New_York", "default", "TYPE_INDIVIDUAL"): "c06dc9b388e7972b01c9a045",
    ("FORMAT_JSON", "America/New_York", "custom", "TYPE_EVENT"): "db42eea77cf27c821b79bcef",
    ("FORMAT_JSON", "America/New_York", "page-first", "TYPE_EVENT"): "b0ad38a96f4448e1092a4909",
    ("FORMAT_JSON", "Australia/Lord_Howe", "default", "TYPE_EVENT"): "2df5a8c7760f26f477915400",
    (
        "FORMAT_JSON",
        "Australia/Lord_Howe",
        "default",
        "TYPE_INDIVIDUAL",
    ): "99643781a0a97146ad1bada4",
    ("FORMAT_JSON", "Australia/Lord_Howe", "custom", "TYPE_EVENT"): "7117cbbd4d7c20b65ca050cf",
    ("FORMAT_JSON", "Australia/Lord_Howe", "page-first", "TYPE_EVENT"): "15d9459adbb28a729325d278",
    ("FORMAT_NDJSON", "UTC", "default", "TYPE_EVENT"): "ba56330044abf6a0165c69b7",
    ("FORMAT_NDJSON", "UTC", "default", "TYPE_INDIVIDUAL"): "e0788776acd894d984d34168",
    ("FORMAT_NDJSON", "UTC", "custom", "TYPE_EVENT"): "41f94b0063ab7fbedd7208b5",
    ("FORMAT_NDJSON", "UTC", "page-first", "TYPE_EVENT"): "fb148a842b1809e446e227ad",
    ("FORMAT_NDJSON", "America/New_York", "default", "TYPE_EVENT"): "818449f25f8632cde45e9cb0",
    ("FORMAT_NDJSON", "America/New_York", "default", "TYPE_INDIVIDUAL"): "c3ed32a4a6a6165b4b74afc4",
    ("FORMAT_NDJSON", "America/New_York", "custom", "TYPE_EVENT"): "7d2b10744e61cf5f4f9785b6",
    ("FORMAT_NDJSON", "America/New_York", "page-first", "TYPE_EVENT"): "aaa9c528806d53b9bf5b9332",
    ("FORMAT_NDJSON", "Australia/Lord_Howe", "default", "TYPE_EVENT"): "ccf8a8392bb0b05a8033f9e5",
    (
        "FORMAT_NDJSON",
        "Australia/Lord_Howe",
        "default",
        "TYPE_INDIVIDUAL",
    ): "bca1b7aec11f34fa717c507e",
    ("FORMAT_NDJSON", "Australia/Lord_Howe", "custom", "TYPE_EVENT"): "226a4322b37f5c5630514a3b",
    (
        "FORMAT_NDJSON",
        "Australia/Lord_Howe",
        "page-first",
        "TYPE_EVENT",
    ): "d609c9426f46da7c12f5fa48",
}


@pytest.fixture(scope="module")
def world() -> World:
    return World(WorldConfig(7, 12, "o-PIN-na1", "Pinned", EPOCH))


@pytest.mark.parametrize(("fmt", "zone", "layout", "export_type"), sorted(PINNED))
def test_export_file_is_byte_for_byte_as_pinned(
    world: World, fmt: str, zone: str, layout: str, export_type: str
) -> None:
    whole = {"start": "", "end": ""}
    body: dict[str, object] = {
        "segmentId": "everyone",
        "type": export_type,
        "format": fmt,
        "timeRange": whole,
        "segmentTimeRange": whole,
        "timezone": zone,
    }
    fields = LAYOUTS[layout]
    if fields:
        body["fields"] = fields
    request = parse_export_request(body, EPOCH, EPOCH)
    rows = export_rows(world, Rule(), request)
    # The file's text, not its gzip (whose bytes belong to the compressor's version).
    data = b"".join(encoded(rows, request.format, request.type, request.fields))
    assert data.count(b"\n") >= 10  # a file with rows (12 users), not an empty one
    assert hashlib.sha256(data).hexdigest()[:24] == PINNED[(fmt, zone, layout, export_type)]
