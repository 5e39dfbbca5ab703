"""The message catalogue: every text the suite writes for a reader, in Swedish and English.

One entry per key, `{"sv": ..., "en": ...}`, with `str.format` placeholders formatted per
language by `shared.i18n.Message` (`{x}` a number, `{x:+}` signed, `{x:%}` a share as a
percentage). Both languages of an entry name the same placeholders
(tests/shared/test_i18n.py checks it, and that every key the code uses is here).
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    # --- labels of the codes the API returns (shared.i18n.LABELS; the codes never change) ---
    "label.met": {"sv": "Uppfyllt", "en": "Met"},
    "label.partly_met": {"sv": "Delvis uppfyllt", "en": "Partly met"},
    "label.not_met": {"sv": "Ej uppfyllt", "en": "Not met"},
    "label.no_data": {"sv": "Uppgift saknas", "en": "No data"},
    "label.green": {"sv": "Grön (bästa fjärdedelen)", "en": "Green (best quarter)"},
    "label.yellow": {"sv": "Gul (mittersta hälften)", "en": "Yellow (middle half)"},
    "label.red": {"sv": "Röd (sämsta fjärdedelen)", "en": "Red (worst quarter)"},
    # --- goal fulfilment (services/indicators/target/rules.py) ---
    "target.goal": {"sv": "{target}{unit}", "en": "{target}{unit}"},
    "target.goal_between": {"sv": "{target}–{upper}{unit}", "en": "{target}–{upper}{unit}"},
    "target.no_value": {"sv": "uppgift saknas; mål {goal}", "en": "no value; target {goal}"},
    "target.suppressed": {
        "sv": "visas ej (färre än 7 svarande); mål {goal}",
        "en": "suppressed (fewer than 7 respondents); target {goal}",
    },
    "target.suppressed_secondary": {
        "sv": "visas ej (dold så att ett annat dolt värde inte kan räknas fram); mål {goal}",
        "en": "suppressed (hidden so that another hidden value cannot be worked out); target {goal}",
    },
    "target.compared": {
        "sv": "{value}{unit} {symbol} {goal}: skillnad {difference:+}{unit}{tolerance} → {outcome}",
        "en": "{value}{unit} {symbol} {goal}: difference {difference:+}{unit}{tolerance} → {outcome}",
    },
    "target.within_tolerance": {
        "sv": ", inom toleransen {tolerance}{unit}",
        "en": ", within the tolerance {tolerance}{unit}",
    },
    "target.symbol.between": {"sv": "inom", "en": "within"},
    "outcome.met": {"sv": "uppfyllt", "en": "met"},
    "outcome.partly_met": {"sv": "delvis uppfyllt", "en": "partly met"},
    "outcome.not_met": {"sv": "ej uppfyllt", "en": "not met"},
    # --- performance grants (services/awards/grant/service.py) ---
    "grant.at_least": {"sv": "minst {threshold}{unit}", "en": "at least {threshold}{unit}"},
    "grant.at_most": {"sv": "högst {threshold}{unit}", "en": "at most {threshold}{unit}"},
    "grant.points": {"sv": "procentenheter", "en": "points"},
    "grant.no_value": {
        "sv": "uppgift saknas för {target} → 0 kr",
        "en": "no value for {target} → 0 kr",
    },
    "grant.met": {
        "sv": "{target} uppnått med {margin} {points} → {amount} kr{share}",
        "en": "met {target} by {margin} {points} → {amount} kr{share}",
    },
    "grant.missed": {
        "sv": "{target} ej uppnått, {margin} {points} kvar → 0 kr",
        "en": "missed {target} by {margin} {points} → 0 kr",
    },
    "grant.year_comparison": {
        "sv": "{then} kr {year} → {now} kr {next_year} ({change:+} kr)",
        "en": "{then} kr in {year} → {now} kr in {next_year} ({change:+} kr)",
    },
    "grant.share": {
        "sv": " ({population} av {national} invånare av potten)",
        "en": " ({population} of {national} inhabitants of the pot)",
    },
    # --- prize runs (services/awards/run/compute.py, decision/service.py) ---
    "robustness.alone": {
        "sv": "{name} är den enda behöriga kandidaten; det finns inget att jämföra med.",
        "en": "{name} is the only eligible candidate; there is nothing to compare it with.",
    },
    "robustness.varied": {
        "sv": "{draws} dragningar med varierade vikter (±{spread} %), normalisering "
        "({normalisations}), hantering av saknade värden ({policies}) och ett kriterium "
        "i taget utelämnat",
        "en": "{draws} draws varying the weights (±{spread} %), the normalisation "
        "({normalisations}), the missing-data policy ({policies}) and leaving one criterion out",
    },
    "robustness.robust": {
        "sv": "{name} rankas först i {p_first:%} av {varied}: vinnaren är robust.",
        "en": "{name} ranks first in {p_first:%} of {varied}: the winner is robust.",
    },
    "robustness.runner_up": {
        "sv": "; {name} rankas först i {p_first:%}",
        "en": "; {name} ranks first in {p_first:%}",
    },
    "robustness.tied": {
        "sv": " Den har samma poäng som {tied}.",
        "en": " It is tied on score with {tied}.",
    },
    "robustness.not_robust": {
        "sv": "Vinnaren är INTE robust: {name} rankas först i bara {p_first:%} av {varied}"
        "{runner_up} (robust kräver {threshold:%}).{tied} Juryn bör väga kandidaterna, "
        "inte metodens val.",
        "en": "The winner is NOT robust: {name} ranks first in only {p_first:%} of {varied}"
        "{runner_up} (robust needs {threshold:%}).{tied} The jury should weigh the "
        "candidates, not the method's choices.",
    },
    "allocation.prize": {"sv": "Pris till {winner}", "en": "Prize to {winner}"},
    # --- problem details (shared/errors.py) ---
    "problem.400": {"sv": "Felaktig begäran", "en": "Bad Request"},
    "problem.401": {"sv": "Inte inloggad", "en": "Unauthorized"},
    "problem.403": {"sv": "Åtkomst nekad", "en": "Forbidden"},
    "problem.404": {"sv": "Hittades inte", "en": "Not Found"},
    "problem.405": {"sv": "Metoden är inte tillåten", "en": "Method Not Allowed"},
    "problem.406": {"sv": "Formatet kan inte levereras", "en": "Not Acceptable"},
    "problem.409": {"sv": "Konflikt", "en": "Conflict"},
    "problem.412": {"sv": "Villkoret uppfylls inte", "en": "Precondition Failed"},
    "problem.413": {"sv": "För stor begäran", "en": "Payload Too Large"},
    "problem.415": {"sv": "Medietypen stöds inte", "en": "Unsupported Media Type"},
    "problem.422": {"sv": "Ogiltiga uppgifter", "en": "Unprocessable Content"},
    "problem.428": {"sv": "Villkor krävs", "en": "Precondition Required"},
    "problem.429": {"sv": "För många förfrågningar", "en": "Too Many Requests"},
    "problem.500": {"sv": "Internt fel", "en": "Internal Server Error"},
    "problem.502": {"sv": "Fel hos en tjänst bakom", "en": "Bad Gateway"},
    "problem.503": {"sv": "Tjänsten är inte tillgänglig", "en": "Service Unavailable"},
    "problem.no_resource": {"sv": "Det finns inget på {path}", "en": "No resource at {path}"},
    "problem.method_not_allowed": {
        "sv": "{method} är inte tillåtet här; tillåtna: {allowed}",
        "en": "{method} is not allowed here; allowed: {allowed}",
    },
    "problem.invalid_values": {
        "sv": "{count} ogiltiga värden",
        "en": "{count} invalid input value(s)",
    },
    "problem.database_unavailable": {
        "sv": "Databasen kan inte nås; försök igen om en stund.",
        "en": "The database is not reachable; try again shortly.",
    },
    "problem.unexpected": {
        "sv": "Ett oväntat fel inträffade; det är loggat med detta request-id.",
        "en": "An unexpected error occurred; it has been logged with this request id.",
    },
    "problem.value_not_stored": {
        "sv": "Ett värde kan inte lagras: {reason}",
        "en": "A value cannot be stored: {reason}",
    },
    "problem.stored_conflict": {
        "sv": "Konflikt med lagrade uppgifter: {reason}",
        "en": "Conflict with stored data: {reason}",
    },
}
CATALOGUE.update(
    {
        # --- the tertial report (services/indicators/report) ---
        "report.title": {
            "sv": "Uppföljning av grunduppdraget {period}",
            "en": "Follow-up of the basic mission {period}",
        },
        "report.note": {
            "sv": "Värden märkta 'Källa: Kolada' är oförändrade Kolada-värden; övriga är "
            "beräknade av Kvalitetsnavet. Resultat från färre än 7 svarande visas inte.",
            "en": "Values marked 'Källa: Kolada' are Kolada's values unchanged; the others are "
            "computed by Kvalitetsnavet. Results from fewer than 7 respondents are not shown.",
        },
        "report.synthetic": {
            "sv": "Syntetiska demonstrationsdata – inte en verklig kommuns siffror",
            "en": "Synthetic demonstration data – not a real municipality's figures",
        },
        "report.no_data.not_reported": {
            "sv": "Inte rapporterat för {period} ännu",
            "en": "Not reported for {period} yet",
        },
        "report.no_data.not_reported_latest": {
            "sv": "Inte rapporterat för {period} ännu; senast {latest}",
            "en": "Not reported for {period} yet; latest {latest}",
        },
        "report.no_data.not_applicable": {
            "sv": "Ej tillämpligt: kommunen har ingen verksamhet inom {area}",
            "en": "Not applicable: the municipality has no service in {area}",
        },
        "report.no_data.suppressed": {
            "sv": "Visas ej: färre än 7 svarande",
            "en": "Not shown: fewer than 7 respondents",
        },
        "report.no_data.suppressed_complementary": {
            "sv": "Visas ej: skulle röja ett dolt värde (sekundär röjandekontroll)",
            "en": "Not shown: it would reveal a suppressed value (complementary suppression)",
        },
        "report.yearly": {"sv": "helår {year}", "en": "full year {year}"},
        "report.gender_suppressed": {"sv": "visas ej", "en": "not shown"},
    }
)
CATALOGUE.update(
    {
        # --- document labels (services/*/ renderers, shared/documents.py) ---
        "doc.page": {"sv": "Sida {page} av {pages}", "en": "Page {page} of {pages}"},
        "doc.municipality": {"sv": "Kommun", "en": "Municipality"},
        "doc.board": {"sv": "Nämnd", "en": "Board"},
        "doc.period": {"sv": "Period", "en": "Period"},
        "doc.year": {"sv": "År", "en": "Year"},
        "doc.data_version": {"sv": "Dataversion", "en": "Data version"},
        "doc.source": {"sv": "Källa", "en": "Source"},
        "doc.footer": {
            "sv": "Dataversion {version} · {source}",
            "en": "Data version {version} · {source}",
        },
        "doc.source.report": {
            "sv": "Kvalitetsnavet; värden märkta Källa: Kolada är Koladas",
            "en": "Kvalitetsnavet; values marked Källa: Kolada are Kolada's",
        },
        "doc.source.computed": {
            "sv": "Beräknat av Kvalitetsnavet",
            "en": "Computed by Kvalitetsnavet",
        },
        "doc.class.struktur": {"sv": "STRUKTUR", "en": "STRUCTURE"},
        "doc.class.process": {"sv": "PROCESS", "en": "PROCESS"},
        "doc.class.effekt": {"sv": "EFFEKT", "en": "OUTCOME"},
        "doc.summary": {"sv": "Sammanfattning per område", "en": "Summary by area"},
        "doc.no_indicators": {"sv": "Inga indikatorer.", "en": "No indicators."},
        "doc.yearly": {"sv": "årsvärde", "en": "yearly value"},
        "doc.col.section": {"sv": "Avsnitt", "en": "Section"},
        "doc.col.class": {"sv": "Klass", "en": "Class"},
        "doc.col.indicator": {"sv": "Indikator", "en": "Indicator"},
        "doc.col.code": {"sv": "Indikatorkod", "en": "Indicator code"},
        "doc.col.source": {"sv": "Källa", "en": "Source"},
        "doc.col.unit": {"sv": "Enhet", "en": "Unit"},
        "doc.col.value_period": {"sv": "Värdets period", "en": "Period of the value"},
        "doc.col.yearly": {"sv": "Årsvärde", "en": "Yearly value"},
        "doc.col.value": {"sv": "Värde", "en": "Value"},
        "doc.col.n": {"sv": "Antal svarande", "en": "Respondents"},
        "doc.col.target": {"sv": "Mål", "en": "Target"},
        "doc.col.status": {"sv": "Måluppfyllelse", "en": "Goal fulfilment"},
        "doc.col.difference": {"sv": "Skillnad mot mål", "en": "Difference from target"},
        "doc.col.explanation": {"sv": "Förklaring", "en": "Explanation"},
        "doc.col.previous_period": {"sv": "Föregående period", "en": "Previous period"},
        "doc.col.previous_value": {"sv": "Föregående värde", "en": "Previous value"},
        "doc.col.change": {"sv": "Förändring", "en": "Change"},
        "doc.col.last_year_value": {
            "sv": "Samma period föregående år",
            "en": "Same period last year",
        },
        "doc.col.women": {"sv": "Kvinnor", "en": "Women"},
        "doc.col.men": {"sv": "Män", "en": "Men"},
        "doc.col.gender_gap": {"sv": "Skillnad kvinnor–män", "en": "Gap women–men"},
        "doc.col.trend": {"sv": "Utveckling", "en": "Trend"},
        "doc.col.met": {"sv": "Uppfyllt", "en": "Met"},
        "doc.col.partly_met": {"sv": "Delvis", "en": "Partly"},
        "doc.col.not_met": {"sv": "Ej uppfyllt", "en": "Not met"},
        "doc.col.no_data": {"sv": "Uppgift saknas", "en": "No data"},
        "doc.col.chart": {"sv": "Fördelning", "en": "Distribution"},
        "doc.yes": {"sv": "ja", "en": "yes"},
        "doc.no": {"sv": "nej", "en": "no"},
    }
)
CATALOGUE.update(
    {
        # --- Driftredovisning (services/budget/operating/render.py) ---
        "drift.title": {"sv": "Driftredovisning {year}", "en": "Operating statement {year}"},
        "drift.revenue": {"sv": "Intäkter {year}", "en": "Revenue {year}"},
        "drift.costs": {"sv": "Kostnader {year}", "en": "Costs {year}"},
        "drift.net": {"sv": "Netto {year}", "en": "Net {year}"},
        "drift.difference": {"sv": "Skillnad", "en": "Difference"},
        "drift.total": {"sv": "Summa", "en": "Total"},
        "drift.phase": {"sv": "Skede", "en": "Phase"},
        "drift.phase.approved": {"sv": "Beslutad budget", "en": "Approved budget"},
        "drift.phase.revised": {"sv": "Reviderad budget", "en": "Revised budget"},
        "drift.phase.forecast": {"sv": "Prognos", "en": "Forecast"},
        "drift.phase.outcome": {"sv": "Utfall", "en": "Outcome"},
        "drift.source": {
            "sv": "Nämndens driftbudget, lagrad i Kvalitetsnavet",
            "en": "The board's operating budget, stored in Kvalitetsnavet",
        },
        "drift.sign": {
            "sv": "Skillnad = −(netto − föregående års netto): förändringen av nettokostnaden "
            "från föregående år; positiv när nettokostnaden ökat, negativ när den minskat.",
            "en": "Difference = −(net − previous year's net): the change in net cost from the "
            "previous year; positive when the net cost grew, negative when it fell.",
        },
    }
)
CATALOGUE.update(
    {
        # --- scorecard (services/indicators/scorecard/render.py) ---
        "scorecard.col.factor": {"sv": "Framgångsfaktor", "en": "Success factor"},
        "scorecard.col.measure": {"sv": "Mått", "en": "Measure"},
        "scorecard.col.status": {"sv": "Måluppfyllelse", "en": "Goal fulfilment"},
        "scorecard.col.explanation": {"sv": "Beräkning", "en": "Arithmetic"},
        "scorecard.gender.T": {"sv": "totalt", "en": "total"},
        "scorecard.gender.K": {"sv": "kvinnor", "en": "women"},
        "scorecard.gender.M": {"sv": "män", "en": "men"},
    }
)
CATALOGUE.update(
    {
        # --- prize decision document (services/awards/decision/render.py) ---
        "decision.title": {"sv": "Beslut: {title}", "en": "Decision: {title}"},
        "decision.heading": {"sv": "Juryns beslut", "en": "The jury's decision"},
        "decision.winner": {
            "sv": "Priset tilldelas {winner} ({amount} {unit}).",
            "en": "The prize is awarded to {winner} ({amount} {unit}).",
        },
        "decision.differs": {
            "sv": "Juryn har valt en annan vinnare än den som rankas först ({rank_one}).",
            "en": "The jury chose a winner other than the one ranked first ({rank_one}).",
        },
        "decision.reason": {"sv": "Motivering: {reason}", "en": "Reason: {reason}"},
        "decision.ranking": {"sv": "Rangordning och förklaring", "en": "Ranking and explanation"},
        "decision.col.rank": {"sv": "Plats", "en": "Rank"},
        "decision.col.candidate": {"sv": "Kandidat", "en": "Candidate"},
        "decision.col.score": {"sv": "Poäng", "en": "Score"},
        "decision.col.explanation": {
            "sv": "Kriterier (värde som använts)",
            "en": "Criteria (value used)",
        },
        "decision.imputed": {"sv": "ersatt", "en": "imputed"},
        "decision.missing": {"sv": "saknas: {criteria}", "en": "missing: {criteria}"},
        "decision.robustness": {"sv": "Robusthet", "en": "Robustness"},
        "decision.chart": {
            "sv": "Känslighetsanalys: blå linje = placering i 90 % av dragningarna (ruta = "
            "median); grön stapel = andel dragningar som förstaplats; röd linje = kravet för "
            "robust vinnare.",
            "en": "Sensitivity: blue line = rank in 90 % of the draws (box = median); green bar "
            "= share of draws ranking first; red line = what a robust winner needs.",
        },
        "decision.footer": {
            "sv": "Utvärdering {run} · metod {hash}",
            "en": "Evaluation {run} · method {hash}",
        },
    }
)
# --- pydantic's validation errors, by error type (shared/errors.py). English keeps pydantic's
# own message (`{msg}`); the other parameters are the error's `ctx`. ---
CATALOGUE.update(
    {
        f"validation.{type_}": {"sv": sv, "en": "{msg}"}
        for type_, sv in {
            "unknown": "Ogiltigt värde ({type})",
            "invalid": "{text}",
            "missing": "Fältet krävs",
            "missing_argument": "Fältet krävs",
            "missing_keyword_only_argument": "Fältet krävs",
            "extra_forbidden": "Fältet finns inte här (okända fält tas inte emot)",
            "unexpected_keyword_argument": "Fältet finns inte här (okända fält tas inte emot)",
            "json_invalid": "Ogiltig JSON",
            "json_type": "Värdet ska vara JSON-text",
            "model_type": "Värdet ska vara ett objekt",
            "model_attributes_type": "Värdet ska vara ett objekt",
            "dict_type": "Värdet ska vara ett objekt",
            "mapping_type": "Värdet ska vara ett objekt",
            "list_type": "Värdet ska vara en lista",
            "tuple_type": "Värdet ska vara en lista",
            "set_type": "Värdet ska vara en lista",
            "frozen_set_type": "Värdet ska vara en lista",
            "iterable_type": "Värdet ska vara en lista",
            "set_item_not_hashable": "Listan innehåller ett värde som inte kan jämföras",
            "none_required": "Värdet ska vara null",
            "greater_than": "Värdet ska vara större än {gt}",
            "greater_than_equal": "Värdet ska vara minst {ge}",
            "less_than": "Värdet ska vara mindre än {lt}",
            "less_than_equal": "Värdet ska vara högst {le}",
            "multiple_of": "Värdet ska vara en multipel av {multiple_of}",
            "finite_number": "Värdet ska vara ett ändligt tal",
            "too_short": "Ska ha minst {min_length} element, inte {actual_length}",
            "too_long": "Får ha högst {max_length} element, inte {actual_length}",
            "string_type": "Värdet ska vara en text",
            "string_unicode": "Värdet ska vara en giltig Unicode-text",
            "string_too_short": "Texten ska ha minst {min_length} tecken",
            "string_too_long": "Texten får ha högst {max_length} tecken",
            "string_pattern_mismatch": "Texten ska följa mönstret {pattern}",
            "string_not_ascii": "Texten får bara innehålla ASCII-tecken",
            "enum": "Värdet ska vara ett av {expected}",
            "literal_error": "Värdet ska vara ett av {expected}",
            "bool_type": "Värdet ska vara ett booleskt värde (true eller false)",
            "bool_parsing": "Värdet ska vara ett booleskt värde (true eller false)",
            "int_type": "Värdet ska vara ett heltal",
            "int_parsing": "Värdet ska vara ett heltal",
            "int_parsing_size": "Heltalet är för stort",
            "int_from_float": "Värdet ska vara ett heltal, utan decimaler",
            "float_type": "Värdet ska vara ett tal",
            "float_parsing": "Värdet ska vara ett tal",
            "bytes_type": "Värdet ska vara bytes",
            "bytes_too_short": "Värdet ska ha minst {min_length} byte",
            "bytes_too_long": "Värdet får ha högst {max_length} byte",
            "bytes_invalid_encoding": "Värdet har en ogiltig kodning",
            "value_error": "Ogiltigt värde: {error}",
            "assertion_error": "Ogiltigt värde: {error}",
            "date_type": "Värdet ska vara ett datum (ÅÅÅÅ-MM-DD)",
            "date_parsing": "Ogiltigt datum; skriv det som ÅÅÅÅ-MM-DD",
            "date_from_datetime_parsing": "Ogiltigt datum; skriv det som ÅÅÅÅ-MM-DD",
            "date_from_datetime_inexact": "Datumet får inte ha ett klockslag",
            "date_past": "Datumet ska ligga i det förflutna",
            "date_future": "Datumet ska ligga i framtiden",
            "time_type": "Värdet ska vara ett klockslag (TT:MM:SS)",
            "time_parsing": "Ogiltigt klockslag; skriv det som TT:MM:SS",
            "datetime_type": "Värdet ska vara en tidpunkt (ÅÅÅÅ-MM-DDTTT:MM:SS)",
            "datetime_parsing": "Ogiltig tidpunkt; skriv den som ÅÅÅÅ-MM-DDTTT:MM:SS",
            "datetime_from_date_parsing": "Ogiltig tidpunkt; skriv den som ÅÅÅÅ-MM-DDTTT:MM:SS",
            "datetime_object_invalid": "Ogiltig tidpunkt",
            "datetime_past": "Tidpunkten ska ligga i det förflutna",
            "datetime_future": "Tidpunkten ska ligga i framtiden",
            "timezone_naive": "Tidpunkten får inte ha en tidszon",
            "timezone_aware": "Tidpunkten ska ha en tidszon",
            "timezone_offset": "Tidpunkten ska ha tidszonen {tz_expected}",
            "time_delta_type": "Värdet ska vara en tidslängd",
            "time_delta_parsing": "Ogiltig tidslängd",
            "url_type": "Värdet ska vara en URL",
            "url_parsing": "Ogiltig URL",
            "url_syntax_violation": "Ogiltig URL",
            "url_too_long": "URL:en får ha högst {max_length} tecken",
            "url_scheme": "URL:en ska börja med {expected_schemes}",
            "uuid_type": "Värdet ska vara ett UUID",
            "uuid_parsing": "Ogiltigt UUID",
            "uuid_version": "UUID:t ska vara av version {expected_version}",
            "decimal_type": "Värdet ska vara ett decimaltal (text eller tal)",
            "decimal_parsing": "Värdet ska vara ett decimaltal",
            "decimal_max_digits": "Talet får ha högst {max_digits} siffror",
            "decimal_max_places": "Talet får ha högst {decimal_places} decimaler",
            "decimal_whole_digits": "Talet får ha högst {whole_digits} siffror före decimaltecknet",
            "union_tag_invalid": "Värdet {tag} av {discriminator} ska vara ett av {expected_tags}",
            "union_tag_not_found": "Fältet {discriminator} krävs för att avgöra objektets typ",
            "is_instance_of": "Värdet har fel typ",
            "callable_type": "Värdet har fel typ",
            "frozen_field": "Fältet kan inte ändras",
            "frozen_instance": "Objektet kan inte ändras",
            "recursion_loop": "Värdet hänvisar till sig självt",
            "control_character": "innehåller styrtecknet U+{code} på position {position}; bara "
            "tabb, radbrytning och vagnretur är tillåtna",
            "personal_data": "ser ut som ett personnummer eller samordningsnummer; sviten "
            "lagrar bara sammanställda uppgifter, så beskriv ärendet utan att peka ut någon",
        }.items()
    }
)
