"""What English looks like in a document: the English catalogue's texts that Swedish lacks."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from shared.i18n_catalogue import CATALOGUE

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def fragments(language: str) -> set[str]:
    """Every piece of a language's message text between placeholders that the other
    language's texts lack (at least two words or eight letters, so a shared word like
    'Period' never counts)."""
    other = "en" if language == "sv" else "sv"
    elsewhere = " ".join(entry[other] for entry in CATALOGUE.values())
    out = set()
    for entry in CATALOGUE.values():
        if entry["en"] == entry["sv"]:
            continue
        for piece in _PLACEHOLDER.split(entry[language]):
            piece = piece.strip(" ;:,.()→–-+±%")
            if (len(piece.split()) >= 2 or len(piece) >= 8) and piece not in elsewhere:
                out.add(piece)
    return out


def english_fragments() -> set[str]:
    return fragments("en")


def found_english(document: str) -> list[str]:
    return sorted(f for f in fragments("en") if f in document)


def found_swedish(document: str) -> list[str]:
    return sorted(f for f in fragments("sv") if f in document)


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
