"""The kinds of local data a municipality uploads as CSV or XLSX, their columns and measures.

Each file row becomes one observation per measure column that holds a value. Column names
are English; common Swedish headings are accepted as aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.periods import PeriodType

INCIDENT_TYPES = ("lex_sarah", "lex_maria")
INCIDENT_CATEGORIES = ("fall", "lakemedel", "bemotande", "omsorg", "ovrigt")
INCIDENT_SEVERITIES = ("lag", "medel", "hog")


@dataclass(frozen=True)
class Column:
    name: str
    role: str  # unit | period | gender | measure | respondents | choice | measure_code | value
    required: bool = False
    measure: str | None = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class UploadKind:
    name: str
    title: str
    period_types: frozenset[PeriodType]
    columns: tuple[Column, ...]
    unit_required: bool = True
    measures: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name or name in col.aliases:
                return col
        return None


_UNIT = Column("unit_code", "unit", True, aliases=("enhet", "unit"), example="HT-NORR")
_UNIT_OPTIONAL = Column("unit_code", "unit", False, aliases=("enhet", "unit"), example="")
_GENDER = Column("gender", "gender", False, aliases=("kon", "kön"), example="T")
_MONTH = frozenset({PeriodType.MONTH})


def _period(example: str) -> Column:
    return Column(
        "period", "period", True, aliases=("period", "månad", "tertial", "år"), example=example
    )


def _measure(name: str, measure: str, example: str, required: bool = False) -> Column:
    return Column(name, "measure", required, measure=measure, example=example)


def incident_measure(kind: str, category: str, severity: str) -> str:
    return f"incidents_{kind}_{category}_{severity}"


KINDS: dict[str, UploadKind] = {
    kind.name: kind
    for kind in (
        UploadKind(
            "survey",
            "Brukarundersökning per enhet (antal svarande och antal positiva svar per fråga)",
            frozenset({PeriodType.YEAR, PeriodType.TERTIAL}),
            (
                _UNIT,
                _period("2025"),
                _GENDER,
                Column(
                    "respondents",
                    "respondents",
                    True,
                    measure="survey_respondents",
                    aliases=("svarande",),
                    example="23",
                ),
                _measure("satisfied", "survey_satisfied", "19"),
                _measure("safe", "survey_safe", "20"),
                _measure("good_treatment", "survey_treatment", "21"),
                _measure("opinions_considered", "survey_influence", "17"),
            ),
        ),
        UploadKind(
            "continuity",
            "Personalkontinuitet per enhet och månad (antal personal en brukare möter på 14 dagar)",
            _MONTH,
            (
                _UNIT,
                _period("2025-05"),
                _GENDER,
                _measure("continuity", "staff_continuity", "11.5", required=True),
                _measure("users", "continuity_users", "42"),
            ),
        ),
        UploadKind(
            "sick_leave",
            "Sjukfrånvaro per enhet och månad (procent av arbetad tid)",
            _MONTH,
            (
                _UNIT,
                _period("2025-05"),
                _GENDER,
                _measure("sick_leave_pct", "sick_leave_share", "6,4", required=True),
                _measure("short_sick_leave_pct", "short_sick_leave_share", "2,1"),
            ),
        ),
        UploadKind(
            "incidents",
            "Avvikelser (lex Sarah, lex Maria/vårdskada) per enhet och månad: antal per "
            "kategori och allvarlighetsgrad — aldrig personuppgifter",
            _MONTH,
            (
                _UNIT,
                _period("2025-05"),
                Column(
                    "type",
                    "choice",
                    True,
                    choices=INCIDENT_TYPES,
                    aliases=("typ",),
                    example="lex_sarah",
                ),
                Column(
                    "category",
                    "choice",
                    True,
                    choices=INCIDENT_CATEGORIES,
                    aliases=("kategori",),
                    example="bemotande",
                ),
                Column(
                    "severity",
                    "choice",
                    True,
                    choices=INCIDENT_SEVERITIES,
                    aliases=("allvarlighetsgrad",),
                    example="medel",
                ),
                Column("count", "value", True, aliases=("antal",), example="2"),
            ),
            measures=tuple(
                incident_measure(t, c, s)
                for t in INCIDENT_TYPES
                for c in INCIDENT_CATEGORIES
                for s in INCIDENT_SEVERITIES
            ),
        ),
        UploadKind(
            "cases",
            "Ärenden per tertial (ansökningar, anmälningar, utredningar, placeringar)",
            frozenset({PeriodType.TERTIAL}),
            (
                _UNIT_OPTIONAL,
                _period("2025T2"),
                _GENDER,
                _measure("applications", "case_applications", "120"),
                _measure("reports", "case_reports", "85"),
                _measure("investigations", "case_investigations", "60"),
                _measure("placements", "case_placements", "4"),
            ),
            unit_required=False,
        ),
        UploadKind(
            "observations",
            "Valfria lokala mått i lång form (ett värde per rad)",
            frozenset(PeriodType),
            (
                _UNIT_OPTIONAL,
                Column(
                    "measure_code",
                    "measure_code",
                    True,
                    aliases=("matt", "mått"),
                    example="survey_satisfied",
                ),
                _period("2024"),
                _GENDER,
                Column("value", "value", True, aliases=("varde", "värde"), example="19"),
                Column("respondents", "respondents", False, aliases=("svarande",), example="23"),
            ),
            unit_required=False,
        ),
    )
}


def kind_measures(kind: UploadKind) -> tuple[str, ...]:
    own = tuple(c.measure for c in kind.columns if c.measure)
    return own + kind.measures
