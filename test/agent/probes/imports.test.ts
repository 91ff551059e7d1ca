// Probes stand on their own: they import each other, shared/ and packages, never the agent's runtime
// (scheduler, outbox, link), so a probe can be run and tested without the rest of the agent.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/processes.js";

const PROBES = join(ROOT, "agent/probes");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("probe imports", () => {
  it("reach only agent/probes/, shared/ and packages", () => {
    const outside: string[] = [];
    for (const file of sources(PROBES)) {
      const text = readFileSync(file, "utf8");
      for (const [, specifier = ""] of text.matchAll(/\bfrom\s+"([^"]+)"/g)) {
        if (!specifier.startsWith(".")) continue;
        const target = relative(ROOT, resolve(dirname(file), specifier));
        if (!target.startsWith("agent/probes/") && !target.startsWith("shared/")) {
          outside.push(`${relative(ROOT, file)} imports ${target}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
