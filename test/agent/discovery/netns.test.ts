// Discovery over a unit's LAN built of network namespaces behind a bridge: snmpd as a switch, a
// printer, a UPS and a router (each with its own sysObjectID and sysDescr), a host answering ICMP
// only and one answering only TCP 443. Every one is found and typed; the router's ARP table names
// an address outside the unit's network, to which nothing is sent (an nftables counter); the probes
// keep to the rate asked for (the same counter read each second); no credential is in the results.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discover } from "../../../agent/discovery/job.js";
import type { DiscoveredDevice } from "../../../shared/discovery.js";
import {
  createLan,
  type LanDevice,
  linkDevices,
  routeForeign,
  type TestLan,
} from "../../helpers/lan.js";
import { peer } from "../../helpers/peers.js";
import { eventually, tempDir } from "../../helpers/processes.js";
import { PRINTER_SYS, printerDevice, UPS_SYS, upsDevice } from "../../helpers/snmp-devices.js";
import {
  SNMPD_COMMUNITY,
  type Snmpd,
  type SnmpdDevice,
  startSnmpd,
  V2C_ARGS,
} from "../../helpers/snmpd.js";

const run = promisify(execFile);
const ip = peer("ip");
const nft = peer("nft");
const lldpd = peer("lldpd");
const lldpcli = peer("lldpcli");
const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
const TABLE = `giamsat_${process.pid}_d`;
const RATE = 20;
const WRONG_COMMUNITY = "not-this-one-5f1c";
/** lldpRemSysName (LLDP-MIB). */
const LLDP_SYS_NAME = "1.0.8802.1.1.2.1.4.1.1.9";
/** lldpRemManAddrIfSubtype (LLDP-MIB): a row for each neighbour's management address. */
const LLDP_MANAGEMENT_ADDRESS = "1.0.8802.1.1.2.1.4.2.1.3";

const dir = tempDir("giamsat-lldp-");
// lldpd's privileged half makes its sockets here for its unprivileged user (_lldpd) to use.
chmodSync(dir.path, 0o755);
const AGENTX = join(dir.path, "agentx");
const SWITCH: SnmpdDevice = {
  port: 161,
  config: [
    // lldpd's AgentX sub-agent fills LLDP-MIB in this snmpd.
    "master agentx",
    `agentXSocket ${AGENTX}`,
    // lldpd answers snmpd's AgentX requests; on a loaded machine it may take longer than 1 s.
    "agentXTimeout 10",
    "sysObjectID .1.3.6.1.4.1.9.1.1208",
    "sysDescr Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4",
    "override .1.3.6.1.2.1.17.1.2.0 integer 24",
  ],
};
const ROUTER: SnmpdDevice = {
  port: 161,
  config: ["sysObjectID .1.3.6.1.4.1.14988.1", "sysDescr RouterOS RB4011iGS+"],
};

let lan: TestLan | undefined;
const daemons: Snmpd[] = [];
let listener: ChildProcess | undefined;
let foreignPrefix = "";
const lldpds: ChildProcess[] = [];

/** lldpd in a device's namespace on its LLDP link, sending every second, named `name`. */
async function startLldpd(device: LanDevice, link: string, name: string, agentx?: string) {
  const control = join(dir.path, `${name}.sock`);
  const args = ["netns", "exec", device.name, lldpd as string, "-d", "-u", control, "-I", link];
  if (agentx) args.push("-x", "-X", agentx);
  lldpds.push(spawn(ip as string, args, { stdio: "ignore" }));
  const cli = (...words: string[]) =>
    eventually(
      () => {
        execFileSync(
          ip as string,
          ["netns", "exec", device.name, lldpcli as string, "-u", control, ...words],
          { stdio: "pipe" },
        );
        return true;
      },
      10_000,
      `lldpcli ${words.join(" ")}`,
    );
  await cli("configure", "system", "hostname", name);
  await cli("configure", "system", "ip", "management", "pattern", device.address);
  await cli("configure", "lldp", "tx-interval", "1");
  // A neighbour is forgotten after tx-interval × tx-hold without a frame: 4 s by default at this
  // interval, which a loaded machine can starve lldpd of. 10 keeps it for 10 s, and still lets the
  // entry of lldpd's first frames, sent before this configuration, go soon.
  await cli("configure", "lldp", "tx-hold", "10");
  // lldpd starts paused and resumes when the lldpcli it runs at start has read its configuration
  // files; on a loaded machine that run can fail, and lldpd then never sends a frame.
  await cli("resume");
}

async function counter(name: string): Promise<number> {
  const { stdout } = await run(nft as string, ["-j", "list", "counter", "inet", TABLE, name]);
  const found = JSON.parse(stdout).nftables.find((e: { counter?: unknown }) => e.counter);
  return found.counter.packets as number;
}

