"""Hostile spreadsheets, built in memory: the corpus every upload route must refuse with a 4xx naming the problem."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

from mutasi.chassis.spreadsheets import column_name

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


def workbook(*rows: Sequence[Any], sheet: str = "data") -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _package(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def plain_sheet(rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet XLSX of text cells (inline strings), written straight as XML: 50,000 rows in about a second,
    where openpyxl takes a minute on a loaded machine. Readers see the same cells as in an openpyxl file."""
    parts = [SHEET_OPEN]
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{column_name(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for c, v in enumerate(row)
        )
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append(SHEET_CLOSE)
    return _package("".join(parts).encode())


def zip_bomb(unzipped_mb: int) -> bytes:
    """A small file whose sheet expands to `unzipped_mb` MB of blank XML."""
    filler = b" " * (unzipped_mb * 1024 * 1024)
    return _package(SHEET_OPEN.encode() + filler + SHEET_CLOSE.encode())


def entity_bomb() -> bytes:
    """Billion laughs: a DTD whose entities expand to gigabytes if a parser lets them."""
    sheet = BILLION_LAUGHS + SHEET_OPEN + '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return _package((sheet + SHEET_CLOSE).encode())


def truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]


def formula_sheet(header: Sequence[str], formula: str) -> bytes:
    """A sheet whose first data row has a live formula cell (<f>) and formula-looking text in every other cell."""
    cells = "".join(f'<c r="{chr(65 + i)}2" t="inlineStr"><is><t>{formula}</t></is></c>' for i in range(1, len(header)))
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header))
    row2 = f'<row r="2"><c r="A2" t="str"><f>HYPERLINK("http://evil.example","x")</f><v>x</v></c>{cells}</row>'
    return _package(f'{SHEET_OPEN}<row r="1">{head}</row>{row2}{SHEET_CLOSE}'.encode())
