// The table `giamsat-agent check` prints fits a 120-column terminal, long reasons and values wrapped
// inside their columns, nothing cut.
import { describe, expect, it } from "vitest";
import { formatCheckTable } from "../../agent/check-table.js";
import type { RunOutput } from "../../agent/scheduler.js";
import type { CheckBase } from "../../shared/config/agent.js";

function output(
  name: string,
  up: boolean,
  message: string | undefined,
  summary: Record<string, string>,
): RunOutput {
  const check: CheckBase = {
    name,
    category: "shared_software",
    kind: "http",
    interval: 60_000,
    timeout: 10_000,
  };
  return {
    check,
    result: {
      check: name,
      category: "shared_software",
      kind: "http",
      ts: Date.now(),
      up,
      duration: 0.0425,
      ...(up ? {} : { reason: "refused" as const, message }),
    },
    samples: [],
    inventory: [],
    outcome: { up, summary },
  };
}

const LONG_REASON =
  "connect ECONNREFUSED 192.0.2.10:443 (nothing listens on that port: the service is stopped, or it listens on another port)";
const LONG_VALUES = {
  status: "200",
  redirects: "3",
  size: "1048576 B",
  certificate: "expires in 12 days",
  issuer: "CN=Some Intermediate Certificate Authority G2",
};

describe("giamsat-agent check's table", () => {
  const table = formatCheckTable([
    output("host", true, undefined, { cpu: "4%", memory: "1.0/23.5 GiB" }),
    output("cong-thong-tin-dien-tu-cua-so-thong-tin-va-truyen-thong", false, LONG_REASON, {}),
    output("portal", true, undefined, LONG_VALUES),
  ]);
  const lines = table.split("\n");

  it("fits 120 columns", () => {
    const widest = Math.max(...lines.map((line) => line.length));
    expect(widest, table).toBeLessThanOrEqual(120);
  });

  it("keeps every word of reasons and values, wrapped in their own column", () => {
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    const flat = table.replace(/\s+/g, " ");
    for (const word of [...words(LONG_REASON), ...Object.values(LONG_VALUES).flatMap(words)]) {
      expect(flat).toContain(word);
    }
    const reasonColumn = lines[0]?.indexOf("REASON") ?? -1;
    const continued = lines.filter((line) => /^\s{10,}\S/.test(line));
    expect(continued.length).toBeGreaterThan(0);
    for (const line of continued) {
      expect(line.search(/\S/)).toBeGreaterThanOrEqual(Math.min(reasonColumn, 10));
    }
  });

  it("keeps one line per check when everything is short", () => {
    const short = formatCheckTable([output("host", true, undefined, { cpu: "4%" })]);
    expect(short.split("\n")[1]).toMatch(/^host\s+shared_software\s+http\s+up\s+43 ms\s+cpu=4%$/);
  });
});
