// The snmp probe against a real Net-SNMP snmpd: values equal snmpwalk's, failures give the reason a
// user should read, and `giamsat-agent check` shows both.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProbeOutcome } from "../../../../agent/probes/probe.js";
import { tableRow } from "../../../helpers/checks.js";
import { AGENT_CLI, runCli, tempDir } from "../../../helpers/processes.js";
import {
  freeUdpPort,
  probeSnmpd,
  SNMPD_COMMUNITY,
  SNMPD_SYS_CONTACT,
  SNMPD_SYS_LOCATION,
  SNMPD_SYS_NAME,
  SNMPD_V3,
  type Snmpd,
  useSnmpd,
  V2C_ARGS,
  V3_ARGS,
  V3_FIELDS,
} from "../../../helpers/snmpd.js";

const dir = tempDir();
const BASE = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\nhost: false\n`;
const snmpdOrSkip = useSnmpd();
afterAll(() => dir.remove());

function value(outcome: ProbeOutcome, metric: string, labels: Record<string, string> = {}) {
  const found = (outcome.samples ?? []).filter(
    (s) => s.metric === metric && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v),
  );
  expect(found, `${metric} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]?.value as number;
}

const OID = {
  sysUpTime: "1.3.6.1.2.1.1.3.0",
  ifName: "1.3.6.1.2.1.31.1.1.1.1",
  ifOperStatus: "1.3.6.1.2.1.2.2.1.8",
  ifHCInOctets: "1.3.6.1.2.1.31.1.1.1.6",
  ifHCOutOctets: "1.3.6.1.2.1.31.1.1.1.10",
  ifInOctets: "1.3.6.1.2.1.2.2.1.10",
  ifOutOctets: "1.3.6.1.2.1.2.2.1.16",
};

type Column = Map<string, string>;
/** snmpwalk's view of one IF-MIB column, keyed by ifIndex. */
async function column(agent: Snmpd, args: string[], oid: string): Promise<Column> {
  const rows = await agent.walk(args, oid);
  return new Map([...rows].map(([k, v]) => [k.slice(oid.length + 1), v]));
}

/**
 * Walks with snmpwalk just before and just after the probe runs and compares. Names and oper
 * status must be equal for every interface that did not change meanwhile (other programs on the
 * machine may add or remove interfaces). Octet counters move while traffic flows (this very
 * SNMP traffic crosses `lo`), so each counter the probe reports must lie between snmpwalk's
 * reading before and after: exact for a quiet interface, and no tolerance to tune.
 */
async function compareWithSnmpwalk(
  agent: Snmpd,
  args: string[],
  fields: Record<string, unknown>,
  counters: { in: string; out: string },
): Promise<ProbeOutcome> {
  const walkAll = async () => ({
    name: await column(agent, args, OID.ifName),
    oper: await column(agent, args, OID.ifOperStatus),
    in: await column(agent, args, counters.in),
    out: await column(agent, args, counters.out),
    upTime: (await agent.get(args, [OID.sysUpTime])).get(OID.sysUpTime),
  });
  const before = await walkAll();
  const outcome = await probeSnmpd(agent, fields);
  const after = await walkAll();

  expect(outcome).toMatchObject({ up: true, summary: { sysName: SNMPD_SYS_NAME } });
  const uptime = value(outcome, "giamsat_snmp_uptime_seconds");
  expect(uptime).toBeGreaterThanOrEqual(Number(before.upTime) / 100);
  expect(uptime).toBeLessThanOrEqual(Number(after.upTime) / 100);

  const stable = [...before.name.keys()].filter(
    (i) => before.name.get(i) === after.name.get(i) && before.oper.get(i) === after.oper.get(i),
  );
  expect(stable.map((i) => before.name.get(i))).toContain("lo");
  const reported = (outcome.samples ?? []).filter((s) => s.metric === "giamsat_snmp_interface_up");
  for (const index of stable) {
    const labels = { interface: before.name.get(index) as string, index };
    expect(reported).toContainEqual({
      metric: "giamsat_snmp_interface_up",
      labels,
      value: before.oper.get(index) === "1" ? 1 : 0,
    });
    const rx = value(outcome, "giamsat_snmp_interface_receive_bytes_total", labels);
    const tx = value(outcome, "giamsat_snmp_interface_transmit_bytes_total", labels);
    expect(rx).toBeGreaterThanOrEqual(Number(before.in.get(index)));
    expect(rx).toBeLessThanOrEqual(Number(after.in.get(index)));
    expect(tx).toBeGreaterThanOrEqual(Number(before.out.get(index)));
    expect(tx).toBeLessThanOrEqual(Number(after.out.get(index)));
  }
  return outcome;
}

