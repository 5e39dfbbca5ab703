from __future__ import annotations

from fastapi import FastAPI

from shared.clients.indicators import IndicatorsClient
from tests.conftest import MakeKey


async def test_the_typed_client_reads_goal_status_and_values_in_process(
    apps: dict[str, FastAPI], make_key: MakeKey
) -> None:
    """What the awards service does: call indicators over HTTP with the caller's key."""
    key = await make_key()
    app = apps["awards"]
    client = IndicatorsClient(app.state.http, app.state.settings)
    summary = await client.goal_status(token=key, municipality_code="9990", period="2024")
    assert summary.period == "2024"
    assert {u.unit_code for u in summary.units} >= {"HT-NORR", "SABO-EKEN"}
    values = await client.indicator_values(
        "andel_nojda", token=key, municipality_code="9990", period="2024"
    )
    assert values.indicator_code == "andel_nojda"
    assert values.values
