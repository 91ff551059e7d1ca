// Discovery end to end: a collector whose collector.yaml gives the unit its network and SNMP
// credentials (the minimal form, the community from the environment), a real agent,
// and a LAN of network namespaces with a printer (snmpd) and a host answering ping only. The
// unit's own user starts a run through the API (202 with its id) and reads what it found; a
// request for a network the unit does not own is refused (403), audited, and nothing is sent
// there (an nftables counter); another unit's user may not start one. Approving the printer makes
// its checks central checks the running agent takes and reports on. The community appears in no
// log, no answer and no audit entry.
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../collector/db/database.js";
import { createLan, type TestLan } from "../helpers/lan.js";
import { find, scrape } from "../helpers/metrics.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { PRINTER_SYS, printerDevice } from "../helpers/snmp-devices.js";
import { SNMPD_COMMUNITY, SNMPD_SYS_NAME, type Snmpd, startSnmpd } from "../helpers/snmpd.js";
import { addUsers, Browser, PASSWORD } from "../helpers/web.js";

const run = promisify(execFile);
const ip = peer("ip");
const nft = peer("nft");
const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
const TABLE = `giamsat_${process.pid}_e`;
const dir = tempDir();
let lan: TestLan | undefined;
let snmpd: Snmpd | undefined;
let collector: CollectorProcess | undefined;
let agent: Program | undefined;

beforeAll(async () => {
  const { snmpd: daemon, snmpget, snmpwalk } = bins;
  if (!ip || !nft || !daemon || !snmpget || !snmpwalk) return;
  lan = createLan(ip, 2, "e");
  const [printer] = lan.devices;
  if (!printer) throw new Error("no LAN");
  snmpd = await startSnmpd(
    { snmpd: daemon, snmpget, snmpwalk },
    { ip, netns: printer.name, address: printer.address, client: lan.agentAddress },
    { ...printerDevice(), port: 161 },
  );
  execFileSync(ip, ["route", "add", "blackhole", lan.foreign]);
  execFileSync(nft, ["-f", "-"], {
    input: `table inet ${TABLE} {\n counter foreign {}\n chain out {\n  type filter hook output priority 0;\n  ip daddr ${lan.foreign} counter name foreign\n }\n}\n`,
  });
  // enroll reads collector.yaml too, in a process of its own that inherits this environment.
  process.env.SNMP_COMMUNITY = SNMPD_COMMUNITY;
  collector = await startCollectorProcess(
    dir.path,
    `units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    discovery:
      networks: ["${lan.network}"]
      snmp: [{ community: "\${SNMP_COMMUNITY}" }]
      port: 161
      rate: 100
      concurrency: 32
  - id: quan-hai-chau
`,
    { SNMP_COMMUNITY: SNMPD_COMMUNITY },
  );
  await addUsers(join(dir.path, "collector.db"), [
    { name: "it-so", role: "unit", unit: "so-tttt" },
    { name: "it-hc", role: "unit", unit: "quan-hai-chau" },
  ]);
  const token = await collector.enroll("so-tttt", "pc-01");
  const file = writeAgentConfig(
    dir.path,
    "pc-01",
    collector.url,
    token,
    `host: false\nchecks:\n  - { name: gateway, category: lan, kind: ping, host: "${lan.agentAddress}" }\n`,
  );
  agent = startProgram(AGENT_CLI, ["run", "--config", file], {}, { cwd: dir.path });
  await collector.program.waitForLog((l) => l.msg === "agent said hello");
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await collector?.program.stop();
  await snmpd?.stop();
  if (nft) execFileSync(nft, ["delete", "table", "inet", TABLE], { stdio: "ignore" });
  if (ip && lan) {
    try {
      execFileSync(ip, ["route", "del", "blackhole", lan.foreign]);
    } catch {
      // not added
    }
  }
  lan?.remove();
  dir.remove();
  delete process.env.SNMP_COMMUNITY;
});

async function login(name: string, unit = "so-tttt"): Promise<{ browser: Browser; csrf: string }> {
  const browser = new Browser(collector?.url ?? "");
  expect((await browser.login(name, PASSWORD)).status).toBe(303);
  return { browser, csrf: await browser.csrf(`/units/${unit}`) };
}

