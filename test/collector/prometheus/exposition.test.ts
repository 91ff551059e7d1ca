// The hand-written exposition: escaping, grouping by family, newest value wins, stale series leave.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeLabelValue,
  formatValue,
  LatestValues,
  writeValue,
} from "../../../collector/prometheus/exposition.js";
import type { SeriesRef } from "../../../collector/tsdb/sample-writer.js";

const who = (id: number) => (id === 1 ? { unit: "so-tttt", agent: 'pc"01' } : undefined);
const series = (id: number, metric: string, labels: Record<string, string> = {}): SeriesRef => ({
  id,
  agentId: 1,
  metric,
  labels,
});

describe("exposition", () => {
  it("escapes label values as the text format requires", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(formatValue(Number.NaN)).toBe("NaN");
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(formatValue(0.25)).toBe("0.25");
  });

  it("replaces control characters and unpaired surrogates in label values, keeping other text", () => {
    expect(escapeLabelValue("\u001b[31mred\r\u0000\u0085 tab\there")).toBe(
      "\ufffd[31mred\ufffd\ufffd\ufffd tab\there",
    );
    expect(escapeLabelValue("x\ud800y\udc00z")).toBe("x\ufffdy\ufffdz");
    expect(escapeLabelValue("Sở Thông tin 🚀 ge-0/0/1")).toBe("Sở Thông tin 🚀 ge-0/0/1");
  });

  it("groups series by family with HELP and TYPE, and keeps the newest value", () => {
    const latest = new LatestValues(60_000, who);
    const up = series(1, "giamsat_check_up", { check: "gw" });
    const rx = series(2, "giamsat_snmp_interface_receive_bytes_total", { interface: "eth0" });
    latest.update(
      [
        { series: up, ts: 2000, value: 1 },
        { series: rx, ts: 2000, value: 10 },
      ],
      1000,
    );
    latest.update([{ series: up, ts: 1000, value: 0 }], 1001); // backfilled, older: ignored
    expect(latest.render(2000)).toBe(
      [
        "# HELP giamsat_check_up 1 if the last run of the check succeeded, else 0.",
        "# TYPE giamsat_check_up gauge",
        'giamsat_check_up{unit="so-tttt",agent="pc\\"01",check="gw"} 1',
        "# HELP giamsat_snmp_interface_receive_bytes_total Octets received (ifHCInOctets, or ifInOctets when 64-bit counters are missing).",
        "# TYPE giamsat_snmp_interface_receive_bytes_total counter",
        'giamsat_snmp_interface_receive_bytes_total{unit="so-tttt",agent="pc\\"01",interface="eth0"} 10',
        "",
      ].join("\n"),
    );
  });

  it("drops series not updated within the staleness window", () => {
    const latest = new LatestValues(60_000, who);
    latest.update([{ series: series(1, "giamsat_check_up"), ts: 1, value: 1 }], 0);
    latest.update(
      [{ series: series(3, "giamsat_check_up", { check: "b" }), ts: 1, value: 1 }],
      50_000,
    );
    expect(latest.render(70_000)).not.toContain('unit="so-tttt",agent="pc\\"01"} 1');
    expect(latest.render(70_000)).toContain('check="b"');
    expect(latest.size).toBe(1);
  });

  it("writes a scrape in pieces of whole lines, with each family's header once", () => {
    const latest = new LatestValues(60_000, who);
    const samples = [1, 2, 3, 4, 5].map((id) => ({
      series: series(id, "giamsat_check_up", { check: `c${id}` }),
      ts: 1,
      value: 1,
    }));
    latest.update(samples, 0);
    // A line is 61 bytes and needs its prefix plus 33 bytes of room; the 104-byte header goes
    // with the first line, for which the buffer grows to 196 bytes: then two lines a piece.
    // Each piece is copied as it comes: the next one reuses its buffer.
    const pieces = Array.from(latest.chunks(1000, 160), (p) => p.toString());
    for (const piece of pieces) expect(piece.endsWith("\n")).toBe(true);
    const lines = pieces.map((p) => p.split("\n").filter((l) => l && !l.startsWith("#")).length);
    expect(lines).toEqual([1, 2, 2]);
    expect(pieces[0]).toMatch(/^# HELP giamsat_check_up /);
    expect(pieces.join("")).toBe(latest.render(1000));
    expect(pieces.join("").match(/# TYPE giamsat_check_up gauge/g)).toHaveLength(1);
  });

  it("writes every number as formatValue would", () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const buffer = Buffer.alloc(64);
        const end = writeValue(buffer, 3, value);
        expect(buffer.subarray(3, end).toString()).toBe(formatValue(value));
      }),
    );
    for (const value of [0, -0, 7, -42, 2 ** 53 - 1, -(2 ** 53 - 1), 1e21, 0.1, 5e-324]) {
      const buffer = Buffer.alloc(64);
      expect(buffer.subarray(0, writeValue(buffer, 0, value)).toString()).toBe(formatValue(value));
    }
  });

  it("never writes a series twice when it leaves and comes back while a scrape is under way", () => {
    const latest = new LatestValues(60_000, who);
    const a = series(1, "giamsat_check_up", { check: "a" });
    const b = series(2, "giamsat_check_up", { check: "b" });
    latest.update(
      [
        { series: a, ts: 1, value: 1 },
        { series: b, ts: 1, value: 1 },
      ],
      0,
    );
    // One byte per piece: every line goes out on its own.
    const scrape = latest.chunks(1000, 1);
    let first = "";
    while (!first.includes('check="a"')) first += scrape.next().value?.toString() ?? "";
    // Between two pieces: the agent's series are forgotten and a new sample brings "a" back.
    latest.forgetAgent(1);
    latest.update([{ series: a, ts: 2, value: 0 }], 1000);
    let rest = "";
    for (const piece of scrape) rest += piece.toString();
    expect(`${first}${rest}`.match(/check="a"/g)).toHaveLength(1);
    expect(rest).toContain('check="b"');
  });

  it("types a metric outside the table as untyped, so promtool's naming rules do not apply", () => {
    const latest = new LatestValues(60_000, who);
    latest.update([{ series: series(1, "giamsat_custom_oid_total"), ts: 1, value: 7 }], 0);
    expect(latest.render(1)).toContain("# TYPE giamsat_custom_oid_total untyped\n");
  });
});
