// The table `giamsat-agent check` prints: one row per check, what unit IT staff read after installing.
import type { RunOutput } from "./scheduler.js";

export function formatCheckTable(outputs: readonly RunOutput[]): string {
  const header = ["CHECK", "CATEGORY", "KIND", "STATUS", "REASON", "DURATION", "VALUES"];
  const rows = outputs.map(({ result, outcome }) => [
    result.check,
    result.category,
    result.kind,
    result.up ? "up" : "DOWN",
    result.up ? "" : `${result.reason ?? ""}${result.message ? `: ${result.message}` : ""}`,
    `${(result.duration * 1000).toFixed(0)} ms`,
    Object.entries(outcome.summary ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const down = outputs.filter((o) => !o.result.up).length;
  return `${[line(header), ...rows.map(line)].join("\n")}\n\n${outputs.length} checks, ${down} down\n`;
}
