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
        "sv": "{value}{unit} {symbol} {goal}: skillnad {difference:+}{unit}{tolerance} → {outcome}{note}",
        "en": "{value}{unit} {symbol} {goal}: difference {difference:+}{unit}{tolerance} → {outcome}{note}",
    },
    "target.unrounded": {
        "sv": " (bedömt på det oavrundade värdet)",
        "en": " (judged on the unrounded value)",
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
# --- problem details and located errors, by service (services/*, shared/*) ---
CATALOGUE.update(
    {
        "problem.awards.run_already_decision_decision_changed": {
            "sv": "Utvärderingen {id} har redan ett beslut; ett beslut ändras inte",
            "en": "Run {id} already has a decision; a decision is not changed",
        },
        "problem.awards.no_decision": {
            "sv": "Beslutet {decision_id} finns inte",
            "en": "No decision {decision_id}",
        },
        "problem.awards.run_decision_yet": {
            "sv": "Utvärderingen {run_id} har inget beslut än",
            "en": "Run {run_id} has no decision yet",
        },
        "problem.awards.decision_was_published": {
            "sv": "Beslutet {decision_id} publicerades {published_at}",
            "en": "Decision {decision_id} was published at {published_at}",
        },
        "problem.awards.publish_decision_before_paying_out": {
            "sv": "Publicera beslutet innan priset betalas ut",
            "en": "Publish the decision before paying out the prize",
        },
        "problem.awards.prize_carries_money_book": {
            "sv": "Priset har inga pengar att bokföra",
            "en": "This prize carries no money to book",
        },
        "problem.awards.prize_already_booked_against_fund": {
            "sv": "Priset är redan bokfört mot fonden {fund_id}",
            "en": "The prize is already booked against fund {fund_id}",
        },
        "problem.awards.fund_cover_prize_kr": {
            "sv": "Fonden {fund_id} räcker inte till priset på {amount} kr: {reason}",
            "en": "The fund {fund_id} cannot cover the prize of {amount} kr: {reason}",
        },
        "problem.awards.no_fund_budget_service": {
            "sv": "Fonden {fund_id} finns inte i budgettjänsten",
            "en": "No fund {fund_id} in the budget service",
        },
        "problem.awards.no_evaluation": {
            "sv": "Utvärderingen {run_id} finns inte",
            "en": "No evaluation {run_id}",
        },
        "problem.awards.criterion_codes_unique": {
            "sv": "kriteriernas koder måste vara unika",
            "en": "criterion codes must be unique",
        },
        "problem.awards.population_share_amounts_need_national": {
            "sv": "belopp efter befolkningsandel (population_share) kräver national_population",
            "en": "population_share amounts need national_population",
        },
        "problem.awards.rule_set_already_exists": {
            "sv": "Regelverket {code} för {year} finns redan",
            "en": "Rule set {code} for {year} already exists",
        },
        "problem.awards.no_grant_rule_set": {
            "sv": "Regelverket för prestationsmedel {rule_set_id} finns inte",
            "en": "No grant rule set {rule_set_id}",
        },
        "problem.awards.not_criterion_rule_set": {
            "sv": "inget kriterium i detta regelverk",
            "en": "not a criterion of this rule set",
        },
        "problem.awards.grant_evaluation_made_asked": {
            "sv": "Bedömningen av prestationsmedlen kan inte göras som begärt",
            "en": "The grant evaluation cannot be made as asked",
        },
        "problem.awards.no_grant_evaluation": {
            "sv": "Bedömningen av prestationsmedel {evaluation_id} finns inte",
            "en": "No grant evaluation {evaluation_id}",
        },
        "problem.awards.rule_set_shares_pot_population": {
            "sv": "regelverket fördelar potten efter befolkning; ange befolkningen",
            "en": "the rule set shares a pot by population; give the population",
        },
        "problem.awards.more_than_national_population": {
            "sv": "fler än rikets befolkning {national_population}",
            "en": "more than the national population {national_population}",
        },
        "problem.awards.ended_before_started": {
            "sv": "slutdatumet (ended_on) ligger före startdatumet (started_on)",
            "en": "ended_on is before started_on",
        },
        "problem.awards.unit_codes_duplicates": {
            "sv": "unit_codes innehåller dubbletter",
            "en": "unit_codes has duplicates",
        },
        "problem.awards.grant_names_fund_id_drawn": {
            "sv": "ett bidrag anger den fond (fund_id) det tas från",
            "en": "a grant names the fund_id it is drawn from",
        },
        "problem.awards.no_unit": {
            "sv": "enheten {code} finns inte i {municipality}",
            "en": "no unit {code} in {municipality}",
        },
        "problem.awards.project_names_unknown_units": {
            "sv": "Projektet anger okända enheter",
            "en": "The project names unknown units",
        },
        "problem.awards.project_starting_already_registered": {
            "sv": "Ett projekt '{title}' med start {started_on} är redan registrerat",
            "en": "A project '{title}' starting {started_on} is already registered",
        },
        "problem.awards.no_improvement_project": {
            "sv": "Förbättringsprojektet {project_id} finns inte",
            "en": "No improvement project {project_id}",
        },
        "problem.awards.runs_project_itself_spread_counts": {
            "sv": "{unit_code} driver själv projektet; spridningen räknar andra enheter",
            "en": "{unit_code} runs the project itself; spread counts other units",
        },
        "problem.awards.no_funding_application_project": {
            "sv": "Ansökan om medel {funding_id} för projektet {project_id} finns inte",
            "en": "No funding application {funding_id} for project {project_id}",
        },
        "problem.awards.application_was_already": {
            "sv": "Ansökan har redan status {state}",
            "en": "The application was already {state}",
        },
        "problem.awards.grant_exceed_amount_applied": {
            "sv": "Ett beviljat belopp kan inte överstiga det sökta",
            "en": "A grant cannot exceed the amount applied for",
        },
        "problem.awards.fund_kr_left_kr_granted": {
            "sv": "Fonden {title} har {remaining_ore} kr kvar; {amount} kr kan inte beviljas",
            "en": "The fund {title} has {remaining_ore} kr left; {amount} kr cannot be granted",
        },
        "problem.awards.already_project_unit": {
            "sv": "redan en enhet i projektet",
            "en": "already a project unit",
        },
        "problem.awards.fund_cover_kr": {
            "sv": "Fonden räcker inte till {amount} kr: {reason}",
            "en": "The fund cannot cover {amount} kr: {reason}",
        },
        "problem.awards.more_than_kr_applied": {
            "sv": "mer än de sökta {requested_ore} kr",
            "en": "more than the {requested_ore} kr applied for",
        },
        "problem.awards.no_evaluation_run": {
            "sv": "Utvärderingen {run_id} finns inte",
            "en": "No evaluation run {run_id}",
        },
        "problem.awards.criterion_source_needs_indicator_code": {
            "sv": "ett kriterium med källan '{source}' behöver en indicator_code",
            "en": "a criterion with source '{source}' needs an indicator_code",
        },
        "problem.awards.criterion_source_takes_indicator_code": {
            "sv": "ett kriterium med källan '{source}' tar ingen indicator_code",
            "en": "a criterion with source '{source}' takes no indicator_code",
        },
        "problem.awards.criterion_codes_duplicated": {
            "sv": "kriteriernas koder måste vara unika: {duplicated}",
            "en": "criterion codes must be unique: {duplicated}",
        },
        "problem.awards.group_weights_lacks_weight_group": {
            "sv": "group_weights saknar vikt för grupp(erna): {missing}",
            "en": "group_weights lacks a weight for group(s): {missing}",
        },
        "problem.awards.group_weights_positive": {
            "sv": "gruppvikterna måste vara positiva",
            "en": "group weights must be positive",
        },
        "problem.awards.distance_target_needs_target_least": {
            "sv": "distance_to_target kräver ett målvärde på minst ett kriterium",
            "en": "distance_to_target needs a target on at least one criterion",
        },
        "problem.awards.project_criteria_need_candidates_projects": {
            "sv": "projektkriterier kräver kandidaterna 'projects'",
            "en": "project criteria need candidates 'projects'",
        },
        "problem.awards.project_prize_takes_project_effect": {
            "sv": "ett projektpris tar bara kriterierna project_effect/project_spread",
            "en": "a project prize takes only project_effect/project_spread criteria",
        },
        "problem.awards.unit_prize_name_eligible_unit": {
            "sv": "ett enhetspris måste ange vilka enhetstyper (unit_types) som kan vinna",
            "en": "a unit prize must name its eligible unit_types",
        },
        "problem.awards.scheme_already_exists_scheme_fixed": {
            "sv": "Priset {code} för {year} finns redan i {municipality}; ett pris ligger fast när utvärderingar kan hänvisa till det, så skapa det under en ny kod",
            "en": "Scheme {code} for {year} already exists in {municipality}; a scheme is fixed once runs may refer to it, so create it under a new code",
        },
        "problem.awards.no_scheme": {
            "sv": "Priset {scheme_id} finns inte",
            "en": "No scheme {scheme_id}",
        },
        "problem.budget.send_either_net_cost_net": {
            "sv": "ange antingen net_cost eller net_cost_from",
            "en": "send either net_cost or net_cost_from",
        },
        "problem.budget.standard_cost_deviation_needs_kolada": {
            "sv": "standard_cost_deviation kräver kolada_deviation_percent",
            "en": "standard_cost_deviation needs kolada_deviation_percent",
        },
        "problem.budget.standard_cost_deviation_takes_volume": {
            "sv": "standard_cost_deviation tar ingen volym",
            "en": "standard_cost_deviation takes no volume",
        },
        "problem.budget.needs_volume": {
            "sv": "{kind} kräver volymen ({volume_unit})",
            "en": "{kind} needs the volume ({volume_unit})",
        },
        "problem.budget.no_operating_budget": {
            "sv": "Driftbudgeten {operating_budget_id} finns inte i {municipality}",
            "en": "No operating budget {operating_budget_id} in {municipality}",
        },
        "problem.budget.operating_budget_activity": {
            "sv": "Driftbudgeten har ingen verksamhet {activity_code}",
            "en": "The operating budget has no activity {activity_code}",
        },
        "problem.budget.net_cost_kr_surplus": {
            "sv": "{activity_title} har ingen nettokostnad ({surplus} kr överskott)",
            "en": "{activity_title} has no net cost ({surplus} kr surplus)",
        },
        "problem.budget.not_activity_budget": {
            "sv": "ingen verksamhet i den budgeten",
            "en": "not an activity of that budget",
        },
        "problem.budget.net_cost_positive": {
            "sv": "nettokostnaden är inte positiv",
            "en": "net cost is not positive",
        },
        "problem.budget.sign_for_category": {
            "sv": "en post av kategorin {category} {rule}",
            "en": "a {category} entry {rule}",
        },
        "problem.budget.wrong_sign": {
            "sv": "{count} {entries} ett tecken som motsäger kategorin",
            "en": "{count} ledger {entries} a sign that contradicts the category",
        },
        "problem.budget.ledger_does_reconcile_previous_frame": {
            "sv": "Liggaren stämmer inte: föregående ram {previous} + förändringar {entries} = {expected} {unit}, men ramen är {amount} {unit}; skillnad {difference} {unit}",
            "en": "The ledger does not reconcile: previous frame {previous} + changes {entries} = {expected} {unit}, but the frame is {amount} {unit}; difference {difference} {unit}",
        },
        "problem.budget.ledger_starts_from_but_s": {
            "sv": "Liggaren utgår från {previous} {unit}, men den lagrade ramen för {board} {last_year} är {stored} {unit}; skillnad {difference} {unit}",
            "en": "The ledger starts from {previous} {unit}, but {board}'s stored frame for {last_year} is {stored} {unit}; difference {difference} {unit}",
        },
        "problem.budget.s_stored_frame_starts_from": {
            "sv": "Den lagrade ramen för {board} {next_year} utgår från {starts} {unit}; en ram för {year} på {amount} {unit} skulle bryta dess liggare. Ändra först föregående belopp i ramen för {next_year}",
            "en": "{board}'s stored frame for {next_year} starts from {starts} {unit}; a {year} frame of {amount} {unit} would break its ledger. Change the {next_year} frame's previous amount first",
        },
        "problem.budget.frame_already_exists": {
            "sv": "En ram för {board} {year} finns redan",
            "en": "A frame for {board} {year} already exists",
        },
        "problem.budget.no_frame": {
            "sv": "Ramen {frame_id} finns inte",
            "en": "No frame {frame_id}",
        },
        "problem.budget.expected_previous_sum_changes": {
            "sv": "väntat {expected} {unit} (föregående + summan av förändringarna)",
            "en": "expected {expected} {unit} (previous + sum of changes)",
        },
        "problem.budget.equal_stored_frame": {
            "sv": "ska vara lika med den lagrade ramen för {last_year}, {stored} {unit}",
            "en": "must equal the stored {last_year} frame, {stored} {unit}",
        },
        "problem.budget.frame_starts_from": {
            "sv": "ramen för {next_year} utgår från {starts} {unit}",
            "en": "the {next_year} frame starts from {starts} {unit}",
        },
        "problem.budget.no_fund": {
            "sv": "Fonden {fund_id} finns inte",
            "en": "No fund {fund_id}",
        },
        "problem.budget.fund_already_exists": {
            "sv": "En fond {code} för {year} finns redan i {municipality}",
            "en": "A fund {code} for {year} already exists in {municipality}",
        },
        "problem.budget.fund_cover_remains": {
            "sv": "Fonden {title} ({year}) räcker inte till {amount} {unit}: bara {remaining} {unit} återstår",
            "en": "The fund {title} ({year}) cannot cover {amount} {unit}: only {remaining} {unit} remains",
        },
        "problem.budget.no_allocation_fund": {
            "sv": "Tilldelningen {allocation_id} finns inte i fonden {fund_id}",
            "en": "No allocation {allocation_id} in fund {fund_id}",
        },
        "problem.budget.allocation_reversed": {
            "sv": "Tilldelningen {allocation_id} är återförd; den kan inte få status {to}",
            "en": "Allocation {allocation_id} is reversed; it cannot be {to}",
        },
        "problem.budget.fund_lowered_already_allocated": {
            "sv": "Fonden kan inte sänkas till {amount} {unit}: {allocated} {unit} är redan tilldelat",
            "en": "The fund cannot be lowered to {amount} {unit}: {allocated} {unit} is already allocated",
        },
        "problem.budget.already_used_year": {
            "sv": "används redan detta år",
            "en": "already used for this year",
        },
        "problem.budget.exceeds_remaining": {
            "sv": "överstiger de återstående {remaining} {unit}",
            "en": "exceeds the remaining {remaining} {unit}",
        },
        "problem.budget.investment_table_inconsistent_error_s": {
            "sv": "Investeringstabellen är inte konsekvent: {count} fel; inget lagrades",
            "en": "The investment table is inconsistent: {count} error(s); nothing was stored",
        },
        "problem.budget.project_s_already_stored_change": {
            "sv": "Projekt finns redan lagrade för {board}: {taken}; ändra dem med PUT /v1/investments/{{id}}",
            "en": "Project(s) already stored for {board}: {taken}; change them with PUT /v1/investments/{{id}}",
        },
        "problem.budget.no_investment_project": {
            "sv": "Investeringsprojektet {project_id} finns inte",
            "en": "No investment project {project_id}",
        },
        "problem.budget.year_outside": {
            "sv": "Året {year} ligger utanför 1990–2100",
            "en": "Year {year} is outside 1990–2100",
        },
        "problem.budget.not_plan_year": {
            "sv": "inget planår",
            "en": "not a plan year",
        },
        "problem.budget.code_used_twice": {
            "sv": "koden används två gånger",
            "en": "code used twice",
        },
        "problem.budget.csv_needs_header_row_account": {
            "sv": "CSV-filen behöver en rubrikrad med en kontokolumn (account/konto) och en beloppskolumn (amount/belopp/utfall)",
            "en": "The CSV needs a header row with an account column (account/konto) and an amount column (amount/belopp/utfall)",
        },
        "problem.budget.row_s_outcome_file_used": {
            "sv": "{count_errors} rad(er) i utfallsfilen kan inte användas; inget lagrades",
            "en": "{count_errors} row(s) of the outcome file cannot be used; nothing was stored",
        },
        "problem.budget.outcome_file_rows": {
            "sv": "Utfallsfilen har inga rader",
            "en": "The outcome file has no rows",
        },
        "problem.budget.too_few_columns": {
            "sv": "för få kolumner",
            "en": "too few columns",
        },
        "problem.budget.not_revenue_xxx_cost_xxx_xxx": {
            "sv": "inget intäktskonto (3xxx) eller kostnadskonto (4xxx–8xxx)",
            "en": "not a revenue (3xxx) or cost (4xxx–8xxx) account",
        },
        "problem.budget.no_activity_mapped_account": {
            "sv": "ingen verksamhet är kopplad till detta konto",
            "en": "no activity is mapped to this account",
        },
        "problem.budget.missing_account_amount_column": {
            "sv": "konto- eller beloppskolumnen saknas",
            "en": "missing account or amount column",
        },
        "problem.budget.not_number": {
            "sv": "inget tal",
            "en": "not a number",
        },
        "problem.budget.no_data_rows": {
            "sv": "inga datarader",
            "en": "no data rows",
        },
        "problem.budget.send_outcome_text_csv": {
            "sv": "Skicka utfallet som text/csv, inte {media}",
            "en": "Send the outcome as text/csv, not {media}",
        },
        "problem.budget.forecast_names_tertial_other_phases": {
            "sv": "en prognos anger sitt tertial (1–3); andra skeden har inget",
            "en": "a forecast names its tertial (1–3); other phases have none",
        },
        "problem.budget.send_activities_totals_revenue_costs": {
            "sv": "ange verksamheter, eller summor med intäkter och kostnader",
            "en": "send activities, or totals with revenue and costs",
        },
        "problem.budget.table_inconsistent_error_s_rounding": {
            "sv": "Tabellen är inte konsekvent: {count_errors} fel, {count_warnings} avrundningsvarning(ar); inget lagrades",
            "en": "The table is inconsistent: {count_errors} error(s), {count_warnings} rounding warning(s); nothing was stored",
        },
        "problem.budget.no_operating_budget_id": {
            "sv": "Driftbudgeten {budget_id} finns inte",
            "en": "No operating budget {budget_id}",
        },
        "problem.budget.send_activities_or_totals": {
            "sv": "Ange verksamheter, eller summor med intäkter och kostnader",
            "en": "Send activities, or totals with revenue and costs",
        },
        "problem.budget.no_operating_budget_phase": {
            "sv": "Det finns ingen driftbudget ({label}) för {board} i {municipality}",
            "en": "No {label} operating budget for {board} in {municipality}",
        },
        "problem.budget.account_s_mapped_twice": {
            "sv": "Konton som kopplats två gånger: {duplicates}",
            "en": "Account(s) mapped twice: {duplicates}",
        },
        "problem.budget.no_account_mapping_put_v_account": {
            "sv": "Det finns ingen kontokoppling för {board} i {municipality}; gör först PUT /v1/account-mappings",
            "en": "No account mapping for {board} in {municipality}; PUT /v1/account-mappings first",
        },
        "problem.budget.empty": {
            "sv": "tom",
            "en": "empty",
        },
        "problem.budget.not_stored": {
            "sv": "inte lagrad",
            "en": "not stored",
        },
        "problem.budget.mapped_twice": {
            "sv": "kopplat två gånger",
            "en": "mapped twice",
        },
        "problem.budget.no_account_activity_mapping_stored": {
            "sv": "ingen koppling konto → verksamhet är lagrad",
            "en": "no account → activity mapping stored",
        },
        "problem.budget.already_exists_created_concurrent_request": {
            "sv": "{what} finns redan (skapad av en samtidig begäran)",
            "en": "{what} already exists (created by a concurrent request)",
        },
        "problem.budget.changed_since_you_read_now": {
            "sv": "Det du ändrar ({entity}) har ändrats sedan du läste det: det har nu version {version}; läs det igen och gör om din ändring",
            "en": "The {entity} has changed since you read it: it is now version {version}; read it again and reapply your change",
        },
        "problem.budget.send_if_match_etag_you": {
            "sv": "Skicka If-Match med ETag för det du ändrar ({entity}; nu: {current})",
            "en": "Send If-Match with the ETag of the {entity} you edit (current: {current})",
        },
        "problem.indicators.unknown_value_s": {
            "sv": "Okänt värde för {field}",
            "en": "Unknown {field} value(s)",
        },
        "problem.indicators.one_of": {
            "sv": "ett av {allowed}",
            "en": "one of {allowed}",
        },
        "problem.indicators.unknown_indicator_s": {
            "sv": "Okända indikatorer",
            "en": "Unknown indicator(s)",
        },
        "problem.indicators.unknown_unit_s": {
            "sv": "Okända enheter",
            "en": "Unknown unit(s)",
        },
        "problem.indicators.unknown_indicator": {
            "sv": "okänd indikator",
            "en": "unknown indicator",
        },
        "problem.indicators.no_unit_time": {
            "sv": "enheten {unit} fanns inte i {municipality} vid den tiden",
            "en": "no unit {unit} in {municipality} at that time",
        },
        "problem.indicators.give_numerator_formula_numerator_measure": {
            "sv": "ange en formel för täljaren (eller numerator_measure)",
            "en": "give a numerator formula (or numerator_measure)",
        },
        "problem.indicators.formula_used": {
            "sv": "Formeln kan inte användas",
            "en": "The formula cannot be used",
        },
        "problem.indicators.indicator_already_exists": {
            "sv": "Indikatorn {code} finns redan",
            "en": "Indicator {code} already exists",
        },
        "problem.indicators.no_indicator_key_may_change": {
            "sv": "Det finns ingen indikator {code} som denna nyckel får ändra",
            "en": "No indicator {code} that this key may change",
        },
        "problem.indicators.send_if_match_change_indicator": {
            "sv": "Skicka If-Match: {current} för att ändra indikatorn {code}",
            "en": "Send If-Match: {current} to change indicator {code}",
        },
        "problem.indicators.indicator_changed_current_etag": {
            "sv": "Indikatorn {code} har ändrats; dess nuvarande ETag är {current}",
            "en": "Indicator {code} has changed; its current ETag is {current}",
        },
        "problem.indicators.new_version_start_after_current": {
            "sv": "En ny version måste börja efter den nuvarande",
            "en": "A new version must start after the current one",
        },
        "problem.indicators.no_indicator": {
            "sv": "Indikatorn {code} finns inte",
            "en": "No indicator {code}",
        },
        "problem.indicators.unknown_measure": {
            "sv": "okänt mätvärde '{code}'",
            "en": "unknown measure '{code}'",
        },
        "problem.indicators.on_or_before": {
            "sv": "samma dag som eller före {valid_from}",
            "en": "on or before {valid_from}",
        },
        "problem.indicators.kolada_measures_come_from_kolada": {
            "sv": "Koladas mätvärden kommer från Kolada-synkroniseringen; definiera ett lokalt mätvärde",
            "en": "Kolada measures come from the Kolada sync; define a local measure",
        },
        "problem.indicators.min_value_exceeds_max_value": {
            "sv": "min_value är större än max_value",
            "en": "min_value exceeds max_value",
        },
        "problem.indicators.measure_already_exists": {
            "sv": "Mätvärdet {code} finns redan",
            "en": "Measure {code} already exists",
        },
        "problem.indicators.no_measure": {
            "sv": "Mätvärdet {code} finns inte",
            "en": "No measure {code}",
        },
        "problem.indicators.set_kolada_sync_alone": {
            "sv": "sätts bara av Kolada-synkroniseringen",
            "en": "set by the Kolada sync alone",
        },
        "problem.indicators.greater_than_max_value": {
            "sv": "större än max_value",
            "en": "greater than max_value",
        },
        "problem.indicators.send_if_match_change": {
            "sv": "Skicka If-Match: {etag} för att ändra den",
            "en": "Send If-Match: {etag} to change it",
        },
        "problem.indicators.changed_current_etag": {
            "sv": "Den har ändrats; dess nuvarande ETag är {etag}",
            "en": "It has changed; its current ETag is {etag}",
        },
        "problem.indicators.scorecard_stored": {
            "sv": "Styrkortet kan inte lagras",
            "en": "The scorecard cannot be stored",
        },
        "problem.indicators.no_scorecard": {
            "sv": "Styrkortet {scorecard_id} finns inte i {code}",
            "en": "No scorecard {scorecard_id} in {code}",
        },
        "problem.indicators.already_prioritised_goal": {
            "sv": "{board} har redan prioriterat mål nr {number} för {year}",
            "en": "{board} already has prioritised goal no. {number} for {year}",
        },
        "problem.indicators.goal_names_unknown_indicators": {
            "sv": "Målet anger okända indikatorer",
            "en": "The goal names unknown indicators",
        },
        "problem.indicators.no_prioritised_goal": {
            "sv": "Det prioriterade målet {goal_id} finns inte i {code}",
            "en": "No prioritised goal {goal_id} in {code}",
        },
        "problem.indicators.measure_target_needs_indicator": {
            "sv": "ett mått med målvärde behöver en indikator",
            "en": "a measure with a target needs an indicator",
        },
        "problem.indicators.municipality_wide_target_scope_value": {
            "sv": "ett mål för hela kommunen har inget scope_value",
            "en": "a municipality-wide target has no scope_value",
        },
        "problem.indicators.target_needs_scope_value": {
            "sv": "ett mål för {scope_type} behöver scope_value",
            "en": "a {scope_type} target needs scope_value",
        },
        "problem.indicators.between_target_needs_upper_value": {
            "sv": "ett mål av typen 'between' behöver upper_value",
            "en": "a 'between' target needs upper_value",
        },
        "problem.indicators.upper_value_below_value": {
            "sv": "upper_value är lägre än value",
            "en": "upper_value is below value",
        },
        "problem.indicators.upper_value_between": {
            "sv": "upper_value gäller bara 'between'",
            "en": "upper_value is only for 'between'",
        },
        "problem.indicators.target_stored": {
            "sv": "Målet kan inte lagras",
            "en": "The target cannot be stored",
        },
        "problem.indicators.no_target": {
            "sv": "Målet {target_id} finns inte i {municipality}",
            "en": "No target {target_id} in {municipality}",
        },
        "problem.indicators.send_if_match_change_target": {
            "sv": "Skicka If-Match: {target} för att ändra detta mål",
            "en": "Send If-Match: {target} to change this target",
        },
        "problem.indicators.target_changed_current_etag": {
            "sv": "Målet har ändrats; dess nuvarande ETag är {target}",
            "en": "The target has changed; its current ETag is {target}",
        },
        "problem.indicators.unknown_scope_value": {
            "sv": "ingen känd {scope_type}: {allowed}",
            "en": "not a known {scope_type}: {allowed}",
        },
        "problem.indicators.no_scope_unit": {
            "sv": "enheten {scope_value} finns inte i {municipality}",
            "en": "no unit {scope_value} in {municipality}",
        },
        "problem.indicators.unit_close_before_opens": {
            "sv": "En enhet kan inte stängas innan den öppnar",
            "en": "A unit cannot close before it opens",
        },
        "problem.indicators.unit_already_exists": {
            "sv": "Enheten {code} finns redan i {municipality}",
            "en": "Unit {code} already exists in {municipality}",
        },
        "problem.indicators.no_unit_in": {
            "sv": "Enheten {code} finns inte i {municipality}",
            "en": "No unit {code} in {municipality}",
        },
        "problem.indicators.move_come_after_unit_s": {
            "sv": "En flytt måste komma efter enhetens senaste flytt",
            "en": "A move must come after the unit's last move",
        },
        "problem.indicators.unit_already": {
            "sv": "Enheten {code} ligger redan i {area}",
            "en": "Unit {code} is already in {area}",
        },
        "problem.indicators.send_if_match_change_unit": {
            "sv": "Skicka If-Match: {unit} för att ändra enheten {code}",
            "en": "Send If-Match: {unit} to change unit {code}",
        },
        "problem.indicators.unit_changed_current_etag": {
            "sv": "Enheten {code} har ändrats; dess nuvarande ETag är {unit}",
            "en": "Unit {code} has changed; its current ETag is {unit}",
        },
        "problem.indicators.unit_changed": {
            "sv": "Enheten kan inte ändras så",
            "en": "The unit cannot be changed so",
        },
        "problem.indicators.move_unit_instead_post_v": {
            "sv": "flytta enheten i stället: POST /v1/units/{code}/moves",
            "en": "move the unit instead: POST /v1/units/{code}/moves",
        },
        "problem.indicators.before_opened": {
            "sv": "före opened_on",
            "en": "before opened_on",
        },
        "problem.indicators.before_when_joined": {
            "sv": "samma dag som eller före {valid_from}, då den kom till {area}",
            "en": "on or before {valid_from}, when it joined {area}",
        },
        "problem.ingest.batch_was_rejected_problem_s": {
            "sv": "Leveransen avvisades: {count_errors} fel; inget lagrades",
            "en": "The batch was rejected: {count_errors} problem(s); nothing was stored",
        },
        "problem.ingest.unit_not_open": {
            "sv": "enheten {unit_code} var inte öppen under {period} ({span})",
            "en": "unit {unit_code} was not open in {period} ({span})",
        },
        "problem.ingest.unit_opened": {"sv": "öppnad {day}", "en": "opened {day}"},
        "problem.ingest.unit_closed": {"sv": "stängd {day}", "en": "closed {day}"},
        "problem.ingest.unit_opened_closed": {
            "sv": "öppnad {opened}, stängd {closed}",
            "en": "opened {opened}, closed {closed}",
        },
        "problem.ingest.no_batch": {
            "sv": "Leveransen {batch_id} finns inte",
            "en": "No batch {batch_id}",
        },
        "problem.ingest.request_idempotency_key_still_being": {
            "sv": "En begäran med denna Idempotency-Key behandlas fortfarande; försök igen senare",
            "en": "A request with this Idempotency-Key is still being processed; retry later",
        },
        "problem.ingest.municipal_key_may_name_most": {
            "sv": "en kommunal nyckel får ange högst {limit}",
            "en": "a municipal key may name at most {limit}",
        },
        "problem.ingest.sync_already_pending_running": {
            "sv": "En synkronisering för {scope} väntar eller pågår redan: {running}",
            "en": "A sync for {scope} is already pending or running: {running}",
        },
        "problem.ingest.no_kolada_sync": {
            "sv": "Kolada-synkroniseringen {job_id} finns inte",
            "en": "No Kolada sync {job_id}",
        },
        "problem.ingest.failed_sync_retried": {
            "sv": "Bara en misslyckad synkronisering kan göras om; {id} är {state}",
            "en": "Only a failed sync can be retried; {id} is {state}",
        },
        "problem.ingest.another_sync_scope_pending_running": {
            "sv": "En annan synkronisering för samma omfattning väntar eller pågår: {running}",
            "en": "Another sync for this scope is pending or running: {running}",
        },
        "problem.ingest.sync_larger_than_municipal_key": {
            "sv": "Synkroniseringen är större än en kommunal nyckel får planera",
            "en": "This sync is larger than a municipal key may plan",
        },
        "problem.ingest.not_member_comparison_groups_riket": {
            "sv": "varken {municipality}, en medlem i dess jämförelsegrupper eller riket",
            "en": "not {municipality}, a member of its comparison groups or riket",
        },
        "problem.ingest.no_observation": {
            "sv": "Observationen {what} finns inte",
            "en": "No observation {what}",
        },
        "problem.ingest.national_key_may_see_change": {
            "sv": "Bara en nationell nyckel får se eller ändra observationernas partitioner",
            "en": "Only a national key may see or change the observation partitions",
        },
        "problem.ingest.no_observation_period": {
            "sv": "Det finns ingen observation för perioden {period}: {reason}",
            "en": "No observation for period {period}: {reason}",
        },
        "problem.ingest.no_upload_kind": {
            "sv": "Det finns ingen uppladdningstyp {kind}",
            "en": "No upload kind {kind}",
        },
        "problem.ingest.send_file_form_field_file": {
            "sv": "Skicka filen i formulärfältet 'file'",
            "en": "Send the file in the form field 'file'",
        },
        "problem.ingest.file_was_rejected_problem_s": {
            "sv": "Filen avvisades: {count_header_errors} fel i rubrikraden; inget lagrades",
            "en": "The file was rejected: {count_header_errors} problem(s) in the header row; nothing was stored",
        },
        "problem.ingest.file_was_rejected_nothing_was": {
            "sv": "Filen avvisades: {summary}; inget lagrades",
            "en": "The file was rejected: {summary}; nothing was stored",
        },
        "problem.ingest.file_was_rejected_rows": {
            "sv": "Filen avvisades: {summary}; inget lagrades. Dubbletter i filen och ändringar "
            "av lagrade slutliga värden kontrolleras när alla rader är giltiga",
            "en": "The file was rejected: {summary}; nothing was stored. Keys given twice in the "
            "file and changes to stored final values are checked once every row is valid",
        },
        "problem.ingest.file_data_rows": {
            "sv": "Filen har inga datarader",
            "en": "The file has no data rows",
        },
        "problem.ingest.no_upload": {
            "sv": "Uppladdningen {upload_id} finns inte",
            "en": "No upload {upload_id}",
        },
        "problem.ingest.file_was_rejected": {
            "sv": "Filen avvisades: {reason}",
            "en": "The file was rejected: {reason}",
        },
        "problem.ingest.required_column_missing": {
            "sv": "en obligatorisk kolumn saknas",
            "en": "required column is missing",
        },
        "problem.ingest.column_given_twice": {
            "sv": "kolumnen finns två gånger",
            "en": "column given twice",
        },
        "problem.shared.send_body_application_json": {
            "sv": "Skicka innehållet som application/json, inte {media}",
            "en": "Send the body as application/json, not {media}",
        },
        "problem.shared.send_api_key_authorization_bearer": {
            "sv": "Skicka en API-nyckel som 'Authorization: Bearer <nyckel>'",
            "en": "Send an API key as 'Authorization: Bearer <key>'",
        },
        "problem.shared.api_key_malformed": {
            "sv": "API-nyckeln har fel form",
            "en": "The API key is malformed",
        },
        "problem.shared.no_municipality_visible_key": {
            "sv": "Kommunen {municipality_code} är inte synlig för denna nyckel",
            "en": "No municipality {municipality_code} visible to this key",
        },
        "problem.shared.too_many_failed_authentications_from": {
            "sv": "För många misslyckade inloggningar från denna adress; försök igen efter så många sekunder som Retry-After anger",
            "en": "Too many failed authentications from this address; retry after the number of seconds in Retry-After",
        },
        "problem.shared.send_api_key_kvn_prefix": {
            "sv": "Skicka en API-nyckel (kvn_<prefix>_<secret>); ingen identitetsleverantör är konfigurerad för åtkomsttoken",
            "en": "Send an API key (kvn_<prefix>_<secret>); no identity provider is configured for access tokens",
        },
        "problem.shared.api_key_unknown_revoked": {
            "sv": "API-nyckeln är okänd eller återkallad",
            "en": "The API key is unknown or revoked",
        },
        "problem.shared.national_key_name_municipality": {
            "sv": "En nationell nyckel måste ange kommunen",
            "en": "A national key must name the municipality",
        },
        "problem.shared.caller_acts_several_municipalities_name": {
            "sv": "Anroparen företräder flera kommuner ({names}); ange en",
            "en": "This caller acts for several municipalities ({names}); name one",
        },
        "problem.shared.key_lacks_scope_s": {
            "sv": "Nyckeln saknar behörigheten: {missing}",
            "en": "This key lacks the scope(s): {missing}",
        },
        "problem.shared.required_national_key": {
            "sv": "krävs för en nationell nyckel",
            "en": "required for a national key",
        },
        "problem.shared.required_one": {
            "sv": "krävs: en av {names}",
            "en": "required: one of {names}",
        },
        "problem.shared.service_failed": {
            "sv": "Tjänsten {service} misslyckades ({status_code})",
            "en": "The {service} service failed ({status_code})",
        },
        "problem.shared.service_unavailable": {
            "sv": "Tjänsten {service} är inte tillgänglig ({status_code})",
            "en": "The {service} service is unavailable ({status_code})",
        },
        "problem.shared.service_sent_answer_wrong_shape": {
            "sv": "Tjänsten {service} skickade ett svar med fel form",
            "en": "The {service} service sent an answer of the wrong shape",
        },
        "problem.shared.service_reached": {
            "sv": "Tjänsten {service} kan inte nås",
            "en": "The {service} service cannot be reached",
        },
        "problem.shared.budget_service_sent_allocation_wrong": {
            "sv": "Budgettjänsten skickade en tilldelning med fel form",
            "en": "The budget service sent an allocation of the wrong shape",
        },
        "problem.shared.ingest_service_reached": {
            "sv": "Inläsningstjänsten kan inte nås",
            "en": "The ingest service cannot be reached",
        },
        "problem.shared.ingest_service_sent_batch_result": {
            "sv": "Inläsningstjänsten skickade ett leveransresultat med fel form",
            "en": "The ingest service sent a batch result of the wrong shape",
        },
        "problem.shared.unknown_role_one": {
            "sv": "Okänd roll {role}; en av {roles}",
            "en": "Unknown role {role}; one of {roles}",
        },
        "problem.shared.development_issuer_speaks": {
            "sv": "Utvecklingsutfärdaren företräder bara {municipalities}",
            "en": "The development issuer speaks only for {municipalities}",
        },
        "problem.shared.was_used_before_another_request": {
            "sv": "Denna {field} har använts förut med en annan begäran; skicka en ny {field} för en ny begäran, eller upprepa den första begäran oförändrad",
            "en": "This {field} was used before with another request; send a new {field} for a new request, or repeat the first request unchanged",
        },
        "problem.shared.reused_another_request": {
            "sv": "återanvänd med en annan begäran",
            "en": "reused with another request",
        },
        "problem.shared.access_token_accepted": {
            "sv": "Åtkomsttoken godtas inte: {description}",
            "en": "The access token is not accepted: {description}",
        },
        "problem.shared.identity_provider_s_signing_keys": {
            "sv": "Identitetsleverantörens signeringsnycklar kan inte hämtas; försök igen om en stund",
            "en": "The identity provider's signing keys cannot be fetched; try again shortly",
        },
        "problem.shared.page_holds_most_items": {
            "sv": "En sida rymmer högst {maximum} poster",
            "en": "A page holds at most {maximum} items",
        },
        "problem.shared.page_limit_at_most": {
            "sv": "Värdet ska vara högst {maximum}",
            "en": "Input should be less than or equal to {maximum}",
        },
        "problem.shared.query_parameter_holds_personal_identity": {
            "sv": "En frågeparameter innehåller ett personnummer",
            "en": "A query parameter holds a personal identity number",
        },
        "problem.shared.riket_kolada_s_national_total": {
            "sv": "Riket (0000) är Koladas nationella total, inte en kommun att agera för",
            "en": "Riket (0000) is Kolada's national total, not a municipality to act for",
        },
        "problem.shared.no_key_may_change": {
            "sv": "Det finns ingen {what} som denna nyckel får ändra",
            "en": "No {what} that this key may change",
        },
        "problem.shared.riket_tenant": {
            "sv": "riket är ingen kommun att agera för",
            "en": "riket is not a tenant",
        },
        "problem.shared.webhook_url": {
            "sv": "Webhookens URL {problem}",
            "en": "The webhook URL {problem}",
        },
        "problem.shared.no_webhook_subscription": {
            "sv": "Webhook-prenumerationen {subscription_id} finns inte",
            "en": "No webhook subscription {subscription_id}",
        },
        "problem.budget.entry_has": {
            "sv": "post i liggaren har",
            "en": "entry has",
        },
        "problem.budget.entries_have": {
            "sv": "poster i liggaren har",
            "en": "entries have",
        },
    }
)
# --- problem details and located errors, by service (services/*, shared/*) ---
CATALOGUE.update(
    {
        "problem.indicators.give_period_from": {
            "sv": "ange period=… eller from=…&to=…",
            "en": "give period=… or from=…&to=…",
        },
        "problem.indicators.name_least_one_indicator": {
            "sv": "ange minst en indikator",
            "en": "name at least one indicator",
        },
        "problem.indicators.most_indicators": {
            "sv": "högst {maximum} indikatorer",
            "en": "at most {maximum} indicators",
        },
        "problem.indicators.give_both_from": {
            "sv": "ange både from och to",
            "en": "give both from and to",
        },
        "problem.indicators.from_same_kind_period": {
            "sv": "from och to måste vara samma slags period",
            "en": "from and to must be the same kind of period",
        },
        "problem.indicators.before_from": {
            "sv": "to ligger före from",
            "en": "to is before from",
        },
        "problem.indicators.most_periods": {
            "sv": "högst {maximum} perioder",
            "en": "at most {maximum} periods",
        },
        "problem.indicators.formula.expected_number_measure_but_found": {
            "sv": "väntade ett tal, ett mätvärde eller '(' men fann '{text}'",
            "en": "expected a number, a measure or '(' but found '{text}'",
        },
        "problem.indicators.formula.formula_most_characters": {
            "sv": "en formel har högst {maximum} tecken",
            "en": "a formula is at most {maximum} characters",
        },
        "problem.indicators.formula.formula_empty": {
            "sv": "formeln är tom",
            "en": "the formula is empty",
        },
        "problem.indicators.formula.expected_but_found": {
            "sv": "väntade '{text}' men fann {found}",
            "en": "expected '{text}' but found {found}",
        },
        "problem.indicators.formula.unexpected": {
            "sv": "oväntat '{text}'",
            "en": "unexpected '{text}'",
        },
        "problem.indicators.formula.formula_ends_where_value_was": {
            "sv": "formeln slutar där ett värde väntades",
            "en": "the formula ends where a value was expected",
        },
        "problem.indicators.formula.too_deeply_nested": {
            "sv": "för djupt nästlad",
            "en": "too deeply nested",
        },
        "problem.indicators.formula.number": {
            "sv": "'{raw}' är inget tal",
            "en": "'{raw}' is not a number",
        },
        "problem.indicators.formula.name_start_digit": {
            "sv": "ett namn kan inte börja med en siffra",
            "en": "a name cannot start with a digit",
        },
        "problem.indicators.formula.number_2": {
            "sv": "'{text}' är inget tal",
            "en": "'{text}' is not a number",
        },
        "problem.indicators.formula.gender_selection_t_k_m": {
            "sv": "ett könsval är [T], [K] eller [M]",
            "en": "a gender selection is [T], [K] or [M]",
        },
        "problem.indicators.formula.unexpected_character": {
            "sv": "oväntat tecken '{ch}'",
            "en": "unexpected character '{ch}'",
        },
        "problem.ingest.differs_from_stored_final_value": {
            "sv": "skiljer sig från det lagrade slutliga värdet {stored} (skicka mode 'revise' för att ersätta det; det gamla värdet sparas)",
            "en": "differs from the stored final value {stored} (send mode 'revise' to replace it; the old value is kept)",
        },
        "problem.ingest.numerator_exceeds_denominator": {
            "sv": "täljaren är större än nämnaren",
            "en": "numerator exceeds denominator",
        },
        "problem.ingest.give_value_numerator": {
            "sv": "ange ett värde (eller en täljare)",
            "en": "give a value (or a numerator)",
        },
        "problem.ingest.count_non_negative_integer": {
            "sv": "ett antal måste vara ett heltal som inte är negativt",
            "en": "a count must be a non-negative integer",
        },
        "problem.ingest.unknown_local_measure": {
            "sv": "okänt lokalt mätvärde",
            "en": "unknown local measure",
        },
        "problem.ingest.unknown_unit_municipality": {
            "sv": "okänd enhet i kommunen {municipality}",
            "en": "unknown unit in municipality {municipality}",
        },
        "problem.ingest.out_range": {
            "sv": "utanför intervallet {low}–{high} för {measure_code}",
            "en": "out of range {low}–{high} for {measure_code}",
        },
        "problem.ingest.duplicate_row_same_unit_measure": {
            "sv": "dubblett av rad {row} (samma enhet, mätvärde, period och kön)",
            "en": "duplicate of row {row} (same unit, measure, period, gender)",
        },
        "problem.ingest.differs_from_stored_final_value_2": {
            "sv": "skiljer sig från det lagrade slutliga värdet {value} (skicka mode 'revise' för att ersätta det; det gamla värdet sparas)",
            "en": "differs from the stored final value {value} (send mode 'revise' to replace it; the old value is kept)",
        },
        "problem.ingest.period_required": {
            "sv": "en period krävs",
            "en": "a period is required",
        },
        "problem.ingest.gender_t_k_m": {
            "sv": "kön måste vara T, K eller M",
            "en": "gender must be T, K or M",
        },
        "problem.ingest.row_holds_value": {
            "sv": "raden innehåller inget värde",
            "en": "the row holds no value",
        },
        "problem.ingest.unit_required": {
            "sv": "en enhet krävs",
            "en": "a unit is required",
        },
        "problem.ingest.problem_for_measure": {
            "sv": "{problem} för {measure}",
            "en": "{problem} for {measure}",
        },
        "problem.ingest.measure_required": {
            "sv": "ett mätvärde krävs",
            "en": "a measure is required",
        },
        "problem.ingest.duplicate_row_same_unit_measure_2": {
            "sv": "dubblett av rad {row} (samma enhet, mätvärde, period och kön: {measure})",
            "en": "duplicate of row {row} (same unit, measure, period and gender: {measure})",
        },
        "problem.ingest.differs_from_stored_final_value_3": {
            "sv": "skiljer sig från det lagrade slutliga värdet {stored} för {measure} (ladda upp med mode=revise för att ersätta det; det gamla värdet sparas)",
            "en": "differs from the stored final value {stored} of {measure} (upload with mode=revise to replace it; the old value is kept)",
        },
        "problem.ingest.value_required": {
            "sv": "ett värde krävs",
            "en": "a value is required",
        },
        "problem.ingest.more_than_respondents": {
            "sv": "fler än de {respondents} svarande",
            "en": "more than the {respondents} respondents",
        },
    }
)
CATALOGUE.update(
    {
        "problem.awards.winner_not_eligible": {
            "sv": "{winner} var inte behörig: {reason}",
            "en": "{winner} was not eligible: {reason}",
        },
        "problem.awards.winner_not_candidate": {
            "sv": "{winner} är ingen kandidat i denna utvärdering",
            "en": "{winner} is not a candidate of this run",
        },
        "problem.awards.unknown_fund": {
            "sv": "okänd fond",
            "en": "unknown fund",
        },
        "period.type.year": {
            "sv": "år",
            "en": "year",
        },
        "period.type.tertial": {
            "sv": "tertial",
            "en": "tertial",
        },
        "period.type.quarter": {
            "sv": "kvartal",
            "en": "quarter",
        },
        "period.type.month": {
            "sv": "månad",
            "en": "month",
        },
        "problem.period.year_out_of_range": {
            "sv": "året {year} ligger utanför 1900–2200",
            "en": "year {year} is out of range 1900–2200",
        },
        "problem.period.index_out_of_range": {
            "sv": "{type} nummer {index} finns inte",
            "en": "{type} index {index} is out of range",
        },
        "problem.period.not_a_period": {
            "sv": "'{raw}' är ingen period; skriv 2024, 2024T2, 2024Q3 eller 2024-05",
            "en": "'{raw}' is not a period; use 2024, 2024T2, 2024Q3 or 2024-05",
        },
        "problem.period.no_roll_up": {
            "sv": "periodtypen {type} kan inte räknas samman till {parent}",
            "en": "a {type} does not roll up into a {parent}",
        },
        "problem.period.no_children": {
            "sv": "periodtypen {type} innehåller ingen period av typen {child}",
            "en": "a {type} has no {child}s inside it",
        },
        "problem.period.beyond_horizon": {
            "sv": "efter {last_year}: en observation får gälla högst innevarande år + {years_ahead}",
            "en": "after {last_year}: an observation may be for this year + {years_ahead} at most",
        },
        "problem.ingest.ambiguous_number": {
            "sv": "tvetydigt tal: både ',' och '.'",
            "en": "ambiguous number: both ',' and '.'",
        },
        "problem.ingest.not_a_number": {
            "sv": "inget tal",
            "en": "not a number",
        },
        "problem.ingest.period_type": {
            "sv": "en rad av typen {kind} behöver en period av typen {allowed}",
            "en": "a {kind} row needs a period of type {allowed}",
        },
        "problem.ingest.out_of_range": {
            "sv": "utanför intervallet {low}–{high}",
            "en": "out of range {low}–{high}",
        },
    }
)
CATALOGUE.update(
    {
        "problem.awards.no_criterion_has_data": {
            "sv": "Inget av prisets kriterier har data för {period}: {reasons}",
            "en": "No criterion of the scheme has data for {period}: {reasons}",
        },
        "problem.awards.criterion_unavailable": {
            "sv": "{reason}",
            "en": "{reason}",
        },
        "problem.awards.criterion_lacking": {
            "sv": "{criterion} ({candidates}: {reason})",
            "en": "{criterion} ({candidates}: {reason})",
        },
        "problem.awards.no_eligible_candidate": {
            "sv": "ingen behörig kandidat",
            "en": "no eligible candidate",
        },
        "problem.awards.required_criterion_no_value_for": {
            "sv": "det obligatoriska kriteriet {criterion} saknar värde för {candidate}: {reason}",
            "en": "required criterion {criterion} has no value for {candidate}: {reason}",
        },
        "problem.awards.required_criterion_no_value": {
            "sv": "det obligatoriska kriteriet {criterion} saknar värde: {reason}",
            "en": "required criterion {criterion} has no value: {reason}",
        },
        "problem.awards.required_criteria_missing": {
            "sv": "Obligatoriska kriterier saknar data, så utvärderingen kan inte rangordna rättvist: {criteria}",
            "en": "Required criteria lack data, so the run cannot rank fairly: {criteria}",
        },
        "problem.awards.no_value_for_period": {
            "sv": "inget värde för perioden",
            "en": "no value for the period",
        },
        "problem.money.out_of_range": {
            "sv": "{amount} {unit} ligger utanför det tillåtna (högst {maximum} kr)",
            "en": "{amount} {unit} is out of range (at most {maximum} kr)",
        },
        "problem.money.finer_than_ore": {
            "sv": "{amount} {unit} är finare än ett öre",
            "en": "{amount} {unit} is finer than one öre",
        },
        "problem.ingest.file_empty": {
            "sv": "filen är tom; första raden ska ange kolumnerna",
            "en": "the file is empty; the first row must name the columns",
        },
        "problem.ingest.not_readable_xlsx": {
            "sv": "ingen läsbar XLSX-fil: {reason}",
            "en": "not a readable XLSX file: {reason}",
        },
        "problem.ingest.sheet_empty": {
            "sv": "bladet är tomt; första raden ska ange kolumnerna",
            "en": "the sheet is empty; the first row must name the columns",
        },
        "problem.refused": {
            "sv": "{reason}",
            "en": "{reason}",
        },
        "problem.webhook.invalid_url": {
            "sv": "är ingen giltig URL",
            "en": "not a valid URL",
        },
        "problem.webhook.not_https": {
            "sv": "måste vara en https://-URL",
            "en": "must be an https:// URL",
        },
        "problem.webhook.no_host": {
            "sv": "saknar värd",
            "en": "has no host",
        },
        "problem.webhook.credentials": {
            "sv": "får inte innehålla inloggningsuppgifter",
            "en": "must not carry credentials",
        },
        "problem.webhook.fragment": {
            "sv": "får inte ha ett fragment (#)",
            "en": "must not have a fragment",
        },
        "problem.webhook.port": {
            "sv": "har en ogiltig port",
            "en": "has an invalid port",
        },
        "problem.webhook.private": {
            "sv": "får inte peka på en loopback-, privat eller reserverad adress",
            "en": "must not point at a loopback, private or reserved address",
        },
        "problem.webhook.host_not_allowed": {
            "sv": "värden {host} finns inte i WEBHOOK_ALLOWED_HOSTS",
            "en": "host {host} is not in WEBHOOK_ALLOWED_HOSTS",
        },
        "problem.budget.budget_exists": {
            "sv": "{board} har redan {phase} för {period}; ersätt den med PUT /v1/operating-budgets/{budget_id} och If-Match",
            "en": "{board} already has a {phase} budget for {period}; replace it with PUT /v1/operating-budgets/{budget_id} and If-Match",
        },
        "problem.budget.phase.approved": {
            "sv": "en beslutad budget",
            "en": "approved",
        },
        "problem.budget.phase.revised": {
            "sv": "en reviderad budget",
            "en": "revised",
        },
        "problem.budget.phase.forecast": {
            "sv": "en prognos",
            "en": "forecast",
        },
        "problem.budget.phase.outcome": {
            "sv": "ett utfall",
            "en": "outcome",
        },
        "problem.ingest.unknown_column": {
            "sv": "okänd kolumn för typen {kind}; väntade {expected}",
            "en": "unknown column for kind {kind}; expected {expected}",
        },
        "problem.shared.not_own_units": {
            "sv": "En enhetschef får bara skriva för sina egna enheter; inte för: {units}",
            "en": "A unit manager may write only for their own units; not for: {units}",
        },
        "problem.shared.the_municipality": {
            "sv": "(kommunen)",
            "en": "(the municipality)",
        },
    }
)
CATALOGUE.update(
    {
        "budget.check.field.revenue": {
            "sv": "intäkter",
            "en": "revenue",
        },
        "budget.check.field.costs": {
            "sv": "kostnader",
            "en": "costs",
        },
        "budget.check.field.net": {
            "sv": "netto",
            "en": "net",
        },
        "budget.check.where": {
            "sv": "{activity}, {field}",
            "en": "{activity}, {field}",
        },
        "budget.check.sign_missing": {
            "sv": "{where}: {printed} är skrivet utan sitt tecken; {what} ger {computed} {unit}",
            "en": "{where}: {printed} is written without its sign; {what} gives {computed} {unit}",
        },
        "budget.check.rounding": {
            "sv": "{where}: angivet {printed}, {what} ger {computed} {unit}; skillnaden {difference} ryms inom avrundningstoleransen {tolerance} {unit}; det beräknade värdet lagras",
            "en": "{where}: printed {printed}, {what} gives {computed} {unit}; difference {difference} is within the rounding tolerance of {tolerance} {unit}; the computed value is stored",
        },
        "budget.check.inconsistent": {
            "sv": "{where}: angivet {printed}, {what} ger {computed} {unit}; skillnaden {difference} överstiger avrundningstoleransen {tolerance} {unit}",
            "en": "{where}: printed {printed}, {what} gives {computed} {unit}; difference {difference} exceeds the rounding tolerance of {tolerance} {unit}",
        },
        "budget.check.duplicate_activity": {
            "sv": "{title}: verksamhetskoden {code} finns också på rad {row}",
            "en": "{title}: activity code {code} is also row {row}",
        },
        "budget.check.revenue_negative": {
            "sv": "{title}, intäkter: {amount} är negativt; intäkter skrivs positiva i denna tabell",
            "en": "{title}, revenue: {amount} is negative; revenue is written positive in this table",
        },
        "budget.check.costs_positive": {
            "sv": "{title}, kostnader: {amount} är positivt; kostnader skrivs negativa i denna tabell (saknas tecknet?)",
            "en": "{title}, costs: {amount} is positive; costs are written negative in this table (sign missing?)",
        },
        "budget.check.revenue_plus_costs": {
            "sv": "intäkter + kostnader",
            "en": "revenue + costs",
        },
        "budget.check.unknown_parent": {
            "sv": "{title}: överordnad verksamhet {parent} finns inte i denna tabell",
            "en": "{title}: parent {parent} is not an activity of this table",
        },
        "budget.check.cyclic_parent": {
            "sv": "{title}: hierarkin går i cirkel",
            "en": "{title}: the hierarchy loops",
        },
        "budget.check.sum_of_children": {
            "sv": "summan av dess underverksamheter",
            "en": "the sum of its sub-activities",
        },
        "budget.check.activities_net": {
            "sv": "verksamheternas intäkter + kostnader",
            "en": "the sum of the activities' revenue + costs",
        },
        "budget.check.sum_of_activities": {
            "sv": "summan av verksamheterna",
            "en": "the sum of the activities",
        },
        "budget.check.totals_needed": {
            "sv": "en tabell utan verksamheter behöver summor med intäkter och kostnader",
            "en": "a table without activities needs totals with revenue and costs",
        },
        "budget.check.total_revenue_negative": {
            "sv": "Summa, intäkter: {amount} är negativt",
            "en": "Summa, revenue: {amount} is negative",
        },
        "budget.check.total_costs_positive": {
            "sv": "Summa, kostnader: {amount} är positivt; kostnader skrivs negativa (saknas tecknet?)",
            "en": "Summa, costs: {amount} is positive; costs are written negative (sign missing?)",
        },
        "budget.check.frame_within": {
            "sv": "ryms inom avrundningstoleransen {tolerance} {unit}",
            "en": "is within the rounding tolerance of {tolerance} {unit}",
        },
        "budget.check.frame_exceeds": {
            "sv": "överstiger avrundningstoleransen {tolerance} {unit}",
            "en": "exceeds the rounding tolerance of {tolerance} {unit}",
        },
        "budget.check.frame_difference": {
            "sv": "nettokostnaden {net_cost} {unit} skiljer sig från ramen för {board} {year} ({frame} {unit}) med {difference} {unit} (positiv = över ramen); skillnaden {what}",
            "en": "the net cost {net_cost} {unit} differs from {board}'s frame for {year} ({frame} {unit}) by {difference} {unit} (positive = over the frame); the difference {what}",
        },
        "budget.check.investment_total": {
            "sv": "Summa {year}: angivet {printed}, raderna summerar till {computed} {unit}; skillnad {difference}",
            "en": "Summa {year}: printed {printed}, the lines sum to {computed} {unit}; difference {difference}",
        },
        "budget.check.investment_within": {
            "sv": "{base}, inom avrundningstoleransen {tolerance} {unit}",
            "en": "{base}, within the rounding tolerance of {tolerance} {unit}",
        },
        "budget.check.investment_leaves_out": {
            "sv": "{base}: den angivna summan utelämnar {left_out}",
            "en": "{base}: the printed total leaves out {left_out}",
        },
        "budget.check.investment_exceeds": {
            "sv": "{base}, mer än avrundningstoleransen {tolerance} {unit}",
            "en": "{base}, more than the rounding tolerance of {tolerance} {unit}",
        },
    }
)
CATALOGUE.update(
    {
        "problem.awards.refused_by_budget": {
            "sv": "budgettjänsten avvisade det",
            "en": "refused by the budget service",
        },
        "problem.ingest.every_tenant": {
            "sv": "alla kommuner",
            "en": "every tenant",
        },
        "problem.budget.nothing": {
            "sv": "ingenting",
            "en": "nothing",
        },
    }
)
CATALOGUE.update(
    {
        "problem.shared.body_too_large": {
            "sv": "Begärans innehåll överstiger gränsen på {limit} byte",
            "en": "The request body exceeds the limit of {limit} bytes",
        },
        "problem.shared.rate_limited": {
            "sv": "Fler än {per_minute} förfrågningar per minut",
            "en": "More than {per_minute} requests per minute",
        },
        "problem.shared.database_not_answering": {
            "sv": "Databasen svarar inte",
            "en": "The database does not answer",
        },
        "problem.shared.still_starting": {
            "sv": "Tjänsten startar fortfarande sina arbetsprocesser",
            "en": "The service is still starting its worker processes",
        },
    }
)
CATALOGUE.update(
    {
        "problem.ingest.summary_stopped": {
            "sv": "minst {count} fel (läsningen avbröts vid de första {first})",
            "en": "at least {count} problems (reading stopped at the first {first})",
        },
        "problem.ingest.summary_listed": {
            "sv": "{count} fel (de första {first} visas)",
            "en": "{count} problem(s) (the first {first} are listed)",
        },
        "problem.ingest.summary": {
            "sv": "{count} fel",
            "en": "{count} problem(s)",
        },
        "problem.indicators.formula.the_end": {
            "sv": "slutet",
            "en": "the end",
        },
    }
)
CATALOGUE.update(
    {
        "budget.entity.frame": {
            "sv": "ram",
            "en": "frame",
        },
        "budget.entity.fund": {
            "sv": "fond",
            "en": "fund",
        },
        "budget.entity.operating_budget": {
            "sv": "driftbudget",
            "en": "operating_budget",
        },
        "budget.entity.investment": {
            "sv": "investeringsprojekt",
            "en": "investment",
        },
        "budget.unique.frame": {
            "sv": "En ram för {board} {year}",
            "en": "A frame for {board} {year}",
        },
        "budget.unique.fund": {
            "sv": "Fonden eller tilldelningen",
            "en": "This fund or allocation",
        },
        "budget.unique.operating": {
            "sv": "Driftbudgeten ({phase}) för {year}",
            "en": "This {phase} budget for {year}",
        },
        "budget.unique.investment": {
            "sv": "Investeringsprojektet {code}",
            "en": "Investment project {code}",
        },
    }
)
CATALOGUE.update(
    {
        "problem.budget.phase_period": {
            "sv": "{phase} {period}",
            "en": "{phase} {period}",
        },
        "problem.budget.phase_code.approved": {
            "sv": "beslutad",
            "en": "approved",
        },
        "problem.budget.phase_code.revised": {
            "sv": "reviderad",
            "en": "revised",
        },
        "problem.budget.phase_code.forecast": {
            "sv": "prognos",
            "en": "forecast",
        },
        "problem.budget.phase_code.outcome": {
            "sv": "utfall",
            "en": "outcome",
        },
    }
)
CATALOGUE.update(
    {
        # --- prize runs: reasons stored with a run and shown in the reader's language
        # (services/awards/run/compute.py, service.py; the code is the key's last part) ---
        "awards.reason.suppressed": {
            "sv": "färre än 7 svarande för {period} – resultatet redovisas inte",
            "en": "suppressed for {period}: fewer than 7 answered",
        },
        "awards.reason.no_value": {
            "sv": "inget värde för {period}",
            "en": "no value for {period}",
        },
        "awards.reason.too_few_respondents": {
            "sv": "{n} svarande för {period}; minst {minimum} svarande krävs",
            "en": "{n} answered in {period}; results need at least {minimum}",
        },
        "awards.reason.no_comparable_value": {
            "sv": "inget jämförbart värde för {period}",
            "en": "no comparable value for {period}",
        },
        "awards.reason.too_few_for_change": {
            "sv": "för få svarande för att mäta förändringen ({n} för {period}, {n_previous} "
            "för {previous_period}; minst {minimum} krävs båda åren)",
            "en": "too few answers to measure change ({n} in {period}, {n_previous} in "
            "{previous_period}; needs {minimum} in both)",
        },
        "awards.reason.unit_type": {
            "sv": "enhetstypen {unit_type} ingår inte i priset (det gäller {eligible})",
            "en": "unit type {unit_type} is not eligible (eligible: {eligible})",
        },
        "awards.reason.opened": {
            "sv": "öppnade {date} och var inte i drift hela {year}",
            "en": "opened {date}: not active the whole of {year}",
        },
        "awards.reason.closed": {
            "sv": "stängde {date} och var inte i drift hela {year}",
            "en": "closed {date}: not active the whole of {year}",
        },
        "awards.reason.min_respondents": {
            "sv": "{criterion}: {n} svarande för {period} (ett resultat som inte redovisas "
            "räknas som 0); priset kräver minst {minimum} för att enheten ska kunna delta",
            "en": "{criterion}: {n} respondents in {period} (a suppressed result counts as 0); "
            "the scheme needs at least {minimum} to be eligible",
        },
        "awards.reason.min_judged_targets": {
            "sv": "{criterion}: {n} bedömda mål för {period}; priset kräver minst {minimum} "
            "för att enheten ska kunna delta",
            "en": "{criterion}: {n} judged targets in {period}; the scheme needs at least "
            "{minimum} to be eligible",
        },
        "awards.reason.too_little_data": {
            "sv": "uppgifter för {present} av {total} kriterier ({share} %); priset kräver "
            "{needed} %",
            "en": "data for {present} of {total} criteria ({share} %); the scheme needs {needed} %",
        },
        "awards.reason.indicator_unavailable": {
            "sv": "indikatorn {code} går inte att hämta från indikatortjänsten",
            "en": "indicator {code} is not available from the indicators service",
        },
        "awards.reason.goal_status_unavailable": {
            "sv": "måluppfyllelsen går inte att hämta från indikatortjänsten",
            "en": "goal status is not available from the indicators service",
        },
        "awards.reason.no_goal_status": {
            "sv": "ingen bedömd måluppfyllelse för {period}",
            "en": "no goal status for {period}",
        },
        "awards.reason.no_unit_values": {
            "sv": "indikatorn {code} har inga värden per enhet för {period}",
            "en": "indicator {code} has no unit values for {period}",
        },
        "awards.reason.no_projects": {
            "sv": "inga förbättringsprojekt {year}",
            "en": "no improvement projects in {year}",
        },
        "awards.reason.no_project_targets": {
            "sv": "inget projekt med uppgifter har {code} som målindikator",
            "en": "no project targets {code} with data",
        },
        "awards.period.before_project": {
            "sv": "året innan respektive projekt startade",
            "en": "the year before each project started",
        },
        "awards.missing": {"sv": "{column}: {reason}", "en": "{column}: {reason}"},
        "awards.criterion_reason": {"sv": "{criterion} ({reason})", "en": "{criterion} ({reason})"},
        "awards.weights.all": {
            "sv": "Alla kriterier har värden: prisets egna vikter gäller.",
            "en": "Every criterion has a value: the scheme's own weights apply.",
        },
        "awards.weights.left_out": {
            "sv": "Värde saknas för {names} ({share:.1} % av prisets vikt): lämnas utanför, och "
            "övriga vikter multipliceras med {factor:.3} (1 ÷ {kept:.3}) så att summan blir ett.",
            "en": "No value for {names} ({share:.1}% of the scheme's weight): left out, and the "
            "other weights scaled by {factor:.3} (1 ÷ {kept:.3}) to sum to one.",
        },
        "awards.weights.imputed.mean": {
            "sv": "Värde saknas för {names}: ersatt med medelvärdet av de normaliserade värdena "
            "hos de kandidater som har det; vikterna är oförändrade.",
            "en": "No value for {names}: given the mean normalised value of the candidates that "
            "have it, weights unchanged.",
        },
        "awards.weights.imputed.worst": {
            "sv": "Värde saknas för {names}: ersatt med det sämsta normaliserade värdet bland de "
            "kandidater som har det; vikterna är oförändrade.",
            "en": "No value for {names}: given the worst normalised value of the candidates "
            "that have it, weights unchanged.",
        },
        "awards.weights.both": {"sv": "{first} {second}", "en": "{first} {second}"},
        "awards.method.tie_rule": {
            "sv": "högst poäng först; vid lika poäng (på 1e-9 när) går enheten med flest "
            "kriterier med värde först, sedan den med flest svarande totalt, sedan enhetskoden "
            "i bokstavsordning",
            "en": "higher score first; on equal scores (to 1e-9) the unit with more criteria "
            "present, then the larger total number of respondents, then the unit code in "
            "alphabetical order",
        },
        "awards.method.missing.reweight": {
            "sv": "ett kriterium som saknar värde lämnas utanför enhetens poäng och övriga vikter "
            "skalas upp så att summan blir ett",
            "en": "a missing criterion is left out of the unit's score and the other weights "
            "are scaled up to sum to one",
        },
        "awards.method.missing.mean": {
            "sv": "ett kriterium som saknar värde får medelvärdet av de normaliserade värdena hos "
            "de enheter som har det",
            "en": "a missing criterion gets the mean normalised value of the units that have it",
        },
        "awards.method.missing.worst": {
            "sv": "ett kriterium som saknar värde får det sämsta normaliserade värde som "
            "förekommer",
            "en": "a missing criterion gets the worst normalised value observed",
        },
        "awards.method.improvement_rule": {
            "sv": "förändring mot föregående år; för andelar från enkäter räknas förbättringen "
            "som förändringen − {z} × dess medelfel (binomialt, Wilson-centrerat), och båda "
            "åren behöver minst {minimum} svarande",
            "en": "change against the previous year; for survey shares the credited "
            "improvement is change − {z} × its standard error (Wilson-centred binomial), and "
            "both years need at least {minimum} answers",
        },
        "awards.method.mix": {
            "sv": "varje kriterium räknas till {level} för sin nivå och till {change} för sin "
            "förbättring",
            "en": "each criterion counts {level} for its level and {change} for its improvement",
        },
        "awards.method.geometric": {
            "sv": "varje normaliserat kriterium förs först över till intervallet {floor}–1",
            "en": "each normalised criterion is mapped onto [{floor}, 1] first",
        },
        "robustness.none": {
            "sv": "Ingen kandidat är behörig; det finns ingen vinnare.",
            "en": "No candidate is eligible; there is no winner.",
        },
    }
)
CATALOGUE.update(
    {
        # --- why an access token is refused (shared/oidc.py; the detail of a 401, and in
        # English the challenge's error_description) ---
        "problem.oidc.unknown_kid": {
            "sv": "utfärdaren känner inte till signeringsnyckeln (kid)",
            "en": "the signing key (kid) is not known to the issuer",
        },
        "problem.oidc.malformed": {
            "sv": "ingen korrekt uppbyggd JWT",
            "en": "not a well-formed JWT",
        },
        "problem.oidc.algorithm": {
            "sv": "algoritmen {alg} godtas inte",
            "en": "the algorithm {alg} is not accepted",
        },
        "problem.oidc.unknown_issuer": {
            "sv": "utfärdaren är inte inställd här",
            "en": "the issuer is not configured here",
        },
        "problem.oidc.algorithm_for_issuer": {
            "sv": "algoritmen {alg} godtas inte för denna utfärdare",
            "en": "the algorithm {alg} is not accepted for this issuer",
        },
        "problem.oidc.algorithm_key": {
            "sv": "algoritmen passar inte signeringsnyckeln",
            "en": "the algorithm does not match the signing key",
        },
        "problem.oidc.expired": {
            "sv": "token har gått ut",
            "en": "the token has expired",
        },
        "problem.oidc.not_yet_valid": {
            "sv": "token gäller inte ännu (nbf/iat)",
            "en": "the token is not valid yet (nbf/iat)",
        },
        "problem.oidc.audience": {
            "sv": "token är avsedd för en annan mottagare (aud)",
            "en": "the token is meant for another audience",
        },
        "problem.oidc.signature": {
            "sv": "signaturen stämmer inte",
            "en": "the signature does not verify",
        },
        "problem.oidc.claim_missing": {
            "sv": "anspråket {claim} saknas",
            "en": "the claim {claim} is missing",
        },
        "problem.oidc.invalid": {
            "sv": "token är ogiltig ({error})",
            "en": "the token is invalid ({error})",
        },
        "problem.oidc.no_municipality": {
            "sv": "anspråket {claim} anger ingen kommun",
            "en": "the claim {claim} names no municipality",
        },
        "problem.oidc.foreign_municipality": {
            "sv": "utfärdaren får inte företräda kommunen {codes}",
            "en": "the issuer may not speak for municipality {codes}",
        },
    }
)
CATALOGUE.update(
    {
        # --- efficiency measures (services/budget/efficiency/service.py) ---
        "budget.efficiency.formula.deviation": {
            "sv": "nettokostnad − nettokostnad ÷ (1 + N20900 % / 100)",
            "en": "net cost − net cost ÷ (1 + N20900 % / 100)",
        },
        "budget.efficiency.formula.per_timme": {
            "sv": "nettokostnad ÷ timmar",
            "en": "net cost ÷ hours",
        },
        "budget.efficiency.formula.per_dygn": {
            "sv": "nettokostnad ÷ dygn",
            "en": "net cost ÷ days",
        },
        "budget.efficiency.note": {
            "sv": "Härlett av budgettjänsten: {formula} = {value} {unit}. Inget värde från Kolada.",
            "en": "Derived by the budget service: {formula} = {value} {unit}. Not a Kolada value.",
        },
    }
)
CATALOGUE.update(
    {
        # --- frames and outcomes (services/budget/frame, operating) ---
        "budget.frame.lowers": {
            "sv": "sänker ramen: beloppet ska vara negativt",
            "en": "lowers the frame: its amount must be negative",
        },
        "budget.frame.raises": {
            "sv": "höjer ramen: beloppet ska vara positivt",
            "en": "raises the frame: its amount must be positive",
        },
        "budget.outcome.source": {
            "sv": "import från ekonomisystemet ({count} verksamheter)",
            "en": "accounting import ({count} activities)",
        },
    }
)
CATALOGUE.update(
    {
        # --- the sign conventions a budget response names (services/budget/*/schemas.py) ---
        "budget.convention.sign": {
            "sv": "intäkter är positiva, kostnader negativa, netto = intäkter + kostnader (en "
            "nettokostnad är negativ)",
            "en": "revenue is positive, costs are negative, net = revenue + costs (a net cost is "
            "negative)",
        },
        "budget.convention.difference": {
            "sv": "skillnad = förändringen av nettokostnaden från utgångsläget (föregående år, "
            "budgeten som jämförs med, den beslutade ramen) till den redovisade siffran: positiv "
            "= nettokostnaden är högre, negativ = lägre (en besparing); för intäkts- och "
            "kostnadsceller deras effekt på nettokostnaden, dvs. −(against − base); en "
            "kontrollanmärknings skillnad är angivet − beräknat",
            "en": "difference = the change in net cost from the base (last year, the budget "
            "compared against, the decided frame) to the figure reported: positive = the net "
            "cost is higher, negative = lower (a saving); for revenue and costs cells, their "
            "effect on the net cost, i.e. −(against − base); a check finding's difference is "
            "printed − computed",
        },
        "budget.convention.frame": {
            "sv": "beloppen har tecken: en förändring som sänker ramen är negativ",
            "en": "amounts are signed: a change that lowers the frame is negative",
        },
    }
)
CATALOGUE.update(
    {
        # --- single-indicator rankings (services/awards/evaluation/service.py) ---
        "awards.evaluation.suppressed": {
            "sv": "färre än 7 svarande – resultatet redovisas inte",
            "en": "suppressed: fewer than 7 respondents",
        },
        "awards.evaluation.no_value": {
            "sv": "inget värde för perioden",
            "en": "no value for the period",
        },
        "awards.evaluation.tie_rule": {
            "sv": "lika värden delar plats; ordnade efter flest svarande, sedan enhetskod",
            "en": "equal values share a rank; listed by larger n, then unit code",
        },
    }
)
CATALOGUE.update(
    {
        # --- an improvement project's effect (services/awards/project/service.py) ---
        "awards.effect.unavailable": {
            "sv": "uppgift saknas: {detail}",
            "en": "not available: {detail}",
        },
        "awards.effect.unavailable_why_unknown": {
            "sv": "uppgift saknas",
            "en": "not available",
        },
        "awards.effect.pooled_share": {
            "sv": "sammanvägd andel från enkäten; intervallet bygger på binomiala medelfel",
            "en": "pooled survey share; interval from binomial standard errors",
        },
        "awards.effect.no_counts": {
            "sv": "antal svarande saknas: osäkerheten kan inte anges",
            "en": "no respondent counts: no uncertainty can be given",
        },
        "awards.effect.no_value": {
            "sv": "inget värde före eller efter för projektets enheter (eller färre än 7 "
            "svarande, så att resultatet inte redovisas)",
            "en": "no value before or after for the project's units (or suppressed: fewer than 7 "
            "answered)",
        },
    }
)
