// Every metric of the metric table (shared/metrics.ts) is in the operators' metrics reference, and
// every metric agents send is also described to the unit IT staff who set up the checks, in both
// languages.
import { describe, expect, it } from "vitest";
import { METRICS } from "../../shared/metrics.js";
import { hasCode, markdownFiles, readDoc } from "./markdown.js";

const metrics = Object.values(METRICS);

describe("metrics in the docs", () => {
  it("are read from the metric table", () => {
    expect(metrics.length).toBeGreaterThan(30);
  });

  it("are all in docs/operators/metrics.md", () => {
    const page = "docs/operators/metrics.md";
    const markdown = readDoc(page);
    const missing = metrics.filter((metric) => !hasCode(markdown, metric.name));
    expect(missing.map((metric) => `${page} lacks \`${metric.name}\``)).toEqual([]);
  });

  it.each(["en", "vi"])(
    "sent by agents are all in the unit-IT pages (docs/unit-it/*.%s.md)",
    (lang) => {
      const pages = markdownFiles().filter(
        (page) => page.startsWith("docs/unit-it/") && page.endsWith(`.${lang}.md`),
      );
      const text = pages.map((page) => readDoc(page)).join("\n");
      const missing = metrics.filter(
        (metric) => metric.source === "agent" && !hasCode(text, metric.name),
      );
      expect(missing.map((metric) => `docs/unit-it/*.${lang}.md lack \`${metric.name}\``)).toEqual(
        [],
      );
    },
  );
});
