// SNMP sessions of the snmp probe against a real snmpd: run alone, the UDP socket is closed after
// every run, whatever the outcome; run by the scheduler, a v1/v2c session that answered serves the
// check's next run and is closed when the scheduler stops; an abort stops the work at once.
import dgram from "node:dgram";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROBE_BY_KIND } from "../../../../agent/probes/index.js";
import type { ProbeOutcome } from "../../../../agent/probes/probe.js";
import { IF_COLUMNS, IF_NUMBER, SYSTEM, TYPE } from "../../../../agent/probes/snmp/parse.js";
import { SnmpSession } from "../../../../agent/probes/snmp/session.js";
import { Scheduler } from "../../../../agent/scheduler.js";
import { silentLogger } from "../../../../shared/log.js";
import { loadChecks } from "../../../helpers/checks.js";
import { tempDir } from "../../../helpers/processes.js";
import {
  freeUdpPort,
  probeSnmpd,
  SNMPD_COMMUNITY,
  useSnmpd,
  V3_FIELDS,
} from "../../../helpers/snmpd.js";

const snmpdOrSkip = useSnmpd();

/** UDP sockets this process holds: its socket fds whose inode /proc/net/udp{,6} lists. */
function udpSockets(): number {
  const udp = new Set<string>();
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode) udp.add(inode);
    }
  }
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode && udp.has(inode)) count++;
    } catch {
      // the fd closed while listing
    }
  }
  return count;
}

/** A v2c session to the test's snmpd. */
function v2cSession(port: number): SnmpSession {
  return new SnmpSession(
    { address: "127.0.0.1", family: 4, port },
    { version: "2c", community: SNMPD_COMMUNITY },
    { requestTimeout: 1000 },
  );
}

describe("snmp sessions", () => {
  it("closes its UDP socket after every run: success, auth failure, refused, timeout, abort", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const baseline = udpSockets();
    // The count sees a session's socket while it is open, so it would see a leak.
    const silent = probeSnmpd(agent, { community: "wrong-community", timeout: "500ms" });
    await new Promise((r) => setTimeout(r, 50));
    expect(udpSockets()).toBe(baseline + 1);
    expect((await silent).reason).toBe("timeout");

    const refusedPort = await freeUdpPort();
    const runs: Promise<ProbeOutcome>[] = [];
    for (let i = 0; i < 10; i++) {
      runs.push(probeSnmpd(agent, i % 2 ? V3_FIELDS : {}));
      runs.push(probeSnmpd(agent, { ...V3_FIELDS, authKey: "not-the-auth-key" }));
      runs.push(probeSnmpd(agent, { port: refusedPort }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("check timed out")), 3);
      runs.push(probeSnmpd(agent, {}, { signal: controller.signal }));
    }
    const outcomes = await Promise.all(runs);
    const kind = (k: number) => outcomes.filter((_, i) => i % 4 === k);
    expect(kind(0).map((o) => o.up)).toEqual(Array(10).fill(true));
    expect(kind(1).map((o) => o.reason)).toEqual(Array(10).fill("auth"));
    expect(kind(2).map((o) => o.reason)).toEqual(Array(10).fill("refused"));
    // An abort after 3 ms may come after a quick run has finished: up, or down with timeout.
    for (const o of kind(3)) expect(o.up || o.reason === "timeout").toBe(true);
    expect(udpSockets()).toBe(baseline);
  });

  it("run by the scheduler, v2c checks of one device share a kept socket, closed when it stops", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const dir = tempDir();
    try {
      const v2c = `host: "127.0.0.1", port: ${agent.port}, community: "${SNMPD_COMMUNITY}"`;
      const v3 = Object.entries(V3_FIELDS)
        .map(([k, v]) => `${k}: "${v}"`)
        .join(", ");
      const checks = loadChecks(dir.path, [
        `{ name: sw-a, category: lan, kind: snmp, ${v2c} }`,
        `{ name: sw-b, category: lan, kind: snmp, ${v2c} }`,
        `{ name: sw-v3, category: lan, kind: snmp, host: "127.0.0.1", port: ${agent.port}, ${v3} }`,
      ]);
      const scheduler = new Scheduler({
        checks,
        probes: PROBE_BY_KIND,
        concurrency: 1,
        log: silentLogger(),
        sink: () => {},
      });
      const baseline = udpSockets();
      for (let round = 0; round < 3; round++) {
        for (const check of checks) {
          expect((await scheduler.runOnce(check)).result.up).toBe(true);
          // One v2c session serves both v2c checks; the v3 one (engine discovery each run) is
          // closed after its run.
          expect(udpSockets()).toBe(baseline + 1);
        }
      }
      await scheduler.stop();
      expect(udpSockets()).toBe(baseline);
    } finally {
      dir.remove();
    }
  });

  it("walks columns side by side to the same rows as one walk per column, over several answers", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const session = v2cSession(agent.port);
    try {
      // ifXTable's columns follow ifTable's: a walk must stop at each column's end, not run on.
      const columns = [IF_COLUMNS.descr, IF_COLUMNS.operStatus, IF_COLUMNS.name, "1.3.6.1.2.1.1"];
      const oneByOne = [];
      for (const column of columns) oneByOne.push(await session.walk(column));
      expect(oneByOne[0]?.length).toBeGreaterThan(1);
      const oids = (walks: { oid: string }[][]) => walks.map((rows) => rows.map((v) => v.oid));
      // One row per answer: every column goes on over several getBulk requests.
      const slow = await session.walkColumns(columns, { repetitions: 1 });
      expect(oids(slow.columns)).toEqual(oids(oneByOne));
      const fast = await session.walkColumns(columns, { repetitions: 25 });
      expect(oids(fast.columns)).toEqual(oids(oneByOne));
      // Growing from one row per answer to many, as the probe does once it knows ifNumber.
      const asked: number[] = [];
      const growing = await session.walkColumns(columns, {
        repetitions: 1,
        next: (_scalars, rowsSoFar) => {
          asked.push(rowsSoFar);
          return 25;
        },
      });
      expect(oids(growing.columns)).toEqual(oids(oneByOne));
      expect(asked[0]).toBe(1);
    } finally {
      await session.close();
    }
  });

  it("reads scalars in the walk's first request, as a get would, a missing one as noSuchObject", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const session = v2cSession(agent.port);
    try {
      // …1.1.99.0 exists nowhere: a getNext of its parent lands on ifNumber, which is not it.
      const scalars = [SYSTEM.name, SYSTEM.descr, IF_NUMBER, "1.3.6.1.2.1.1.99.0", SYSTEM.location];
      const walk = await session.walkColumns([IF_COLUMNS.descr], { repetitions: 25, scalars });
      const got = await session.get(scalars);
      expect(walk.scalars).toEqual(got);
      expect(walk.scalars.map((v) => v.type)).toEqual([4, 4, 2, TYPE.NoSuchObject, 4]);
      expect(walk.columns).toEqual([await session.walk(IF_COLUMNS.descr)]);
    } finally {
      await session.close();
    }
  });

  it("an abort stops the walk at once and reports a timeout", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    // A port that takes the packets and never answers: only the abort can end the walk, whatever
    // the machine's speed (against snmpd itself a fast walk could finish before the abort).
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const controller = new AbortController();
      const running = probeSnmpd({ ...agent, port: silent.address().port }, V3_FIELDS, {
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error("check timed out")), 50);
      const started = performance.now();
      const outcome = await running;
      expect(performance.now() - started).toBeLessThan(400);
      expect(outcome).toMatchObject({ up: false, reason: "timeout" });
    } finally {
      silent.close();
    }
  });
});
