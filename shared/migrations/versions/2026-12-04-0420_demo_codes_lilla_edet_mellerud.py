"""demo data: Lilla Edet's figures (seed 001) from 0482 (Flen) to 1462 and Mellerud's Öppna
jämförelser (seed 003) from 1463 (Mark) to 1461, in databases where the demo was loaded.

Only the rows the demo loader wrote move, each picked by what only the demo writes (its
source text, its seed batch, the 2021 frame of 302 257 tkr), so a real Flen or Mark
tenant's own rows stay where they are.

Revision ID: i14_0001
Revises: i16_0001
Create Date: 2026-12-04 04:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i14_0001"
down_revision: str | Sequence[str] | None = "i16_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each statement is completed with " AND <the demo was loaded>" (DEMO_LOADED).
MOVES = [
    "UPDATE budget_frame SET municipality_code = '1462' WHERE municipality_code = '0482'"
    " AND board = 'Socialnämnden' AND year = 2021"
    " AND amount_ore = 30225700000 AND previous_amount_ore = 31734800000",
    "UPDATE operating_budget SET municipality_code = '1462' WHERE municipality_code = '0482'"
    " AND board = 'Socialnämnden'"
    " AND source LIKE 'Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021%'",
    "UPDATE investment_project SET municipality_code = '1462' WHERE municipality_code = '0482'"
    " AND board = 'Socialnämnden' AND code IN ('inventarier_voo_fh', 'inventarier_ame')",
    "UPDATE fund SET municipality_code = '1462' WHERE municipality_code = '0482'"
    " AND source LIKE 'Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021%'",
    "UPDATE prioritised_goal SET municipality_code = '1462' WHERE municipality_code = '0482'"
    " AND board = 'Socialnämnden' AND year = 2021"
    " AND title IN ('Kompetensförsörjning', 'Förebyggande arbete barn och unga',"
    " 'Förebyggande arbete äldre')",
    "UPDATE observation SET municipality_code = '1461' WHERE municipality_code = '1463'"
    " AND batch_id IN (SELECT id FROM ingest_batch WHERE kind = 'seed'"
    " AND municipality_code = '1463' AND filename LIKE 'seed 003: Melleruds kommun%')",
    "UPDATE ingest_batch SET municipality_code = '1461' WHERE municipality_code = '1463'"
    " AND kind = 'seed' AND filename LIKE 'seed 003: Melleruds kommun%'",
    # Readers cache by data version: Mellerud's gets one (or a new one) for the values gained.
    "INSERT INTO data_version (municipality_code, version) SELECT '1461', 1 WHERE true",
]
DEMO_LOADED = " AND EXISTS (SELECT 1 FROM ingest_batch WHERE kind = 'demo')"
ON_CONFLICT = " ON CONFLICT (municipality_code) DO UPDATE SET version = data_version.version + 1"


def upgrade() -> None:
    for statement in MOVES:
        suffix = ON_CONFLICT if statement.startswith("INSERT") else ""
        op.execute(statement + DEMO_LOADED + suffix)


def downgrade() -> None:
    """Nothing to undo: the corrected codes are the right ones under every revision."""