beforeAll(async () => {
  const { snmpd, snmpget, snmpwalk } = bins;
  if (!ip || !nft || !lldpd || !lldpcli || !snmpd || !snmpget || !snmpwalk) return;
  lan = createLan(ip, 6, "d");
  const [sw, printer, ups, icmpOnly, tcpOnly, router] = lan.devices;
  if (!sw || !printer || !ups || !icmpOnly || !tcpOnly || !router) throw new Error("no LAN");
  const found = { snmpd, snmpget, snmpwalk };
  const place = (name: string, address: string) => ({
    ip,
    netns: name,
    address,
    client: lan?.agentAddress ?? "",
  });
  daemons.push(await startSnmpd(found, place(sw.name, sw.address), SWITCH));
  daemons.push(
    await startSnmpd(found, place(printer.name, printer.address), {
      ...printerDevice(),
      port: 161,
    }),
  );
  daemons.push(
    await startSnmpd(found, place(ups.name, ups.address), { ...upsDevice(), port: 161 }),
  );
  router.exec(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  daemons.push(await startSnmpd(found, place(router.name, router.address), ROUTER));
  // The switch and the router see each other over LLDP on a link of their own; the switch's
  // snmpd holds the router in lldpRemTable once lldpd has heard it.
  linkDevices(ip, sw, router);
  await startLldpd(sw, "lldp0", "core-switch", AGENTX);
  await startLldpd(router, "lldp1", "core-router");
  // Both tables discovery reads for an edge: the neighbour's name and its management address, as
  // configured (lldpd's first frames may carry the machine's host name and another address).
  await eventually(
    async () => {
      const names = await daemons[0]?.walk(V2C_ARGS, LLDP_SYS_NAME);
      const addresses = await daemons[0]?.walk(V2C_ARGS, LLDP_MANAGEMENT_ADDRESS);
      const named = [...(names?.values() ?? [])].every((name) => name === "core-router");
      const addressed = [...(addresses?.keys() ?? [])].some((oid) =>
        oid.endsWith(`.${router.address}`),
      );
      if (names?.size === 1 && named && addressed) return true;
      // Not yet: what the switch's lldpd has heard and what its snmpd answers, for the error.
      const heard = execFileSync(
        ip as string,
        [
          "netns",
          "exec",
          sw.name,
          lldpcli as string,
          "-u",
          join(dir.path, "core-switch.sock"),
        ].concat(["show", "neighbors", "summary"]),
        { encoding: "utf8" },
      );
      const answered = JSON.stringify({
        names: [...(names ?? [])],
        addresses: [...(addresses ?? [])],
      });
      throw new Error(`lldpd heard: ${heard}\nsnmpd answered: ${answered}`);
    },
    40_000,
    "the router in the switch's lldpRemTable and lldpRemManAddrTable",
  );
  // The TCP-only host drops echo requests and listens on 443; it has spoken to the router, which
  // holds it in its ARP table, as it holds a host of a network that is not the unit's.
  tcpOnly.exec(["sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1"]);
  listener = spawn(
    ip,
    [
      "netns",
      "exec",
      tcpOnly.name,
      process.execPath,
      "-e",
      "require('node:net').createServer((s) => s.destroy()).listen(443, () => console.log('ready'))",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve) => listener?.stdout?.once("data", resolve));
  tcpOnly.exec(["ping", "-c", "1", "-W", "1", router.address]);
  foreignPrefix = routeForeign(ip, lan, router);
  router.exec([
    ip,
    "neigh",
    "add",
    `${foreignPrefix}.7`,
    "lladdr",
    "02:00:00:00:00:07",
    "dev",
    "eth0",
    "nud",
    "permanent",
  ]);
  execFileSync(nft, ["-f", "-"], {
    input: [
      `table inet ${TABLE} {`,
      "  counter probes {}",
      "  counter foreign {}",
      "  chain out {",
      "    type filter hook output priority 0;",
      `    ip daddr ${lan.network} icmp type echo-request counter name probes`,
      `    ip daddr ${lan.network} tcp flags & (syn | ack) == syn counter name probes`,
      `    ip daddr ${lan.network} udp dport 161 counter name probes`,
      `    ip daddr ${lan.foreign} counter name foreign`,
      "  }",
      "}",
    ].join("\n"),
  });
}, 120_000);

afterAll(async () => {
  for (const child of lldpds) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
  }
  if (listener?.pid !== undefined && listener.exitCode === null) process.kill(listener.pid);
  for (const daemon of daemons) await daemon.stop();
  if (nft) {
    try {
      execFileSync(nft, ["delete", "table", "inet", TABLE], { stdio: "ignore" });
    } catch {
      // not made
    }
  }
  lan?.remove();
  dir.remove();
});

