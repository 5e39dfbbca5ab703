"""The reference: the prize run's computation as it was before it was done over arrays, one
`Cell` object and one explanation dict per (candidate, criterion), kept unchanged so that
`test_compute.py` can hold the array computation (`compute` with `explained`) to it."""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

import numpy as np

from services.awards.evaluation import engine
from services.awards.scheme.schemas import CriterionSpec, SchemeSpec
from shared.errors import FieldError, Unprocessable
from shared.i18n import Message, from_stored, message, stored


@dataclass(frozen=True)
class Column:
    key: str
    criterion: CriterionSpec
    transform: str  # "level" or "change"
    weight: float
    higher: bool


@dataclass(slots=True)
class Cell:
    value: float  # the number the engine uses; NaN when missing
    raw: str | None
    previous: str | None
    n: int | None
    n_previous: int | None
    change: float | None
    standard_error: float | None
    missing: dict[str, Any] | None  # why there is no value: a stored message


def _dec(x: float | None, places: int) -> str | None:
    """A float as a fixed-point decimal string (None for missing); deterministic."""
    if x is None or not math.isfinite(x):
        return None
    text = f"{x:.{places}f}"
    if text[0] == "-" and float(text) == 0:
        return text[1:]
    return text


def _round_matrix(values: Any, places: int) -> list[list[float | None]]:
    """Row lists of numbers rounded to `places` (None where NaN), built in C: a national run
    has 10⁵ of them. JSON keeps floats exactly, so a replay compares equal."""
    rounded = np.round(values, places) + 0.0  # + 0.0 turns -0.0 into 0.0
    missing = np.isnan(rounded)
    if not missing.any():
        result: list[list[float | None]] = rounded.tolist()
        return result
    boxed = rounded.astype(object)
    boxed[missing] = None
    result = boxed.tolist()
    return result


def _text(entry: dict[str, Any] | None) -> str | None:
    """The value as the decimal string the indicators service sent (None when absent)."""
    if entry is None:
        return None
    value = entry.get("value")
    return None if value is None else str(value)


def _columns(spec: SchemeSpec, criteria: dict[str, Any]) -> list[Column]:
    available = [c for c in spec.criteria if criteria[c.code]["available"]]
    group_totals: dict[str, Decimal] = {}
    for c in available:
        group_totals[c.group] = group_totals.get(c.group, Decimal(0)) + c.weight
    columns: list[Column] = []
    for c in available:
        weight = float(spec.group_weights[c.group] * c.weight / group_totals[c.group])
        higher = (c.direction or criteria[c.code]["direction"]) == "higher"
        if c.source == "project_effect":
            transforms = [("change", 1.0)]
        elif c.source == "project_spread" or spec.mode == "level":
            transforms = [("level", 1.0)]
        elif spec.mode == "improvement":
            transforms = [("change", 1.0)]
        else:
            share = float(spec.level_share)
            transforms = [("level", share), ("change", 1.0 - share)]
        for transform, part in transforms:
            if part <= 0:
                continue
            key = c.code if len(transforms) == 1 else f"{c.code}:{transform}"
            columns.append(
                Column(key, c, transform, weight * part, higher if transform == "level" else True)
            )
    return columns


