"""Downloadable templates: the header row and one example row per kind."""

from __future__ import annotations

import io

from services.ingest.upload.kinds import UploadKind

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_template(kind: UploadKind) -> bytes:
    header = ";".join(c.name for c in kind.columns)
    example = ";".join(c.example for c in kind.columns)
    # A BOM so that Excel opens the UTF-8 file with å, ä, ö intact.
    return ("\ufeff" + header + "\r\n" + example + "\r\n").encode("utf-8")


def xlsx_template(kind: UploadKind) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.name)
    sheet.append([c.name for c in kind.columns])
    sheet.append([c.example for c in kind.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
