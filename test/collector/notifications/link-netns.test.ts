// A unit's link to the data center cut for real, in network namespaces this test makes: the agent
// in its own namespace, on a LAN behind a gateway namespace that routes to the data center's, where
// a web server, a TCP service and an SNMP device (a real snmpd) run. The agent reaches the
// collector over a link of its own, as a unit's agent reaches the city over its management path,
// so the cut takes the services away and not the agent. An nftables drop on the gateway gives
// exactly one incident, the link's (the unit's root), listing the checks that depended on it, one
// message and one all-clear; the dependents' availability is untouched by it (the time is
// unreachable because of the link, not theirs). With the link fine and the web server stopped, the
// website opens an incident of its own. Every namespace, route, table and process the test makes is
// removed, also when it fails.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/delivery.js";
import { createNetns, type TestNetns } from "../../helpers/netns.js";
import { peer } from "../../helpers/peers.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  eventually,
  type Program,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";
import { SNMPD_COMMUNITY, type Snmpd, startSnmpd } from "../../helpers/snmpd.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";
import { WebhookReceiver } from "../../helpers/webhook-receiver.js";

const ip = peer("ip");
const nft = peer("nft");
const ping = peer("ping");
const python = peer("python3");
const snmpd = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
const CUT = "giamsat_link_cut";
/** The checks' interval, ms. */
const EVERY = 3000;

/** A TCP service that accepts and closes: the unit's online application in the data center. */
const TCP_SERVICE = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
`;

const needs = [ip, nft, ping, python, snmpd.snmpd, snmpd.snmpget, snmpd.snmpwalk];
describe.skipIf(needs.some((p) => !p))("a unit's data-center link cut", () => {
  const dir = tempDir();
  const receiver = new WebhookReceiver();
  const cleanups: (() => unknown)[] = [];
  let agentNs: TestNetns;
  let gateway: TestNetns;
  let web: ChildProcess | undefined;
  let collector: CollectorProcess | undefined;
  let agent: Program | undefined;
  let device: Snmpd | undefined;
  const reader = { browser: undefined as Browser | undefined };
  const run = (...args: string[]) => execFileSync(ip as string, args, { encoding: "utf8" });
  const api = async <T>(path: string): Promise<T> => {
    const answer = await (reader.browser as Browser).get(path);
    expect(answer.status).toBe(200);
    return JSON.parse(answer.text) as T;
  };
  const deleteNetns = (name: string) => () => {
    try {
      run("netns", "del", name);
    } catch {
      // already gone
    }
  };
  const spawnIn = (netns: string, argv: string[]) => {
    const child = spawn(ip as string, ["netns", "exec", netns, ...argv], {
      stdio: "ignore",
      cwd: dir.path,
    });
    cleanups.push(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
    });
    return child;
  };

  beforeAll(async () => {
    await receiver.listen();
    cleanups.push(() => receiver.close());
    // The agent's namespace: its link to the collector (10.A.T.0/24), its LAN (10.A.T+1.0/24).
    agentNs = createNetns(ip as string, "a");
    cleanups.push(() => agentNs.remove());
    // The gateway's namespace; the data center (10.G.U+1.0/24) is behind it.
    gateway = createNetns(ip as string, "g");
    cleanups.push(() => gateway.remove());
    const subnet = (address: string, step: number) => {
      const [a, b, t] = address.split(".").map(Number) as [number, number, number];
      return `${a}.${b}.${t + step}`;
    };
    const lan = subnet(agentNs.nsAddress, 1);
    const [agentLan, gatewayLan] = [`${lan}.2`, `${lan}.1`];
    const beyond = subnet(gateway.nsAddress, 1);
    const dcAddress = `${beyond}.2`;
    // Should a namespace go away mid-test, these addresses must not follow the default route out.
    for (const address of [agentNs.nsAddress, gateway.nsAddress]) {
      const blackhole = `${subnet(address, 0)}.0/23`;
      run("route", "add", "blackhole", blackhole);
      cleanups.push(() => run("route", "del", "blackhole", blackhole));
    }
    // The LAN: the agent's namespace and the gateway, which routes to the data center.
    const [lanAgent, lanGateway] = [`gs${process.pid}la`, `gs${process.pid}lg`];
    run(
      "link",
      "add",
      lanAgent,
      "netns",
      agentNs.name,
      "type",
      "veth",
      "peer",
      "name",
      lanGateway,
      "netns",
      gateway.name,
    );
    run("-n", agentNs.name, "addr", "add", `${agentLan}/24`, "dev", lanAgent);
    run("-n", agentNs.name, "link", "set", lanAgent, "up");
    run("-n", gateway.name, "addr", "add", `${gatewayLan}/24`, "dev", lanGateway);
    run("-n", gateway.name, "link", "set", lanGateway, "up");
    run("-n", agentNs.name, "route", "add", `${beyond}.0/24`, "via", gatewayLan);
    // The data center's namespace behind the gateway, which forwards between the two.
    const dc = `giamsat-${process.pid}-d`;
    const [gwSide, dcSide] = [`gs${process.pid}dg`, `gs${process.pid}dd`];
    run("netns", "add", dc);
    cleanups.push(deleteNetns(dc));
    run(
      "link",
      "add",
      gwSide,
      "netns",
      gateway.name,
      "type",
      "veth",
      "peer",
      "name",
      dcSide,
      "netns",
      dc,
    );
    run("-n", gateway.name, "addr", "add", `${beyond}.1/24`, "dev", gwSide);
    run("-n", gateway.name, "link", "set", gwSide, "up");
    run("-n", dc, "addr", "add", `${dcAddress}/24`, "dev", dcSide);
    run("-n", dc, "link", "set", dcSide, "up");
    run("-n", dc, "link", "set", "lo", "up");
    run("-n", dc, "route", "add", "default", "via", `${beyond}.1`);
    gateway.exec(["sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
    // In the data center: the website, the application and a switch that answers SNMP.
    const [webPort, tcpPort] = [await freePort(), await freePort()];
    web = spawnIn(dc, [
      python as string,
      "-m",
      "http.server",
      String(webPort),
      "--bind",
      dcAddress,
    ]);
    spawnIn(dc, [python as string, "-c", TCP_SERVICE, dcAddress, String(tcpPort)]);
    device = await startSnmpd(
      {
        snmpd: snmpd.snmpd as string,
        snmpget: snmpd.snmpget as string,
        snmpwalk: snmpd.snmpwalk as string,
      },
      {
        ip: ip as string,
        netns: dc,
        address: dcAddress,
        client: agentLan,
      },
    );
    cleanups.push(() => device?.stop());

    // The collector listens on the agent's link, so logins are on: a reader reads the API.
    const configFile = join(dir.path, "collector.yaml");
    writeFileSync(
      configFile,
      `listen: "${agentNs.hostAddress}:0"
