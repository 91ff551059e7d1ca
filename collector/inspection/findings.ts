// Plain-language findings of an inspection summary as codes with parameters, so the pages can say
// them in Vietnamese or English: one list per category, most important first.

/** Share of observed time a category should be up. */
export const AVAILABILITY_TARGET = 0.99;
/** Share of the period a category should be observed for its figures to be trusted. */
export const COVERAGE_TARGET = 0.9;
/** Certificates expiring within this many days are reported. */
export const CERTIFICATE_WARNING_DAYS = 30;

export type Severity = "ok" | "info" | "warning" | "problem";

export interface Finding {
  code:
    | "no_checks"
    | "no_data"
    | "low_coverage"
    | "low_availability"
    | "all_up"
    | "available"
    | "open_incidents"
    | "incidents"
    | "unreachable_because_of_parent"
    | "caused_unreachable"
    | "certificate_expired"
    | "certificate_expiring"
    | "inventory_changed"
    | "agent_silent"
    | "agent_data_lost"
    | "no_agent"
    | "mostly_planned"
    | "ups_on_battery"
    | "supply_low"
    | "lan_devices";
  severity: Severity;
  params: Record<string, string | number>;
}

export interface CategoryFacts {
  category: string;
  checks: number;
  availability: number | null;
  coverage: number | null;
  downMs: number;
  /** Time at least one of the category's checks was down (a union, not a sum over checks). */
  disruptedMs: number;
  /** Time its checks were down while a check they depend on was down: not in availability. */
  unreachableMs: number;
  /** Those parents, longest first. */
  unreachableBecauseOf: readonly { check: string; title: string | null; category: string }[];
  /** Time checks depending on the category's checks were unreachable because of them. */
  causedUnreachableMs: number;
  incidents: { count: number; open: number; downtimeMs: number; longestMs: number };
  certificates: {
    check: string;
    state: "ok" | "expiring" | "expired";
    daysLeft: number;
    notAfter: number;
  }[];
  inventoryChanges: number;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function categoryFindings(facts: CategoryFacts): Finding[] {
  if (facts.checks === 0) return [{ code: "no_checks", severity: "problem", params: {} }];
  const out: Finding[] = [];
  if (facts.availability === null) {
    // Results came, but only while a parent was down: the finding below says so.
    if (facts.unreachableMs === 0) out.push({ code: "no_data", severity: "problem", params: {} });
  } else {
    if (facts.availability < AVAILABILITY_TARGET) {
      out.push({
        code: "low_availability",
        severity: "problem",
        params: {
          availability: round4(facts.availability),
          target: AVAILABILITY_TARGET,
          disruptedMs: facts.disruptedMs,
        },
      });
    } else if (facts.incidents.count === 0 && facts.downMs === 0) {
      out.push({
        code: "all_up",
        severity: "ok",
        params: { availability: round4(facts.availability) },
      });
    } else {
      out.push({
        code: "available",
        severity: "ok",
        params: { availability: round4(facts.availability), target: AVAILABILITY_TARGET },
      });
    }
    if (facts.coverage !== null && facts.coverage < COVERAGE_TARGET) {
      out.push({
        code: "low_coverage",
        severity: "warning",
        params: { coverage: round4(facts.coverage), target: COVERAGE_TARGET },
      });
    }
  }
  if (facts.incidents.open > 0) {
    out.push({
      code: "open_incidents",
      severity: "problem",
      params: { count: facts.incidents.open },
    });
  }
  if (facts.incidents.count > 0) {
    out.push({
      code: "incidents",
      severity: "warning",
      params: {
        count: facts.incidents.count,
        disruptedMs: facts.disruptedMs,
        longestMs: facts.incidents.longestMs,
      },
    });
  }
  const parent = facts.unreachableBecauseOf[0];
  if (facts.unreachableMs > 0) {
    // Said on the signed report: the time left out of availability, and whose fault it was.
    out.push({
      code: "unreachable_because_of_parent",
      severity: "warning",
      params: {
        unreachableMs: facts.unreachableMs,
        parent: parent ? (parent.title ?? parent.check) : "",
        parentCategory: parent?.category ?? "",
        others: Math.max(0, facts.unreachableBecauseOf.length - 1),
      },
    });
  }
  if (facts.causedUnreachableMs > 0) {
    out.push({
      code: "caused_unreachable",
      severity: "info",
      params: { unreachableMs: facts.causedUnreachableMs },
    });
  }
  for (const cert of facts.certificates) {
    if (cert.state === "expired") {
      out.push({
        code: "certificate_expired",
        severity: "problem",
        params: { check: cert.check, notAfter: cert.notAfter },
      });
    } else if (cert.state === "expiring") {
      out.push({
        code: "certificate_expiring",
        severity: "warning",
        params: { check: cert.check, daysLeft: cert.daysLeft, notAfter: cert.notAfter },
      });
    }
  }
  if (facts.inventoryChanges > 0) {
    out.push({
      code: "inventory_changed",
      severity: "info",
      params: { count: facts.inventoryChanges },
    });
  }
  return out;
}
