"""The Kolada catalogue copy in data/ (Källa: Kolada): municipalities, groups, KPIs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import KoladaKpi, Municipality, MunicipalityGroup

DATA = Path(__file__).resolve().parent / "data"


def page(name: str) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))["values"]
    return values


def iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


async def load(session: AsyncSession) -> None:
    """The Kolada catalogue copy (idempotent)."""
    munis = [
        {"code": m["id"], "title": m["title"], "type": m["type"]}
        for m in page("kolada_municipality.json")
    ]
    await session.execute(pg_insert(Municipality).on_conflict_do_nothing(), munis)
    groups = [
        {"id": g["id"], "title": g["title"], "members": [m["member_id"] for m in g["members"]]}
        for g in page("kolada_municipality_groups.json")
    ]
    await session.execute(pg_insert(MunicipalityGroup).on_conflict_do_nothing(), groups)
    kpis = [
        {
            "id": k["id"],
            "title": k["title"],
            "description": k["description"],
            "is_divided_by_gender": bool(k["is_divided_by_gender"]),
            "municipality_type": k["municipality_type"],
            "operating_area": k["operating_area"],
            "perspective": k["perspective"],
            "has_ou_data": bool(k["has_ou_data"]),
            "publ_period": k["publ_period"],
            "prel_publication_date": iso_date(k.get("prel_publication_date")),
            "publication_date": iso_date(k.get("publication_date")),
        }
        for k in page("kolada_kpi.json")
    ]
    await session.execute(pg_insert(KoladaKpi).on_conflict_do_nothing(), kpis)