def _cell(
    column: Column, spec: SchemeSpec, data: dict[str, Any], candidate: str, periods: tuple[str, str]
) -> Cell:
    c = column.criterion
    now_entry = data["current"].get(candidate)
    raw = _text(now_entry)
    n = now_entry.get("n") if now_entry else None
    period, previous_period = periods
    reason: dict[str, Any] | None = None
    if now_entry is not None and now_entry.get("suppressed"):
        reason = stored("awards.reason.suppressed", period=period)
    elif raw is None:
        reason = stored("awards.reason.no_value", period=period)
    elif c.kind == "share" and (n is None or n < c.min_respondents):
        reason = stored(
            "awards.reason.too_few_respondents",
            n=n or 0,
            period=period,
            minimum=c.min_respondents,
        )
    if reason is not None:
        return Cell(math.nan, raw, None, n, None, None, None, reason)
    assert raw is not None
    if column.transform == "level":
        return Cell(float(raw), raw, None, n, None, None, None, None)

    before_entry = data.get("previous", {}).get(candidate)
    before = _text(before_entry)
    n_before = before_entry.get("n") if before_entry else None
    if before is None or (before_entry is not None and before_entry.get("suppressed")):
        reason = stored("awards.reason.no_comparable_value", period=previous_period)
        return Cell(math.nan, raw, None, n, None, None, None, reason)
    sign = 1.0 if (c.direction or data["direction"]) == "higher" else -1.0
    if c.kind == "share":
        need = spec.improvement_min_respondents
        if n is None or n_before is None or n < need or n_before < need:
            reason = stored(
                "awards.reason.too_few_for_change",
                n="–" if n is None else n,
                period=period,
                n_previous="–" if n_before is None else n_before,
                previous_period=previous_period,
                minimum=need,
            )
            return Cell(math.nan, raw, before, n, n_before, None, None, reason)
        se_now = engine.share_standard_error(float(raw), n)
        se_before = engine.share_standard_error(float(before), n_before)
        change, se, credited = engine.conservative_change(
            sign * float(raw), sign * float(before), se_now, se_before, float(spec.improvement_z)
        )
        return Cell(credited, raw, before, n, n_before, change, se, None)
    change = sign * (float(raw) - float(before))
    return Cell(change, raw, before, n, n_before, change, None, None)


def _eligibility(
    candidate: dict[str, Any], spec: SchemeSpec, kind: str, year: int
) -> dict[str, Any] | None:
    if kind != "units":
        return None
    if candidate["unit_type"] not in spec.unit_types:
        return stored(
            "awards.reason.unit_type",
            unit_type=candidate["unit_type"],
            eligible=", ".join(spec.unit_types),
        )
    opened = candidate.get("opened_on")
    closed = candidate.get("closed_on")
    if opened is not None and date.fromisoformat(opened) > date(year, 1, 1):
        return stored("awards.reason.opened", date=opened, year=year)
    if closed is not None and date.fromisoformat(closed) < date(year, 12, 31):
        return stored("awards.reason.closed", date=closed, year=year)
    return None


