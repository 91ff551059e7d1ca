// The table `giamsat-agent check` prints: one row per check (and one for the link to the collector),
// what unit IT staff read after installing. It fits a 120-column terminal: long reasons, values and
// names wrap inside their own column rather than pushing the table wider.
import type { RunOutput } from "./scheduler.js";

/** Widest line of the table: a terminal of 120 columns, as most are or wider. */
export const TABLE_WIDTH = 120;

const HEADER = ["CHECK", "CATEGORY", "KIND", "STATUS", "REASON", "DURATION", "VALUES"] as const;
/** Columns of the check table that wrap when it is too wide: REASON, VALUES, CHECK. */
const WRAPPING = [4, 6, 0];
/** Narrower than this, a wrapped column would be mostly line breaks. */
const MIN_WRAPPED = 12;
const GAP = "  ";

/** One row of the table, its cells in HEADER's order. */
export type TableRow = [string, string, string, string, string, string, string];

export function checkRow({ result, outcome }: RunOutput): TableRow {
  return [
    result.check,
    result.category,
    result.kind,
    result.up ? "up" : "DOWN",
    result.up ? "" : `${result.reason ?? ""}${result.message ? `: ${result.message}` : ""}`,
    `${(result.duration * 1000).toFixed(0)} ms`,
    Object.entries(outcome.summary ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
  ];
}

/** The table of these runs, then the link's row when it was tested, then what is down. */
export function formatCheckTable(outputs: readonly RunOutput[], link?: TableRow): string {
  const rows = [...outputs.map(checkRow), ...(link ? [link] : [])];
  const down = outputs.filter((o) => !o.result.up).length;
  const linkState = link ? `; the link to the collector is ${link[3]}` : "";
  return `${formatTable([...HEADER], rows).join("\n")}\n\n${outputs.length} checks, ${down} down${linkState}\n`;
}

/**
 * Lines of a table whose columns are as wide as their widest cell; past TABLE_WIDTH the `wrapping`
 * columns (indexes) are narrowed, the widest first, and their text wraps.
 */
export function formatTable(
  header: string[],
  rows: readonly string[][],
  wrapping: readonly number[] = WRAPPING,
): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);
  while (total() > TABLE_WIDTH) {
    // Narrow the widest wrapping column that can still give.
    const column = wrapping
      .filter((i) => (widths[i] ?? 0) > MIN_WRAPPED)
      .sort((a, b) => (widths[b] ?? 0) - (widths[a] ?? 0))[0];
    if (column === undefined) break;
    widths[column] = (widths[column] ?? 0) - 1;
  }
  return all.flatMap((row) => {
    const cells = row.map((cell, i) => wrap(cell, widths[i] ?? cell.length));
    const height = Math.max(...cells.map((lines) => lines.length));
    return Array.from({ length: height }, (_, line) =>
      cells
        .map((lines, i) =>
          i === cells.length - 1 ? (lines[line] ?? "") : (lines[line] ?? "").padEnd(widths[i] ?? 0),
        )
        .join(GAP)
        .trimEnd(),
    );
  });
}

/** The text in lines of at most `width`, broken at spaces; a word longer than that is cut. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(" ")) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = "";
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
