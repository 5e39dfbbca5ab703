"""Reading uploaded files row by row, with flat memory: CSV in UTF-8 or Windows-1252 with
`;`, `,` or tab, and XLSX through openpyxl's read-only mode."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from typing import IO, Literal, cast

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


def blank(row: Sequence[Cell]) -> bool:
    """A CSV row (no None cells) with no cell holding more than white space (not a data
    row)."""
    return not (row and "".join(cast(Sequence[str], row)).strip())


# Lines as a text file opened with newline="" gives them to csv: ended by \r\n, \n or \r.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class Block:
    """Consecutive records of a CSV file, the first numbered `first`: as `columns` (a cell
    list per column, every record as wide) when the text was plain, else as `records` (the
    csv module's, blank ones included)."""

    first: int
    count: int
    columns: list[list[str]] | None = None
    records: list[list[str]] | None = None

    def halves(self) -> tuple[Block, Block]:
        middle = self.count // 2
        if self.columns is not None:
            head = [cells[:middle] for cells in self.columns]
            tail = [cells[middle:] for cells in self.columns]
            return (
                Block(self.first, middle, columns=head),
                Block(self.first + middle, self.count - middle, columns=tail),
            )
        records = self.records or []
        return (
            Block(self.first, middle, records=records[:middle]),
            Block(self.first + middle, self.count - middle, records=records[middle:]),
        )

    def rows(self) -> list[list[Cell]]:
        """The records, one cell list each."""
        if self.records is None:
            assert self.columns is not None
            self.records = list(map(list, zip(*self.columns, strict=True)))
        return cast(list[list[Cell]], self.records)


class CsvRows:
    """The data rows of a CSV file: (row number, cells) one at a time, skipping blank rows,
    or a `Block` of records at once (`take`); the numbering is the same either way (row 1
    is the header).

    A block is read as text of whole lines. Plain text (no quote character, no lone \r,
    every line as many separators) is split into columns with string operations, exactly as
    the csv module would split it and several times faster; anything else goes through the
    csv module."""

    CHUNK = 1 << 18  # characters read at a time

    def __init__(self, text: io.TextIOWrapper, separator: str, last: int = 1) -> None:
        """`last`: the number of the record before the text's first (1: the header)."""
        self._text: io.TextIOWrapper | None = text
        self._separator = separator
        self._held = ""  # the start of a line not read to its end yet
        self._pending: deque[str] = deque()  # lines for the csv module
        self._reader = csv.reader(self._feed(), delimiter=separator)
        self._last = last  # the number of the last record read
        # Where the records start in the file's bytes, when the header line ends with \n
        # (a worker process may then read the file from there in parts).
        self.start: int | None = None

    def _chunk(self) -> str:
        """The next whole lines of the file ("" at its end)."""
        if self._text is None:
            return ""
        while True:
            more = self._text.read(self.CHUNK)
            chunk = self._held + more
            if not more:
                self._held = ""
                return chunk
            cut = chunk.rfind("\n")
            if cut < 0:
                cut = chunk.rfind("\r", 0, len(chunk) - 1)  # not half of a \r\n
            if cut >= 0:
                self._held = chunk[cut + 1 :]
                return chunk[: cut + 1]
            self._held = chunk  # one long line: read on

    def _feed(self) -> Iterator[str]:
        while True:
            if self._pending:
                yield self._pending.popleft()
                continue
            chunk = self._chunk()
            if not chunk:
                return
            self._pending.extend(_LINES.findall(chunk))

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> tuple[int, list[Cell]]:
        for row in self._reader:
            self._last += 1
            if not blank(row):
                return self._last, row  # type: ignore[return-value]
        raise StopIteration

    def take(self) -> Block | None:
        """The next block of records (a few thousand), or None at the end of the file."""
        if not self._pending:
            chunk = self._chunk()
            if not chunk:
                return None
            block = self._plain(chunk)
            if block is not None:
                self._last += block.count
                return block
            self._pending.extend(_LINES.findall(chunk))
        records: list[list[str]] = []
        while self._pending:  # a quoted field may go on into the next chunk
            records.append(next(self._reader))
        block = Block(first=self._last + 1, count=len(records), records=records)
        self._last += len(records)
        return block

    def _plain(self, chunk: str) -> Block | None:
        separator = self._separator
        if '"' in chunk:
            return None
        if "\r" in chunk:
            chunk = chunk.replace("\r\n", "\n")
            if "\r" in chunk:
                return None
        body = chunk[:-1] if chunk.endswith("\n") else chunk
        lines = body.split("\n")
        widths = set(map(str.count, lines, repeat(separator)))
        if len(widths) != 1:
            return None
        width = widths.pop() + 1
        if width == 1:
            return None  # a blank line would look like a row of one empty cell
        cells = body.replace("\n", separator).split(separator)
        columns = [cells[i::width] for i in range(width)]
        return Block(first=self._last + 1, count=len(lines), columns=columns)

    def close(self) -> None:
        """Done: the caller's file stays open (it may be read again)."""
        if self._text is not None:
            self._text.detach()
            self._text = None


def csv_rows(file: IO[bytes]) -> tuple[list[str], CsvRows, dict[str, str]]:
    encoding = detect_encoding(file)
    # Bytes Windows-1252 leaves undefined become U+FFFD: the header or cell check then names
    # them, instead of the decoder failing half-way.
    head = file.readline()
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="", errors="replace")
    first = text.readline()
    if not first.strip():
        raise FileError(message("problem.ingest.file_empty"))
    separator = sniff_separator(first)
    header = next(csv.reader([first], delimiter=separator))
    rows = CsvRows(text, separator)
    if head.decode(encoding, errors="replace") == first:
        rows.start = len(head)
    return header, rows, {"encoding": encoding.replace("-sig", ""), "separator": separator}


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


# ASCII digits only: PostgreSQL reads no others (Python's float() does).
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


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
