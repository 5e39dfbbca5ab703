"""A run's texts are kept as catalogue messages and shown in the reader's language; a run
stored before (its texts written out in English) still reads, as it was stored."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.run.compute import explained
from services.awards.scheme.schemas import SchemeSpec
from shared.i18n import rendered
from shared.models import AwardRun
from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data
from tests.services.awards.run.test_runs import run_scheme, setup

EN = {"Accept-Language": "en"}


async def test_a_runs_reasons_are_kept_as_messages_and_read_in_either_language(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme(min_respondents=10))
    stored = await session.get(AwardRun, uuid.UUID(run["id"]))
    assert stored is not None
    small = next(i for i in stored.results["ineligible"] if i["unit_code"] == "HT-SMALL")
    assert small["reason"]["key"] == "awards.reason.min_respondents"
    assert small["reason"]["params"] | {"criterion": None} == {
        "criterion": None,
        "n": 8,
        "period": "2024",
        "minimum": 10,
    }
    swedish = (await awards.get(f"/v1/runs/{run['id']}")).json()
    english = (await awards.get(f"/v1/runs/{run['id']}", headers=EN)).json()
    for body, text in ((swedish, "8 svarande för 2024"), (english, "8 respondents in 2024")):
        [shown] = [i for i in body["ineligible"] if i["unit_code"] == "HT-SMALL"]
        assert text in shown["reason"]
        assert shown["reason_code"] == "min_respondents"
    assert swedish["previous_period"] is None  # a level scheme compares with no year
    assert "medelfel" in swedish["method"]["improvement_rule"]
    assert "standard error" in english["method"]["improvement_rule"]


async def test_a_run_stored_with_english_texts_reads_as_stored_and_replays_identical(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme(mode="mix"))
    new = await session.get(AwardRun, uuid.UUID(run["id"]))
    assert new is not None
    # What a run stored before texts were kept as messages looks like: English written out,
    # and (as every run stored before explanations were built on reading) its explanations.
    spec = SchemeSpec.model_validate(new.specification["method"])
    old = AwardRun(
        id=uuid.uuid4(),
        municipality_code=new.municipality_code,
        title="Stored before",
        period=new.period,
        spec_hash=new.spec_hash,
        code_version="0.1.0+composite-1",
        specification=new.specification,
        inputs=rendered(new.inputs, "en"),
        results=rendered(explained(spec, new.inputs, new.results), "en"),
        kind="composite",
        scheme_id=new.scheme_id,
        seed=new.seed,
    )
    session.add(old)
    await session.flush()
    shown = await awards.get(f"/v1/runs/{old.id}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    reasons = {i["unit_code"]: (i["reason"], i["reason_code"]) for i in body["ineligible"]}
    assert reasons["HT-NEW"] == ("opened 2024-03-01: not active the whole of 2024", None)
    assert body["ranking"][0]["weights_note"].startswith("No value for kkik_helhet")
    replay = await awards.post(f"/v1/runs/{old.id}/replay")
    assert replay.status_code == 200, replay.text
    assert replay.json()["identical"] is True, replay.json()["differences"]


def test_every_missing_data_policy_has_its_texts_in_both_languages() -> None:
    """The notes named after a scheme's policy (`awards.method.missing.<policy>`,
    `awards.weights.imputed.<policy>` for those that impute) exist for every policy."""
    from typing import get_args

    from services.awards.scheme.schemas import MissingPolicyName
    from shared.i18n_catalogue import CATALOGUE

    policies = get_args(MissingPolicyName)
    assert set(policies) >= {"reweight", "mean", "worst"}
    for policy in policies:
        assert f"awards.method.missing.{policy}" in CATALOGUE
        if policy != "reweight":
            assert f"awards.weights.imputed.{policy}" in CATALOGUE
