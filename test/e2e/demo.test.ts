// `npm start`: the demo comes up in a fresh folder, every inspection category reports within 30 s,
// and Ctrl-C (SIGINT) stops collector and agent cleanly.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CATEGORIES } from "../../shared/categories.js";
import { freePort } from "../helpers/delivery.js";
import { find, scrape } from "../helpers/metrics.js";
import { eventually, ROOT, startProgram, tempDir } from "../helpers/processes.js";

describe("demo", () => {
  const dir = tempDir("giamsat-demo-");
  afterAll(() => dir.remove());

  it("reports all six categories on /metrics within 30 s and stops on Ctrl-C", async () => {
    const port = await freePort();
    const demo = startProgram(
      join(ROOT, "dist/collector/cli/demo.js"),
      [],
      {
        GIAMSAT_DEMO_PORT: String(port),
      },
      { cwd: dir.path },
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const started = Date.now();
      const up = await eventually(
        async () => {
          const samples = find(await scrape(url), "giamsat_check_up", { unit: "demo" });
          const categories = new Set(
            samples.filter((s) => s.value === 1).map((s) => s.labels.category),
          );
          return categories.size === CATEGORIES.length ? categories : undefined;
        },
        30_000,
        "every category up",
      );
      expect([...up].sort()).toEqual([...CATEGORIES].sort());
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(demo.output()).toContain(`overview:  ${url}/`);
      expect(await demo.stop("SIGINT")).toBe(0);
      expect(demo.output()).toContain("giamsat demo stopped.");
    } finally {
      // SIGINT lets the demo stop its agent too; a SIGKILL would leave the agent running.
      await demo.stop("SIGINT");
    }
  });
});
