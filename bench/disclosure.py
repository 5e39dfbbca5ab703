"""Disclosure control's cost: one indicator's unit values for a period, against a baseline.

All in this process, no database: the engine over plain rows. The baseline is an indicator
without the respondents rule on figures that are never below 7 (no table is protected); the
common survey case has the respondents rule but nobody below 7 (the whole table is computed,
the control finds no primary cell and stops); the last case has a few units below 7, so the
greedy control and its LP audit run (each time on a fresh table: no cached pattern).

    .venv/bin/python -m bench.disclosure --units 40
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from itertools import count

from services.indicators.computation import disclosure
from services.indicators.computation.engine import (
    Definition,
    Obs,
    ObservationIndex,
    UnitRef,
    compute,
    disclosure_table,
    whole_table,
)
from shared.periods import Period

YEAR = Period.parse("2025")
SURVEY = Definition(
    code="andel_nojda",
    version=1,
    numerator="satisfied",
    denominator="respondents",
    factor=Decimal(100),
    decimals=1,
    rollup="weighted",
    period_rollup="sum",
    suppression="respondents",
)


def rows(units: int, small: int, seed: int) -> list[Obs]:
    """Each unit's K, M and T = K + M; the first `small` units have 2–3 women answering."""
    rng = random.Random(seed)
    ids = count(1)
    out = []
    for u in range(units):
        women = rng.randint(2, 3) if u < small else rng.randint(8, 40)
        men = rng.randint(8, 40)
        split = {"K": women, "M": men, "T": women + men}
        yes = {g: rng.randint(0, n) for g, n in split.items() if g != "T"}
        yes["T"] = yes["K"] + yes["M"]
        for g, n in split.items():
            for measure, value in (("respondents", n), ("satisfied", yes[g])):
                out.append(
                    Obs(next(ids), "local", f"U{u}", measure, "2025", YEAR.start, YEAR.end,
                        g, Decimal(value), n, "final")
                )  # fmt: skip
    return out


def timed(work: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - start) / repeat


def run(units: int, small: int, repeat: int) -> dict[str, object]:
    refs = [UnitRef(f"U{u}", f"U{u}", "abc"[u % 3], "hemtjanst") for u in range(units)]
    plain = ObservationIndex(rows(units, 0, 1))
    baseline_definition = replace(SURVEY, suppression="none")

    def asked(definition: Definition, index: ObservationIndex) -> Callable[[], object]:
        return lambda: compute(
            index, definition, units=refs, periods=[YEAR], genders=["T"], levels=["unit"]
        )

    baseline = timed(asked(baseline_definition, plain), repeat)
    no_primary = timed(asked(SURVEY, plain), repeat)
    tables = [
        disclosure_table(whole_table(ObservationIndex(rows(units, small, seed)), SURVEY,
                                     units=refs, period=YEAR))[1]
        for seed in range(repeat)
    ]  # fmt: skip
    start = time.perf_counter()
    hidden = 0
    for table in tables:
        hidden += int((disclosure.control(table) == disclosure.SECONDARY).sum())
    controlled = (time.perf_counter() - start) / repeat
    return {
        "units": units,
        "units_below_7": small,
        "baseline_ms": round(baseline * 1000, 3),
        "no_primary_ms": round(no_primary * 1000, 3),
        "control_ms": round(controlled * 1000, 3),
        "ratio_no_primary": round(no_primary / baseline, 2),
        "ratio_control": round((no_primary + controlled) / baseline, 2),
        "secondary_per_table": round(hidden / repeat, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--small", type=int, default=2, help="units with fewer than 7 women")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.units, args.small, args.repeat)
    for name, value in result.items():
        print(f"{name:22} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
