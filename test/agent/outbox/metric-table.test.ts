// A metric added to the middle of the metric table, as a later release may do, changes nothing in
// how the outbox reads the rows it already holds or writes new ones.
import { afterAll, describe, expect, it, vi } from "vitest";
import { Outbox } from "../../../agent/outbox/outbox.js";
import { METRIC_BY_NAME, METRICS } from "../../../shared/metrics.js";
import { expectReleaseBatches, openRelease } from "../../helpers/outbox-release.js";
import { tempDir } from "../../helpers/processes.js";

// vi.mock is hoisted above the imports: what its factory uses must be hoisted with it.
const { ADDED } = vi.hoisted(() => ({ ADDED: "giamsat_check_attempts" }));

vi.mock("../../../shared/metrics.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../shared/metrics.js")>();
  const entries = Object.entries(original.METRICS);
  entries.splice(Math.floor(entries.length / 2), 0, [
    "checkAttempts",
    { name: ADDED, type: "gauge", help: "Tries of the last run.", source: "agent" },
  ]);
  const METRICS = Object.fromEntries(entries);
  return {
    ...original,
    METRICS,
    METRIC_BY_NAME: new Map(Object.values(METRICS).map((def) => [def.name, def])),
  };
});

const dir = tempDir();
afterAll(() => dir.remove());

describe("the outbox after a metric is added to the middle of the table", () => {
  it("runs with the changed table", () => {
    const middle = Math.floor((Object.keys(METRICS).length - 1) / 2);
    expect(Object.keys(METRICS).indexOf("checkAttempts")).toBe(middle);
    expect([...METRIC_BY_NAME.keys()][middle]).toBe(ADDED);
  });

  it("reads the rows release 0853e76 wrote exactly as that release did", () => {
    const outbox = openRelease((options) => new Outbox(options), dir.path);
    expectReleaseBatches(outbox);
    outbox.close();
  });

  it("reads old rows and the rows it writes itself, side by side", () => {
    const outbox = openRelease((options) => new Outbox(options), dir.path, "mixed.db");
    const ts = 1_767_225_700_000;
    const labels = { check: "gw", category: "lan", kind: "ping" };
    outbox.append({
      results: [{ check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.002 }],
      samples: [{ metric: ADDED, labels, ts, value: 2 }],
      inventory: [],
    });
    outbox.resume();
    const texts: string[] = [];
    for (let batch = outbox.take(); batch; batch = outbox.take()) texts.push(batch.samples);
    const metrics = texts.flatMap((text) =>
      (JSON.parse(text) as { metric: string }[]).map((s) => s.metric),
    );
    expect(metrics).toContain(ADDED);
    expect(metrics).toContain("giamsat_snmp_interface_receive_bytes_total");
    expect(metrics.every((name) => name.startsWith("giamsat_"))).toBe(true);
    outbox.close();
  });
});
