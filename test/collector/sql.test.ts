// Nothing reaches SQL except as a bound parameter: every SQL text the collector prepares or runs is
// a constant, apart from the few interpolations listed here, none of which holds outside input.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/processes.js";

/** Interpolations allowed in SQL text, each with why it is safe. */
const ALLOWED: Record<string, string[]> = {
  // a constant column list
  SELECT: [
    "collector/auth/users.ts",
    "collector/inspection/incident-list.ts",
    "collector/inspection/inventory.ts",
    "collector/inspection/signoffs.ts",
  ],
  COLUMNS: ["collector/agents/enrollment-codes.ts"],
  // a constant FROM clause
  FROM: ["collector/inspection/inventory.ts"],
  // the migration number, an integer from the loop
  "next + 1": ["collector/db/database.ts"],
  // fixed fragments "a.unit_id = ?" etc. chosen by which filters are set; values are bound
  'where.length ? `WHERE ${where.join(" AND ")}` : ""': [
    "collector/cli/export.ts",
    "collector/inspection/incident-list.ts",
  ],
  'where.join(" AND ")': ["collector/inspection/inventory.ts"],
  // the constant paging queries of the retention steps
  sql: ["collector/tsdb/retention.ts"],
  // table names from the engine's constant tables of rollup chunks and of the rollup rows before
  "t.name": ["collector/tsdb/legacy-rollups.ts", "collector/tsdb/rollup-chunks.ts"],
  "t.owners": ["collector/tsdb/layout-upgrade.ts"],
  // the constant names of the rollup tables migration 7 replaces and of those the store's
  // layout migration adds and drops, from their own lists
  name: ["collector/db/migrations.ts", "collector/db/migration-12.ts"],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The `${...}` expressions of the template literal that starts at `at` (a backtick). */
function interpolations(text: string, at: number): string[] {
  const found: string[] = [];
  let i = at + 1;
  while (i < text.length && text[i] !== "`") {
    if (text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      let inner = 0;
      while (j < text.length && depth > 0) {
        const c = text[j];
        if (c === "`") inner ^= 1;
        else if (!inner && c === "{") depth++;
        else if (!inner && c === "}") depth--;
        else if (inner && text.startsWith("${", j)) depth++;
        else if (inner && c === "}") depth--;
        j++;
      }
      found.push(text.slice(i + 2, j - 1));
      i = j;
      continue;
    }
    i++;
  }
  return found;
}

describe("SQL", () => {
  it("is prepared from constant text, outside input only ever bound", () => {
    const seen: string[] = [];
    for (const file of sources(join(ROOT, "collector"))) {
      const text = readFileSync(file, "utf8");
      for (const call of text.matchAll(/\.(prepare|exec|pragma)\(\s*(`)?/g)) {
        if (call[2] === undefined) continue; // a plain string or a name: nothing interpolated
        const at = (call.index ?? 0) + call[0].length - 1;
        for (const expression of interpolations(text, at)) {
          const where = relative(ROOT, file);
          seen.push(`${where}: ${expression}`);
        }
      }
    }
    const refused = seen.filter((found) => {
      const [where, expression] = found.split(/: (.*)/s) as [string, string];
      return !ALLOWED[expression]?.includes(where);
    });
    expect(refused).toEqual([]);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
