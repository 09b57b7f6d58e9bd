"""A streaming reader for the first sheet of an XLSX: cell values only, several times faster than openpyxl.

Province files have 100,000+ rows; openpyxl's read-only mode spends most of its time building cell objects the
import never needs. This reader walks the sheet XML with the C ElementTree parser and yields plain values (text,
int, float, bool, datetime), the same values openpyxl would give. `tables.py` falls back to openpyxl if it fails.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any
from xml.etree.ElementTree import Element, iterparse, parse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that are dates or times (ECMA-376 §18.8.30).
DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
EPOCH_1900 = datetime(1899, 12, 30)  # Excel's 1900 system, including its 1900-02-29 quirk for serials > 60
EPOCH_1904 = datetime(1904, 1, 1)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def is_date_format(code: str) -> bool:
    """A custom number format that shows a date or time (ignoring quoted text and [colour]/[locale] parts)."""
    return bool(re.search(r"[dmyhs]", _QUOTED.sub("", code).lower()))


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if not ch.isalpha():
            break
        index = index * 26 + ord(ch.upper()) - 64
    return index - 1


def _text(el: Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{NS}t"))


class XlsxValues:
    """Values of the first worksheet, row by row (blank rows between data rows are yielded as empty lists)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(source)
        self.sheet_path, self.epoch = self._first_sheet()
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def _first_sheet(self) -> tuple[str, datetime]:
        book = parse(self.zip.open("xl/workbook.xml")).getroot()
        props = book.find(f"{NS}workbookPr")
        epoch = EPOCH_1904 if props is not None and props.get("date1904") in ("1", "true") else EPOCH_1900
        sheet = book.find(f"{NS}sheets/{NS}sheet")
        if sheet is None:
            raise ValueError("workbook has no sheet")
        rel_id = sheet.get(f"{REL_NS}id")
        rels = parse(self.zip.open("xl/_rels/workbook.xml.rels")).getroot()
        target = next(r.get("Target", "") for r in rels.iter(f"{PKG_REL_NS}Relationship") if r.get("Id") == rel_id)
        return (target.lstrip("/") if target.startswith("/") else f"xl/{target}"), epoch

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        return [_text(si) for si in parse(self.zip.open("xl/sharedStrings.xml")).getroot().iter(f"{NS}si")]

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        styles = parse(self.zip.open("xl/styles.xml")).getroot()
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(f"{NS}numFmt")}
        dates = DATE_FORMAT_IDS | {i for i, code in custom.items() if is_date_format(code)}
        xfs = styles.find(f"{NS}cellXfs")
        if xfs is None:
            return set()
        return {n for n, xf in enumerate(xfs.findall(f"{NS}xf")) if int(xf.get("numFmtId", "0")) in dates}

    def _value(self, cell: Element) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return _text(cell)
        raw = cell.findtext(f"{NS}v")
        if raw is None:
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("str", "e"):
            return raw
        if kind == "d":
            return datetime.fromisoformat(raw[:19])
        number = float(raw)
        if int(cell.get("s", "0")) in self.date_styles:
            return self.epoch + timedelta(days=number)
        return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number

    def rows(self) -> Iterator[list[Any]]:
        """Each row as a list of values by column position."""
        expected = 1
        for _, el in iterparse(self.zip.open(self.sheet_path)):
            if el.tag != f"{NS}row":
                continue
            number = int(el.get("r", str(expected)))
            while expected < number:  # rows with nothing in them are absent from the XML
                yield []
                expected += 1
            values: list[Any] = []
            for position, cell in enumerate(el.iter(f"{NS}c")):
                column = _column_index(cell.get("r", "")) if cell.get("r") else position
                values.extend([None] * (column - len(values)))
                values.append(self._value(cell))
            el.clear()
            expected = number + 1
            yield values