database: "./collector.db"
incidents: { openAfter: 2, closeAfter: 2 }
notifications:
  channels:
    - { name: hook, type: webhook, url: "${receiver.url}" }
  routes:
    - { channels: [hook] }
  groupWait: "10s"
  resolveWait: "60s"
units:
  - { id: so-tttt, name: "Sở Thông tin và Truyền thông", root: dc-link }
`,
    );
    collector = await attachCollector(dir.path, configFile);
    cleanups.push(() => collector?.program.stop());
    await addUsers(join(dir.path, "collector.db"), [{ name: "reader", role: "operator" }]);
    reader.browser = new Browser(collector.url);
    expect((await reader.browser.login("reader", PASSWORD)).status).toBe(303);
    const token = await collector.enroll("so-tttt", "pc-01");
    const every = `interval: "${EVERY / 1000}s"`;
    const config = writeAgentConfig(
      dir.path,
      "pc-01",
      collector.url,
      token,
      `host: false
checks:
  - { name: dc-link, category: datacenter, kind: ping, host: "${dcAddress}", count: 2, timeout: "2500ms", ${every} }
  - { name: portal, category: website, kind: http, url: "http://${dcAddress}:${webPort}/", timeout: "2s", ${every} }
  - { name: egov, category: online_app, kind: tcp, host: "${dcAddress}", port: ${tcpPort}, timeout: "2s", ${every} }
  - { name: core-switch, category: equipment, kind: snmp, host: "${dcAddress}", port: ${device.port}, community: "${SNMPD_COMMUNITY}", interfaces: false, timeout: "2s", dependsOn: [dc-link], ${every} }
  - { name: gateway, category: lan, kind: ping, host: "${gatewayLan}", count: 2, timeout: "2500ms", ${every} }
