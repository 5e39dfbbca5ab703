"""The long form's block check (a block of CSV rows judged column by column) passes only
rows the row check passes, and renders them as the row check does: whatever mix of good and
bad cells a block holds, either it answers exactly the row check's lines, or it leaves the
block to the row check (which then names every problem)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from hypothesis import event, given, settings
from hypothesis import strategies as st

from services.ingest.batch.repository import MeasureRule
from services.ingest.upload import parsing
from services.ingest.upload import service as upload_service
from services.ingest.upload.kinds import KINDS

UNITS = {
    "HT-NORR": (None, None),
    "HT-SODER": (date(2031, 1, 1), None),  # opened in 2031
    "A\\B": (None, None),  # escaped in COPY text
}
MEASURES = {
    "survey_satisfied": MeasureRule("survey_satisfied", "count", None, None),
    "sick_leave_share": MeasureRule("sick_leave_share", "share", None, None),
    "staff_hours": MeasureRule("staff_hours", "amount", Decimal("-5"), Decimal("1000")),
}
CELLS = {
    "unit_code": ["HT-NORR", "HT-SODER", "A\\B", "", " HT-NORR", "HT-NOWHERE", "19121212-1212"],
    "measure_code": ["survey_satisfied", "sick_leave_share", "staff_hours", "nope", ""],
    "period": ["2030-05", "2032", "2030T2", " 2030", "2030T4", "", "1900-01", "2099"],
    "gender": ["T", "K", "M", "", "k", "X"],
    "value": [
        "5",
        "5,5",
        "-1",
        "-5",
        "1.",
        ".5",
        "-.5",
        "0",
        "100",
        "100,1",
        "1000",
        "1001",
        "1e3",
        "1 000",
        "\u0663",
        "1,2.3",
        "-",
        ".",
        "",
        "nan",
        "inf",
        "1212121212",
        "121212-1212",
        "9" * 400,
    ],
    "respondents": ["", "", "", "12"],
}
HEADER = ["unit_code", "measure_code", "period", "gender", "value", "respondents"]


def _rules() -> upload_service.Rules:
    return upload_service.Rules(
        municipality="9990",
        kind=KINDS["observations"],
        units=dict(UNITS),
        measures=dict(MEASURES),
        years_ahead=100,
    )


VALID = {
    "unit_code": ["HT-NORR", "A\\B", ""],
    "measure_code": ["survey_satisfied", "sick_leave_share"],
    "period": ["2030-05", "2032", "2030T2"],
    "gender": ["T", "K", "M", ""],
    "value": ["5", "0", "12", "100"],
    "respondents": [""],
}
any_row = st.tuples(*(st.sampled_from(CELLS[name]) for name in HEADER)).map(list)
valid_row = st.tuples(*(st.sampled_from(VALID[name]) for name in HEADER)).map(list)


@st.composite
def mostly_valid(draw: st.DrawFn) -> list[str]:
    """A valid row with one cell (perhaps) from the tricky ones."""
    cells = draw(valid_row)
    i = draw(st.integers(0, len(HEADER)))
    if i < len(HEADER):
        cells[i] = draw(st.sampled_from(CELLS[HEADER[i]]))
    return cells


row = st.one_of(valid_row, mostly_valid(), any_row)


@settings(max_examples=500, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=8), first=st.integers(2, 10_000))
def test_the_block_check_passes_only_what_the_row_check_passes_and_renders_it_alike(
    rows: list[list[str]], first: int
) -> None:
    index = {name: i for i, name in enumerate(HEADER)}
    by_rows = upload_service.Errors()
    stats = {"rows": 0, "lines": 0, "suppressed": 0, "stopped": 0}
    render = upload_service.make_renderer(
        _rules(), index, by_rows, stats, "\n", upload_service.Seen()
    )
    expected = [
        line
        for offset, cells in enumerate(rows)
        for line in render(first + offset, cast(list[parsing.Cell], cells))
    ]

    block_stats = {"rows": 0, "lines": 0, "suppressed": 0, "stopped": 0}
    check = upload_service.make_block_check(_rules(), index, block_stats, upload_service.Seen())
    assert check is not None
    columns = [list(column) for column in zip(*rows, strict=True)]
    block = parsing.Block(first=first, count=len(rows), columns=columns)
    text = check(block, True)
    if text is not None:
        assert by_rows.total == 0, [e.code for e in by_rows.items]
        assert text == "".join(expected)
        assert block_stats["lines"] == len(rows)
    event("block passed" if text is not None else "left to the row check")


def test_a_valid_block_is_rendered_by_the_block_check() -> None:
    index = {name: i for i, name in enumerate(HEADER)}
    stats = {"rows": 0, "lines": 0, "suppressed": 0, "stopped": 0}
    check = upload_service.make_block_check(_rules(), index, stats, upload_service.Seen())
    assert check is not None
    columns = [["HT-NORR", "A\\B"], ["survey_satisfied"] * 2, ["2030-05", "2032"], ["", "K"]]
    columns += [["12", "99,5"], ["", ""]]
    columns[1][1] = "sick_leave_share"
    text = check(parsing.Block(first=7, count=2, columns=columns), True)
    assert text == (
        "9990\tsurvey_satisfied\t2030-05-01\tHT-NORR\t2030-05\tT\t2030-05-31\t12"
        "\t\\N\t\\N\t\\N\tfinal\t7\t\\N\n"
        "9990\tsick_leave_share\t2032-01-01\tA\\\\B\t2032\tK\t2032-12-31\t99.5"
        "\t\\N\t\\N\t\\N\tfinal\t8\t\\N\n"
    )
