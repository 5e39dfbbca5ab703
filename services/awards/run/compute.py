"""From an inputs snapshot and a scheme to results: pure and deterministic, so re-running a
stored snapshot with its seed gives byte-identical results.

A run is computed column by column over arrays, with no object per (candidate, criterion)
cell: a national run has 10⁴–10⁵ of them. What explains each ranked candidate's score (every
criterion's value, normalised value, weight and contribution, what is missing and how the
weights were renormalised) is not part of the computation and is not stored with the run:
`explained` builds it from the run's own snapshot when the run is read. A run stored before
holds its explanations and is shown as stored."""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from services.awards.evaluation import engine
from services.awards.scheme.schemas import CriterionSpec, SchemeSpec
from shared.errors import FieldError, Unprocessable
from shared.i18n import Message, from_stored, message, stored

ENGINE_VERSION = "composite-1"
_T = TypeVar("_T")


@dataclass(frozen=True)
class Column:
    key: str
    criterion: CriterionSpec
    transform: str  # "level" or "change"
    weight: float
    higher: bool


# Why a cell has no value (PRESENT when it has one); the stored message is built from the
# code where it is shown (`_why`).
PRESENT, SUPPRESSED, NO_VALUE, TOO_FEW_RESPONDENTS, NO_COMPARABLE_VALUE, TOO_FEW_FOR_CHANGE = range(
    6
)


@dataclass(frozen=True)
class Cells:
    """One column's cells for the eligible candidates (in their input order), as arrays and
    lists: `raw` and `n` are the snapshot's own objects, none is made per cell."""

    value: engine.FloatArray  # the number the engine uses; NaN when missing
    missing: npt.NDArray[np.int8]  # why there is no value: PRESENT, SUPPRESSED, …
    raw: list[str | None]
    n: list[int | None]
    # Change columns only: the previous period's value and n, the change and its standard
    # error (None where there is none).
    previous: list[str | None] | None = None
    n_previous: list[int | None] | None = None
    change: list[float | None] | None = None
    standard_error: list[float | None] | None = None


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


def _level_cells(c: CriterionSpec, data: dict[str, Any], codes: list[str]) -> Cells:
    """The criterion's values for the period: one pass over the snapshot's entries."""
    current = data["current"]
    share, minimum = c.kind == "share", c.min_respondents
    values: list[float] = []
    missing: list[int] = []
    raw: list[str | None] = []
    ns: list[int | None] = []
    nan = math.nan
    for entry in map(current.get, codes):
        if entry is None:
            raw.append(None)
            ns.append(None)
            values.append(nan)
            missing.append(NO_VALUE)
            continue
        value = entry.get("value")
        text = None if value is None else str(value)
        n = entry.get("n")
        raw.append(text)
        ns.append(n)
        if entry.get("suppressed"):
            why = SUPPRESSED
        elif text is None:
            why = NO_VALUE
        elif share and (n is None or n < minimum):
            why = TOO_FEW_RESPONDENTS
        else:
            values.append(float(text))
            missing.append(PRESENT)
            continue
        values.append(nan)
        missing.append(why)
    return Cells(np.array(values, dtype=np.float64), np.array(missing, dtype=np.int8), raw, ns)


