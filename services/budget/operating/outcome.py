"""Reading an accounting system's outcome export: CSV with an account and an amount per row."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from services.budget.amounts import ore
from shared.errors import FieldError, Unprocessable
from shared.i18n import message
from shared.money import MoneyUnit

_ACCOUNT = {"account", "konto"}
_AMOUNT = {"amount", "belopp", "utfall"}
MAX_ERRORS = 100


def _amount(text: str) -> Decimal:
    """'-1 234,50', '−1234.5' and '1234' all read; anything else raises."""
    cleaned = (
        text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    )
    if not cleaned:
        raise InvalidOperation
    return Decimal(cleaned)


def _kind(account: str) -> str | None:
    head = account[:1]
    if head == "3":
        return "revenue"
    if head in {"4", "5", "6", "7", "8"}:
        return "costs"
    return None


def aggregate(
    content: bytes, mapping: dict[str, tuple[str, str]], *, unit: MoneyUnit, sign: str
) -> dict[str, tuple[str, int, int]]:
    """activity code → (title, revenue öre, costs öre); every bad row is reported at once."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    account_col = next((i for i, h in enumerate(header) if h in _ACCOUNT), None)
    amount_col = next((i for i, h in enumerate(header) if h in _AMOUNT), None)
    if account_col is None or amount_col is None:
        raise Unprocessable(
            message("problem.budget.csv_needs_header_row_account"),
            errors=[
                FieldError(
                    loc=["body", "header"],
                    row=1,
                    value=delimiter.join(header),
                    message=message("problem.budget.missing_account_amount_column"),
                    code="bad_header",
                )
            ],
        )
    prefixes = sorted(mapping, key=len, reverse=True)
    errors: list[FieldError] = []
    result: dict[str, tuple[str, int, int]] = {}
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(account_col, amount_col):
            errors.append(
                FieldError(
                    loc=["body", row_number],
                    row=row_number,
                    value=delimiter.join(row),
                    message=message("problem.budget.too_few_columns"),
                    code="short_row",
                )
            )
            continue
        account = row[account_col].strip()
        kind = _kind(account)
        if kind is None:
            errors.append(
                FieldError(
                    loc=["body", row_number, "account"],
                    row=row_number,
                    field="account",
                    value=account,
                    message=message("problem.budget.not_revenue_xxx_cost_xxx_xxx"),
                    code="unknown_account_class",
                )
            )
            continue
        target = next((p for p in prefixes if account.startswith(p)), None)
        if target is None:
            errors.append(
                FieldError(
                    loc=["body", row_number, "account"],
                    row=row_number,
                    field="account",
                    value=account,
                    message=message("problem.budget.no_activity_mapped_account"),
                    code="unmapped_account",
                )
            )
            continue
        try:
            amount = _amount(row[amount_col])
        except InvalidOperation:
            errors.append(
                FieldError(
                    loc=["body", row_number, "amount"],
                    row=row_number,
                    field="amount",
                    value=row[amount_col],
                    message=message("problem.budget.not_number"),
                    code="bad_amount",
                )
            )
            continue
        value = ore(amount, unit, ["body", row_number, "amount"])
        if sign == "ledger":
            value = -value
        code, title = mapping[target]
        _title, revenue, costs = result.get(code, (title, 0, 0))
        if kind == "revenue":
            revenue += value
        else:
            costs += value
        result[code] = (title, revenue, costs)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise Unprocessable(
            message("problem.budget.row_s_outcome_file_used", count_errors=len(errors)),
            errors=errors,
        )
    if not result:
        raise Unprocessable(
            message("problem.budget.outcome_file_rows"),
            errors=[
                FieldError(
                    loc=["body"], message=message("problem.budget.no_data_rows"), code="empty"
                )
            ],
        )
    return result
