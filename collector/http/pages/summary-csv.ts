// The inspection summaries as CSV (format=csv): per unit one row per category and its overall
// row, the same figures as the page and the JSON (RFC 4180: quoted where needed, CRLF lines).
import type { InspectionSummary } from "../../inspection/summary.js";

type Cell = string | number | null;

const HEADER = [
  "unit",
  "period",
  "category",
  "checks",
  "availability",
  "coverage",
  "down_ms",
  "link_ms",
  "incidents",
  "open_incidents",
  "downtime_ms",
  "findings",
  "planned_ms",
];

export function summaryCsv(summaries: readonly InspectionSummary[]): string {
  const cell = (value: Cell) => {
    const text = value === null ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = summaries.flatMap((s) => unitRows(s));
  return `${[HEADER, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

function unitRows(s: InspectionSummary): Cell[][] {
  const rows: Cell[][] = s.categories.map((c) => [
    s.unit.id,
    s.period.id,
    c.category,
    c.checks,
    c.availability,
    c.coverage,
    c.downMs,
    c.linkMs,
    c.incidents.count,
    c.incidents.open,
    c.incidents.downtimeMs,
    c.findings.map((x) => x.code).join(" "),
    // Planned maintenance is the unit's: on its overall row.
    null,
  ]);
  rows.push([
    s.unit.id,
    s.period.id,
    "all",
    s.categories.reduce((n, c) => n + c.checks, 0),
    s.overall.availability,
    s.overall.coverage,
    s.overall.downMs,
    s.categories.reduce((n, c) => n + c.linkMs, 0),
    s.incidents.length,
    s.categories.reduce((n, c) => n + c.incidents.open, 0),
    s.categories.reduce((n, c) => n + c.incidents.downtimeMs, 0),
    s.findings.map((x) => x.code).join(" "),
    s.maintenance.plannedMs,
  ]);
  return rows;
}