def _change_cells(
    c: CriterionSpec, spec: SchemeSpec, data: dict[str, Any], codes: list[str], level: Cells
) -> Cells:
    """The change against the previous period where the level has a value (survey shares:
    the conservative change, with its standard error)."""
    earlier: dict[str, Any] = data.get("previous", {})
    sign = 1.0 if (c.direction or data["direction"]) == "higher" else -1.0
    share, need = c.kind == "share", spec.improvement_min_respondents
    size = len(codes)
    values = [math.nan] * size
    missing: list[int] = level.missing.tolist()
    previous: list[str | None] = [None] * size
    n_previous: list[int | None] = [None] * size
    changes: list[float | None] = [None] * size
    errors: list[float | None] = [None] * size
    for i in np.flatnonzero(level.missing == PRESENT).tolist():
        raw, n = cast(str, level.raw[i]), level.n[i]
        before_entry = earlier.get(codes[i])
        before = _text(before_entry)
        if before is None or (before_entry is not None and before_entry.get("suppressed")):
            missing[i] = NO_COMPARABLE_VALUE
            continue
        assert before_entry is not None
        n_before = before_entry.get("n")
        previous[i], n_previous[i] = before, n_before
        if share:
            if n is None or n_before is None or n < need or n_before < need:
                missing[i] = TOO_FEW_FOR_CHANGE
                continue
            se_now = engine.share_standard_error(float(raw), n)
            se_before = engine.share_standard_error(float(before), n_before)
            change, se, credited = engine.conservative_change(
                sign * float(raw),
                sign * float(before),
                se_now,
                se_before,
                float(spec.improvement_z),
            )
            values[i], changes[i], errors[i] = credited, change, se
            continue
        change = sign * (float(raw) - float(before))
        values[i] = changes[i] = change
    return Cells(
        np.array(values, dtype=np.float64),
        np.array(missing, dtype=np.int8),
        level.raw,
        level.n,
        previous,
        n_previous,
        changes,
        errors,
    )


def _why(
    code: int,
    c: CriterionSpec,
    spec: SchemeSpec,
    n: int | None,
    n_previous: int | None,
    periods: tuple[str, str],
) -> dict[str, Any]:
    """Why a cell has no value, as a stored message."""
    period, previous_period = periods
    if code == SUPPRESSED:
        return stored("awards.reason.suppressed", period=period)
    if code == NO_VALUE:
        return stored("awards.reason.no_value", period=period)
    if code == TOO_FEW_RESPONDENTS:
        return stored(
            "awards.reason.too_few_respondents",
            n=n or 0,
            period=period,
            minimum=c.min_respondents,
        )
    if code == NO_COMPARABLE_VALUE:
        return stored("awards.reason.no_comparable_value", period=previous_period)
    return stored(
        "awards.reason.too_few_for_change",
        n="–" if n is None else n,
        period=period,
        n_previous="–" if n_previous is None else n_previous,
        previous_period=previous_period,
        minimum=spec.improvement_min_respondents,
    )


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


