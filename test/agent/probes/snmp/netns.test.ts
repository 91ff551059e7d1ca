// The snmp probe against a device with more interfaces than one answer carries: snmpd in a network
// namespace this test creates, with veth pairs as its interfaces. Every interface snmpwalk lists is
// reported, on the check's first run (the device's size unknown yet) and on the runs after (sized
// by the ifNumber the first one read).
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeOutcome } from "../../../../agent/probes/probe.js";
import { IF_COLUMNS } from "../../../../agent/probes/snmp/parse.js";
import { snmpProbe } from "../../../../agent/probes/snmp/snmp.js";
import { silentLogger } from "../../../../shared/log.js";
import { createNetns, type TestNetns } from "../../../helpers/netns.js";
import { peer } from "../../../helpers/peers.js";
import { SNMPD_COMMUNITY, type Snmpd, startSnmpd, V2C_ARGS } from "../../../helpers/snmpd.js";

const ip = peer("ip");
const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
/** Veth pairs made inside the namespace: two interfaces each, with lo and the link 32 in all. */
const PAIRS = 15;
let netns: TestNetns | undefined;
let snmpd: Snmpd | undefined;

beforeAll(async () => {
  const { snmpd: daemon, snmpget, snmpwalk } = bins;
  if (!ip || !daemon || !snmpget || !snmpwalk) return;
  netns = createNetns(ip, "s");
  for (let i = 0; i < PAIRS; i++) {
    execFileSync(ip, [
      "-n",
      netns.name,
      "link",
      "add",
      `va${i}`,
      "type",
      "veth",
      "peer",
      "name",
      `vb${i}`,
    ]);
  }
  snmpd = await startSnmpd(
    { snmpd: daemon, snmpget, snmpwalk },
    { ip, netns: netns.name, address: netns.nsAddress, client: netns.hostAddress },
  );
}, 60_000);

afterAll(async () => {
  await snmpd?.stop();
  netns?.remove();
});

function interfaceNames(outcome: ProbeOutcome): string[] {
  return (outcome.samples ?? [])
    .filter((s) => s.metric === "giamsat_snmp_interface_up")
    .map((s) => s.labels?.interface as string)
    .sort();
}

describe("snmp probe against a device with many interfaces", () => {
  it("reports every interface snmpwalk lists, on the first run and the runs after", async (ctx) => {
    if (!netns || !snmpd) return ctx.skip("ip or Net-SNMP is not installed");
    const listed = [...(await snmpd.walk(V2C_ARGS, IF_COLUMNS.name)).values()].sort();
    // More rows than one getBulk of the probe asks for (25), and than its first guess (8).
    expect(listed.length).toBe(2 * PAIRS + 2);
    expect(listed).toContain("va14");
    const check = snmpProbe.schema.parse({
      name: "core-switch",
      category: "lan",
      kind: "snmp",
      host: netns.nsAddress,
      port: snmpd.port,
      community: SNMPD_COMMUNITY,
      timeout: "5s",
    });
    for (let run = 1; run <= 3; run++) {
      const outcome = await snmpProbe.run(check, {
        signal: AbortSignal.timeout(check.timeout),
        log: silentLogger(),
        inventoryDue: false,
      });
      expect(outcome.up, `run ${run}: ${outcome.message}`).toBe(true);
      expect(interfaceNames(outcome), `run ${run}`).toEqual(listed);
      expect(outcome.summary?.interfaces).toMatch(new RegExp(`^\\d+/${listed.length} up$`));
    }
  });
});