def compute(spec: SchemeSpec, inputs: dict[str, Any], seed: int) -> dict[str, Any]:
    """The whole evaluation of one snapshot. Raises Unprocessable when nothing can be scored.

    A national run builds some 10⁵ small dicts that all live on; the cyclic garbage collector
    would walk them again and again for nothing, so it is paused while they are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute(spec, inputs, seed)
    finally:
        if enabled:
            gc.enable()


def _compute(spec: SchemeSpec, inputs: dict[str, Any], seed: int) -> dict[str, Any]:
    criteria: dict[str, Any] = inputs["criteria"]
    kind: str = inputs["candidates_kind"]
    period, previous_period = inputs["period"], inputs.get("previous_period") or ""
    year = int(period[:4])
    columns = _columns(spec, criteria)
    unavailable = [
        {"criterion": c.code, "title": c.title, "reason": criteria[c.code]["reason"]}
        for c in spec.criteria
        if not criteria[c.code]["available"]
    ]
    ineligible: list[dict[str, Any]] = []
    evaluated: list[tuple[dict[str, Any], list[Cell]]] = []
    for candidate in inputs["candidates"]:
        reason = _eligibility(candidate, spec, kind, year)
        if reason is None and kind == "units":
            reason = _too_few(spec, criteria, candidate["code"], period)
        if reason is not None:
            ineligible.append(
                {"unit_code": candidate["code"], "unit_title": candidate["title"], "reason": reason}
            )
            continue
        cells = [
            _cell(
                col,
                spec,
                criteria[col.criterion.code],
                candidate["code"],
                (period, previous_period),
            )
            for col in columns
        ]
        evaluated.append((candidate, cells))
    coverage = _coverage(spec, criteria, columns, evaluated)
    _refuse_missing_required(spec, coverage, columns, evaluated)
    if not columns:
        raise Unprocessable(
            message(
                "problem.awards.no_criterion_has_data",
                period=period,
                reasons=[
                    message(
                        "awards.criterion_reason",
                        criterion=u["criterion"],
                        reason=from_stored(u["reason"]),
                    )
                    for u in unavailable
                ],
            ),
            errors=[
                FieldError(
                    loc=["specification", "criteria", u["criterion"]],
                    field="criteria",
                    value=u["criterion"],
                    message=message(
                        "problem.awards.criterion_unavailable", reason=from_stored(u["reason"])
                    ),
                    code="criterion_unavailable",
                )
                for u in unavailable
            ],
        )

    scored: list[tuple[dict[str, Any], list[Cell]]] = []
    for candidate, cells in evaluated:
        present = sum(1 for cell in cells if cell.missing is None)
        if present / len(columns) < float(spec.min_data_share):
            ineligible.append(
                {
                    "unit_code": candidate["code"],
                    "unit_title": candidate["title"],
                    "reason": stored(
                        "awards.reason.too_little_data",
                        present=present,
                        total=len(columns),
                        share=100 * present // len(columns),
                        needed=int(spec.min_data_share * 100),
                    ),
                    "missing": [
                        stored("awards.missing", column=col.key, reason=cell.missing)
                        for col, cell in zip(columns, cells, strict=True)
                        if cell.missing
                    ],
                }
            )
            continue
        scored.append((candidate, cells))

    # The tie rule's order: more criteria present, larger total n, then code.
    scored.sort(
        key=lambda item: (
            -sum(1 for cell in item[1] if cell.missing is None),
            -sum(cell.n or 0 for cell in item[1] if cell.missing is None),
            item[0]["code"],
        )
    )
    method = {
        "normalisation": spec.normalisation,
        "missing_policy": spec.missing_policy,
        "aggregation": spec.aggregation,
        "mode": spec.mode,
        "tie_rule": stored("awards.method.tie_rule"),
        "missing_policy_note": stored(f"awards.method.missing.{spec.missing_policy}"),
        "improvement_rule": stored(
            "awards.method.improvement_rule",
            z=spec.improvement_z,
            minimum=spec.improvement_min_respondents,
        ),
    }
    if spec.mode == "mix":
        method["mix"] = stored(
            "awards.method.mix",
            level=Decimal(str(spec.level_share)),
            change=1 - Decimal(str(spec.level_share)),
        )
    if spec.aggregation == "geometric":
        method["geometric_note"] = stored(
            "awards.method.geometric", floor=Decimal(str(engine.GEOMETRIC_FLOOR))
        )
    base = {
        "candidates_kind": kind,
        "period": period,
        "previous_period": previous_period or None,
        "seed": seed,
        "method": method,
        "columns": [
            {
                "column": col.key,
                "criterion": col.criterion.code,
                "title": col.criterion.title,
                "group": col.criterion.group,
                "transform": col.transform,
                "direction": "higher" if col.higher else "lower",
                "weight": _dec(col.weight / sum(c.weight for c in columns), 6),
            }
            for col in columns
        ],
        "unavailable_criteria": unavailable,
        "coverage": coverage,
        "ineligible": ineligible,
    }
    if not scored:
        return base | {
            "leave_one_out": [],
            "ranking": [],
            "robustness": {
                "winner": None,
                "robust": False,
                **message("robustness.none").both("statement"),
            },
            "sensitivity": None,
        }

    values = np.array([[cell.value for cell in cells] for _, cells in scored], dtype=np.float64)
    problem = engine.Problem(
        units=[cand["code"] for cand, _ in scored],
        criteria=[col.key for col in columns],
        values=values,
        higher_is_better=np.array([col.higher for col in columns]),
        weights=np.array([col.weight for col in columns], dtype=np.float64),
        targets=np.array(
            [
                float(col.criterion.target)
                if col.criterion.target is not None and col.transform == "level"
                else np.nan
                for col in columns
            ]
        ),
    )
    scores = engine.evaluate(
        problem,
        normalisation=spec.normalisation,
        missing=spec.missing_policy,
        aggregation=spec.aggregation,
    )
    sens: engine.Sensitivity | None = None
    if len(scored) > 1:
        s = spec.sensitivity
        sens, _ = engine.sensitivity(
            problem,
            engine.SensitivitySpec(
                draws=s.draws,
                weight_spread=float(s.weight_spread),
                normalisations=tuple(s.normalisations),
                missing_policies=tuple(s.missing_policies),
                leave_one_out_share=float(s.leave_one_out_share),
            ),
            spec.aggregation,
            seed,
        )
    leave_one_out = _leave_one_out(problem, scores, spec, [cand["code"] for cand, _ in scored])
    normalised = _round_matrix(scores.normalised, 6)
    credited = _round_matrix(values, 4)
    weights = _round_matrix(scores.effective_weight, 6)
    contributions = _round_matrix(scores.contribution, 6)
    imputed = scores.imputed.tolist()
    score_text = [_dec(v, 6) for v in scores.score.tolist()]
    ranks = scores.rank.tolist()
    keys = [(col.key, col.criterion.code, col.transform) for col in columns]
    ranking: list[dict[str, Any]] = []
    for i in scores.order.tolist():
        candidate, cells = scored[i]
        explained: list[dict[str, Any]] = []
        for (key, code, transform), cell, norm, imp, weight, contribution, credit in zip(
            keys,
            cells,
            normalised[i],
            imputed[i],
            weights[i],
            contributions[i],
            credited[i],
            strict=True,
        ):
            item = {
                "column": key,
                "criterion": code,
                "transform": transform,
                "value": cell.raw,
                "n": cell.n,
                "credited": credit,
                "normalised": norm,
                "imputed": imp,
                "weight": weight,
                "contribution": contribution,
                "missing": cell.missing,
            }
            if transform == "change":
                item["previous"] = cell.previous
                item["n_previous"] = cell.n_previous
                item["change"] = None if cell.change is None else _dec(cell.change, 4)
                item["standard_error"] = (
                    None if cell.standard_error is None else _dec(cell.standard_error, 4)
                )
            explained.append(item)
        missing = [
            stored("awards.missing", column=key, reason=cell.missing)
            for (key, _, _), cell in zip(keys, cells, strict=True)
            if cell.missing
        ]
        lacking = _lacking(columns, cells)
        entry: dict[str, Any] = {
            "rank": ranks[i],
            "unit_code": candidate["code"],
            "unit_title": candidate["title"],
            "score": score_text[i],
            "criteria_present": len(cells) - len(missing),
            "criteria": explained,
            "missing": missing,
            "missing_criteria": [u["criterion"] for u in unavailable] + lacking,
            "weights_note": _weights_note(spec, columns, cells, unavailable),
        }
        if sens is not None:
            entry["sensitivity"] = {
                "rank_p05": _dec(float(sens.rank_p05[i]), 1),
                "rank_p50": _dec(float(sens.rank_p50[i]), 1),
                "rank_p95": _dec(float(sens.rank_p95[i]), 1),
                "p_first": _dec(float(sens.p_first[i]), 3),
                "p_top3": _dec(float(sens.p_top3[i]), 3),
            }
        ranking.append(entry)
    return base | {
        "leave_one_out": leave_one_out,
        "ranking": ranking,
        "robustness": _robustness(ranking, sens, spec),
        "sensitivity": None
        if sens is None
        else {
            "draws": sens.draws,
            "weight_spread": str(spec.sensitivity.weight_spread),
            "choices": sens.choices,
        },
    }


def _too_few(
    spec: SchemeSpec, criteria: dict[str, Any], code: str, period: str
) -> dict[str, Any] | None:
    """The scheme's eligibility rules on the size of what a unit's values rest on."""
    for c in spec.criteria:
        data = criteria[c.code]
        if not data["available"]:
            continue
        entry = data["current"].get(code) or {}
        n = 0 if entry.get("suppressed") else int(entry.get("n") or 0)
        if spec.min_respondents is not None and c.kind == "share" and n < spec.min_respondents:
            return stored(
                "awards.reason.min_respondents",
                criterion=c.code,
                n=n,
                period=period,
                minimum=spec.min_respondents,
            )
        if (
            spec.min_judged_targets is not None
            and c.source == "goal_status"
            and n < spec.min_judged_targets
        ):
            return stored(
                "awards.reason.min_judged_targets",
                criterion=c.code,
                n=n,
                period=period,
                minimum=spec.min_judged_targets,
            )
    return None


def _has_value(columns: list[Column], cells: list[Cell], code: str) -> bool:
    """The criterion has a value for the period (its level, or its change where only that)."""
    own = [
        (col, cell) for col, cell in zip(columns, cells, strict=True) if col.criterion.code == code
    ]
    levels = [cell for col, cell in own if col.transform == "level"] or [cell for _, cell in own]
    return any(cell.missing is None for cell in levels)


def _lacking(columns: list[Column], cells: list[Cell]) -> list[str]:
    codes = dict.fromkeys(col.criterion.code for col in columns)
    return [code for code in codes if not _has_value(columns, cells, code)]


def _coverage(
    spec: SchemeSpec,
    criteria: dict[str, Any],
    columns: list[Column],
    evaluated: list[tuple[dict[str, Any], list[Cell]]],
) -> list[dict[str, Any]]:
    """Per criterion: how many of the eligible candidates it has a value for."""
    out: list[dict[str, Any]] = []
    total = len(evaluated)
    for c in spec.criteria:
        available = bool(criteria[c.code]["available"])
        with_data = (
            sum(1 for _, cells in evaluated if _has_value(columns, cells, c.code))
            if available
            else 0
        )
        out.append(
            {
                "criterion": c.code,
                "title": c.title,
                "required": c.required,
                "available": available,
                "candidates_with_data": with_data,
                "eligible_candidates": total,
                "share": _dec(with_data / total, 4) if total else None,
                "reason": None if available else criteria[c.code]["reason"],
            }
        )
    return out


def _refuse_missing_required(
    spec: SchemeSpec,
    coverage: list[dict[str, Any]],
    columns: list[Column],
    evaluated: list[tuple[dict[str, Any], list[Cell]]],
) -> None:
    """A required criterion is never reweighted away: every eligible candidate needs it."""
    errors: list[FieldError] = []
    summary: list[Message] = []
    for c, cover in zip(spec.criteria, coverage, strict=True):
        if not c.required:
            continue
        lacking = [
            cand["code"]
            for cand, cells in evaluated
            if not cover["available"] or not _has_value(columns, cells, c.code)
        ]
        if not lacking and cover["available"]:
            continue
        reason = from_stored(cover["reason"]) or message("problem.awards.no_value_for_period")
        summary.append(
            message(
                "problem.awards.criterion_lacking",
                criterion=c.code,
                candidates=", ".join(lacking)
                if lacking
                else message("problem.awards.no_eligible_candidate"),
                reason=reason,
            )
        )
        errors += [
            FieldError(
                loc=["specification", "criteria", c.code],
                field=c.code,
                value=code,
                message=message(
                    "problem.awards.required_criterion_no_value_for",
                    criterion=c.code,
                    candidate=code,
                    reason=reason,
                )
                if code
                else message(
                    "problem.awards.required_criterion_no_value", criterion=c.code, reason=reason
                ),
                code="required_criterion_missing",
            )
            for code in lacking or [None]
        ]
    if errors:
        raise Unprocessable(
            message("problem.awards.required_criteria_missing", criteria=summary),
            errors=errors,
        )


def _nominal_weights(spec: SchemeSpec) -> dict[str, float]:
    """Each criterion's share of the whole scheme's weight, as the scheme states it."""
    group_totals: dict[str, Decimal] = {}
    for c in spec.criteria:
        group_totals[c.group] = group_totals.get(c.group, Decimal(0)) + c.weight
    raw = {
        c.code: float(spec.group_weights[c.group] * c.weight / group_totals[c.group])
        for c in spec.criteria
    }
    total = sum(raw.values())
    return {code: weight / total for code, weight in raw.items()}


def _weights_note(
    spec: SchemeSpec, columns: list[Column], cells: list[Cell], unavailable: list[dict[str, Any]]
) -> dict[str, Any]:
    nominal = _nominal_weights(spec)
    parts = {
        col.key: col.weight
        / sum(c.weight for c in columns if c.criterion.code == col.criterion.code)
        for col in columns
    }
    gone = [u["criterion"] for u in unavailable]
    missing_columns = [col for col, cell in zip(columns, cells, strict=True) if cell.missing]
    if spec.missing_policy == "reweight":
        gone_share = sum(nominal[code] for code in gone) + sum(
            nominal[col.criterion.code] * parts[col.key] for col in missing_columns
        )
        names = gone + [col.key for col in missing_columns]
        imputed: list[str] = []
    else:
        gone_share = sum(nominal[code] for code in gone)
        names = gone
        imputed = [col.key for col in missing_columns]
    if not names and not imputed:
        return stored("awards.weights.all")
    text: list[Message] = []
    if names:
        kept = 1.0 - gone_share
        text.append(
            message(
                "awards.weights.left_out",
                names=", ".join(names),
                share=gone_share * 100,
                factor=1 / kept,
                kept=kept,
            )
        )
    if imputed:
        text.append(
            message(f"awards.weights.imputed.{spec.missing_policy}", names=", ".join(imputed))
        )
    if len(text) == 1:
        return text[0].stored()
    return stored("awards.weights.both", first=text[0], second=text[1])


def _leave_one_out(
    problem: engine.Problem, scores: engine.Scores, spec: SchemeSpec, codes: list[str]
) -> list[dict[str, Any]]:
    """The winner with each criterion left out in turn (the rest of the method unchanged)."""
    if len(problem.criteria) < 2:
        return []
    winner = int(scores.order[0])
    winners = engine.leave_one_out_winners(
        problem,
        normalisation=spec.normalisation,
        missing=spec.missing_policy,
        aggregation=spec.aggregation,
    ).tolist()
    return [
        {"left_out": key, "winner": codes[w], "winner_changes": w != winner}
        for key, w in zip(problem.criteria, winners, strict=True)
    ]


def _robustness(
    ranking: list[dict[str, Any]], sens: engine.Sensitivity | None, spec: SchemeSpec
) -> dict[str, Any]:
    winner = ranking[0]
    tied = [r["unit_code"] for r in ranking[1:] if r["rank"] == 1]
    if sens is None:
        return {
            "winner": winner["unit_code"],
            "p_first": None,
            "robust": False,
            **message("robustness.alone", name=winner["unit_title"] or winner["unit_code"]).both(
                "statement"
            ),
        }
    p_first = Decimal(cast(str, winner["sensitivity"]["p_first"]))
    threshold = spec.sensitivity.robust_share
    others = sorted(ranking[1:], key=lambda r: -Decimal(r["sensitivity"]["p_first"]))
    name = winner["unit_title"] or winner["unit_code"]
    varied = message(
        "robustness.varied",
        draws=sens.draws,
        spread=int(spec.sensitivity.weight_spread * 100),
        normalisations=", ".join(spec.sensitivity.normalisations),
        policies=", ".join(spec.sensitivity.missing_policies),
    )
    robust = p_first >= threshold and not tied
    if robust:
        statement = message("robustness.robust", name=name, p_first=p_first, varied=varied)
    else:
        runner = others[0] if others else None
        statement = message(
            "robustness.not_robust",
            name=name,
            p_first=p_first,
            varied=varied,
            runner_up=message(
                "robustness.runner_up",
                name=runner["unit_title"] or runner["unit_code"],
                p_first=Decimal(runner["sensitivity"]["p_first"]),
            )
            if runner
            else "",
            threshold=threshold,
            tied=message("robustness.tied", tied=", ".join(tied)) if tied else "",
        )
    return {
        "winner": winner["unit_code"],
        "p_first": winner["sensitivity"]["p_first"],
        "robust": robust,
        "threshold": str(spec.sensitivity.robust_share),
        **statement.both("statement"),
    }