@dataclass(frozen=True)
class _Prepared:
    """A snapshot read for a scheme, up to the matrix the engine ranks."""

    spec: SchemeSpec
    kind: str
    periods: tuple[str, str]  # the period and the previous one ('' when none)
    columns: list[Column]
    unavailable: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    ineligible: list[dict[str, Any]]
    evaluated: list[dict[str, Any]]  # the eligible candidates, in input order
    cells: list[Cells]  # per column, a row per evaluated candidate
    present: engine.BoolArray  # (evaluated, columns)
    rows: list[int]  # the evaluated rows that are ranked, in the tie rule's order

    def problem(self) -> engine.Problem:
        columns = self.columns
        values = (
            np.column_stack([cells.value for cells in self.cells])
            if columns
            else np.empty((len(self.evaluated), 0))
        )
        return engine.Problem(
            units=[self.evaluated[r]["code"] for r in self.rows],
            criteria=[col.key for col in columns],
            values=np.ascontiguousarray(values[np.array(self.rows, dtype=np.int64)]),
            higher_is_better=np.array([col.higher for col in columns], dtype=np.bool_),
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

    def reason(self, j: int, row: int) -> dict[str, Any]:
        """Why column j has no value for an evaluated row, as a stored message."""
        return _reason(self.spec, self.columns[j], self.cells[j], row, self.periods)


def _reason(
    spec: SchemeSpec, column: Column, cells: Cells, row: int, periods: tuple[str, str]
) -> dict[str, Any]:
    n_previous = None if cells.n_previous is None else cells.n_previous[row]
    return _why(int(cells.missing[row]), column.criterion, spec, cells.n[row], n_previous, periods)


def _value_columns(columns: list[Column]) -> dict[str, list[int]]:
    """Per criterion, the columns that say whether it has a value for the period: its level,
    or its change where it has only that."""
    own: dict[str, list[int]] = {}
    for j, col in enumerate(columns):
        own.setdefault(col.criterion.code, []).append(j)
    return {
        code: [j for j in js if columns[j].transform == "level"] or js for code, js in own.items()
    }


def _prepare(spec: SchemeSpec, inputs: dict[str, Any]) -> _Prepared:
    """Eligibility, cells, coverage, the scheme's data rules and the tie rule's order. Raises
    Unprocessable when a required criterion lacks data or no criterion has any."""
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
    evaluated: list[dict[str, Any]] = []
    for candidate in inputs["candidates"]:
        reason = _eligibility(candidate, spec, kind, year)
        if reason is None and kind == "units":
            reason = _too_few(spec, criteria, candidate["code"], period)
        if reason is not None:
            ineligible.append(
                {"unit_code": candidate["code"], "unit_title": candidate["title"], "reason": reason}
            )
            continue
        evaluated.append(candidate)
    codes = [candidate["code"] for candidate in evaluated]
    levels: dict[str, Cells] = {}
    cells: list[Cells] = []
    for col in columns:
        c = col.criterion
        level = levels.get(c.code)
        if level is None:
            level = levels[c.code] = _level_cells(c, criteria[c.code], codes)
        cells.append(
            level
            if col.transform == "level"
            else _change_cells(c, spec, criteria[c.code], codes, level)
        )
    present = (
        np.column_stack([cell.missing == PRESENT for cell in cells])
        if cells
        else np.zeros((len(evaluated), 0), dtype=np.bool_)
    )
    has_value: dict[str, engine.BoolArray] = {
        code: np.asarray(present[:, js].any(axis=1), dtype=np.bool_)
        for code, js in _value_columns(columns).items()
    }
    coverage = _coverage(spec, criteria, has_value, len(evaluated))
    _refuse_missing_required(spec, coverage, has_value, codes)
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
    periods = (period, previous_period)
    counts = present.sum(axis=1)
    too_little = counts / len(columns) < float(spec.min_data_share)
    for row in np.flatnonzero(too_little).tolist():
        candidate, count = evaluated[row], int(counts[row])
        ineligible.append(
            {
                "unit_code": candidate["code"],
                "unit_title": candidate["title"],
                "reason": stored(
                    "awards.reason.too_little_data",
                    present=count,
                    total=len(columns),
                    share=100 * count // len(columns),
                    needed=int(spec.min_data_share * 100),
                ),
                "missing": [
                    stored(
                        "awards.missing",
                        column=col.key,
                        reason=_reason(spec, col, cells[j], row, periods),
                    )
                    for j, col in enumerate(columns)
                    if not present[row, j]
                ],
            }
        )
    # The tie rule's order: more criteria present, larger total n, then code.
    n_total = _n_totals(cells, present).tolist()
    count = counts.tolist()
    rows = sorted(
        np.flatnonzero(~too_little).tolist(), key=lambda r: (-count[r], -n_total[r], codes[r])
    )
    return _Prepared(
        spec=spec,
        kind=kind,
        periods=periods,
        columns=columns,
        unavailable=unavailable,
        coverage=coverage,
        ineligible=ineligible,
        evaluated=evaluated,
        cells=cells,
        present=present,
        rows=rows,
    )


def _n_totals(cells: list[Cells], present: engine.BoolArray) -> npt.NDArray[Any]:
    """Per evaluated row, the sum of n over its present cells: in int64 where that cannot
    overflow, else in Python integers."""
    ns = [[n or 0 for n in column.n] for column in cells]
    if not cells:
        return np.zeros(present.shape[0], dtype=np.int64)
    largest = max(max(map(abs, column), default=0) for column in ns)
    exact = np.int64 if largest < 2**62 // len(cells) else object
    matrix = np.array(ns, dtype=exact).T
    return cast(npt.NDArray[Any], np.where(present, matrix, 0).sum(axis=1))


def compute(spec: SchemeSpec, inputs: dict[str, Any], seed: int) -> dict[str, Any]:
    """The whole evaluation of one snapshot, without the per-candidate explanations (see
    `explained`). Raises Unprocessable when nothing can be scored."""
    return _paused(_compute, spec, inputs, seed)


def explained(spec: SchemeSpec, inputs: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """The run's results with every ranked candidate's explanation: its criteria (value,
    credited, normalised, weight, contribution, why missing), what it lacks and how its
    weights were renormalised, built from the run's snapshot by the same steps as `compute`.
    Results that hold their explanations (a run stored before) are returned as they are."""
    ranking: list[dict[str, Any]] = results.get("ranking") or []
    if not ranking or "criteria" in ranking[0]:
        return results
    return _paused(_explained, spec, inputs, results)


def _paused(function: Callable[..., _T], *args: Any) -> _T:
    """A national run's results or explanations are some 10⁵ small objects that all live
    on; the cyclic garbage collector would walk them again and again for nothing, so it is
    paused while they are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*args)
    finally:
        if enabled:
            gc.enable()


def _method(spec: SchemeSpec) -> dict[str, Any]:
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
    return method


def _compute(spec: SchemeSpec, inputs: dict[str, Any], seed: int) -> dict[str, Any]:
    prepared = _prepare(spec, inputs)
    columns = prepared.columns
    base = {
        "candidates_kind": prepared.kind,
        "period": prepared.periods[0],
        "previous_period": prepared.periods[1] or None,
        "seed": seed,
        "method": _method(spec),
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
        "unavailable_criteria": prepared.unavailable,
        "coverage": prepared.coverage,
        "ineligible": prepared.ineligible,
    }
    if not prepared.rows:
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

    problem = prepared.problem()
    scores = engine.evaluate(
        problem,
        normalisation=spec.normalisation,
        missing=spec.missing_policy,
        aggregation=spec.aggregation,
    )
    sens: engine.Sensitivity | None = None
    if len(prepared.rows) > 1:
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
    leave_one_out = _leave_one_out(problem, scores, spec, problem.units)
    order = scores.order.tolist()
    ranks = scores.rank.tolist()
    scored = [prepared.evaluated[r] for r in prepared.rows]
    score_text = _decs(scores.score, 6)
    present = prepared.present[np.array(prepared.rows, dtype=np.int64)].sum(axis=1).tolist()
    ranking: list[dict[str, Any]] = [
        {
            "rank": ranks[i],
            "unit_code": scored[i]["code"],
            "unit_title": scored[i]["title"],
            "score": score_text[i],
            "criteria_present": present[i],
        }
        for i in order
    ]
    if sens is not None:
        p05, p50, p95 = (_decs(sens.rank_p05, 1), _decs(sens.rank_p50, 1), _decs(sens.rank_p95, 1))
        first, top3 = _decs(sens.p_first, 3), _decs(sens.p_top3, 3)
        for entry, i in zip(ranking, order, strict=True):
            entry["sensitivity"] = {
                "rank_p05": p05[i],
                "rank_p50": p50[i],
                "rank_p95": p95[i],
                "p_first": first[i],
                "p_top3": top3[i],
            }
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


def _explained(spec: SchemeSpec, inputs: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    prepared = _prepare(spec, inputs)
    problem = prepared.problem()
    scores = engine.evaluate(
        problem,
        normalisation=spec.normalisation,
        missing=spec.missing_policy,
        aggregation=spec.aggregation,
    )
    ranking: list[dict[str, Any]] = results["ranking"]
    rows = scores.order.tolist()
    if [problem.units[i] for i in rows] != [entry["unit_code"] for entry in ranking]:
        at = {code: i for i, code in enumerate(problem.units)}
        rows = [at[entry["unit_code"]] for entry in ranking]
    columns, cells, periods = prepared.columns, prepared.cells, prepared.periods
    keys = [(col.key, col.criterion.code, col.transform) for col in columns]
    normalised = _round_matrix(scores.normalised, 6)
    credited = _round_matrix(problem.values, 4)
    weights = _round_matrix(scores.effective_weight, 6)
    contributions = _round_matrix(scores.contribution, 6)
    imputed = scores.imputed.tolist()
    missing_codes = [column.missing.tolist() for column in cells]
    unavailable = [u["criterion"] for u in prepared.unavailable]
    # Candidates that lack the same columns share what they lack and their weights note.
    notes: dict[tuple[int, ...], tuple[list[str], dict[str, Any]]] = {}
    out: list[dict[str, Any]] = []
    for entry, i in zip(ranking, rows, strict=True):
        row = prepared.rows[i]
        lacking = tuple(j for j, codes in enumerate(missing_codes) if codes[row] != PRESENT)
        items: list[dict[str, Any]] = []
        missing: list[dict[str, Any]] = []
        for j, ((key, code, transform), column) in enumerate(zip(keys, cells, strict=True)):
            reason = (
                None
                if missing_codes[j][row] == PRESENT
                else _reason(spec, columns[j], column, row, periods)
            )
            item = {
                "column": key,
                "criterion": code,
                "transform": transform,
                "value": column.raw[row],
                "n": column.n[row],
                "credited": credited[i][j],
                "normalised": normalised[i][j],
                "imputed": imputed[i][j],
                "weight": weights[i][j],
                "contribution": contributions[i][j],
                "missing": reason,
            }
            if transform == "change":
                change = cast(list[float | None], column.change)[row]
                error = cast(list[float | None], column.standard_error)[row]
                item["previous"] = cast(list[str | None], column.previous)[row]
                item["n_previous"] = cast(list[int | None], column.n_previous)[row]
                item["change"] = None if change is None else _dec(change, 4)
                item["standard_error"] = None if error is None else _dec(error, 4)
            items.append(item)
            if reason is not None:
                missing.append(stored("awards.missing", column=key, reason=reason))
        shared = notes.get(lacking)
        if shared is None:
            shared = notes[lacking] = (
                _lacking(columns, lacking),
                _weights_note(spec, columns, [columns[j] for j in lacking], unavailable),
            )
        out.append(
            entry
            | {
                "criteria": items,
                "missing": missing,
                "missing_criteria": unavailable + shared[0],
                "weights_note": shared[1],
            }
        )
    return results | {"ranking": out}


def _decs(values: engine.FloatArray, places: int) -> list[str | None]:
    """`_dec` of each value; formatted in one C loop when none is missing, infinite or
    negative (the sign is all `_dec` would change)."""
    if np.isfinite(values).all() and not np.signbit(values).any():
        return list(map(f"{{:.{places}f}}".format, values.tolist()))
    return [_dec(x, places) for x in values.tolist()]


def _too_few(
    spec: SchemeSpec, criteria: dict[str, Any], code: str, period: str
) -> dict[str, Any] | None:
    """The scheme's eligibility rules on the size of what a unit's values rest on."""
    if spec.min_respondents is None and spec.min_judged_targets is None:
        return None
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


def _lacking(columns: list[Column], missing: tuple[int, ...]) -> list[str]:
    """The criteria (in column order) without a value for the period, given the columns a
    candidate has no value in."""
    gone = set(missing)
    return [code for code, js in _value_columns(columns).items() if all(j in gone for j in js)]


def _coverage(
    spec: SchemeSpec,
    criteria: dict[str, Any],
    has_value: dict[str, engine.BoolArray],
    total: int,
) -> list[dict[str, Any]]:
    """Per criterion: how many of the eligible candidates it has a value for."""
    out: list[dict[str, Any]] = []
    for c in spec.criteria:
        available = bool(criteria[c.code]["available"])
        found = has_value.get(c.code)
        with_data = int(found.sum()) if available and found is not None else 0
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
    has_value: dict[str, engine.BoolArray],
    codes: list[str],
) -> None:
    """A required criterion is never reweighted away: every eligible candidate needs it."""
    errors: list[FieldError] = []
    summary: list[Message] = []
    for c, cover in zip(spec.criteria, coverage, strict=True):
        if not c.required:
            continue
        found = has_value.get(c.code)
        if not cover["available"] or found is None:
            lacking = list(codes)
        else:
            lacking = [codes[i] for i in np.flatnonzero(~found).tolist()]
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
            for code in ([*lacking] if lacking else [None])
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
    spec: SchemeSpec, columns: list[Column], missing_columns: list[Column], gone: list[str]
) -> dict[str, Any]:
    """How a candidate's weights were renormalised, given the columns it has no value in and
    the criteria without data for anyone."""
    nominal = _nominal_weights(spec)
    parts = {
        col.key: col.weight
        / sum(c.weight for c in columns if c.criterion.code == col.criterion.code)
        for col in columns
    }
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
