// A unit's link to the data center cut for real: the agent runs here, its data-center services in
// a namespace behind a gateway namespace, and an nftables drop on the gateway cuts everything
// beyond it. Exactly one message names the link and lists the checks it took down, and exactly one
// says it is back; the link's is the one incident, listing them. With the link fine and the web
// server stopped, the website and the application open incidents of their own. Every namespace, route, table and process the test makes is removed, also when
// it fails.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/delivery.js";
import { createNetns, type TestNetns } from "../../helpers/netns.js";
import { peer } from "../../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";
import { WebhookReceiver } from "../../helpers/webhook-receiver.js";

const ip = peer("ip");
const nft = peer("nft");
const ping = peer("ping");
const python = peer("python3");
const CUT = "giamsat_link_cut";

describe.skipIf(!ip || !nft || !ping || !python)("a unit's data-center link cut", () => {
  const dir = tempDir();
  const receiver = new WebhookReceiver();
  const cleanups: (() => unknown)[] = [];
  let gateway: TestNetns;
  let service: ChildProcess | undefined;
  let collector: CollectorProcess | undefined;
  let agent: Program | undefined;
  const run = (...args: string[]) => execFileSync(ip as string, args, { encoding: "utf8" });

  beforeAll(async () => {
    await receiver.listen();
    cleanups.push(() => receiver.close());
    // Gateway namespace: 10.X.T.2 on the link from here; 10.X.T+1.0/24 routed through it.
    gateway = createNetns(ip as string, "g");
    cleanups.push(() => gateway.remove());
    const [a, b, t] = gateway.nsAddress.split(".").map(Number) as [number, number, number];
    const beyond = `${a}.${b}.${t + 1}`;
    const dcAddress = `${beyond}.2`;
    // Should a namespace go away mid-test, these addresses must not follow the default route out.
    const blackhole = `${a}.${b}.${t}.0/23`;
    run("route", "add", "blackhole", blackhole);
    cleanups.push(() => {
      run("route", "del", "blackhole", blackhole);
    });
    // The data center's namespace behind the gateway, which forwards between the two.
    const dc = `giamsat-${process.pid}-d`;
    const [gwSide, dcSide] = [`gs${process.pid}dg`, `gs${process.pid}dd`];
    run("netns", "add", dc);
    cleanups.push(() => {
      try {
        run("netns", "del", dc);
      } catch {
        // already gone
      }
    });
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
    // A web server in the data center: the unit's website and its online application.
    const port = await freePort();
    service = spawn(
      ip as string,
      [
        "netns",
        "exec",
        dc,
        python as string,
        "-m",
        "http.server",
        String(port),
        "--bind",
        dcAddress,
      ],
      { stdio: "ignore", cwd: dir.path },
    );
    cleanups.push(() => {
      if (service?.pid !== undefined && service.exitCode === null)
        process.kill(service.pid, "SIGTERM");
    });

    collector = await startCollectorProcess(
      dir.path,
      `web: { auth: false }
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
    cleanups.push(() => collector?.program.stop());
    const token = await collector.enroll("so-tttt", "pc-01");
    const every = `interval: "3s"`;
    const config = writeAgentConfig(
      dir.path,
      "pc-01",
      collector.url,
      token,
      `host: false
checks:
  - { name: dc-link, category: datacenter, kind: ping, host: "${dcAddress}", count: 2, timeout: "2500ms", ${every} }
  - { name: portal, category: website, kind: http, url: "http://${dcAddress}:${port}/", timeout: "2s", ${every} }
  - { name: egov, category: online_app, kind: tcp, host: "${dcAddress}", port: ${port}, timeout: "2s", ${every} }
  - { name: gateway, category: lan, kind: ping, host: "${gateway.nsAddress}", count: 2, timeout: "2500ms", ${every} }
`,
    );
    agent = startProgram(AGENT_CLI, ["run", "--config", config]);
    cleanups.push(() => agent?.stop());
  }, 60_000);

  afterAll(async () => {
    if (gateway) {
      try {
        execFileSync(
          ip as string,
          ["netns", "exec", gateway.name, nft as string, "delete", "table", "inet", CUT],
          {
            stdio: "ignore",
          },
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

  it("sends one message naming the link and its affected checks, then one all-clear", async () => {
    // Every check up first, so what follows is the cut's doing.
    await eventually(
      async () => {
        const page = await (await fetch(`${collector?.url}/api/v1/units/so-tttt/checks`)).text();
        return (page.match(/"state":"up"/g) ?? []).length === 4 ? true : undefined;
      },
      40_000,
      "every check up",
    );
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
    expect(link?.affected.map((a) => [a.check, a.category]).sort()).toEqual([
      ["egov", "online_app"],
      ["portal", "website"],
    ]);
    expect(down.payload.title).toBe(
      "[giamsat] Sở Thông tin và Truyền thông: mất kết nối Trung tâm tích hợp dữ liệu, 2 kiểm tra bị ảnh hưởng",
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
    const api = async <T>(path: string) =>
      (await (await fetch(`${collector?.url}${path}`)).json()) as T;
    type Listed = { check: string; end: number | null; dependents: { check: string }[] };
    const { incidents } = await api<{ incidents: Listed[] }>(
      "/api/v1/incidents?unit=so-tttt&kind=check",
    );
    expect(incidents.map((i) => i.check)).toEqual(["dc-link"]);
    expect(incidents[0]?.dependents.map((d) => d.check).sort()).toEqual(["egov", "portal"]);

    // With the link fine, the web server itself stopped: the website and the application open
    // incidents of their own, announced.
    if (service?.pid !== undefined) process.kill(service.pid, "SIGTERM");
    const own = await eventually(
      () => {
        const items = receiver.requests.slice(2).flatMap((r) => r.payload.items);
        return items.length >= 2 ? items : undefined;
      },
      60_000,
      "the web server's problems",
    );
    expect(own.map((i) => [i.subject, i.check, i.state]).sort()).toEqual([
      ["check", "egov", "open"],
      ["check", "portal", "open"],
    ]);
  }, 300_000);
});