`,
    );
    agent = startProgram(
      AGENT_CLI,
      ["run", "--config", config],
      {},
      {
        netns: { ip: ip as string, name: agentNs.name },
      },
    );
    cleanups.push(() => agent?.stop());
  }, 90_000);

  afterAll(async () => {
    if (gateway) {
      try {
        execFileSync(
          ip as string,
          ["netns", "exec", gateway.name, nft as string, "delete", "table", "inet", CUT],
          { stdio: "ignore" },
        );
      } catch {
        // not there (the test ended before the cut or after lifting it)
      }
    }
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // go on with the rest
      }
    }
    dir.remove();
  });

  it("is one incident and one message for the link, the dependents' availability untouched, then one all-clear", async () => {
    type Check = { check: string; state: string; downMs: number; unreachableMs: number };
    const checks = async () =>
      (await api<{ checks: Check[] }>("/api/v1/units/so-tttt/checks?window=1h")).checks;
    // Every check up first, so what follows is the cut's doing.
    await eventually(
      async () => {
        const now = await checks();
        return now.length === 5 && now.every((c) => c.state === "up") ? true : undefined;
      },
      40_000,
      "every check up",
    );
    expect((await checks()).map((c) => c.check).sort()).toEqual([
      "core-switch",
      "dc-link",
      "egov",
      "gateway",
      "portal",
    ]);
    gateway.exec(
      [nft as string, "-f", "-"],
      `table inet ${CUT} {
        chain forward {
          type filter hook forward priority 0; policy accept;
          counter drop
        }
      }\n`,
    );
    const down = await eventually(() => receiver.requests[0], 60_000, "the link's message");
    await new Promise((r) => setTimeout(r, 15_000)); // nothing else comes while the link is down
    expect(receiver.requests).toHaveLength(1);
    gateway.exec([nft as string, "delete", "table", "inet", CUT]);
    const back = await eventually(() => receiver.requests[1], 90_000, "the all-clear");
    await new Promise((r) => setTimeout(r, 15_000));
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.problems).toEqual([]);

    expect(down.payload.kind).toBe("problem");
    expect(down.payload.items).toHaveLength(1);
    const link = down.payload.items[0];
    expect(link).toMatchObject({
      subject: "link",
      state: "open",
      check: "dc-link",
      category: "datacenter",
    });
    // The website and the application by the unit's root; the switch by its own dependsOn.
    expect(link?.affected.map((a) => [a.check, a.category]).sort()).toEqual([
      ["core-switch", "equipment"],
      ["egov", "online_app"],
      ["portal", "website"],
    ]);
    expect(down.payload.title).toBe(
      "[giamsat] Sở Thông tin và Truyền thông: mất kết nối Trung tâm tích hợp dữ liệu, 3 kiểm tra bị ảnh hưởng",
    );
    expect(back.payload.kind).toBe("resolved");
    expect(back.payload.items[0]).toMatchObject({
      subject: "link",
      state: "resolved",
      check: "dc-link",
    });
    expect(back.payload.items[0]?.affected.every((a) => a.until !== null)).toBe(true);
    // The gateway itself answered throughout: the LAN check never failed.
    expect(JSON.stringify(receiver.requests)).not.toContain('"check":"gateway"');

    // One incident, the link's, listing the checks that depended on it; none of their own.
    type Listed = { check: string; end: number | null; dependents: { check: string }[] };
    const { incidents } = await api<{ incidents: Listed[] }>(
      "/api/v1/incidents?unit=so-tttt&kind=check",
    );
    expect(incidents.map((i) => i.check)).toEqual(["dc-link"]);
    expect(incidents[0]?.dependents.map((d) => d.check).sort()).toEqual([
      "core-switch",
      "egov",
      "portal",
    ]);

    // The dependents' time down is the link's: unreachable because of it, not theirs. Checks run
    // at different moments, so a dependent may fail up to one interval before the link's first
    // failed result (and back after its last): at most that is their own.
    const after = await checks();
    const linkDown = after.find((c) => c.check === "dc-link")?.downMs ?? 0;
    expect(linkDown).toBeGreaterThan(20_000);
    for (const name of ["portal", "egov", "core-switch"]) {
      const figures = after.find((c) => c.check === name);
      expect(figures?.unreachableMs, name).toBeGreaterThan(linkDown - 2 * EVERY);
      expect(figures?.downMs, name).toBeLessThanOrEqual(2 * EVERY);
    }

    // With the link fine, the web server itself stopped: the website opens an incident of its
    // own, announced; the application's service still answers.
    if (web?.pid !== undefined) process.kill(web.pid, "SIGTERM");
    const own = await eventually(
      () => {
        const items = receiver.requests.slice(2).flatMap((r) => r.payload.items);
        return items.length >= 1 ? items : undefined;
      },
      60_000,
      "the web server's problem",
    );
    await new Promise((r) => setTimeout(r, 3 * EVERY));
    expect(
      receiver.requests
        .slice(2)
        .flatMap((r) => r.payload.items)
        .map((i) => [i.subject, i.check, i.state]),
    ).toEqual([["check", "portal", "open"]]);
    expect(own[0]?.check).toBe("portal");
  }, 300_000);
});
