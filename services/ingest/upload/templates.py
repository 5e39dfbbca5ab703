"""Downloadable templates: the header row and one example row per kind."""

from __future__ import annotations

import io

from services.ingest.upload.kinds import UploadKind
from shared import documents

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_template(kind: UploadKind, dialect: documents.CsvDialect = "excel_sv") -> bytes:
    """In the suite's CSV dialect (shared.documents); uploads read either separator back."""
    return documents.to_csv(
        [c.name for c in kind.columns], [[c.example for c in kind.columns]], dialect
    )


def xlsx_template(kind: UploadKind) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.name)
    sheet.append([c.name for c in kind.columns])
    sheet.append([c.example for c in kind.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