describe("snmp probe against snmpd", () => {
  it("v2c: sysName, sysUpTime, interface names, status and 64-bit counters equal snmpwalk's", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const outcome = await compareWithSnmpwalk(
      agent,
      V2C_ARGS,
      {},
      {
        in: OID.ifHCInOctets,
        out: OID.ifHCOutOctets,
      },
    );
    // lo is 10 Mbit/s in Linux's ifSpeed.
    expect(value(outcome, "giamsat_snmp_interface_speed_bytes", { interface: "lo" })).toBe(
      1_250_000,
    );
    expect(outcome.summary?.interfaces).toMatch(/^\d+\/\d+ up$/);
  });

  it("v3 authPriv (SHA-256, AES): the same values as snmpwalk with the same user", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    await compareWithSnmpwalk(agent, V3_ARGS, V3_FIELDS, {
      in: OID.ifHCInOctets,
      out: OID.ifHCOutOctets,
    });
  });

  it("v1: no Counter64 in SNMPv1, so the octet counters are ifInOctets/ifOutOctets", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    await compareWithSnmpwalk(
      agent,
      ["-v1", "-c", SNMPD_COMMUNITY],
      { version: 1 },
      { in: OID.ifInOctets, out: OID.ifOutOctets },
    );
  });

  it("reports extra OIDs as the configured metrics, scaled, and names the ones missing", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const oids = [
      { oid: "1.3.6.1.2.1.1.7.0", metric: "giamsat_test_sys_services", labels: { mib: "sys" } },
      { oid: ".1.3.6.1.2.1.25.1.1.0", metric: "giamsat_test_host_uptime_seconds", scale: 0.01 },
      { oid: "1.3.6.1.4.1.99999.1.0", metric: "giamsat_test_missing" },
    ];
    const before = await agent.get(V2C_ARGS, ["1.3.6.1.2.1.25.1.1.0"]);
    const outcome = await probeSnmpd(agent, { oids, interfaces: false });
    const after = await agent.get(V2C_ARGS, ["1.3.6.1.2.1.25.1.1.0"]);
    expect(outcome.up).toBe(true);
    expect(value(outcome, "giamsat_test_sys_services", { mib: "sys" })).toBe(72);
    const hostUptime = value(outcome, "giamsat_test_host_uptime_seconds");
    expect(hostUptime).toBeGreaterThanOrEqual(Number(before.get("1.3.6.1.2.1.25.1.1.0")) / 100);
    expect(hostUptime).toBeLessThanOrEqual(Number(after.get("1.3.6.1.2.1.25.1.1.0")) / 100);
    expect(outcome.message).toBe("no number for 1.3.6.1.4.1.99999.1.0 (noSuchObject)");
    expect(outcome.samples?.some((s) => s.metric.startsWith("giamsat_snmp_interface"))).toBe(false);

    // SNMPv1 refuses a whole get for one missing OID; the others must still come through.
    const v1 = await probeSnmpd(agent, { version: "1", oids, interfaces: false });
    expect(value(v1, "giamsat_test_sys_services", { mib: "sys" })).toBe(72);
    expect(v1.message).toBe("no number for 1.3.6.1.4.1.99999.1.0 (noSuchName)");
  });

  it("sends the device's identity and interface list as inventory when it is due", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const sys = await agent.get(V2C_ARGS, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"]);
    const outcome = await probeSnmpd(agent, V3_FIELDS, { inventoryDue: true });
    expect(outcome.inventory).toMatchObject({
      sysName: SNMPD_SYS_NAME,
      sysDescr: sys.get("1.3.6.1.2.1.1.1.0"),
      sysObjectID: sys.get("1.3.6.1.2.1.1.2.0")?.replace(/^\./, ""),
      sysContact: SNMPD_SYS_CONTACT,
      sysLocation: SNMPD_SYS_LOCATION,
    });
    expect((outcome.inventory?.interfaces as unknown[]) ?? []).toContainEqual({
      index: "1",
      name: "lo",
      descr: "lo",
      status: "up",
      speedBytes: 1_250_000,
    });
    expect((await probeSnmpd(agent, V3_FIELDS)).inventory).toBeUndefined();
  });
});