describe("discovery through the collector", () => {
  it("is started by the unit's user and finds the printer and the host", async (ctx) => {
    if (!lan || !collector) return ctx.skip("ip, nft or Net-SNMP is not installed");
    const { browser, csrf } = await login("it-so");
    const started = await browser.postJson("/api/v1/units/so-tttt/discovery", {}, csrf);
    expect(started.status).toBe(202);
    const { id } = JSON.parse(started.text) as { id: number };
    expect(id).toBeGreaterThan(0);
    const result = await eventually(
      async () => {
        const answer = JSON.parse((await browser.get("/api/v1/units/so-tttt/discovery")).text);
        return answer.state === "done" ? answer : undefined;
      },
      90_000,
      "the discovery run done",
    );
    const [printer, host] = lan.devices.map((d) => d.address);
    expect(result.id).toBe(id);
    expect(result.devices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          address: printer,
          type: "printer",
          sysObjectID: PRINTER_SYS.objectId,
          status: "new",
        }),
        expect.objectContaining({ address: host, type: "host", status: "new" }),
      ]),
    );
    // The printer is approved with the checks proposed for it, the host ignored.
    const printerEntry = result.devices.find((d: { address: string }) => d.address === printer);
    expect(printerEntry.proposal.checks).toEqual([
      {
        name: SNMPD_SYS_NAME,
        category: "equipment",
        kind: "ping",
        host: printer,
      },
      {
        name: `${SNMPD_SYS_NAME}-printer`,
        category: "equipment",
        kind: "printer",
        host: printer,
        credential: 0,
      },
    ]);
    // Approved as proposed, every 5 s: they become the unit's central checks, reach the running
    // agent, and give data within that interval (the printer's from its snmpd).
    const approve = await browser.postJson(
      `/api/v1/units/so-tttt/discovery/devices/${printer}`,
      {
        decision: "approve",
        checks: printerEntry.proposal.checks.map((c: object) => ({ ...c, interval: "5s" })),
      },
      csrf,
    );
    expect(approve.status).toBe(200);
    expect(JSON.parse(approve.text)).toMatchObject({ address: printer, decision: "approved" });
    const up = await eventually(
      async () => {
        const samples = await scrape(collector?.url ?? "");
        const found = [SNMPD_SYS_NAME, `${SNMPD_SYS_NAME}-printer`].map(
          (check) => find(samples, "giamsat_check_up", { check })[0]?.value,
        );
        return found.every((value) => value === 1) ? found : undefined;
      },
      30_000,
      "the approved checks' data",
    );
    expect(up).toEqual([1, 1]);
    expect(agent?.child.exitCode).toBeNull();
    const ignore = await browser.postJson(
      `/api/v1/units/so-tttt/discovery/devices/${host}`,
      { decision: "ignore" },
      csrf,
    );
    expect(JSON.parse(ignore.text)).toMatchObject({ address: host, decision: "ignored" });
    const everything = [
      collector.program.output(),
      agent?.output() ?? "",
      JSON.stringify(result),
      (await browser.get("/units/so-tttt")).text,
      (await browser.get("/audit")).text,
    ].join("\n");
    expect(everything).not.toContain(SNMPD_COMMUNITY);
  }, 120_000);

  it("refuses a network the unit does not own, audits it, and sends nothing there", async (ctx) => {
    if (!lan || !collector || !nft) return ctx.skip("ip, nft or Net-SNMP is not installed");
    const { browser, csrf } = await login("it-so");
    const refused = await browser.postJson(
      "/api/v1/units/so-tttt/discovery",
      { networks: [lan.foreign] },
      csrf,
    );
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(`${lan.foreign} is not among unit so-tttt's networks`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { stdout } = await run(nft, ["-j", "list", "counter", "inet", TABLE, "foreign"]);
    expect(
      JSON.parse(stdout).nftables.find((e: { counter?: unknown }) => e.counter).counter.packets,
    ).toBe(0);
    const db = openDatabase(join(dir.path, "collector.db"));
    try {
      const audit = db
        .prepare(
          "SELECT actor, action, unit_id AS unit FROM audit WHERE action LIKE 'discovery.%' ORDER BY id",
        )
        .all();
      expect(audit).toEqual([
        { actor: "it-so", action: "discovery.start", unit: "so-tttt" },
        { actor: "it-so", action: "discovery.decide", unit: "so-tttt" },
        { actor: "it-so", action: "discovery.decide", unit: "so-tttt" },
        { actor: "it-so", action: "discovery.refused", unit: "so-tttt" },
      ]);
    } finally {
      db.close();
    }
    const other = await login("it-hc", "quan-hai-chau");
    const forbidden = await other.browser.postJson(
      "/api/v1/units/so-tttt/discovery",
      {},
      other.csrf,
    );
    expect(forbidden.status).toBe(403);
  }, 60_000);
});
