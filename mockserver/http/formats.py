"""Encoders for the non-JSON representations some APIs offer: CSV for lists of records, XML for
one JSON document. Pure functions of the data, so the bytes are deterministic."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from xml.etree import ElementTree

_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def csv_text(value: Any) -> str:
    """A cell: text as is, booleans and numbers as JSON spells them, lists and objects as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return orjson.dumps(value).decode()


def to_csv(rows: Sequence[Mapping[str, Any]], leading: Sequence[str] = ()) -> bytes:
    """One line per row, a header of every column any row has: ``leading`` first, the rest in
    sorted order. Missing cells are empty; RFC 4180 quoting and line ends."""
    rest = sorted({name for row in rows for name in row} - set(leading))
    columns = [*leading, *rest]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_text(row.get(name)) for name in columns])
    return out.getvalue().encode("utf-8")


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns (``profile.firstname``); lists stay whole."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def to_xml(document: Any, root: str) -> bytes:
    """Objects become elements named by their keys (``<entry key="...">`` when a key is not a
    valid XML name), list items ``<item>``, scalars text (booleans ``true``/``false``, null an
    empty element)."""
    from xml.etree import ElementTree  # here: only XML answers need it, not every start

    element = ElementTree.Element(root)
    _fill(element, document)
    body: bytes = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


def _fill(element: ElementTree.Element, value: Any) -> None:
    from xml.etree import ElementTree  # loaded by to_xml already

    if isinstance(value, Mapping):
        for raw_key, item in value.items():
            key = str(raw_key)
            if _XML_NAME.fullmatch(key) and not key.lower().startswith("xml"):
                child = ElementTree.SubElement(element, key)
            else:
                child = ElementTree.SubElement(element, "entry", {"key": key})
            _fill(child, item)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
