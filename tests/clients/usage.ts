// A frontend's use of the client generated from docs/openapi/kvalitetsnavet.json
// (`npm run client:generate` writes var/clients/kvalitetsnavet.d.ts). `tsc --noEmit` fails
// when an operationId, a path, a field or a problem response a frontend relies on changes.
import type { components, operations, paths } from "../../var/clients/kvalitetsnavet";

type Schemas = components["schemas"];
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Problem = Schemas["Problem"];

// operationIds are the handlers' names; a clash across services gets the service prefix.
type ListUnits = operations["list_units"];
type UnitPage = Json<ListUnits["responses"][200]>;
type BudgetPayout = operations["budget_create_payout"];
type AwardsPayout = operations["awards_create_payout"];

export function unitTitles(page: UnitPage): string[] {
  return page.items.map((unit: Schemas["UnitOut"]) => `${unit.code} ${unit.title}`);
}

export function unitsQuery(municipality: string): ListUnits["parameters"]["query"] {
  return { municipality_code: municipality, limit: 100, offset: 0 };
}

// Every declared 4xx is RFC 9457 problem+json with located errors.
export function explain(
  problem: ListUnits["responses"][422]["content"]["application/problem+json"],
): string[] {
  return (problem.errors ?? []).map((e) => `${e.loc.join(".")}: ${e.message}`);
}

export const notFound: Problem = { type: "about:blank", title: "Not Found", status: 404 };

// Paths are the gateway's: /api/<service>/...
type Health = Json<paths["/api/budget/healthz"]["get"]["responses"][200]>;
export const healthy = (h: Health): boolean => h.status === "ok" && h.service === "budget";

export type PayoutBodies = [
  NonNullable<BudgetPayout["requestBody"]>["content"]["application/json"],
  NonNullable<AwardsPayout["requestBody"]>["content"]["application/json"],
];

// Every enum is a named component: one type a frontend can switch over.
type Gender = Schemas["Gender"];
export const genders: Gender[] = ["T", "K", "M"];
export const arrow = (d: Schemas["Direction"]): string => (d === "higher" ? "↑" : "↓");

// `title` is in the language Accept-Language chose (Swedish where no English exists); both
// texts are sent so a UI can show the other one.
export function titles(unit: Schemas["UnitOut"]): { shown: string; sv: string; en: string | null } {
  return { shown: unit.title, sv: unit.title_sv, en: unit.title_en ?? null };
}
