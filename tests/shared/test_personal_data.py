"""The personnummer rule (shared.personal_data), over generated numbers in every written form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from shared.personal_data import contains_personnummer
from shared.schemas import InputModel


def _check_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(century, YYMMDD, NNN, check digit): a valid personnummer or samordningsnummer."""
    century = draw(st.sampled_from(["18", "19", "20"]))
    year = draw(st.integers(0, 99))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28)) + draw(st.sampled_from([0, 60]))
    serial = draw(st.integers(0, 999))
    date = f"{year:02d}{month:02d}{day:02d}"
    return century, date, f"{serial:03d}", _check_digit(date + f"{serial:03d}")


def _forms(century: str, date: str, serial: str, check: str) -> list[str]:
    last = serial + check
    return [
        f"{date}-{last}",
        f"{date}+{last}",
        f"{date}{last}",
        f"{date} {last}",
        f"{century}{date}-{last}",
        f"{century}{date}{last}",
        f"{century}{date} {last}",
    ]


@given(numbers(), st.sampled_from(["", "Brukare ", "x:", "(", "ref "]))
def test_every_written_form_with_a_valid_check_digit_is_found(
    number: tuple[str, str, str, str], prefix: str
) -> None:
    for form in _forms(*number):
        assert contains_personnummer(prefix + form + " var nöjd"), form


@given(numbers(), st.integers(1, 9))
def test_a_wrong_check_digit_is_not_a_personnummer(
    number: tuple[str, str, str, str], offset: int
) -> None:
    century, date, serial, check = number
    wrong = str((int(check) + offset) % 10)
    for form in _forms(century, date, serial, wrong):
        assert not contains_personnummer(form), form


@given(numbers())
def test_a_number_inside_a_longer_run_of_digits_is_not_one(
    number: tuple[str, str, str, str],
) -> None:
    century, date, serial, check = number
    assert not contains_personnummer(f"9{century}{date}{serial}{check}9")


def test_the_seen_cases_and_reference_codes() -> None:
    assert contains_personnummer("19121212-1212")
    assert contains_personnummer("121212-1212")
    assert contains_personnummer("Tack till 191212121212 för insatsen")
    assert contains_personnummer("121272-1219")  # samordningsnummer (day 12 + 60)
    assert not contains_personnummer("2021-05-12-1234")  # a date-shaped decision reference
    assert not contains_personnummer("KS 2021/1234")
    assert not contains_personnummer("award-decision:7f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6")
    assert not contains_personnummer("121232-1212")  # no day 32


class _Note(InputModel):
    text: str


class _Body(InputModel):
    title: str
    notes: list[_Note] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)
    tags: list[dict[str, str]] = Field(default_factory=list)
    amount: Decimal | None = None


def _refused(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    try:
        _Body.model_validate(body)
    except ValidationError as exc:
        return [tuple(e["loc"]) for e in exc.errors() if e["type"] == "personal_data"]
    return []


def test_the_input_model_finds_it_at_any_depth_and_never_in_numbers() -> None:
    pnr = "19121212-1212"
    assert _refused({"title": f"Om {pnr}"}) == [("title",)]
    assert _refused({"title": "x", "notes": [{"text": "ok"}, {"text": pnr}]}) == [
        ("notes", 1, "text")
    ]
    assert _refused({"title": "x", "meta": {"a": {"b": [pnr]}}}) == [("meta", "a", "b", 0)]
    assert _refused({"title": "x", "tags": [{"k": pnr}]}) == [("tags", 0, "k")]
    assert _refused({"title": "x", "amount": "1212121212"}) == []