describe("snmp probe failures", () => {
  it("wrong v2c community: snmpd stays silent, so the check is down with reason timeout", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    // The probe's own answer (two tries of 400 ms), before the check's 1 s timeout stops it.
    const outcome = await probeSnmpd(agent, { community: "not-the-community", timeout: "1s" });
    expect(outcome).toEqual({
      up: false,
      reason: "timeout",
      message: `no SNMP answer from 127.0.0.1:${agent.port} (agents also stay silent for a wrong community)`,
    });
    expect((await probeSnmpd(agent)).up).toBe(true);
  });

  it("wrong v3 authKey or unknown user: snmpd answers with a USM report, reason auth", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    expect(await probeSnmpd(agent, { ...V3_FIELDS, authKey: "not-the-auth-key" })).toEqual({
      up: false,
      reason: "auth",
      message: `127.0.0.1:${agent.port}: SNMPv3: Wrong Digest (incorrect password, community or key)`,
    });
    expect(await probeSnmpd(agent, { ...V3_FIELDS, user: "nobody" })).toMatchObject({
      reason: "auth",
      message: expect.stringMatching(/Unknown User Name$/),
    });
    // The user may only read with privacy (rouser ... priv): authNoPriv is refused.
    const { privProtocol, privKey, ...authNoPriv } = V3_FIELDS;
    expect(await probeSnmpd(agent, authNoPriv)).toMatchObject({
      reason: "auth",
      message: expect.stringMatching(/access denied: AuthorizationError$/),
    });
  });

  it("wrong v3 privKey: snmpd drops what it cannot decrypt without a report, reason timeout", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    expect(
      await probeSnmpd(agent, { ...V3_FIELDS, privKey: "not-the-priv-key", timeout: "1s" }),
    ).toEqual({
      up: false,
      reason: "timeout",
      message: `no SNMP answer from 127.0.0.1:${agent.port} (agents also stay silent for a wrong privKey)`,
    });
  });

  it("nothing listening: ICMP port unreachable gives reason refused at once", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const port = await freeUdpPort();
    const started = performance.now();
    const outcome = await probeSnmpd(agent, { port, timeout: "5s" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(outcome).toEqual({
      up: false,
      reason: "refused",
      message: `nothing listens on UDP 127.0.0.1:${port} (port unreachable)`,
    });
  });
});

describe("giamsat-agent check with snmp checks", () => {
  it("prints the device's sysName for a good check and the reason for a bad one", async (ctx) => {
    const agent = snmpdOrSkip(ctx);
    const file = join(dir.path, "snmp-agent.yaml");
    writeFileSync(
      file,
      `${BASE}checks:
  - { name: core-sw, category: lan, kind: snmp, host: 127.0.0.1, port: ${agent.port}, community: ${SNMPD_COMMUNITY} }
  - name: router
    category: lan
    kind: snmp
    host: 127.0.0.1
    port: ${agent.port}
    version: 3
    user: ${SNMPD_V3.user}
    authProtocol: sha256
    authKey: "\${SNMP_AUTH}"
    privProtocol: aes
    privKey: "\${SNMP_PRIV}"
  - { name: wrong-community, category: lan, kind: snmp, host: 127.0.0.1, port: ${agent.port}, timeout: 1s }
`,
    );
    const result = await runCli(AGENT_CLI, ["check", "--offline", "--config", file], {
      env: { SNMP_AUTH: SNMPD_V3.authKey, SNMP_PRIV: SNMPD_V3.privKey },
    });
    expect(result.code).toBe(1);
    const coreSwitch = tableRow(result.stdout, "core-sw");
    expect(coreSwitch).toMatchObject({ CATEGORY: "lan", KIND: "snmp", STATUS: "up" });
    expect(coreSwitch?.VALUES).toMatch(new RegExp(`sysName=${SNMPD_SYS_NAME} uptime=`));
    expect(tableRow(result.stdout, "router")).toMatchObject({ KIND: "snmp", STATUS: "up" });
    expect(tableRow(result.stdout, "router")?.VALUES).toMatch(/interfaces=\d+\/\d+ up/);
    const wrong = tableRow(result.stdout, "wrong-community");
    expect(wrong?.STATUS).toBe("DOWN");
    expect(wrong?.REASON).toMatch(
      /^timeout: no SNMP answer from 127\.0\.0\.1:\d+ \(agents also stay silent for a wrong community\)$/,
    );
    expect(result.stdout).toMatch(/3 checks, 1 down/);
  });
});
