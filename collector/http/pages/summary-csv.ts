// The inspection summaries as CSV (format=csv) for a leader's spreadsheet: per unit one row per
// category and one for the whole unit, with the unit's name, the period and categories in words,
// percentages and minutes written the reader's way (99,55 in Vietnamese, 99.55 in English), and
// findings as sentences; time unreachable because of a parent on the dependents' rows and the
// parents' rows alike. UTF-8 with a byte-order mark, without which Excel shows Vietnamese as
// mojibake; RFC 4180 otherwise (quoted where needed, CRLF lines). JSON stays in the API.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { InspectionSummary } from "../../inspection/summary.js";
import { findingsText } from "./city-report.js";
import type { Formatter } from "./i18n/index.js";

type Cell = string | number | null;

const BOM = "\uFEFF";

export function summaryCsv(f: Formatter, summaries: readonly InspectionSummary[]): string {
  const { csv } = f.t;
  const header = [
    csv.unit,
    csv.period,
    csv.category,
    csv.checks,
    csv.availability,
    csv.coverage,
    csv.disrupted,
    csv.incidents,
    csv.open,
    csv.findings,
    csv.planned,
    csv.unreachable,
    csv.causedUnreachable,
  ];
  const cell = (value: Cell) => {
    const text = value === null ? "" : String(value);
    return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = summaries.flatMap((s) => unitRows(f, s));
  return `${BOM}${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** A ratio as a percentage with two decimals, the decimal mark of the reader's language. */
function percent(f: Formatter, ratio: number | null): string | null {
  if (ratio === null) return null;
  const text = (Math.round(ratio * 10_000) / 100).toFixed(2);
  return f.lang === "vi" ? text.replace(".", ",") : text;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

function unitRows(f: Formatter, s: InspectionSummary): Cell[][] {
  const { t } = f;
  const period = f.period(s.period);
  const rows: Cell[][] = CATEGORIES.map((category) => {
    const c = s.categories.find((x) => x.category === category);
    return [
      s.unit.name,
      period,
      t.categoryLong[category as Category],
      c?.checks ?? 0,
      percent(f, c?.availability ?? null),
      percent(f, c?.coverage ?? null),
      minutes(c?.disruptedMs ?? 0),
      c?.incidents.count ?? 0,
      c?.incidents.open ?? 0,
      findingsText(f, s, category),
      // Planned maintenance is the unit's: on its own row.
      null,
      minutes(c?.unreachableMs ?? 0),
      minutes(c?.causedUnreachableMs ?? 0),
    ];
  });
  rows.push([
    s.unit.name,
    period,
    t.csv.all,
    s.categories.reduce((n, c) => n + c.checks, 0),
    percent(f, s.overall.availability),
    percent(f, s.overall.coverage),
    minutes(s.disruptedMs),
    s.incidents.filter((i) => i.kind === "check").length,
    s.categories.reduce((n, c) => n + c.incidents.open, 0),
    findingsText(f, s),
    minutes(s.maintenance.plannedMs),
    minutes(s.overall.unreachableMs),
    minutes(s.categories.reduce((n, c) => n + c.causedUnreachableMs, 0)),
  ]);
  return rows;
}
