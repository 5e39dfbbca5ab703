"""Reading uploaded files row by row, with flat memory: CSV in UTF-8 or Windows-1252 with
`;`, `,` or tab, and XLSX through openpyxl's read-only mode."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Literal

from shared.i18n import Invalid, message

Format = Literal["csv", "xlsx"]
Cell = str | None


class FileError(Invalid):
    """The file as a whole cannot be read (not a row's problem)."""


def detect_format(file: IO[bytes]) -> Format:
    file.seek(0)
    magic = file.read(4)
    file.seek(0)
    return "xlsx" if magic == b"PK\x03\x04" else "csv"


def detect_encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252."""
    file.seek(0)
    head = file.read(3)
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := file.read(1 << 20):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        file.seek(0)
        return "cp1252"
    file.seek(0)
    return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def csv_rows(file: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[Cell]]], dict[str, str]]:
    encoding = detect_encoding(file)
    # Bytes Windows-1252 leaves undefined become U+FFFD: the header or cell check then names
    # them, instead of the decoder failing half-way.
    text = io.TextIOWrapper(file, encoding=encoding, newline="", errors="replace")
    first = text.readline()
    if not first.strip():
        raise FileError(message("problem.ingest.file_empty"))
    separator = sniff_separator(first)
    header = next(csv.reader([first], delimiter=separator))

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        reader = csv.reader(text, delimiter=separator)
        # Cells stay as read ('' for empty); the row checks treat blank cells as missing.
        try:
            for number, row in enumerate(reader, start=2):
                if row and (any(row) and any(cell.strip() for cell in row)):
                    yield number, row  # type: ignore[misc]
        finally:
            text.detach()  # the caller's file stays open (it may be read again)

    return header, rows(), {"encoding": encoding.replace("-sig", ""), "separator": separator}


def _cell(value: object) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def xlsx_rows(
    file: IO[bytes],
) -> tuple[list[str], Iterator[tuple[int, list[Cell]]], dict[str, str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileError(message("problem.ingest.not_readable_xlsx", reason=str(exc))) from exc
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        first = next(cells)
    except StopIteration:
        book.close()
        raise FileError(message("problem.ingest.sheet_empty")) from None
    header = [str(c) if c is not None else "" for c in first]

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for number, row in enumerate(cells, start=2):
                values = [_cell(v) for v in row]
                if any(v is not None for v in values):
                    yield number, values
        finally:
            book.close()

    return header, rows(), {"sheet": sheet.title}


def read_rows(
    file: IO[bytes], fmt: Format
) -> tuple[list[str], Iterator[tuple[int, list[Cell]]], dict[str, str]]:
    return xlsx_rows(file) if fmt == "xlsx" else csv_rows(file)


_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_number(text: str) -> tuple[str, float]:
    """A number as PostgreSQL reads it, and its float for range checks: decimal comma or
    point, spaces as thousands separator; nothing else (no exponents, no NaN)."""
    cleaned = text.strip()
    if " " in cleaned or "\u00a0" in cleaned or "\u202f" in cleaned:
        cleaned = cleaned.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned:
        if "." in cleaned:
            raise Invalid(message("problem.ingest.ambiguous_number"))
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise Invalid(message("problem.ingest.not_a_number"))
    return cleaned, float(cleaned)
