// The import rules of the code's layout, read from the source files themselves: the agent and the
// collector never import each other and shared/ neither; the time-series engine imports no domain
// and is reached only through its index; the domain imports no HTTP; the migrations no live code.
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/processes.js";

/** Where a rule applies (a path prefix), what it says, and whether an import breaks it. */
interface Rule {
  from: string;
  says: string;
  breaks: (target: string, file: string) => boolean;
}

const TSDB = "collector/tsdb/";
const within = (target: string, ...prefixes: string[]) =>
  prefixes.some((prefix) => target === prefix || target.startsWith(prefix));

const RULES: Rule[] = [
  {
    from: "agent/",
    says: "the agent never imports the collector",
    breaks: (target) => within(target, "collector/"),
  },
  {
    from: "collector/",
    says: "the collector never imports the agent",
    breaks: (target) => within(target, "agent/"),
  },
  {
    from: "shared/",
    says: "shared/ imports neither the agent nor the collector",
    breaks: (target) => within(target, "agent/", "collector/"),
  },
  {
    from: TSDB,
    says: "tsdb/ imports only shared/ and itself",
    breaks: (target) => !within(target, "shared/", TSDB),
  },
  {
    from: "",
    says: "outside tsdb/, only its index is imported",
    breaks: (target, file) =>
      !file.startsWith(TSDB) && target.startsWith(TSDB) && target !== `${TSDB}index.ts`,
  },
  {
    from: "collector/inspection/",
    says: "inspection/ imports only shared/, tsdb/ (its index), db/ and itself",
    breaks: (target) => !within(target, "shared/", TSDB, "collector/db/", "collector/inspection/"),
  },
  {
    from: "collector/http/",
    says: "http/ reads data through the domain, never from tsdb/",
    breaks: (target) => within(target, TSDB),
  },
  {
    from: "collector/auth/",
    says: "auth/ imports only shared/, db/ and itself",
    breaks: (target) => !within(target, "shared/", "collector/db/", "collector/auth/"),
  },
  {
    from: "collector/db/",
    says: "db/ (the migrations) imports only shared/ and itself: no live domain code",
    breaks: (target) => !within(target, "shared/", "collector/db/"),
  },
  {
    from: "collector/",
    says: "only cli/ wires the collector together (collector.ts, config.ts, the commands)",
    breaks: (target, file) =>
      !file.startsWith("collector/cli/") &&
      within(target, "collector/collector.ts", "collector/config.ts", "collector/cli/"),
  },
];

/** The project files a source file imports (relative specifiers, resolved; packages left out). */
function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of text.matchAll(pattern)) {
    const target = posix.normalize(posix.join(posix.dirname(file), match[1] as string));
    found.push(target.replace(/\.js$/, ".ts"));
  }
  return found;
}

/** "file: imports target (rule)" for each import that breaks a rule. */
function offences(sources: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of sources) {
    for (const target of importsOf(file, text)) {
      for (const rule of RULES) {
        if (file.startsWith(rule.from) && rule.breaks(target, file)) {
          out.push(`${file}: imports ${target} (${rule.says})`);
        }
      }
    }
  }
  return out;
}

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        out.set(relative(ROOT, path).split("\\").join("/"), readFileSync(path, "utf8"));
      }
    }
  };
  walk(join(ROOT, dir));
  return out;
}

describe("imports", () => {
  it("follow the layout's rules in agent/, collector/ and shared/", () => {
    const all = new Map([...sources("agent"), ...sources("collector"), ...sources("shared")]);
    expect(all.size).toBeGreaterThan(100);
    expect(offences(all)).toEqual([]);
  });

  it("are named when they break a rule", () => {
    const file = (path: string, ...imports: string[]) =>
      [path, imports.map((i) => `import { x } from "${i}";\n`).join("")] as const;
    const found = offences(
      new Map([
        file("collector/tsdb/rollups.ts", "../inspection/availability.js", "./buckets.js"),
        file("collector/prometheus/gauges.ts", "../tsdb/rollups.js", "../tsdb/index.js"),
        file("collector/inspection/summary.ts", "../http/routes.js"),
        file("shared/protocol.ts", "../agent/outbox.js"),
        file("collector/db/migrations.ts", "../inspection/inventory.js"),
      ]),
    );
    expect(found).toEqual([
      "collector/tsdb/rollups.ts: imports collector/inspection/availability.ts (tsdb/ imports only shared/ and itself)",
      "collector/prometheus/gauges.ts: imports collector/tsdb/rollups.ts (outside tsdb/, only its index is imported)",
      "collector/inspection/summary.ts: imports collector/http/routes.ts (inspection/ imports only shared/, tsdb/ (its index), db/ and itself)",
      "shared/protocol.ts: imports agent/outbox.ts (shared/ imports neither the agent nor the collector)",
      "collector/db/migrations.ts: imports collector/inspection/inventory.ts (db/ (the migrations) imports only shared/ and itself: no live domain code)",
    ]);
  });
});