describe("discovery over a LAN of network namespaces", () => {
  it("finds and types every device, within the rate, never outside the unit's network", async (ctx) => {
    if (!lan) return ctx.skip("ip, nft or Net-SNMP is not installed");
    // nft reads the counter somewhere between its start and its answer, and a busy machine can take
    // a good part of a second to start it: each reading keeps both times.
    const readings: { started: number; answered: number; packets: number }[] = [];
    const sampler = setInterval(() => {
      const started = performance.now();
      counter("probes").then(
        (packets) => readings.push({ started, answered: performance.now(), packets }),
        () => {},
      );
    }, 1000);
    const progress: number[] = [];
    let devices: DiscoveredDevice[];
    try {
      devices = await discover(
        {
          id: 1,
          networks: [lan.network],
          snmp: [
            { version: "2c", community: WRONG_COMMUNITY },
            { version: "2c", community: SNMPD_COMMUNITY },
          ],
          port: 161,
          rate: RATE,
          concurrency: 32,
        },
        { signal: AbortSignal.timeout(90_000), onProgress: (p) => progress.push(p.swept) },
      );
    } finally {
      clearInterval(sampler);
    }
    const [sw, printer, ups, icmpOnly, tcpOnly, router] = lan.devices.map((d) => d.address);
    const byAddress = new Map(devices.map((d) => [d.address, d]));
    expect(byAddress.get(sw as string)).toMatchObject({
      type: "switch",
      snmpCredential: 1,
      sysObjectID: "1.3.6.1.4.1.9.1.1208",
    });
    expect(byAddress.get(printer as string)).toMatchObject({
      type: "printer",
      sysObjectID: PRINTER_SYS.objectId,
      sysDescr: PRINTER_SYS.descr,
    });
    expect(byAddress.get(ups as string)).toMatchObject({
      type: "ups",
      sysObjectID: UPS_SYS.objectId,
      sysDescr: UPS_SYS.descr,
    });
    // The LLDP edge: the switch names the router, with its management address on the LAN.
    expect(byAddress.get(sw as string)?.neighbours).toEqual([
      expect.objectContaining({ sysName: "core-router", address: router }),
    ]);
    expect(byAddress.get(router as string)).toMatchObject({
      type: "router",
      sysObjectID: "1.3.6.1.4.1.14988.1",
    });
    expect(byAddress.get(icmpOnly as string)).toMatchObject({ type: "host", foundBy: ["icmp"] });
    expect(byAddress.get(icmpOnly as string)?.openPorts).toBeUndefined();
    expect(byAddress.get(tcpOnly as string)).toMatchObject({
      type: "host",
      foundBy: ["arp", "tcp"],
      openPorts: [443],
    });
    // What each device said is what snmpget reads from it.
    const read = await daemons[0]?.get(V2C_ARGS, ["1.3.6.1.2.1.1.5.0"]);
    expect(byAddress.get(sw as string)?.sysName).toBe(read?.get("1.3.6.1.2.1.1.5.0"));
    expect(progress.at(-1)).toBe(62);

    // The router's ARP table held the foreign host; nothing was sent there.
    const arp = await daemons[3]?.walk(V2C_ARGS, "1.3.6.1.2.1.4.22.1.2");
    expect([...(arp?.keys() ?? [])].some((oid) => oid.endsWith(`.${foreignPrefix}.7`))).toBe(true);
    expect(devices.map((d) => d.address).filter((a) => a.startsWith(`${foreignPrefix}.`))).toEqual(
      [],
    );
    expect(await counter("foreign")).toBe(0);
    // The counter does count what goes there.
    await run("ping", ["-c", "1", "-W", "1", `${foreignPrefix}.9`]).catch(() => {});
    expect(await counter("foreign")).toBe(1);

    // At most RATE probe packets a second, measured over each second of the run. The packets
    // between two readings were sent within at most the time from the first nft's start to the
    // second's answer: over that time the rate must hold.
    const total = await counter("probes");
    expect(total).toBeGreaterThan(62);
    expect(readings.length).toBeGreaterThan(2);
    readings.sort((a, b) => a.started - b.started);
    for (let i = 1; i < readings.length; i++) {
      const [before, after] = [readings[i - 1], readings[i]] as [
        (typeof readings)[0],
        (typeof readings)[0],
      ];
      const perSecond =
        ((after.packets - before.packets) * 1000) / (after.answered - before.started);
      expect(perSecond, `second ${i}`).toBeLessThanOrEqual(RATE * 1.25 + 2);
    }

    const text = JSON.stringify(devices);
    expect(text).not.toContain(SNMPD_COMMUNITY);
    expect(text).not.toContain(WRONG_COMMUNITY);
  }, 120_000);
});
