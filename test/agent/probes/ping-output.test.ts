// Parsing real iputils ping output (standard output and error, captured into test/fixtures/ping) and
// what each shape means for the check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pingOutcome } from "../../../agent/probes/ping.js";
import { parsePingOutput } from "../../../agent/probes/ping-output.js";
import { METRICS } from "../../../shared/metrics.js";
import { ROOT } from "../../helpers/processes.js";

function fixture(name: string): string {
  return readFileSync(join(ROOT, "test/fixtures/ping", name), "utf8");
}

/** Round-trip times as ping printed them (ms), expected in seconds up to float rounding. */
function rtt(min: number, avg: number, max: number, mdev: number) {
  const s = (ms: number) => expect.closeTo(ms / 1000, 12);
  return { min: s(min), avg: s(avg), max: s(max), mdev: s(mdev) };
}

function sample(outcome: ReturnType<typeof pingOutcome>, metric: string): number | undefined {
  return outcome.samples?.find((s) => s.metric === metric)?.value;
}

describe("parsePingOutput", () => {
  it("reads counts and round-trip times, in seconds, when every packet came back", () => {
    expect(parsePingOutput(fixture("replies-all.txt"))).toEqual({
      kind: "stats",
      transmitted: 5,
      received: 5,
      errors: 0,
      rtt: rtt(0.044, 0.055, 0.074, 0.01),
    });
    expect(parsePingOutput(fixture("replies-all-ipv6.txt"))).toMatchObject({
      transmitted: 3,
      received: 3,
      rtt: rtt(0.046, 0.053, 0.058, 0.005),
    });
  });

  it("reads partial and total loss", () => {
    expect(parsePingOutput(fixture("loss-partial.txt"))).toMatchObject({
      transmitted: 20,
      received: 12,
      errors: 0,
      rtt: rtt(0.049, 0.059, 0.069, 0.006),
    });
    expect(parsePingOutput(fixture("loss-total.txt"))).toEqual({
      kind: "stats",
      transmitted: 5,
      received: 0,
      errors: 0,
    });
  });

  it("reads ICMP errors and the first of them", () => {
    expect(parsePingOutput(fixture("host-unreachable.txt"))).toEqual({
      kind: "stats",
      transmitted: 5,
      received: 0,
      errors: 5,
      firstError: "Destination Host Unreachable from 10.231.7.1",
    });
  });

  it.each([
    ["unknown-host.txt", "dns", "ping: nonexistent.invalid: Name or service not known"],
    [
      "name-resolution-failure.txt",
      "dns",
      "ping: foo.invalid: Temporary failure in name resolution",
    ],
    ["network-unreachable.txt", "unreachable", "ping: connect: Network is unreachable"],
    [
      "interval-refused.txt",
      "error",
      "ping: cannot flood; minimal interval allowed for user is 2ms",
    ],
  ])("tells why ping sent nothing: %s", (file, reason, message) => {
    expect(parsePingOutput(fixture(file))).toEqual({ kind: "failure", reason, message });
  });

  it("tells a ping that may not open ICMP sockets from a target that does not answer", () => {
    // No CAP_NET_RAW and a group outside net.ipv4.ping_group_range: a fault of the machine's setup.
    expect(parsePingOutput(fixture("no-icmp-rights.txt"))).toEqual({
      kind: "failure",
      reason: "error",
      message: "ping: socket: Operation not permitted",
      noRights: true,
    });
  });

  it("accepts BSD ping's summary and a decimal comma", () => {
    const bsd =
      "3 packets transmitted, 2 packets received, 33.3% packet loss\nround-trip min/avg/max/stddev = 0,100/0,200/0,300/0,050 ms\n";
    expect(parsePingOutput(bsd)).toEqual({
      kind: "stats",
      transmitted: 3,
      received: 2,
      errors: 0,
      rtt: rtt(0.1, 0.2, 0.3, 0.05),
    });
  });

  it("reports output it does not understand as an error, quoting it", () => {
    expect(parsePingOutput("")).toEqual({
      kind: "failure",
      reason: "error",
      message: "ping printed nothing",
    });
  });
});

describe("pingOutcome", () => {
  it("is up with loss 0 and the four round-trip samples when everything came back", () => {
    const outcome = pingOutcome(parsePingOutput(fixture("replies-all.txt")));
    expect(outcome.up).toBe(true);
    expect(sample(outcome, METRICS.pingLoss.name)).toBe(0);
    expect(sample(outcome, METRICS.pingRtt.name)).toBe(0.000055);
    expect(sample(outcome, METRICS.pingRttMin.name)).toBe(0.000044);
    expect(sample(outcome, METRICS.pingRttMax.name)).toBe(0.000074);
    expect(sample(outcome, METRICS.pingJitter.name)).toBe(0.00001);
    expect(outcome.summary).toEqual({ rtt: "0.055 ms", loss: "0%" });
  });

  it("stays up with partial loss unless maxLoss is passed", () => {
    const parsed = parsePingOutput(fixture("loss-partial.txt"));
    expect(pingOutcome(parsed)).toMatchObject({ up: true, summary: { loss: "40%" } });
    expect(sample(pingOutcome(parsed), METRICS.pingLoss.name)).toBe(0.4);
    expect(pingOutcome(parsed, 0.5).up).toBe(true);
    expect(pingOutcome(parsed, 0.2)).toMatchObject({
      up: false,
      reason: "timeout",
      message: "40% of 20 packets lost, more than maxLoss 20%",
    });
  });

  it("is down: timeout with no reply, unreachable with ICMP errors, dns for unknown names", () => {
    const total = pingOutcome(parsePingOutput(fixture("loss-total.txt")));
    expect(total).toMatchObject({ up: false, reason: "timeout", message: "no reply to 5 packets" });
    expect(sample(total, METRICS.pingLoss.name)).toBe(1);
    expect(sample(total, METRICS.pingRtt.name)).toBeUndefined();
    expect(pingOutcome(parsePingOutput(fixture("host-unreachable.txt")))).toMatchObject({
      up: false,
      reason: "unreachable",
      message: "Destination Host Unreachable from 10.231.7.1",
    });
    expect(pingOutcome(parsePingOutput(fixture("unknown-host.txt")))).toMatchObject({
      up: false,
      reason: "dns",
    });
  });
});
