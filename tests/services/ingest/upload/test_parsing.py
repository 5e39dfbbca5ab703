"""An uploaded CSV file is read exactly as the csv module reads it, whichever way its rows
are taken: block by block (plain text split by string operations, anything else through the
csv module) or one by one, with the same row numbers, wherever the blocks happen to end."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.upload import parsing


def _expected(content: str, separator: str) -> list[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=separator)
    return [
        (number, row)
        for number, row in enumerate(reader, start=1)
        if number > 1 and not parsing.blank(row)
    ]


def _by_blocks(rows: parsing.CsvRows) -> list[tuple[int, Any]]:
    found = []
    while (block := rows.take()) is not None:
        for offset, row in enumerate(block.rows()):
            if block.columns is not None:
                assert len(block.columns) == len(row)
            if not parsing.blank(row):
                found.append((block.first + offset, row))
    return found


def _open(content: str) -> parsing.CsvRows:
    header, rows, _ = parsing.csv_rows(io.BytesIO(content.encode()))
    assert header
    return rows


@settings(max_examples=400, deadline=None)
@given(
    body=st.text(alphabet='ab1 ;,"\r\n', max_size=120),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_blocks_and_rows_read_as_the_csv_module(body: str, chunk: int) -> None:
    content = "unit;period;value\r\n" + body
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing.CsvRows, "CHUNK", chunk)
        expected = _expected(content, ";")
        assert _by_blocks(_open(content)) == expected
        assert list(_open(content)) == expected


def test_a_quoted_cell_may_hold_line_breaks_across_blocks() -> None:
    content = 'a;b\r\n1;"x\r\ny"\r\n\r\n2;z\r\n3;"q""r"\n4;w'
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing.CsvRows, "CHUNK", 5)
        assert _by_blocks(_open(content)) == [
            (2, ["1", "x\r\ny"]),
            (4, ["2", "z"]),
            (5, ["3", 'q"r']),
            (6, ["4", "w"]),
        ]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet="ab1 ,\t", max_size=3), min_size=2, max_size=3),
        max_size=12,
    ),
    endings=st.sampled_from(["\n", "\r\n"]),
    chunk=st.integers(min_value=1, max_value=40),
    last_ending=st.booleans(),
)
def test_plain_rows_read_as_the_csv_module(
    rows: list[list[str]], endings: str, chunk: int, last_ending: bool
) -> None:
    content = endings.join(["unit;period;value", *(";".join(r) for r in rows)])
    content += endings if last_ending else ""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing.CsvRows, "CHUNK", chunk)
        expected = _expected(content, ";")
        assert _by_blocks(_open(content)) == expected
        assert list(_open(content)) == expected


def test_plain_text_is_split_into_columns() -> None:
    rows = _open("unit;period;value\r\nA;2024;1\r\nB;2024;2,5\r\nC; 2025;3\r\n")
    block = rows.take()
    assert block is not None
    assert (block.first, block.count) == (2, 3)
    assert block.columns == [["A", "B", "C"], ["2024", "2024", " 2025"], ["1", "2,5", "3"]]
    assert rows.take() is None
