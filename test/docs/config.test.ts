// Every key of collector.yaml and agent.yaml, read from their zod schemas (every check kind's fields
// included), is in the reference its readers use: operators for collector.yaml, unit IT staff (in
// Vietnamese and English) for agent.yaml and the checks.
import { describe, expect, it } from "vitest";
import { agentConfigSchema } from "../../agent/config.js";
import { collectorConfigSchema } from "../../shared/config/collector.js";
import { REASONS } from "../../shared/protocol.js";
import { hasCode, readDoc, sectionWithCode } from "./markdown.js";
import { formatPath, leafPaths, type Segment } from "./schema-keys.js";

const LANGUAGES = ["en", "vi"] as const;

/** The kind of check a path belongs to, and the path within the check; undefined outside checks. */
function inCheck(path: readonly Segment[]): { kind: string; field: Segment[] } | undefined {
  const at = path.findIndex((segment) => "variant" in segment);
  const variant = path[at];
  if (!variant || !("variant" in variant)) return undefined;
  return { kind: variant.variant, field: path.slice(at + 1) };
}

const keysOf = (path: readonly Segment[]) =>
  path.flatMap((segment) => ("key" in segment ? [segment.key] : []));

describe("collector.yaml in the docs", () => {
  const page = "docs/operators/collector-yaml.md";
  const paths = leafPaths(collectorConfigSchema).map(formatPath);

  it("is read from the schema, every key", () => {
    expect(paths).toContain("listen");
    expect(paths).toContain("remoteWrite[].queue.maxSamples");
    expect(paths).toContain("units[].leader.email");
  });

  it(`has every key in ${page}`, () => {
    const markdown = readDoc(page);
    const missing = paths.filter((path) => !hasCode(markdown, path));
    expect(missing.map((path) => `${page} lacks \`${path}\``)).toEqual([]);
  });
});

describe("agent.yaml in the docs", () => {
  const all = leafPaths(agentConfigSchema);
  const general = all.filter((path) => !inCheck(path)).map(formatPath);
  const byKind = new Map<string, Segment[][]>();
  for (const path of all) {
    const found = inCheck(path);
    if (found) byKind.set(found.kind, [...(byKind.get(found.kind) ?? []), found.field]);
  }
  const kinds = [...byKind.keys()];
  // Fields every kind has (name, category, kind, interval, timeout) are documented once, together.
  const common = (byKind.get(kinds[0] ?? "") ?? [])
    .map(formatPath)
    .filter((field) =>
      kinds.every((kind) => (byKind.get(kind) ?? []).map(formatPath).includes(field)),
    );

  it("is read from the schema, every check kind with its fields", () => {
    expect(general).toContain("buffer.maxMegabytes");
    expect(general).toContain("host.inventoryInterval");
    expect(kinds).toContain("snmp");
    expect(common).toEqual(
      expect.arrayContaining(["name", "category", "kind", "interval", "timeout"]),
    );
  });

  it.each(LANGUAGES)(
    "has every key outside the checks in docs/unit-it/agent-yaml.%s.md",
    (lang) => {
      const page = `docs/unit-it/agent-yaml.${lang}.md`;
      const markdown = readDoc(page);
      const missing = general.filter((path) => !hasCode(markdown, path));
      expect(missing.map((path) => `${page} lacks \`${path}\``)).toEqual([]);
    },
  );

  it.each(LANGUAGES)("has every check kind and its fields in docs/unit-it/checks.%s.md", (lang) => {
    const page = `docs/unit-it/checks.${lang}.md`;
    const markdown = readDoc(page);
    const problems: string[] = [];
    const shared = sectionWithCode(markdown, "checks[]");
    if (!shared)
      problems.push(`${page}: no section headed \`checks[]\` for the fields every check has`);
    for (const field of common) {
      if (shared && !hasCode(shared.text, field)) {
        problems.push(`${page}: section \`checks[]\` lacks \`${field}\``);
      }
    }
    for (const reason of REASONS) {
      if (shared && !hasCode(shared.text, reason)) {
        problems.push(`${page}: section \`checks[]\` lacks the down reason \`${reason}\``);
      }
    }
    for (const [kind, fields] of byKind) {
      const section = sectionWithCode(markdown, kind);
      if (!section) {
        problems.push(`${page}: no section headed \`${kind}\` for that check kind`);
        continue;
      }
      for (const field of fields) {
        if (common.includes(formatPath(field))) continue;
        for (const key of keysOf(field)) {
          if (!hasCode(section.text, key)) {
            problems.push(`${page}: section \`${kind}\` lacks \`${key}\` (${formatPath(field)})`);
          }
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});
